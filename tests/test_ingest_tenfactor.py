"""The KS 10-FAKTOR importer: the shipped Excel template filled in, its CSV copy, weighting, the anonymity
limit, and broken files that must be refused with a Norwegian message while nothing changes."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sample_data.templates import build
from tests.conftest import ROOT, snapshot
from tilstand import catalog, ingest, profile
from tilstand.access import SYSTEM
from tilstand.errors import InputError
from tilstand.ingest import tenfactor
from tilstand.privacy import anonymity_limit

TEMPLATE = ROOT / "sample_data" / "templates" / "10faktor.xlsx"
SAMPLE_XLSX = ROOT / "sample_data" / "10faktor" / "10faktor_2019-2024.xlsx"
SAMPLE_CSV = ROOT / "sample_data" / "10faktor" / "10faktor_2019-2024.csv"
FACTORS = tenfactor.FACTOR_IDS
FIRST_ROW = build.FIRST_DATA_ROW
THIS_YEAR = date.today().year

# Kommunenummer, Enhet, År, Antall svar, Antall invitert, then the ten factors in KS's order.
MIDTBYEN = ["5001", "Midtbyen", 2024, 30, 40, 4.5, 4.2, 4.0, 4.1, 3.9, 4.0, 3.5, 4.4, 4.0, 4.6]
HEIMDAL = ["5001", "Heimdal", 2024, 10, 20, 3.5, 4.2, 4.4, 4.1, 3.5, 4.0, 3.9, 4.0, 4.0, 4.2]
STEINKJER = ["5006", "Barneverntjenesten", 2024, 12, 15, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]


def fill(rows, *, change=None) -> bytes:
    """The shipped template with rows typed in from its first data row, as a leader fills it in Excel."""
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb[tenfactor.SHEET]
    for r, values in enumerate(rows, start=FIRST_ROW):
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    if change:
        change(wb, ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(rows, *, header=None, title=None, sep=";") -> str:
    header = header or build.headers()
    lines = [title] if title else []
    lines.append(sep.join(header))
    for r in rows:
        lines.append(
            sep.join("" if v is None else str(v).replace(".", ",") if isinstance(v, float) else str(v) for v in r)
        )
    return "\r\n".join(lines) + "\r\n"


def values(con, region="5001", year=2024, table="observation") -> dict[str, tuple]:
    return {
        i: (v, s)
        for i, v, s in con.execute(
            f"SELECT indicator_id, value, status FROM {table} WHERE region_code = ? AND year = ? "
            "AND indicator_id LIKE 'tf_%'",
            [region, year],
        ).fetchall()
    }


def write(tmp_path, name: str, data: bytes):
    f = tmp_path / name
    f.write_bytes(data)
    return f


# --- the template ----------------------------------------------------------------------------------


def test_the_shipped_template_is_what_the_builder_writes():
    assert build.to_bytes(build.workbook()) == TEMPLATE.read_bytes(), "run sample_data/templates/build.py"


def test_template_has_norwegian_headers_validation_frozen_header_and_instructions():
    wb = openpyxl.load_workbook(TEMPLATE)
    assert wb.sheetnames == ["10-FAKTOR", "Veiledning"]
    ws = wb["10-FAKTOR"]
    assert [c.value for c in ws[2]] == [
        "Kommunenummer",
        "Enhet",
        "År",
        "Antall svar",
        "Antall invitert",
        "Oppgavemotivasjon",
        "Mestringstro",
        "Opplevd selvstendighet",
        "Bruk av kompetanse",
        "Mestringsorientert ledelse",
        "Rolleklarhet",
        "Relevant kompetanseutvikling",
        "Fleksibilitetsvilje",
        "Mestringsklima",
        "Nyttemotivasjon",
    ]
    assert ws.freeze_panes == "C3"
    assert ws.column_dimensions["B"].width >= 30
    rules = {
        str(dv.sqref).split(":")[0]: (dv.type, dv.operator, dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
    }
    assert rules["A3"] == ("custom", None, "AND(LEN(A3)=4,ISNUMBER(VALUE(A3)))", None)
    assert rules["C3"] == ("whole", "between", "2010", "2100")
    assert rules["D3"] == ("whole", "greaterThanOrEqual", "0", None)
    assert rules["F3"] == ("decimal", "between", "1", "5")
    assert all(dv.error and dv.prompt for dv in ws.data_validations.dataValidation)
    assert ws["A3"].number_format == "@", "0301 keeps its zero"
    guide = " ".join(str(c.value) for row in wb["Veiledning"].iter_rows() for c in row if c.value)
    assert "færre enn 5 svar" in guide and "desimalkomma" in guide and "Relevant kompetanseheving" in guide


def test_filled_template_is_detected_and_its_values_land(con, tmp_path):
    f = write(tmp_path, "10faktor.xlsx", fill([MIDTBYEN, STEINKJER]))
    assert ingest.detect(f.read_bytes(), f.name) == "ks_10faktor"
    r = ingest.import_file(con, f, actor=SYSTEM)
    assert r.inserted == 2 * 12  # per municipality: ten factors, answers, response rate
    assert values(con)["tf_oppgavemotivasjon"] == (4.5, None)
    assert values(con)["tf_antall_svar"] == (30, None)
    assert values(con)["tf_svarprosent"] == (75.0, None)
    assert values(con, "5006")["tf_nyttemotivasjon"] == (4.0, None)
    log = con.execute("SELECT source, file_name, rows, sample, ssb_table FROM import_log").fetchone()
    assert log == ("ks_10faktor_xlsx", "10faktor.xlsx", 24, False, None)


def test_formulas_give_their_calculated_values(con, tmp_path):
    """A leader may compute a mean in the sheet; Excel stores the result next to the formula."""
    data = fill([MIDTBYEN])
    # openpyxl cannot calculate, so put a formula with a cached value into the sheet XML by hand
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    cell = b'<c r="F3" s="'
    at = sheet.index(cell)
    end = sheet.index(b"</c>", at) + 4
    style = sheet[at:end].split(b's="')[1].split(b'"')[0]
    parts["xl/worksheets/sheet1.xml"] = (
        sheet[:at] + b'<c r="F3" s="' + style + b'"><f>4+0.25</f><v>4.25</v></c>' + sheet[end:]
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    ingest.import_file(con, write(tmp_path, "formel.xlsx", out.getvalue()), actor=SYSTEM)
    assert values(con)["tf_oppgavemotivasjon"] == (4.25, None)


# --- CSV ----------------------------------------------------------------------------------------------


def test_csv_saved_by_norwegian_excel_in_cp1252_with_decimal_comma(con, tmp_path):
    rows = [
        ["5001", "Mottak og undersøkelse", 2024, 30, 40, 4.5, 4.2, 4.0, 4.1, 3.9, 4.0, 3.5, 4.4, 4.0, 4.6],
        ["5001", "Tiltak – Østbyen", 2024, 10, 20, 3.5, 4.2, 4.4, 4.1, 3.5, 4.0, 3.9, 4.0, 4.0, 4.2],
    ]
    data = csv_text(rows, title="10-FAKTOR-resultater;;;;").encode("cp1252")
    assert b"4,5" in data and "Østbyen".encode("cp1252") in data
    f = write(tmp_path, "10faktor.csv", data)
    assert ingest.detect(data, f.name) == "ks_10faktor"
    ingest.import_file(con, f, actor=SYSTEM)
    got = values(con)
    assert got["tf_oppgavemotivasjon"] == (4.25, None)  # (30 × 4,5 + 10 × 3,5) / 40
    assert got["tf_antall_svar"] == (40, None)
    assert con.execute("SELECT source FROM import_log").fetchone()[0] == "ks_10faktor_csv"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_in_utf8_with_or_without_bom_and_excels_unicode_text(encoding):
    text = csv_text([MIDTBYEN], sep="\t" if encoding == "utf-16" else ";")
    p = tenfactor.parse_file(text.encode(encoding), "x.csv")
    assert {o.indicator_id: o.value for o in p.observations}["tf_relevant_kompetanseutvikling"] == 3.5


def test_the_sample_csv_and_xlsx_hold_the_same_numbers_and_are_marked_sample():
    a = tenfactor.parse_file(SAMPLE_XLSX.read_bytes(), SAMPLE_XLSX.name)
    b = tenfactor.parse_file(SAMPLE_CSV.read_bytes(), SAMPLE_CSV.name)
    assert a.observations == b.observations
    assert a.sample and b.sample
    assert (a.source, b.source) == ("ks_10faktor_xlsx", "ks_10faktor_csv")
    assert {o.region_code for o in a.observations} == {
        c for c, n in tenfactor.known_municipalities().items() if c.startswith("50")
    }
    assert not tenfactor.parse_file(fill([MIDTBYEN]), "x.xlsx").sample, "only an Eksempeldata title marks sample"


# --- mapping and weighting --------------------------------------------------------------------------


def test_units_are_weighted_by_their_number_of_answers():
    p = tenfactor.parse_file(fill([MIDTBYEN, HEIMDAL]), "x.xlsx")
    got = {o.indicator_id: o.value for o in p.observations}
    assert got["tf_oppgavemotivasjon"] == pytest.approx((30 * 4.5 + 10 * 3.5) / 40)
    assert got["tf_mestringsorientert_ledelse"] == pytest.approx((30 * 3.9 + 10 * 3.5) / 40)
    assert got["tf_antall_svar"] == 40
    assert got["tf_svarprosent"] == pytest.approx(40 / 60 * 100)


def test_a_factor_left_blank_in_one_unit_is_weighted_over_the_units_that_have_it():
    heimdal = HEIMDAL[:5] + [None] + HEIMDAL[6:]
    p = tenfactor.parse_file(fill([MIDTBYEN, heimdal]), "x.xlsx")
    got = {o.indicator_id: o.value for o in p.observations}
    assert got["tf_oppgavemotivasjon"] == 4.5
    assert got["tf_mestringstro"] == pytest.approx(4.2)


def test_factor_names_are_matched_case_insensitively_with_ks_variants_and_nynorsk():
    header = [
        "kommunenr",
        "ENHET",
        "år",
        "Antall besvarelser",
        "Inviterte",
        "1. INDRE MOTIVASJON",
        "Meistringstru",
        "autonomi",
        "Kompetansemobilisering",
        "Meistringsorientert leiing",
        "Rolleklarheit",
        "Relevant kompetanseheving",
        "fleksibilitetsvilje",
        "Mestringsklima",
        "Prososial motivasjon",
        "Merknad",
    ]
    p = tenfactor.parse_file(csv_text([MIDTBYEN + ["fin"]], header=header).encode(), "x.csv")
    assert {o.indicator_id for o in p.observations} == {*FACTORS, "tf_antall_svar", "tf_svarprosent"}


def test_every_factor_indicator_is_in_the_catalogue_with_norwegian_names_and_definitions():
    inds = catalog.indicators()
    assert len(FACTORS) == 10
    for i in (*FACTORS, "tf_antall_svar", "tf_svarprosent"):
        ind = inds[i]
        assert ind.origin == "ks_10faktor" and ind.name_nb and ind.name_nn
        assert ind.definition_nb and ind.definition_nn
    assert all(inds[f].unit == "score_1_5" and inds[f].count_indicator == "tf_antall_svar" for f in FACTORS)
    assert not inds["tf_antall_svar"].show and inds["tf_antall_svar"].min_count == 4


def test_long_layout_with_a_factor_column_is_read_too():
    header = ["Kommunenummer", "Enhet", "År", "Faktor", "Gjennomsnitt", "Antall svar"]
    rows = [
        ["5001", "Midtbyen", 2024, "Mestringstro", 4.2, 30],
        ["5001", "Heimdal", 2024, "mestringstro", 3.8, 10],
        ["5001", "Midtbyen", 2024, "Rolleklarhet (rolleklarhet)", 4.0, 28],
    ]
    p = tenfactor.parse_file(csv_text(rows, header=header).encode(), "x.csv")
    got = {o.indicator_id: o.value for o in p.observations}
    assert got == {"tf_antall_svar": 40, "tf_mestringstro": pytest.approx(4.1), "tf_rolleklarhet": 4.0}


# --- anonymity ----------------------------------------------------------------------------------------


def test_the_limit_comes_from_the_catalogue():
    assert anonymity_limit(tenfactor.RESPONDENTS_ID) == catalog.indicators()["tf_antall_svar"].min_count + 1 == 5


def test_below_the_limit_is_stored_hidden_and_never_leaves_the_store(con, tmp_path):
    small = [
        ["5043", "Barneverntjenesten", 2024, 3, 4, 4.9, 4.8, 4.7, 4.6, 4.5, 4.4, 4.3, 4.2, 4.1, 4.0],
        ["5043", "Ettervern", 2024, 1, 2, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5],
    ]
    ingest.import_file(con, write(tmp_path, "f.xlsx", fill([MIDTBYEN, *small])), actor=SYSTEM)
    stored = values(con, "5043")
    assert stored["tf_antall_svar"] == (4, None)
    assert all(stored[f] == (None, "x") for f in FACTORS), "the number itself is never written"
    assert stored["tf_svarprosent"] == (None, "x")
    public = values(con, "5043", table="observation_public")
    assert all(v is None and s == "x" for v, s in public.values()), public
    assert len(public) == 12, "kept, so the privacy rule is visible, not dropped"
    p = profile.build(con, "5043", 2024)
    rows = [r for r in p.rows if r.indicator.id.startswith("tf_")]
    assert rows and not any(r.own.shown for r in rows)
    assert all(r.own.text("score_1_5") == ":" for r in rows)
    everything = repr(con.execute("SELECT * FROM observation_public WHERE region_code = '5043'").fetchall())
    assert "4.9" not in everything and "1.5" not in everything


def test_a_unit_under_the_limit_counts_in_its_municipality_but_is_never_stored_alone(con, tmp_path):
    ettervern = ["5001", "Ettervern", 2024, 2, 3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    ingest.import_file(con, write(tmp_path, "f.xlsx", fill([MIDTBYEN, ettervern])), actor=SYSTEM)
    public = values(con, table="observation_public")
    assert public["tf_oppgavemotivasjon"][0] == pytest.approx((30 * 4.5 + 2 * 1.0) / 32, abs=1e-4)
    assert public["tf_antall_svar"] == (32, None)
    assert con.execute("SELECT count(*) FROM observation WHERE value = 1.0").fetchone()[0] == 0


def test_a_factor_with_answers_under_the_limit_is_hidden_while_the_others_show(con, tmp_path):
    # only a 3-answer unit reported Mestringsklima: that factor rests on 3 answers
    midtbyen = MIDTBYEN[:13] + [None] + MIDTBYEN[14:]
    lerkendal = ["5001", "Lerkendal", 2024, 3, 3, *[None] * 8, 2.0, None]
    ingest.import_file(con, write(tmp_path, "f.xlsx", fill([midtbyen, lerkendal])), actor=SYSTEM)
    public = values(con, table="observation_public")
    assert public["tf_mestringsklima"] == (None, "x")
    assert public["tf_mestringstro"] == (4.2, None)


def test_the_demo_database_shows_trondheim_and_hides_the_smallest(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    try:
        shown = c.execute("""SELECT count(*) FROM observation_public WHERE region_code = '5001'
                             AND indicator_id = 'tf_mestringstro' AND value IS NOT NULL""").fetchone()[0]
        hidden = c.execute("""SELECT count(*) FROM observation_public WHERE indicator_id LIKE 'tf_%'
                              AND status = 'x'""").fetchone()[0]
        leaked = c.execute("""SELECT count(*) FROM observation_public p JOIN observation_public n
                              ON n.region_code = p.region_code AND n.year = p.year
                              WHERE p.indicator_id LIKE 'tf_%' AND p.indicator_id <> 'tf_antall_svar'
                                AND p.value IS NOT NULL AND n.indicator_id = 'tf_antall_svar'
                                AND (n.value IS NULL OR n.value < 5)""").fetchone()[0]
        sample = c.execute("SELECT sample FROM import_log WHERE source = 'ks_10faktor_xlsx'").fetchone()
    finally:
        c.close()
    assert shown == 6 and hidden > 0 and leaked == 0
    assert sample == (True,)


# --- re-import ----------------------------------------------------------------------------------------


def test_reimporting_replaces_the_values_and_the_same_file_changes_nothing(con, tmp_path):
    f = write(tmp_path, "a.xlsx", fill([MIDTBYEN]))
    ingest.import_file(con, f, actor=SYSTEM)
    before = snapshot(con)
    assert ingest.import_file(con, f, actor=SYSTEM).already_imported
    assert snapshot(con) == before
    newer = MIDTBYEN[:5] + [4.0] + MIDTBYEN[6:]
    r = ingest.import_file(con, write(tmp_path, "b.xlsx", fill([newer])), actor=SYSTEM)
    assert (r.inserted, r.updated) == (0, 1)
    assert values(con)["tf_oppgavemotivasjon"] == (4.0, None)


# --- broken files: refused, named, nothing changed -----------------------------------------------------


def _cell(ref, value):
    def change(wb, ws):
        ws[ref] = value

    return change


def _row(values_):
    return lambda: fill([MIDTBYEN, values_])


def _header_cell(col, text):
    def change(wb, ws):
        ws.cell(row=build.HEADER_ROW, column=col).value = text  # cell(value=None) would leave it as it was

    return change


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, b in entries.items():
            z.writestr(n, b)
    return out.getvalue()


def _rename_sheet(wb, ws):
    ws.title = "Ark1"


def _merge(wb, ws):
    ws.merge_cells("B3:B4")


HEADER = ";".join(build.headers())
V = "4,0;" * 9 + "4,0"
F = "fil «{name}»"
BAD = {
    # (file name, make bytes, expected message after 'fil «name»')
    "unknown_municipality": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("A3", "5099")),
        ", rad 3, felt «Kommunenummer»: kommunenummer 5099 finnes ikke i Tilstands kommuneregister "
        "(39 kommuner: Trøndelag og Os). Sjekk nummeret; kommuner som ble slått sammen eller "
        "delt, har fått nye numre.",
    ),
    "five_digit_municipality": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("A3", "50011")),
        ", rad 3, felt «Kommunenummer»: «50011» er ikke et kommunenummer (4 siffer, f.eks. 5001).",
    ),
    "missing_municipality": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("A3", None)),
        ", rad 3, felt «Kommunenummer»: kommunenummeret mangler.",
    ),
    "missing_unit": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("B3", "  ")),
        ", rad 3, felt «Enhet»: enheten mangler. Skriv navnet på enheten slik det står i KS-rapporten, "
        "f.eks. «Barneverntjenesten».",
    ),
    "missing_year": ("xlsx", lambda: fill([MIDTBYEN], change=_cell("C3", None)), ", rad 3, felt «År»: året mangler."),
    "year_too_early": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("C3", 2005)),
        f", rad 3, felt «År»: «2005» er ikke et gyldig år for 10-FAKTOR (2010–{THIS_YEAR}).",
    ),
    "year_typed_as_date": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("C3", datetime(2024, 1, 1))),
        ", rad 3, felt «År»: cellen er en dato eller et klokkeslett (01.01.2024), ikke et tall. "
        "Excel gjør om tall med punktum til datoer; skriv årstallet som et helt tall.",
    ),
    "score_typed_as_date": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("G3", datetime(2024, 2, 4))),
        ", rad 3, felt «Mestringstro»: cellen er en dato eller et klokkeslett (04.02.2024), ikke "
        "et tall. Excel gjør om tall med punktum til datoer; skriv gjennomsnittet med "
        "desimalkomma, f.eks. 4,2.",
    ),
    "score_above_5": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("H3", 5.2)),
        ", rad 3, felt «Opplevd selvstendighet»: gjennomsnittet 5.2 ligger utenfor skalaen 1–5.",
    ),
    "score_below_1": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("O3", 0)),
        ", rad 3, felt «Nyttemotivasjon»: gjennomsnittet 0 ligger utenfor skalaen 1–5.",
    ),
    "score_as_word": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("F3", "fire")),
        ", rad 3, felt «Oppgavemotivasjon»: «fire» er ikke et tall. Skriv gjennomsnittet med desimalkomma, f.eks. 4,2.",
    ),
    "score_as_boolean": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("F3", True)),
        ", rad 3, felt «Oppgavemotivasjon»: cellen er en sannhetsverdi (SANN), ikke et tall.",
    ),
    "excel_error": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("K3", "#DIV/0!")),
        ", rad 3, felt «Rolleklarhet»: cellen viser Excel-feilen «#DIV/0!». Rett formelen, eller skriv inn tallet.",
    ),
    "formula_without_result": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("F3", "=AVERAGE(G3:H3)")),
        ", rad 3, felt «Oppgavemotivasjon»: cellen har en formel (=AVERAGE(G3:H3)) uten lagret "
        "resultat. Åpne filen i Excel, la formlene regne seg ut, og lagre den på nytt.",
    ),
    "answers_with_decimals": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("D3", 12.5)),
        ", rad 3, felt «Antall svar»: «12.5» er ikke et helt tall; antall svar må være et helt tall.",
    ),
    "negative_answers": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("D3", -3)),
        ", rad 3, felt «Antall svar»: antall svar kan ikke være negativt (-3).",
    ),
    "missing_answers": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("D3", None)),
        ", rad 3, felt «Antall svar»: antall svar mangler. Det trengs for å vekte enhetene og for anonymitetsgrensen.",
    ),
    "zero_answers_with_means": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("D3", 0)),
        ", rad 3, felt «Antall svar»: raden har gjennomsnitt, men 0 svar.",
    ),
    "answers_without_means": (
        "xlsx",
        _row(["5006", "Barnevern", 2024, 10, 12] + [None] * 10),
        ", rad 4: raden har antall svar, men ingen faktorverdier. Fyll inn gjennomsnittene fra "
        "KS-rapporten, eller slett raden.",
    ),
    "fewer_invited_than_answers": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_cell("E3", 20)),
        ", rad 3, felt «Antall invitert»: antall invitert (20) er mindre enn antall svar (30).",
    ),
    "invited_for_some_units_only": (
        "xlsx",
        _row(HEIMDAL[:4] + [None] + HEIMDAL[5:]),
        ", rad 4, felt «Antall invitert»: antall invitert er fylt ut for andre enheter i "
        "5001 i 2024, men ikke for «Heimdal». Fyll det ut for alle enhetene eller for "
        "ingen.",
    ),
    "duplicate_unit": (
        "xlsx",
        _row(["5001", "midtbyen "] + MIDTBYEN[2:]),
        ", rad 4, felt «Enhet»: «midtbyen» (5001) i 2024 står to ganger: rad 3 og rad 4. Slett den "
        "ene, eller gi enhetene ulike navn.",
    ),
    "wrong_sheet_name": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=lambda wb, ws: _rename_sheet(wb, ws)),
        ": arbeidsboken har arkene «Ark1», «Veiledning», men ikke noe ark Tilstand kjenner: "
        "«10-FAKTOR» (malen sample_data/templates/10faktor.xlsx), «Ansatte» (malen "
        "sample_data/templates/ansatte.xlsx) eller «Brukerundersøkelse» (malen "
        "sample_data/templates/brukerundersokelse.xlsx), og den ser heller ikke ut som en nedlasting "
        "fra Bufdirs kommunemonitor. Skriv tallene i malen, og behold arknavnet.",
    ),
    "merged_cells": (
        "xlsx",
        lambda: fill([MIDTBYEN, HEIMDAL], change=_merge),
        ", rad 3: cellene B3:B4 er slått sammen. Del dem opp igjen (Excel: «Slå sammen og midtstill» → "
        "«Del opp celler») så hver verdi står i sin egen celle.",
    ),
    "unknown_column": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_header_cell(16, "Trivsel")),
        ", rad 2, felt «Trivsel»: ukjent kolonne (kolonne P). Tilstand kjenner «Kommunenummer», "
        "«Enhet», «År», «Antall svar», «Antall invitert» og de ti faktorene: «Oppgavemotivasjon», "
        "«Mestringstro», «Opplevd selvstendighet», «Bruk av kompetanse», «Mestringsorientert ledelse», "
        "«Rolleklarhet», «Relevant kompetanseutvikling», «Fleksibilitetsvilje», «Mestringsklima», "
        "«Nyttemotivasjon». Rett overskriften, eller slett kolonnen.",
    ),
    "factor_twice": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_header_cell(11, "MESTRINGSTRO")),
        ", rad 2, felt «MESTRINGSTRO»: kolonnen står to ganger (kolonne G og kolonne K). Slett den ene.",
    ),
    "answers_column_missing": (
        "xlsx",
        lambda: fill([MIDTBYEN], change=_header_cell(4, None)),
        ", rad 2: overskriftsraden mangler «Antall svar». Bruk overskriftene fra malen "
        "sample_data/templates/10faktor.xlsx.",
    ),
    "value_without_header": (
        "xlsx",
        lambda: fill([MIDTBYEN + [None, 4.1]]),
        ", rad 3: verdien «4.1» står i en kolonne uten overskrift (kolonne Q). Slett den, eller "
        "gi kolonnen en overskrift.",
    ),
    "empty_template": (
        "xlsx",
        lambda: TEMPLATE.read_bytes(),
        ": filen har en overskriftsrad, men ingen rader med resultater.",
    ),
    "truncated": (
        "xlsx",
        lambda: fill([MIDTBYEN])[:3000],
        ": filen ser ut som en Excel-fil (.xlsx), men kan ikke åpnes: den er skadet eller avkortet. Åpne "
        "den i Excel og lagre den på nytt som Excel-arbeidsbok (.xlsx).",
    ),
    "old_xls": (
        "xls",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        ": filen er i det gamle Excel-formatet (.xls) eller passordbeskyttet. Fjern eventuelt passordet og "
        "lagre den som Excel-arbeidsbok (.xlsx).",
    ),
    "opendocument": (
        "ods",
        lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        ": filen er et OpenDocument-regneark (.ods). Lagre den som Excel-arbeidsbok (.xlsx) eller som "
        "CSV (semikolonseparert).",
    ),
    "plain_zip": (
        "zip",
        lambda: _zip({"rapport.txt": b"hei"}),
        ": filen er en zip-fil, men ikke en Excel-arbeidsbok (.xlsx).",
    ),
    "csv_comma_separated": (
        "csv",
        lambda: csv_text([MIDTBYEN], sep=",").encode(),
        ", rad 2: verdien «4» står i en kolonne uten overskrift (kolonne 16). Er filen lagret med "
        "komma som skilletegn? Da deler desimalkommaet tallene i to; lagre den som «CSV "
        "(semikolondelt)».",
    ),
    "csv_date_text": (
        "csv",
        lambda: f"{HEADER}\r\n5001;Midtbyen;2024;30;40;04.feb;{V[4:]}\r\n".encode("cp1252"),
        ", rad 2, felt «Oppgavemotivasjon»: «04.feb» er en dato, ikke et tall. Excel gjør om tall med "
        "punktum til datoer; skriv gjennomsnittet med desimalkomma, f.eks. 4,2.",
    ),
    "csv_bad_encoding": (
        "csv",
        lambda: f"{HEADER}\r\n5001;Midtbyen;2024;30;40;{V}\r\n".encode() + b"\x81\x8d\r\n",
        ", rad 3: ukjent tegnkoding: filen er verken UTF-8 eller Windows-1252 (cp1252). Lagre den på "
        "nytt fra Excel som «CSV UTF-8».",
    ),
    "csv_long_unknown_factor": (
        "csv",
        lambda: (
            "Kommunenummer;Enhet;År;Faktor;Gjennomsnitt;Antall svar\r\n5001;Midtbyen;2024;Trivsel;4,2;30\r\n"
        ).encode(),
        ", rad 2, felt «Faktor»: «Trivsel» er ikke en av de ti faktorene i 10-FAKTOR "
        "(Oppgavemotivasjon, Mestringstro, Opplevd selvstendighet, Bruk av kompetanse, "
        "Mestringsorientert ledelse, Rolleklarhet, Relevant kompetanseutvikling, "
        "Fleksibilitetsvilje, Mestringsklima, Nyttemotivasjon).",
    ),
    "csv_long_duplicate_factor": (
        "csv",
        lambda: (
            "Kommunenummer;Enhet;År;Faktor;Gjennomsnitt;Antall svar\r\n"
            "5001;Midtbyen;2024;Mestringstro;4,2;30\r\n"
            "5001;Midtbyen;2024;MESTRINGSTRO;4,3;30\r\n"
        ).encode(),
        ", rad 3, felt «Faktor»: Mestringstro for «Midtbyen» (5001) i 2024 står to ganger: rad 2 og rad 3.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_broken_file_is_refused_with_file_row_and_field_and_nothing_changes(con, tmp_path, case):
    ext, make, expected = BAD[case]
    ingest.import_file(con, write(tmp_path, "ok.xlsx", fill([STEINKJER])), actor=SYSTEM)  # something to keep
    f = write(tmp_path, f"{case}.{ext}", make())
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.import_file(con, f, actor=SYSTEM)
    assert str(e.value) == F.format(name=f.name) + expected
    assert snapshot(con) == before


def test_the_battery_is_large():
    assert len(BAD) >= 25


# --- whatever arrives: data or an InputError, never a traceback -------------------------------------------

GOOD_XLSX = fill([MIDTBYEN, HEIMDAL, STEINKJER])
GOOD_CSV = SAMPLE_CSV.read_bytes()[:3000]


def _parse(data: bytes) -> None:
    try:
        tenfactor.parse_file(data, "fuzz.xlsx")
    except InputError as e:
        assert e.file == "fuzz.xlsx" and e.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data):
    _parse(data)
    _parse(b"PK\x03\x04" + data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(GOOD_XLSX)))
def test_truncated_xlsx_never_crashes(n):
    _parse(GOOD_XLSX[:n])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(GOOD_XLSX) - 1), st.binary(min_size=1, max_size=8))
def test_corrupted_xlsx_never_crashes(at, junk):
    _parse(GOOD_XLSX[:at] + junk + GOOD_XLSX[at + len(junk) :])


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(GOOD_CSV) - 1), st.binary(min_size=1, max_size=4))
def test_corrupted_csv_never_crashes(at, junk):
    _parse(GOOD_CSV[:at] + junk + GOOD_CSV[at + len(junk) :])


with zipfile.ZipFile(io.BytesIO(GOOD_XLSX)) as _z:
    GOOD_PARTS = {n: _z.read(n) for n in _z.namelist()}
SHEET_XML = GOOD_PARTS["xl/worksheets/sheet1.xml"]


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(SHEET_XML) - 1),
    st.sampled_from(
        [
            b"<",
            b'"',
            b"&",
            b' t="e"',
            b' t="d"',
            b' t="s"',
            b"<v>1e999</v>",
            b"<f>",
            b"\xff",
            b'<mergeCell ref="A1:ZZZ9"/>',
            b' r="A0"',
            b' r="XFE99"',
            b"99999999999",
        ]
    ),
)
def test_damaged_sheet_xml_inside_a_sound_zip_never_crashes(at, junk):
    """The zip opens, so openpyxl parses the sheet: a damaged cell must still end as an InputError."""
    _parse(_zip({**GOOD_PARTS, "xl/worksheets/sheet1.xml": SHEET_XML[:at] + junk + SHEET_XML[at:]}))
