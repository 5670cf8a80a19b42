"""Small counts are hidden on the way out, and rates built on them with them."""

import pytest

from tilstand.access import SYSTEM

from tilstand import ingest, queries
from tilstand.privacy import explain
from tests.conftest import DATA


def _public(con, indicator, region, year):
    return con.execute("SELECT value, status FROM observation_public WHERE indicator_id=? AND region_code=? "
                       "AND year=?", [indicator, region, year]).fetchone()


def test_counts_from_one_to_three_are_hidden_and_so_is_the_rate_built_on_them(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)  # Røyrvik 2024: 2 children, 2.6 %
    assert _public(con, "barn_undersokelse_antall", "5043", 2024) == (None, "x")
    assert _public(con, "barn_undersokelse_andel", "5043", 2024) == (None, "x")
    # the stored value is kept (for sums over services), only the public view hides it
    assert con.execute("SELECT value FROM observation WHERE indicator_id='barn_undersokelse_antall' AND "
                       "region_code='5043' AND year=2024").fetchone()[0] == 2


def test_ssb_suppression_stays_distinct_from_ours(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    assert _public(con, "barn_undersokelse_antall", "5043", 2023) == (None, ":")
    assert "SSB" in explain(":") and "få barn" in explain("x")


def test_large_counts_and_their_rates_are_shown(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    assert _public(con, "barn_undersokelse_antall", "5001", 2024) == (1188, None)
    assert _public(con, "barn_undersokelse_andel", "5001", 2024) == (2.9, None)


@pytest.mark.parametrize("count,hidden", [(0, False), (1, True), (3, True), (4, False)])
def test_threshold_is_bufdirs_one_to_three(con, count, hidden):
    con.execute("INSERT INTO import_log (id, source, file_name, sha256, rows, changed, sample, imported_at, "
                "imported_by) VALUES (99, 'test', 't', 'h', 1, 1, false, now(), 'test')")
    con.execute("INSERT INTO observation VALUES ('barn_tiltak_antall', '5043', 2020, ?, NULL, 99)", [count])
    value, status = _public(con, "barn_tiltak_antall", "5043", 2020)
    assert (status == "x") is hidden and (value is None) is hidden


def test_trend_query_reads_only_suppressed_numbers(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    df = queries.run(con, "trend", region="5043", from_year=2015, to_year=2024)
    assert df.filter(df["status"] == "x")["value"].null_count() == df.filter(df["status"] == "x").height > 0


def test_the_deadline_breach_share_is_hidden_when_few_investigations_were_concluded(con):
    from tilstand.ingest import load

    load.write(con, data=b"khr", file_name="khr.csv", source="test", actor=SYSTEM, observations=[
        ("undersokelser_avsluttet_halvar", "5043", 2024, 2.0, None),
        ("undersokelser_fristbrudd_andel", "5043", 2024, 50.0, None)])
    assert _public(con, "undersokelser_fristbrudd_andel", "5043", 2024) == (None, "x")


def test_a_count_stored_hidden_hides_the_rate_built_on_it(con):
    from tilstand.ingest import load

    load.write(con, data=b"stored hidden", file_name="x.csv", source="test", actor=SYSTEM, observations=[
        ("barn_tiltak_antall", "5043", 2024, None, "x"), ("barn_tiltak_andel", "5043", 2024, 2.6, None)])
    assert _public(con, "barn_tiltak_andel", "5043", 2024) == (None, "x")
