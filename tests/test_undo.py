"""Undoing an import: its values go back to what they were, the ones it added disappear, derived values
follow, and an undo that would throw away newer numbers is refused."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, leader
from tilstand import ingest
from tilstand.access import SYSTEM, Actor, PermissionDenied
from tilstand.ingest import load

LESAR = Actor("live", "Live Lesar", {"5001": frozenset({"lesar"})})


def _obs(con) -> list[tuple]:
    return con.cursor().execute("SELECT * FROM observation ORDER BY ALL").fetchall()


def _write(con, name: str, rows: list[tuple], actor=SYSTEM) -> load.ImportResult:
    return load.write(
        con, data=repr((name, rows)).encode(), file_name=name, source="test", observations=rows, actor=actor
    )


def test_undo_of_the_only_import_empties_the_store_again(con):
    before = _obs(con)
    result = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    assert _obs(con) != before
    undone = load.undo(con, result.import_id, actor=leader())
    assert _obs(con) == before
    assert undone.removed == result.inserted and undone.restored == 0
    assert "er angret" in undone.summary_nb()


def test_undo_puts_back_the_values_a_newer_file_replaced(con):
    _write(con, "2023.csv", [("barn_tiltak_andel", "5001", 2024, 3.0, None)])
    before = _obs(con)
    newer = _write(
        con,
        "2024.csv",
        [("barn_tiltak_andel", "5001", 2024, 3.4, None), ("barn_tiltak_andel", "5001", 2023, 2.9, None)],
    )
    assert newer.updated == 1 and newer.inserted == 1
    undone = load.undo(con, newer.import_id, actor=leader())
    assert (undone.restored, undone.removed) == (1, 1)
    assert _obs(con) == before


def test_derived_values_go_back_with_their_inputs(con):
    # barn_andel_befolkning is derived from the population counts
    first = _write(
        con,
        "a.csv",
        [("barn_0_17_antall", "5001", 2024, 40000.0, None), ("befolkning_totalt", "5001", 2024, 200000.0, None)],
    )
    sql = (
        "SELECT value FROM observation WHERE indicator_id = 'barn_andel_befolkning' AND region_code = '5001' "
        "AND year = 2024"
    )
    assert con.cursor().execute(sql).fetchall() == [(20.0,)]
    second = _write(con, "b.csv", [("barn_0_17_antall", "5001", 2024, 50000.0, None)])
    assert con.cursor().execute(sql).fetchall() == [(25.0,)]
    load.undo(con, second.import_id, actor=leader())
    assert con.cursor().execute(sql).fetchall() == [(20.0,)]
    load.undo(con, first.import_id, actor=leader())
    assert con.cursor().execute(sql).fetchall() == []


def test_an_undo_that_would_lose_newer_numbers_is_refused_and_changes_nothing(con):
    older = _write(con, "old.csv", [("barn_tiltak_andel", "5001", 2024, 3.0, None)])
    _write(con, "new.csv", [("barn_tiltak_andel", "5001", 2024, 3.5, None)])
    before = _obs(con)
    with pytest.raises(load.UndoError, match="Angre den nyeste importen først"):
        load.undo(con, older.import_id, actor=leader())
    assert _obs(con) == before


def test_an_import_is_undone_once_and_the_same_file_can_then_be_imported_again(con):
    result = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    load.undo(con, result.import_id, actor=leader())
    with pytest.raises(load.UndoError, match="ble angret"):
        load.undo(con, result.import_id, actor=leader())
    again = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    assert not again.already_imported and again.inserted == result.inserted
    history = load.history(con, SYSTEM)
    assert history[0].id == again.import_id and history[1].undone_by == "leder"


def test_a_council_member_cannot_undo_an_import(con):
    result = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    before = _obs(con)
    with pytest.raises(PermissionDenied):
        load.undo(con, result.import_id, actor=LESAR)
    assert _obs(con) == before


def test_undo_is_in_the_audit_log(con):
    result = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    load.undo(con, result.import_id, actor=leader("lea"))
    row = con.cursor().execute("SELECT username, detail FROM audit_log WHERE action = 'undo_import'").fetchone()
    assert row[0] == "lea" and "ssb_12286_excel_cp1252.csv" in row[1]


def test_preview_says_what_an_import_would_change_and_writes_nothing(con):
    prepared = ingest.read(DATA / "ssb_12286_excel_cp1252.csv")
    first = ingest.preview(con, prepared, actor=SYSTEM)
    assert first.inserted == first.rows > 0 and first.updated == 0 and first.already_imported is None
    assert _obs(con) == []
    ingest.write(con, prepared, actor=SYSTEM)
    again = ingest.preview(con, prepared, actor=SYSTEM)
    assert again.unchanged + again.hidden == again.rows and again.hidden > 0 and again.already_imported is not None
    _write(con, "endret.csv", [(first.indicators[0], first.regions[0], first.years[0], 99.0, None)])
    third = ingest.preview(con, prepared, actor=SYSTEM)
    assert third.updated == 1 and third.changes[0][3] == 99.0
    assert con.cursor().execute("SELECT count(*) FROM observation WHERE import_id = -1").fetchone()[0] == 0


def test_preview_never_shows_a_small_count_or_the_rate_built_on_it(con):
    _write(
        con,
        "før.csv",
        [("barn_tiltak_antall", "5043", 2024, 12.0, None), ("barn_tiltak_andel", "5043", 2024, 8.5, None)],
    )
    before = _obs(con)
    pv = load.preview(
        con,
        data=b"trial",
        actor=SYSTEM,
        source="ssb_csv",
        observations=[("barn_tiltak_antall", "5043", 2024, 2.0, None), ("barn_tiltak_andel", "5043", 2024, 2.6, None)],
    )
    by_indicator = {c[0]: c for c in pv.changes}
    assert by_indicator["barn_tiltak_antall"][3:] == (12.0, None, None, "x")
    assert by_indicator["barn_tiltak_andel"][3:] == (8.5, None, None, "x")
    assert _obs(con) == before  # the trial write was rolled back


# --- the preview is no oracle, and import and undo stay within one's own municipalities -----------------------


def _guess(con, actor, value):
    return load.preview(
        con,
        data=f"guess {value}".encode(),
        actor=actor,
        source="ssb_csv",
        file_name="gjett.csv",
        observations=[("barn_tiltak_252_antall", "5020", 2024, float(value), None)],
    )


def test_a_one_cell_file_guessing_a_hidden_count_learns_nothing_from_the_preview(con):
    """Osen 2024: 1 placed child, hidden. Guessing 1, 2 or 3 gives the same preview, hit or miss."""
    _write(
        con,
        "ssb.csv",
        [
            ("barn_tiltak_antall", "5020", 2024, 5.0, None),
            ("barn_tiltak_251_antall", "5020", 2024, 4.0, None),
            ("barn_tiltak_252_antall", "5020", 2024, 1.0, None),
        ],
    )
    lea = leader("lea", "5001")
    previews = [_guess(con, lea, g) for g in (1, 2, 3)]
    assert {(p.inserted, p.updated, p.unchanged, p.hidden, p.changes) for p in previews} == {(0, 0, 0, 1, ())}
    shown_guess = _guess(con, lea, 7)  # a value that would be shown: the hidden one is still not compared
    assert (shown_guess.updated, shown_guess.unchanged, shown_guess.hidden) == (0, 0, 1)
    assert [c[3:] for c in shown_guess.changes] == [(None, "x", 7.0, None)]


def test_a_preview_never_shows_a_neighbour_that_stops_being_hidden(con):
    """Placed children 1 hide the in-home children (4) with them; a file saying 7 placed would free the
    in-home figure, and its value with the total would give the real placed count back."""
    _write(
        con,
        "ssb.csv",
        [
            ("barn_tiltak_antall", "5020", 2024, 5.0, None),
            ("barn_tiltak_251_antall", "5020", 2024, 4.0, None),
            ("barn_tiltak_252_antall", "5020", 2024, 1.0, None),
        ],
    )
    pv = _guess(con, leader("lea", "5001"), 7)
    assert {c[0] for c in pv.changes} == {"barn_tiltak_252_antall"}


STAFF = [("ansatte_arsverk", "5020", 2024, 99.0, None), ("turnover_pct", "5020", 2024, 50.0, None)]


def test_a_leader_may_not_import_or_preview_another_municipalitys_own_figures(con):
    trondheim = leader("lea", "5001")
    with pytest.raises(PermissionDenied, match="5020"):
        load.write(con, data=b"staff", file_name="ansatte.xlsx", source="staff", observations=STAFF, actor=trondheim)
    with pytest.raises(PermissionDenied):
        load.preview(con, data=b"staff", file_name="ansatte.xlsx", source="staff", observations=STAFF, actor=trondheim)
    assert _obs(con) == []
    refused = con.cursor().execute("SELECT count(*) FROM audit_log WHERE NOT allowed AND action = 'import'").fetchone()
    assert refused[0] == 2
    load.write(
        con, data=b"staff", file_name="ansatte.xlsx", source="staff", observations=STAFF, actor=leader("ola", "5020")
    )  # Osen's own leader may


def test_any_leader_may_import_public_statistics_for_every_municipality(con):
    result = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=leader("lea", "5001"))
    assert result.inserted > 0 and {"5001", "5043"} <= set(r[1] for r in _obs(con))


def test_a_shared_import_touching_other_municipalities_can_only_be_undone_by_a_leader_of_all(con):
    result = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=leader("lea", "5001"))
    before = _obs(con)
    with pytest.raises(load.UndoError, match="2 kommuner, og du har importrett i 1"):
        load.undo(con, result.import_id, actor=leader("lea", "5001"))
    assert _obs(con) == before
    assert (
        con.cursor()
        .execute("SELECT count(*) FROM audit_log WHERE action = 'undo_import' AND NOT allowed")
        .fetchone()[0]
        == 1
    )
    assert not load.may_undo(con, leader("lea", "5001"), result.import_id)
    load.undo(con, result.import_id, actor=leader("anne", "*"))


def test_a_leader_may_undo_an_import_that_changed_only_her_municipality(con):
    result = _write(
        con,
        "trondheim.csv",
        [("barn_tiltak_antall", "5001", 2024, 300.0, None), ("barn_tiltak_andel", "50", 2024, 3.1, None)],
    )
    load.undo(con, result.import_id, actor=leader("lea", "5001"))
    assert _obs(con) == []


def test_the_import_history_shows_each_person_the_imports_touching_their_municipalities(con):
    osen = _write(con, "osen.csv", [("barn_tiltak_antall", "5020", 2024, 5.0, None)])
    trondheim = _write(con, "trondheim.csv", [("barn_tiltak_antall", "5001", 2024, 300.0, None)])
    assert [h.id for h in load.history(con, leader("lea", "5001"))] == [trondheim.import_id]
    assert [h.id for h in load.history(con, leader("ola", "5020"))] == [osen.import_id]
    assert {h.id for h in load.history(con, leader("anne", "*"))} == {osen.import_id, trondheim.import_id}
