"""Rates Tilstand derives itself divide by the population at the end of the year, as KOSTRA's own rates do:
31 December of year Y is SSB's 1 January of Y+1, so the rate of Y waits for, and follows, next year's population."""

from __future__ import annotations

from tests.conftest import leader
from tilstand import catalog
from tilstand.access import SYSTEM
from tilstand.ingest import load

RATE = "forebygging_utg_per_0_17"  # net expenditure, function 232, in kroner per resident 0–17
RATE_SQL = "SELECT year, value, status FROM observation WHERE indicator_id = $id AND region_code = '5001' ORDER BY year"


def _write(con, name: str, rows: list[tuple]) -> load.ImportResult:
    return load.write(
        con, data=repr((name, rows)).encode(), file_name=name, source="test", observations=rows, actor=SYSTEM
    )


def _rate(con, indicator: str = RATE) -> list[tuple]:
    return con.cursor().execute(RATE_SQL, {"id": indicator}).fetchall()


def _population(year: int, children: float) -> list[tuple]:
    return [("barn_0_17_antall", "5001", year, children, None)]


def _amount(year: int, thousands: float) -> list[tuple]:
    return [("forebygging_utg_1000kr", "5001", year, thousands, None)]


def test_the_rate_per_child_divides_by_the_population_at_the_end_of_the_year():
    d = next(d for d in catalog.derived() if d.indicator_id == RATE)
    assert d.denominator_year == 1 and d.next_year_inputs == ("barn_0_17_antall",)


def test_a_rate_of_2023_uses_the_2024_population_and_undo_of_that_import_takes_it_back(con):
    _write(con, "befolkning_2023.csv", _population(2023, 40_000))
    _write(con, "utgifter_2023.csv", _amount(2023, 20_000))
    assert _rate(con) == []  # 1 January 2024 not imported yet: no rate for 2023 rather than one on the wrong base
    before = con.cursor().execute("SELECT * FROM observation ORDER BY ALL").fetchall()
    pop_2024 = _write(con, "befolkning_2024.csv", _population(2024, 50_000))
    assert _rate(con) == [(2023, 20_000 * 1000 / 50_000, None)]  # 400 kr, not 20 000 000 ÷ 40 000 = 500 kr
    load.undo(con, pop_2024.import_id, actor=leader())
    assert _rate(con) == []
    assert con.cursor().execute("SELECT * FROM observation ORDER BY ALL").fetchall() == before


def test_the_amount_imported_after_both_populations_gives_the_same_rate(con):
    _write(con, "befolkning.csv", _population(2023, 40_000) + _population(2024, 50_000))
    amount = _write(con, "utgifter_2023.csv", _amount(2023, 20_000))
    assert _rate(con) == [(2023, 400.0, None)]
    load.undo(con, amount.import_id, actor=leader())
    assert _rate(con) == []


def test_a_newer_population_file_for_next_year_moves_the_rate_and_undo_puts_it_back(con):
    _write(con, "alt.csv", _population(2024, 50_000) + _amount(2023, 20_000) + _amount(2024, 30_000))
    assert _rate(con) == [(2023, 400.0, None)]  # 2024 waits for 1 January 2025
    newer = _write(con, "befolkning_2024_rettet.csv", _population(2024, 40_000) + _population(2025, 60_000))
    assert _rate(con) == [(2023, 500.0, None), (2024, 500.0, None)]
    load.undo(con, newer.import_id, actor=leader())
    assert _rate(con) == [(2023, 400.0, None)]


def test_every_derived_rate_per_resident_uses_the_end_of_year_population():
    """A derived rate of something over the population (not the population over itself) reads the next year."""
    population = {"barn_0_17_antall", "befolkning_totalt"}
    for d in catalog.derived():
        if set(d.denominator) <= population and not set(d.numerator) <= population:
            assert d.denominator_year == 1, d.indicator_id
        elif d.denominator_year:
            assert set(d.denominator) <= population, d.indicator_id


def test_a_share_of_the_population_stays_on_one_date():
    """Children's share of the population is a composition at 1 January (Bufdir's monitor 4A), both counts
    from the same date, so it keeps the same year's denominator."""
    d = next(d for d in catalog.derived() if d.indicator_id == "barn_andel_befolkning")
    assert d.denominator_year == 0


def test_a_hidden_amount_hides_the_rate_of_its_year_in_the_public_view(con):
    _write(con, "befolkning.csv", _population(2024, 50_000))
    _write(con, "utgifter_2023.csv", [("forebygging_utg_1000kr", "5001", 2023, None, ":")])
    assert _rate(con) == [(2023, None, ":")]
    hidden = (
        con.cursor()
        .execute(
            "SELECT count(*) FROM suppression WHERE indicator_id = $id AND region_code = '5001' AND year = 2023",
            {"id": RATE},
        )
        .fetchone()[0]
    )
    assert hidden == 1


YEAR_SHARE = "undersokelser_fristbrudd_andel"  # both half-years' breaches over both halves' concluded cases


def test_a_year_hidden_for_a_hidden_half_becomes_missing_when_that_half_is_shown_and_the_other_is_still_to_come(con):
    _write(con, "h1_skjult.csv", [("undersokelser_fristbrudd_h1_antall", "5001", 2024, None, "x")])
    assert _rate(con, YEAR_SHARE) == [(2024, None, "x")]
    shown = _write(
        con,
        "h1_vist.csv",
        [
            ("undersokelser_fristbrudd_h1_antall", "5001", 2024, 5.0, None),
            ("undersokelser_avsluttet_h1_antall", "5001", 2024, 40.0, None),
        ],
    )
    assert _rate(con, YEAR_SHARE) == [(2024, None, "..")], "the second half is not imported: no year yet"
    _write(
        con,
        "h2.csv",
        [
            ("undersokelser_fristbrudd_h2_antall", "5001", 2024, 7.0, None),
            ("undersokelser_avsluttet_halvar", "5001", 2024, 60.0, None),
        ],
    )
    assert _rate(con, YEAR_SHARE) == [(2024, 12.0, None)]  # (5 + 7) / (40 + 60)
    load.undo(con, shown.import_id + 1, actor=SYSTEM)
    load.undo(con, shown.import_id, actor=SYSTEM)
    assert _rate(con, YEAR_SHARE) == [(2024, None, "x")], "undo gives the hidden year back"
