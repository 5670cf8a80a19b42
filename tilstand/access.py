"""Who may do what: roles per region, the one permission check every write goes through, the audit log.

Pages hide controls a role cannot use, but that is courtesy; the rule lives here. Every library
function that writes takes an `Actor` and calls `require(...)`, which raises `PermissionDenied`
(Norwegian message) and records the refusal. Allowed writes are recorded with `audit(...)` inside the
same transaction as the write, so the log never claims a change that was rolled back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from tilstand import queries
from tilstand.errors import TilstandError

ROLES = ("admin", "leder", "saksordforer", "lesar")
ROLE_NB = {
    "admin": "Administrator",
    "leder": "Barnevernleder",
    "saksordforer": "Saksordfører",
    "lesar": "Kommunestyremedlem (lesar)",
}
ALL_REGIONS = "*"

# action -> roles that may do it. "in some region" actions (import, user admin) are checked with region=None.
ACTIONS: dict[str, frozenset[str]] = {
    "read_draft": frozenset({"leder", "saksordforer"}),
    "read_published": frozenset(ROLES),
    "write_text": frozenset({"leder"}),
    "edit_structure": frozenset({"leder"}),
    "create_report": frozenset({"leder"}),
    "import": frozenset({"leder"}),
    "comment": frozenset({"leder", "saksordforer"}),
    "resolve_comment": frozenset({"leder", "saksordforer"}),
    "mark_reviewed": frozenset({"saksordforer"}),
    "submit_for_review": frozenset({"leder"}),
    "finish_review": frozenset({"leder", "saksordforer"}),
    "reopen": frozenset({"leder"}),
    "publish": frozenset({"leder"}),
    "choose_peers": frozenset({"leder"}),
    "manage_users": frozenset({"admin"}),
    "view_audit": frozenset({"admin"}),
}

ACTION_NB = {
    "read_draft": "lese utkast",
    "read_published": "lese publiserte rapporter",
    "write_text": "skrive tekst",
    "edit_structure": "endre kapitlene",
    "create_report": "starte en rapport",
    "import": "importere tall",
    "comment": "kommentere",
    "resolve_comment": "lukke kommentarer",
    "mark_reviewed": "merke kapitler som gjennomgått",
    "submit_for_review": "sende rapporten til gjennomgang",
    "finish_review": "merke rapporten som ferdig",
    "reopen": "åpne rapporten igjen",
    "publish": "publisere",
    "choose_peers": "velge sammenligningskommuner",
    "manage_users": "administrere brukere",
    "view_audit": "se revisjonsloggen",
}


class PermissionDenied(TilstandError):
    """The actor's roles do not allow this action here; nothing was written."""

    def __init__(self, actor: Actor, action: str, region: str | None):
        self.actor, self.action, self.region = actor, action, region
        where = f" for {region}" if region else ""
        super().__init__(
            f"{actor.display_name} har ikke tilgang til å {ACTION_NB.get(action, action)}{where}. "
            "Be en administrator om riktig rolle hvis du trenger det."
        )


@dataclass(frozen=True)
class Actor:
    """A signed-in person (or the command line). `grants` maps a region code (or '*') to roles; grants
    on an intermunicipal service are already expanded to its member municipalities when loaded."""

    username: str
    display_name: str
    grants: Mapping[str, frozenset[str]] = field(default_factory=dict)
    system: bool = False  # the command line: whoever can open the database file is its owner

    def roles_in(self, region: str | None) -> frozenset[str]:
        if region is None:
            return frozenset().union(*self.grants.values()) if self.grants else frozenset()
        return self.grants.get(region, frozenset()) | self.grants.get(ALL_REGIONS, frozenset())

    def can(self, action: str, region: str | None = None) -> bool:
        if self.system:
            return True
        return bool(ACTIONS[action] & self.roles_in(region))

    def regions(self, action: str) -> list[str] | None:
        """Regions where the action is allowed; None means every region (a '*' grant or the CLI)."""
        if self.system or ACTIONS[action] & self.grants.get(ALL_REGIONS, frozenset()):
            return None
        return sorted(r for r, roles in self.grants.items() if r != ALL_REGIONS and ACTIONS[action] & roles)


SYSTEM = Actor("kommandolinje", "Kommandolinjen", system=True)


def require(
    con: duckdb.DuckDBPyConnection, actor: Actor, action: str, region: str | None = None, target: str | None = None
) -> None:
    """Raise PermissionDenied unless allowed; a refusal is written to the audit log (outside any
    transaction the caller may roll back)."""
    if action not in ACTIONS:
        raise ValueError(action)
    if actor.can(action, region):
        return
    record(con.cursor(), actor, action, region=region, target=target, detail="nektet", allowed=False)
    raise PermissionDenied(actor, action, region)


def record(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor | str,
    action: str,
    *,
    region: str | None = None,
    target: str | None = None,
    detail: str | None = None,
    allowed: bool = True,
) -> None:
    """One audit row. Pass the write's own cursor so the row commits or rolls back with the write."""
    username = actor.username if isinstance(actor, Actor) else actor
    cur.execute(
        "INSERT INTO audit_log (logged_at, username, action, region_code, target, detail, allowed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [datetime.now(), username, action, region, target, detail, allowed],
    )


def audit_log(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    *,
    limit: int = 500,
    username: str | None = None,
    action: str | None = None,
) -> list[dict]:
    """The newest audit rows an administrator may read: all of them for an administrator of '*' (and the
    command line); else the rows about their municipalities and about the users they may manage (the rule
    and what a row without a region means: queries/audit_log.sql). Never rows about another municipality."""
    require(con, actor, "view_audit")
    rows = queries.run(
        con,
        "audit_log",
        regions=actor.regions("view_audit"),
        actor=actor.username,
        username=username,
        action=action,
        limit=limit,
    )
    return rows.to_dicts()
