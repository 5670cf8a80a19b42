"""`tilstand demo && tilstand check`: the sample database covers every Trøndelag municipality × 2015–2024."""

import subprocess
import sys

import duckdb
import pytest

from tests.conftest import ROOT, requires_sample_data
from tilstand import catalog, check, demo, queries, store


def test_demo_builds_through_the_real_importer_and_labels_everything_as_sample(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        files = {p.name for p in demo.sample_files()}
        logged = {r[0] for r in con.execute("SELECT file_name FROM import_log").fetchall()}
        assert logged == files
        assert con.execute("SELECT bool_and(sample) FROM import_log").fetchone()[0] is True
        assert (
            con.execute(
                "SELECT count(*) FROM observation o LEFT JOIN import_log l ON l.id=o.import_id WHERE l.id IS NULL"
            ).fetchone()[0]
            == 0
        )
    finally:
        con.close()


def test_every_trondelag_municipality_and_year_has_every_ssb_indicator_or_its_symbol(demo_db):
    con = store.connect(demo_db)
    report = check.run(con, county="50", years=(2015, 2024))
    assert report.ok, report.render_nb()
    ssb_ids = {i.id for i in catalog.ssb_indicators() if i.applies_to("municipality")}
    assert {c["indicator_id"] for c in report.coverage} == ssb_ids
    # a rate on the population at the end of the year is expected only where next year's population is imported
    ends = con.execute(
        "SELECT count(DISTINCT year) FROM observation WHERE indicator_id = 'barn_0_17_antall' "
        "AND region_code = '5001' AND year BETWEEN 2016 AND 2025"
    ).fetchone()[0]
    shifted = {d.indicator_id for d in catalog.derived() if d.denominator_year}
    assert all(c["expected"] == 38 * (ends if c["indicator_id"] in shifted else 10) for c in report.coverage)
    assert sum(c["with_symbol"] for c in report.coverage) > 0, "a few SSB symbols are carried"
    store.close(demo_db)


def test_sample_data_has_small_municipalities_under_the_suppression_threshold(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        hidden = con.execute(
            "SELECT count(*) FROM observation_public WHERE status = 'x' AND "
            "region_code IN ('5043', '5052', '5033', '5044')"
        ).fetchone()[0]
        assert hidden > 0
    finally:
        con.close()


@pytest.mark.slow
def test_demo_and_check_commands_exit_0(tmp_path):
    requires_sample_data()
    db = tmp_path / "d.duckdb"
    out = subprocess.run(
        [sys.executable, "-m", "tilstand.cli", "demo", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr
    assert "Eksempeldata" in out.stdout
    out = subprocess.run(
        [sys.executable, "-m", "tilstand.cli", "check", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "41 av 41 indikatorer har verdi eller SSB-symbol" in out.stdout
    assert len(out.stdout.splitlines()) <= 25, "the summary fits one screen"


def test_a_failed_demo_build_leaves_the_old_database_untouched(tmp_path):
    requires_sample_data()
    db = tmp_path / "d.duckdb"
    db.write_bytes(b"old")
    broken = tmp_path / "samples"
    broken.mkdir()
    (broken / "x.csv").write_bytes(b'"region";"statistikkvariabel";"\xc3\xa5r";"12286: x"\n"5001 X";"y";"2024";abc\n')
    try:
        demo.build(db, directory=broken)
    except Exception as e:  # noqa: BLE001
        assert "er ikke et tall" in str(e)
    assert db.read_bytes() == b"old"


def test_next_years_population_gives_the_last_rate_but_not_a_report_year(demo_db):
    """07459 holds 1 January 2025 (the end of 2024, which rates per resident divide by); the year pickers
    still start at 2024, the last year with figures beyond the population."""
    con = store.connect(demo_db)
    try:
        assert con.execute("SELECT max(year) FROM observation").fetchone()[0] == 2025
        assert queries.run(con, "store_summary")["last_year"][0] == 2024
        rate = con.execute(
            "SELECT value FROM observation_public WHERE indicator_id = 'forebygging_utg_per_0_17' "
            "AND region_code = '5001' AND year = 2024"
        ).fetchone()
        assert rate is not None and rate[0] is not None
    finally:
        store.close(demo_db)
