"""The one permission check, on the writes that existed before roles: the report text, its chapters and
imports. Each is refused for every role that may not do it (nothing written, refusal in the audit log),
and each allowed write leaves an audit row in the same transaction."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import DATA
from tilstand import ingest, narrative
from tilstand.access import ACTIONS, ROLES, SYSTEM, Actor, PermissionDenied, audit_log

LEDER = Actor("lea", "Lea Leder", {"5001": frozenset({"leder"})})
SAKSORDFORER = Actor("sverre", "Sverre Saksordfører", {"5001": frozenset({"saksordforer", "lesar"})})
LESAR = Actor("live", "Live Lesar", {"5001": frozenset({"lesar"})})
ADMIN = Actor("ada", "Ada Administrator", {"*": frozenset({"admin"})})
OTHER_LEDER = Actor("ola", "Ola Leder", {"5006": frozenset({"leder"})})
REFUSED = (SAKSORDFORER, LESAR, ADMIN, OTHER_LEDER)
TABLES = ("report", "section", "section_version", "observation", "import_log")


def _digest(con) -> str:
    h = hashlib.sha256()
    for t in TABLES:
        h.update(repr(con.cursor().execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()).encode())
    return h.hexdigest()


def _refusals(con, username: str) -> int:
    return (
        con.cursor()
        .execute("SELECT count(*) FROM audit_log WHERE username = ? AND NOT allowed", [username])
        .fetchone()[0]
    )


@pytest.fixture
def report(con):
    return narrative.create_report(con, "5001", 2024, "nb", actor=LEDER)


@pytest.fixture
def chapter(con, report):
    s = narrative.sections(con, report.id)[0]
    narrative.save(con, s.id, "Første tekst.", base_version=0, actor=LEDER)
    return narrative.section(con, s.id)


WRITES = {
    "create_report": lambda con, actor, rep, sec: narrative.create_report(con, "5001", 2025, "nb", actor=actor),
    "save": lambda con, actor, rep, sec: narrative.save(
        con, sec.id, "Ny tekst.", base_version=sec.version, actor=actor
    ),
    "restore": lambda con, actor, rep, sec: narrative.restore(con, sec.id, 1, actor=actor, base_version=sec.version),
    "set_status": lambda con, actor, rep, sec: narrative.set_status(con, sec.id, "written", actor=actor),
    "update_structure": lambda con, actor, rep, sec: narrative.update_structure(
        con, sec.id, title="Nytt navn", actor=actor
    ),
    "add_section": lambda con, actor, rep, sec: narrative.add_section(
        con, rep.id, "Tilsyn", after_position=12, actor=actor
    ),
    "import": lambda con, actor, rep, sec: ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=actor),
}


CASES = [(w, a) for w in WRITES for a in REFUSED if not (w == "import" and a is OTHER_LEDER)]


@pytest.mark.parametrize("write, actor", CASES, ids=[f"{w}-{a.username}" for w, a in CASES])
def test_a_write_without_the_role_is_refused_changes_nothing_and_is_logged(con, report, chapter, write, actor):
    before = _digest(con)
    with pytest.raises(PermissionDenied, match="har ikke tilgang til å"):
        WRITES[write](con, actor, report, chapter)
    assert _digest(con) == before
    assert _refusals(con, actor.username) == 1


@pytest.mark.parametrize("write", list(WRITES))
def test_every_allowed_write_leaves_an_audit_row(con, report, chapter, write):
    before = con.cursor().execute("SELECT count(*) FROM audit_log WHERE username = 'lea' AND allowed").fetchone()[0]
    WRITES[write](con, LEDER, report, chapter)
    after = con.cursor().execute("SELECT count(*) FROM audit_log WHERE username = 'lea' AND allowed").fetchone()[0]
    assert after == before + 1


def test_a_leder_of_any_municipality_may_import_the_shared_statistics(con):
    result = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=OTHER_LEDER)
    assert result.inserted > 0


def test_the_command_line_is_the_database_owner_and_is_logged_as_such(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    row = con.cursor().execute("SELECT username, action, detail FROM audit_log WHERE action = 'import'").fetchone()
    assert row[0] == "kommandolinje" and "ssb_12286_excel_cp1252.csv" in row[2]


def test_a_rolled_back_write_leaves_no_audit_row(con, report, chapter):
    from tilstand.narrative import StaleVersionError

    count = con.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(StaleVersionError):
        narrative.save(con, chapter.id, "Utdatert.", base_version=0, actor=LEDER)
    assert con.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0] == count


def test_only_an_admin_reads_the_audit_log(con, report):
    assert audit_log(con, ADMIN)[0]["action"] == "create_report"
    with pytest.raises(PermissionDenied):
        audit_log(con, LEDER)


def test_roles_and_actions_are_consistent():
    for action, roles in ACTIONS.items():
        assert roles and roles <= set(ROLES), action
    assert ACTIONS["publish"] == {"leder"} and ACTIONS["read_published"] == set(ROLES)
    assert "lesar" not in ACTIONS["read_draft"] and "admin" not in ACTIONS["write_text"]
