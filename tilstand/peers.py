"""The peer municipalities a leader compares the service against ("epler med epler").

KOSTRA groups compare a municipality with others of similar size and economy, but a leader often knows
better which neighbours run a comparable service. The chosen set is saved per municipality and report
year, so the area pages, the writing room and the report show the same peers; a set saved for an
earlier year carries over until the leader saves a new one. Before anything is saved, the KOSTRA group's
other members (then the county's municipalities) closest in number of children are suggested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from tilstand import access, queries
from tilstand.access import Actor
from tilstand.errors import TilstandError

MAX_PEERS = 15
SUGGESTED = 6


class PeerSetError(TilstandError):
    """The chosen peers cannot be saved (too many, unknown code, the municipality itself); nothing written."""


@dataclass(frozen=True)
class PeerSet:
    region: str
    year: int  # the report year asked for
    peers: tuple[str, ...]
    origin: str  # "saved" (this year), "carried" (saved for an earlier year), "suggested"
    saved_year: int | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None

    def describe(self) -> str:
        """Where the set comes from, in a sentence a leader understands."""
        if self.origin == "saved":
            return f"Valgt for {self.year} av {self.updated_by}."
        if self.origin == "carried":
            return f"Valgt for {self.saved_year} av {self.updated_by}; gjelder til et nytt valg lagres for {self.year}."
        return "Forslag: kommuner i samme KOSTRA-gruppe (ellers samme fylke) med nærmest like mange barn."


def suggested(con: duckdb.DuckDBPyConnection, region: str, year: int, limit: int = SUGGESTED) -> tuple[str, ...]:
    df = queries.run(con, "peer_suggestions", region=region, year=year)
    return tuple(df["code"].head(limit).to_list())


def current(con: duckdb.DuckDBPyConnection, region: str, year: int) -> PeerSet:
    """The set in force for a report year: saved, carried over from an earlier year, or suggested."""
    df = queries.run(con, "peer_set", region=region, year=year)
    if df.height:
        r = df.row(0, named=True)
        origin = "saved" if r["year"] == year else "carried"
        return PeerSet(region, year, tuple(r["peers"]), origin, r["year"], r["updated_by"], r["updated_at"])
    return PeerSet(region, year, suggested(con, region, year), "suggested")


def for_report(con: duckdb.DuckDBPyConnection, region: str, year: int) -> tuple[str, ...]:
    """The peers the report and the writing room show: a set the leader saved (this year or carried over),
    never a mere suggestion the leader has not looked at."""
    s = current(con, region, year)
    return s.peers if s.origin != "suggested" else ()


def save(
    con: duckdb.DuckDBPyConnection, region: str, year: int, peers: list[str] | tuple[str, ...], *, actor: Actor
) -> PeerSet:
    """Save the leader's peers for this report year (replacing any set saved for the same year)."""
    access.require(con, actor, "choose_peers", region)
    chosen = tuple(dict.fromkeys(p.strip() for p in peers if p and p.strip()))
    _validate(con, region, chosen)
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute(
            "INSERT OR REPLACE INTO peer_set (region_code, year, peers, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
            [region, year, list(chosen), datetime.now(), actor.display_name],
        )
        access.record(cur, actor, "choose_peers", region=region, target=str(year), detail=" ".join(chosen))
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return current(con, region, year)


def _validate(con: duckdb.DuckDBPyConnection, region: str, chosen: tuple[str, ...]) -> None:
    if len(chosen) > MAX_PEERS:
        raise PeerSetError(f"Velg høyst {MAX_PEERS} sammenligningskommuner (du valgte {len(chosen)}).")
    if region in chosen:
        raise PeerSetError("Kommunen kan ikke sammenlignes med seg selv; ta den ut av sammenligningskommunene.")
    known = {
        c
        for (c,) in con.cursor()
        .execute("SELECT code FROM region WHERE kind = 'municipality' AND list_contains(?, code)", [list(chosen)])
        .fetchall()
    }
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise PeerSetError("Ukjent kommunenummer i sammenligningskommunene: " + ", ".join(unknown) + ".")
