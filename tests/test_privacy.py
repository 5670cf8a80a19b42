"""Small counts are hidden on the way out, and rates built on them with them."""

import pytest

from tests.conftest import DATA
from tilstand import ingest, queries
from tilstand.access import SYSTEM
from tilstand.privacy import explain


def _public(con, indicator, region, year):
    return con.execute(
        "SELECT value, status FROM observation_public WHERE indicator_id=? AND region_code=? AND year=?",
        [indicator, region, year],
    ).fetchone()


def test_counts_from_one_to_three_are_hidden_and_so_is_the_rate_built_on_them(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)  # Røyrvik 2024: 2 children, 2.6 %
    assert _public(con, "barn_undersokelse_antall", "5043", 2024) == (None, "x")
    assert _public(con, "barn_undersokelse_andel", "5043", 2024) == (None, "x")
    # the stored value is kept (for sums over services), only the public view hides it
    assert (
        con.execute(
            "SELECT value FROM observation WHERE indicator_id='barn_undersokelse_antall' AND "
            "region_code='5043' AND year=2024"
        ).fetchone()[0]
        == 2
    )


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
    con.execute(
        "INSERT INTO import_log (id, source, file_name, sha256, rows, changed, sample, imported_at, "
        "imported_by) VALUES (99, 'test', 't', 'h', 1, 1, false, now(), 'test')"
    )
    con.execute("INSERT INTO observation VALUES ('barn_tiltak_antall', '5043', 2020, ?, NULL, 99)", [count])
    value, status = _public(con, "barn_tiltak_antall", "5043", 2020)
    assert (status == "x") is hidden and (value is None) is hidden


def test_trend_query_reads_only_suppressed_numbers(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    df = queries.run(con, "trend", region="5043", from_year=2015, to_year=2024)
    assert df.filter(df["status"] == "x")["value"].null_count() == df.filter(df["status"] == "x").height > 0


def test_the_deadline_breach_share_is_hidden_when_few_investigations_were_concluded(con):
    from tilstand.ingest import load

    load.write(
        con,
        data=b"khr",
        file_name="khr.csv",
        source="test",
        actor=SYSTEM,
        observations=[
            ("undersokelser_avsluttet_halvar", "5043", 2024, 2.0, None),
            ("undersokelser_fristbrudd_andel", "5043", 2024, 50.0, None),
        ],
    )
    assert _public(con, "undersokelser_fristbrudd_andel", "5043", 2024) == (None, "x")


def test_a_count_stored_hidden_hides_the_rate_built_on_it(con):
    from tilstand.ingest import load

    load.write(
        con,
        data=b"stored hidden",
        file_name="x.csv",
        source="test",
        actor=SYSTEM,
        observations=[("barn_tiltak_antall", "5043", 2024, None, "x"), ("barn_tiltak_andel", "5043", 2024, 2.6, None)],
    )
    assert _public(con, "barn_tiltak_andel", "5043", 2024) == (None, "x")


# ---------------------------------------------------------------- staff figures: «for få ansatte»

STAFF_YEAR = {  # Kommunenummer -> (saksbehandlere og ledere, med master, kravet fra 2031, gjennomsnittlig antall)
    "5026": (2, 1, 1, 3.0),  # Holtålen: 50 % of 2 caseworkers points to one person
    "5001": (20, 7, 13, 24.0),
}


def _staff_file(tmp_path):
    """The shipped staff template filled for a 2-caseworker and a 20-caseworker unit, 2023 and 2024."""
    import io

    import openpyxl

    from sample_data.templates import build
    from tilstand.ingest import staff

    wb = openpyxl.load_workbook(build.STAFF_PATH)
    ws = wb[staff.SHEET]
    roles = build.STAFF_ROLES
    r = build.FIRST_DATA_ROW
    for muni, (caseworkers, master, req, average) in STAFF_YEAR.items():
        for year in (2023, 2024):
            for q in (None, 1, 2, 3, 4):
                cells = {"municipality": muni, "year": year, "quarter": q}
                cells |= (
                    {
                        "fte": average - 0.5,
                        "positions": int(average),
                        "leavers": 1,
                        "average": average,
                        "caseworkers": caseworkers,
                        "master": master,
                        "req2031": req,
                        "further": 1,
                    }
                    if q is None
                    else {"sick_short": 2.0, "sick_long": 6.0, "sick_doctor": 6.5}
                )
                for role, v in cells.items():
                    ws.cell(row=r, column=roles.index(role) + 1, value=v)
                r += 1
    out = io.BytesIO()
    wb.save(out)
    f = tmp_path / "ansatte.xlsx"
    f.write_bytes(out.getvalue())
    return f


def test_staff_shares_of_fewer_than_five_people_are_stored_hidden_and_counts_of_staff_stay_shown(con, tmp_path):
    ingest.import_file(con, _staff_file(tmp_path), actor=SYSTEM)
    for ind in (
        "andel_master",
        "andel_kompetansekrav_2031",
        "andel_videreutdanning",
        "turnover_pct",
        "sykefravaer_legemeldt_pct",
        "sykefravaer_totalt_pct",
    ):
        stored = con.execute(
            "SELECT value, status FROM observation WHERE indicator_id=? AND region_code='5026' AND year=2024", [ind]
        ).fetchone()
        assert stored == (None, "x"), ind  # no copy of the database holds the number
        assert _public(con, ind, "5026", 2024) == (None, "x")
        assert _public(con, ind, "5001", 2024)[1] is None, ind
    assert _public(con, "ansatte_arsverk", "5026", 2024) == (2.5, None)
    assert _public(con, "ansatte_stillinger", "5026", 2024) == (3, None)
    assert _public(con, "andel_kompetansekrav_2031", "5001", 2024) == (65.0, None)


def test_a_staff_share_is_hidden_through_a_small_base_from_another_file(con):
    from tilstand.ingest import load

    load.write(
        con,
        data=b"hr",
        file_name="hr.csv",
        source="test",
        actor=SYSTEM,
        observations=[
            ("saksbehandlere_ledere_antall", "5026", 2024, 3.0, None),
            ("andel_master", "5026", 2024, 33.3, None),
            ("ansatte_gjennomsnitt_antall", "5026", 2024, 4.0, None),
            ("turnover_pct", "5026", 2024, 25.0, None),
        ],
    )
    assert _public(con, "andel_master", "5026", 2024) == (None, "x")
    assert _public(con, "turnover_pct", "5026", 2024) == (None, "x")


def test_the_reason_for_a_hidden_staff_figure_is_too_few_employees():
    assert "for få ansatte" in explain("x", "staff")
    assert "ansatte" in explain("x") and "få barn" in explain("x")  # without the area: every reason named
    assert explain("x", "coverage") == explain("x")


def test_a_two_caseworker_share_is_hidden_in_profile_chart_and_docx_and_a_twenty_person_share_is_shown(con, tmp_path):
    from docx import Document

    from tilstand import charts, fmt, profile, report

    ingest.import_file(con, _staff_file(tmp_path), actor=SYSTEM)
    ind = "andel_kompetansekrav_2031"
    chart = next(c for c in charts.registry() if c.indicators == (ind,))
    for muni, hidden in (("5026", True), ("5001", False)):
        row = next(r for r in profile.build(con, muni, 2024).rows if r.indicator.id == ind)
        assert row.own.shown is not hidden and (row.own.status == "x") is hidden
        assert ("ansatte" in row.own.note) is hidden
        built = charts.build(con, chart, muni, 2024)
        drawn = [y for trace in built.figure.data for y in (trace.y or ()) if y is not None]
        assert built.empty is hidden and (row.own.value in drawn) is not hidden and (drawn == []) is hidden
        doc = Document(report.render(con, muni, 2024, "nb", out=tmp_path / f"{muni}.docx", with_charts=False).path)
        cells = {r.cells[0].text: r.cells[1].text for t in doc.tables if len(t.columns) == 6 for r in t.rows}
        expected = ":" if hidden else fmt.value(row.own.value, "percent")
        assert cells[row.indicator.name_nb] == expected
