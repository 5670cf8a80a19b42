"""The staff importer: the shipped template filled in, its CSV copy, what it computes (turnover, competence
shares, yearly sick leave only from four quarters), and broken files refused with exact Norwegian messages
while the database stays unchanged."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sample_data.templates import build
from tests.conftest import ROOT, snapshot
from tilstand import ingest
from tilstand.access import SYSTEM
from tilstand.errors import InputError
from tilstand.ingest import staff
from tilstand.privacy import anonymity_limit

TEMPLATE = ROOT / "sample_data" / "templates" / "ansatte.xlsx"
SAMPLE_XLSX = ROOT / "sample_data" / "ansatte" / "ansatte_2019-2024.xlsx"
SAMPLE_CSV = ROOT / "sample_data" / "ansatte" / "ansatte_2019-2024.csv"
H = ";".join(build.staff_headers())
# Kommunenummer, År, Kvartal, Årsverk, Stillinger, Ledige, Korttid, Langtid, Legemeldt, Sluttet, Snitt, Saksb.,
# Master, 2031, Vidr.
YEAR_ROW = ["5001", 2024, None, 120.5, 130, 4, None, None, None, 20, 125.0, 80, 30, 50, 10]
QUARTERS = [
    ["5001", 2024, q, None, None, None, s, lg, d]
    for q, s, lg, d in ((1, 2.0, 5.0, 5.5), (2, 3.0, 6.0, 7.0), (3, 1.0, 4.0, 4.0), (4, 2.0, 5.0, 5.5))
]


def fill(rows) -> bytes:
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb[staff.SHEET]
    for r, values in enumerate(rows, start=build.FIRST_DATA_ROW):
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(body: str, header: str = H, encoding: str = "cp1252") -> bytes:
    return (header + "\r\n" + body).encode(encoding)


def obs(parsed) -> dict[str, tuple]:
    return {(o.indicator_id, o.region_code, o.year): (o.value, o.status) for o in parsed.observations}


def test_the_shipped_template_is_what_the_builder_writes():
    assert build.to_bytes(build.staff_workbook()) == TEMPLATE.read_bytes(), "run sample_data/templates/build.py"


def test_template_round_trip_and_computations(con, tmp_path):
    f = tmp_path / "ansatte.xlsx"
    f.write_bytes(fill([YEAR_ROW, *QUARTERS]))
    assert ingest.detect(f.read_bytes(), f.name) == "staff"
    result = ingest.import_file(con, f, actor=SYSTEM)
    got = {
        i: v
        for i, v, s in con.execute(
            "SELECT indicator_id, value, status FROM observation WHERE region_code = '5001' AND year = 2024"
        ).fetchall()
    }
    assert got["turnover_pct"] == 16.0  # 20 ÷ 125 × 100
    assert got["andel_master"] == 37.5 and got["andel_kompetansekrav_2031"] == 62.5
    assert got["andel_videreutdanning"] == 12.5
    assert got["sykefravaer_korttid_pct"] == 2.0 and got["sykefravaer_langtid_pct"] == 5.0
    assert got["sykefravaer_totalt_pct"] == 7.0 and got["sykefravaer_legemeldt_pct"] == 5.5
    assert got["ansatte_arsverk"] == 120.5 and "arsverk_totalt" not in got  # never SSB's indicator
    assert result.rows == len(got) == 14  # 6 typed, turnover, 3 shares, 4 sick-leave figures


def test_csv_cp1252_with_decimal_comma_reads_as_the_template():
    body = "5001;2024;;120,5;130;4;;;;20;125,0;80;30;50;10\r\n" + "".join(
        f"5001;2024;{q};;;;{s};{lg};{d}\r\n".replace(".", ",") for _, _, q, *_, s, lg, d in QUARTERS
    )
    a = staff.parse_file(csv_bytes("Eksempeldata;\r\n" * 0 + body), "a.csv")
    b = staff.parse_file(fill([YEAR_ROW, *QUARTERS]), "a.xlsx")
    assert obs(a) == obs(b) and a.source == "staff_csv" and b.source == "staff_xlsx"
    assert ingest.detect(csv_bytes(body), "a.csv") == "staff"


# Kvartal, korttid, langtid, legemeldt, avtalte dagsverk: a summer quarter with fewer agreed days (holidays)
WEIGHTED = [
    (1, 2.0, 5.0, 5.5, 1900.0),
    (2, 3.0, 6.0, 7.0, 1800.0),
    (3, 1.0, 4.0, 4.0, 1300.0),
    (4, 2.0, 5.0, 5.5, 2000.0),
]


def _quarter_rows(quarters) -> list[list]:
    return [
        ["5001", 2024, q, None, None, None, s, lg, d, None, None, None, None, None, None, *days]
        for q, s, lg, d, *days in quarters
    ]


def test_yearly_sick_leave_weighs_each_quarter_by_its_agreed_working_days(con, tmp_path):
    f = tmp_path / "ansatte.xlsx"
    f.write_bytes(fill([YEAR_ROW, *_quarter_rows(WEIGHTED)]))
    p = ingest.read(f).parsed
    assert p.notes == [] and p.equal_weight_years == []
    ingest.write(con, ingest.read(f), actor=SYSTEM)
    got = dict(
        con.execute(
            "SELECT indicator_id, value FROM observation WHERE region_code = '5001' AND year = 2024 "
            "AND indicator_id LIKE 'sykefravaer%'"
        ).fetchall()
    )
    # sick days ÷ agreed days over the year, by hand: 2,0 % of 1 900 = 38 days, 3,0 % of 1 800 = 54, 1,0 % of
    # 1 300 = 13, 2,0 % of 2 000 = 40; 145 days of 7 000 = 2,0714 % (the equal-weight mean would be 2,0 %)
    assert got["sykefravaer_korttid_pct"] == round(145 / 7000 * 100, 4) == 2.0714
    # long term: 95 + 108 + 52 + 100 = 355 days of 7 000; in all: 500 of 7 000
    assert got["sykefravaer_langtid_pct"] == round(355 / 7000 * 100, 4) == 5.0714
    assert got["sykefravaer_totalt_pct"] == round(500 / 7000 * 100, 4) == 7.1429
    # legemeldt: 104,5 + 126 + 52 + 110 = 392,5 days of 7 000
    assert got["sykefravaer_legemeldt_pct"] == round(392.5 / 7000 * 100, 4) == 5.6071


def test_without_agreed_working_days_the_quarters_weigh_equally_and_the_import_says_so():
    p = staff.parse_file(fill([YEAR_ROW, *_quarter_rows(q[:4] for q in WEIGHTED)]), "a.xlsx")
    got = obs(p)
    assert got[("sykefravaer_korttid_pct", "5001", 2024)] == ((2.0 + 3.0 + 1.0 + 2.0) / 4, None)
    assert got[("sykefravaer_legemeldt_pct", "5001", 2024)] == ((5.5 + 7.0 + 4.0 + 5.5) / 4, None)
    assert p.equal_weight_years == [("5001", 2024)]
    assert p.notes == [
        "Avtalte dagsverk mangler for 5001 2024: sykefraværet for året er regnet som "
        "gjennomsnittet av de fire kvartalene med lik vekt, ikke vektet med avtalte dagsverk slik SSB og KS regner. "
        "Fyll inn kolonnen «Avtalte dagsverk» på kvartalsradene for å få det vektede tallet."
    ]


def test_equal_agreed_working_days_give_the_plain_mean():
    same = [(q, s, lg, d, 1750.0) for q, s, lg, d, _ in WEIGHTED]
    a = obs(staff.parse_file(fill([YEAR_ROW, *_quarter_rows(same)]), "a.xlsx"))
    b = obs(staff.parse_file(fill([YEAR_ROW, *_quarter_rows(q[:4] for q in WEIGHTED)]), "b.xlsx"))
    assert a.keys() == b.keys() and all(a[k][0] == pytest.approx(b[k][0]) for k in a)


def test_a_missing_quarter_gives_no_yearly_sick_leave():
    p = staff.parse_file(fill([YEAR_ROW, *QUARTERS[:3]]), "a.xlsx")
    assert not any(o.indicator_id.startswith("sykefravaer") for o in p.observations)
    assert p.incomplete_years == [("5001", 2024)]


def test_the_sample_files_agree_and_are_eksempeldata():
    a, b = (staff.parse_file(f.read_bytes(), f.name) for f in (SAMPLE_XLSX, SAMPLE_CSV))
    assert obs(a) == obs(b) and a.sample and b.sample
    assert {o.region_code for o in a.observations} >= {"5001", "5006"}
    assert a.incomplete_years  # the generator leaves a quarter out on purpose
    # one municipality without agreed working days (equal weights, said in the note), the others weighted
    assert {m for m, _ in a.equal_weight_years} == {"5061"}
    assert a.notes == [staff.equal_weight_note(a.equal_weight_years)]


F = "fil «{name}», "
BAD = {
    "empty": ("", "filen er tom."),
    "no_header": ("År;Årsverk\r\n2024;3\r\n", None),
    "unknown_column": (None, None),
    "missing_year_column": (
        "Kommunenummer;Årsverk\r\n5001;3\r\n",
        "rad 1: overskriftsraden mangler «År». Bruk overskriftene fra malen sample_data/templates/ansatte.xlsx.",
    ),
    "duplicate_column": (
        "Kommunenummer;År;Årsverk;Antall årsverk\r\n5001;2024;3;3\r\n",
        "rad 1, felt «Antall årsverk»: kolonnen står to ganger (kolonne 3 og kolonne 4). Slett den ene.",
    ),
    "no_rows": (H + "\r\n", "filen har en overskriftsrad, men ingen rader med tall."),
    "missing_municipality": (";2024;;3\r\n", "rad 2, felt «Kommunenummer»: kommunenummeret mangler."),
    "bad_municipality": (
        "50x1;2024;;3\r\n",
        "rad 2, felt «Kommunenummer»: «50x1» er ikke et kommunenummer (4 siffer, f.eks. 5001).",
    ),
    "missing_year": ("5001;;;3\r\n", "rad 2, felt «År»: året mangler."),
    "year_out_of_range": ("5001;1999;;3\r\n", None),
    "bad_quarter": (
        "5001;2024;5;;;;2;3\r\n",
        "rad 2, felt «Kvartal»: «5» er ikke et kvartal. Skriv 1, 2, 3 eller 4, "
        "eller la cellen stå tom på raden for hele året.",
    ),
    "year_field_on_quarter": (
        "5001;2024;1;3;;;2;3\r\n",
        "rad 2, felt «Årsverk»: årsverk gjelder hele året og skrives "
        "på raden med tomt kvartal, ikke på en kvartalsrad.",
    ),
    "sick_on_year_row": (
        "5001;2024;;3;;;2;3\r\n",
        "rad 2, felt «Sykefravær korttid (%)»: sykefraværet skrives per "
        "kvartal: fyll inn «Kvartal» (1–4) og bruk én rad per kvartal.",
    ),
    "quarter_without_sick": ("5001;2024;1;;;;;\r\n", None),
    "sick_over_100": (
        "5001;2024;1;;;;101;3\r\n",
        "rad 2, felt «Sykefravær korttid (%)»: sykefraværet 101 ligger utenfor 0–100 prosent.",
    ),
    "sick_sum_over_100": (
        "5001;2024;1;;;;60;50\r\n",
        "rad 2, felt «Sykefravær langtid (%)»: korttids- og "
        "langtidsfraværet er til sammen mer enn 100 prosent av avtalte dagsverk.",
    ),
    "doctor_over_total": (
        "5001;2024;1;;;;2;3;5,5\r\n",
        "rad 2, felt «Legemeldt sykefravær (%)»: legemeldt "
        "sykefravær (5,5 %) er høyere enn sykefraværet i alt, korttid + langtid (5 %). Legemeldt "
        "fravær er en del av det samlede fraværet.",
    ),
    "doctor_over_100": (
        "5001;2024;1;;;;2;3;120\r\n",
        "rad 2, felt «Legemeldt sykefravær (%)»: sykefraværet 120 ligger utenfor 0–100 prosent.",
    ),
    "duplicate_quarter": (
        "5001;2024;1;;;;2;3\r\n5001;2024;K1;;;;2;3\r\n",
        "rad 3, felt «Kvartal»: kvartal 1 i 2024 for 5001 står to ganger: rad 2 og rad 3.",
    ),
    "duplicate_year": (
        "5001;2024;;3\r\n5001;2024;;4\r\n",
        "rad 3, felt «År»: 5001 i 2024 står to ganger (rad 2 og rad 3). Bruk én rad per kommune og år.",
    ),
    "negative_fte": ("5001;2024;;-3\r\n", "rad 2, felt «Årsverk»: årsverk kan ikke være negativt (-3)."),
    "text_fte": (
        "5001;2024;;mange\r\n",
        "rad 2, felt «Årsverk»: «mange» er ikke et tall. Skriv årsverk som et tall med desimalkomma, f.eks. 12,5.",
    ),
    "fractional_positions": (
        "5001;2024;;3;4,5\r\n",
        "rad 2, felt «Stillinger»: «4,5» er ikke et helt tall; antall stillinger må være et helt tall.",
    ),
    "vacant_over_positions": (
        "5001;2024;;3;4;5\r\n",
        "rad 2, felt «Ledige stillinger»: ledige stillinger (5) er flere enn stillinger (4).",
    ),
    "leavers_without_average": (
        "5001;2024;;;;;;;;3\r\n",
        "rad 2, felt «Sluttet i året»: gjennomsnittlig antall "
        "ansatte mangler. Det trengs for å regne ut turnover (sluttet ÷ gjennomsnittlig "
        "antall ansatte).",
    ),
    "average_zero": (
        "5001;2024;;;;;;;;3;0\r\n",
        "rad 2, felt «Gjennomsnittlig antall ansatte»: gjennomsnittlig antall ansatte er 0, men noen har sluttet.",
    ),
    "master_without_caseworkers": (
        "5001;2024;;;;;;;;;;;3\r\n",
        "rad 2, felt «Med master i barnevern»: «Saksbehandlere "
        "og ledere» mangler. Andelen regnes ut av antall saksbehandlere og ledere.",
    ),
    "master_over_caseworkers": (
        "5001;2024;;;;;;;;;;2;3;3\r\n",
        "rad 2, felt «Med master i barnevern»: antall med "
        "master (3) er større enn antall saksbehandlere og ledere (2).",
    ),
    "master_over_requirement": (
        "5001;2024;;;;;;;;;;10;3;2\r\n",
        "rad 2, felt «Oppfyller kravet fra 2031»: færre "
        "oppfyller kravet fra 2031 (2) enn som har master i barnevern (3); master i barnevern "
        "oppfyller kravet.",
    ),
    "stray_value": (
        "5001;2024;;3;;;;;;;;;;;;;x\r\n",
        "rad 2: verdien «x» står i en kolonne uten overskrift (kolonne "
        "17). Slett den, eller gi kolonnen en overskrift.",
    ),
    "agreed_days_on_year_row": (
        "5001;2024;;3;;;;;;;;;;;;1800\r\n",
        "rad 2, felt «Avtalte dagsverk»: avtalte dagsverk "
        "skrives per kvartal, på kvartalsraden med sykefraværet: fyll inn «Kvartal» (1–4).",
    ),
    "agreed_days_zero": (
        "5001;2024;1;;;;2;3;;;;;;;;0\r\n",
        "rad 2, felt «Avtalte dagsverk»: avtalte dagsverk må være flere enn 0 (0).",
    ),
    "agreed_days_for_some_quarters": (
        "".join(f"5001;2024;{q};;;;2;3;;;;;;;;{d}\r\n" for q, d in ((1, 1800), (2, ""), (3, 1700), (4, 1900))),
        "rad 3, felt «Avtalte dagsverk»: avtalte dagsverk mangler her, men står på andre kvartaler i 2024 for 5001 "
        "(rad 2, 4, 5). Fyll dem inn for alle kvartalene i året, eller la kolonnen stå tom for hele året.",
    ),
    "date_in_percent": ("5001;2024;1;;;;1.5.;3\r\n", None),
    "excel_error": (
        "5001;2024;;#DIV/0!\r\n",
        "rad 2, felt «Årsverk»: cellen viser Excel-feilen «#DIV/0!». Rett formelen, eller skriv inn tallet.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_broken_file_is_refused_with_exact_message_and_nothing_changes(con, tmp_path, case):
    body, expected = BAD[case]
    ok = tmp_path / "ok.xlsx"
    ok.write_bytes(fill([YEAR_ROW]))
    ingest.import_file(con, ok, actor=SYSTEM)
    if case == "empty":
        data = b""
    elif case == "no_header":
        data = body.encode()
    elif case == "unknown_column":
        data = csv_bytes("5001;2024\r\n", header="Kommunenummer;År;Lønn")
    elif body.startswith(("Kommunenummer", "Kommune")) or body.startswith(H):
        data = body.encode("cp1252")
    else:
        data = csv_bytes(body)
    f = tmp_path / f"{case}.csv"
    f.write_bytes(data)
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.read(f, source="staff") if case in ("no_header", "empty") else ingest.import_file(con, f, actor=SYSTEM)
    if expected is not None:
        prefix = F if expected.startswith("rad") else "fil «{name}»: "
        assert str(e.value) == prefix.format(name=f.name) + expected
    else:
        assert e.value.file == f.name and e.value.message
    assert snapshot(con) == before


def test_special_messages():
    with pytest.raises(InputError) as e:
        staff.parse_file(csv_bytes("5001;2024\r\n", header="Kommunenummer;År;Lønn"), "u.csv")
    assert (
        e.value.row == 1
        and e.value.field == "Lønn"
        and e.value.message.startswith(
            "ukjent kolonne (kolonne 3). Tilstand kjenner «Kommunenummer», «År», «Kvartal», «Årsverk»"
        )
    )
    with pytest.raises(InputError) as e:
        staff.parse_file(csv_bytes("5001;1999;;3\r\n"), "y.csv")
    assert e.value.message.startswith("«1999» er ikke et gyldig år (2000–")
    with pytest.raises(InputError) as e:
        staff.parse_file(csv_bytes("5001;2024;1;;;;;\r\n"), "q.csv")
    assert e.value.message == (
        "kvartalsraden har ikke noe sykefravær. Fyll inn «Sykefravær korttid (%)» og "
        "«Sykefravær langtid (%)», eller slett raden."
    )


def test_the_battery_is_large():
    assert len(BAD) >= 20


def test_a_wrong_sheet_name_is_named(tmp_path):
    wb = openpyxl.load_workbook(TEMPLATE)
    wb[staff.SHEET].title = "Ark1"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InputError) as e:
        staff.parse_file(out.getvalue(), "s.xlsx")
    assert e.value.message == (
        "finner ikke arket «Ansatte». Arbeidsboken har arkene «Ark1», «Veiledning». Bruk malen "
        "sample_data/templates/ansatte.xlsx og skriv resultatene i arket «Ansatte»."
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), min_size=1, max_size=4))
def test_yearly_sick_leave_is_the_mean_of_four_quarters_and_nothing_less(quarters):
    """Tenths of a per cent per quarter: the yearly value exists only with four quarters, and is their mean."""
    body = "".join(
        f"5001;2024;{q};;;;{s / 10:.1f};{lg / 10:.1f}\r\n".replace(".", ",")
        for q, (s, lg) in enumerate(quarters, start=1)
    )
    got = obs(staff.parse_file(csv_bytes(body), "h.csv"))
    if len(quarters) < 4:
        assert got == {}
    else:
        short = sum(s for s, _ in quarters) / 40
        long_ = sum(lg for _, lg in quarters) / 40
        assert got[("sykefravaer_korttid_pct", "5001", 2024)][0] == pytest.approx(short)
        assert got[("sykefravaer_totalt_pct", "5001", 2024)][0] == pytest.approx(short + long_)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=1500))
def test_arbitrary_bytes_never_crash(data):
    for d in (data, H.encode() + b"\r\n" + data):
        try:
            staff.parse_file(d, "fuzz.csv")
        except InputError as e:
            assert e.file == "fuzz.csv" and e.message


def test_legemeldt_missing_in_a_quarter_gives_no_yearly_legemeldt_and_marks_the_year_incomplete():
    quarters = [q[:8] + [None] if q[2] == 2 else q for q in QUARTERS]
    got = obs(staff.parse_file(fill([YEAR_ROW, *quarters]), "a.xlsx"))
    assert ("sykefravaer_legemeldt_pct", "5001", 2024) not in got
    assert got[("sykefravaer_totalt_pct", "5001", 2024)] == (7.0, None)
    assert staff.parse_file(fill([YEAR_ROW, *quarters]), "a.xlsx").incomplete_years == [("5001", 2024)]


@pytest.mark.parametrize("caseworkers,average,hidden", [(4, 4.9, True), (5, 5.0, False)])
def test_shares_and_rates_on_fewer_than_five_people_are_stored_without_their_number(caseworkers, average, hidden):
    year_row = YEAR_ROW[:9] + [1, average, caseworkers, 1, 2, 1]
    p = staff.parse_file(fill([year_row, *QUARTERS]), "a.xlsx")
    got = obs(p)
    rates = (
        "andel_master",
        "andel_kompetansekrav_2031",
        "andel_videreutdanning",
        "turnover_pct",
        *staff.SICK_IDS.values(),
        staff.TOTAL_SICK_ID,
    )
    assert all((got[(i, "5001", 2024)] == (None, "x")) is hidden for i in rates)
    assert p.suppressed == (len(rates) if hidden else 0)
    assert got[("ansatte_arsverk", "5001", 2024)] == (120.5, None)  # a count of staff is never hidden
    assert anonymity_limit(staff.CASEWORKERS_ID) == 5


def test_the_import_command_prints_the_equal_weight_note(tmp_path, capsys):
    from tilstand import cli

    f = tmp_path / "ansatte.xlsx"
    f.write_bytes(fill([YEAR_ROW, *QUARTERS]))
    assert cli.main(["import", str(f), "--db", str(tmp_path / "t.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "  Merk: Avtalte dagsverk mangler for 5001 2024: sykefraværet for året er regnet" in out
    f.write_bytes(fill([YEAR_ROW, *_quarter_rows(WEIGHTED)]))
    assert cli.main(["import", str(f), "--db", str(tmp_path / "t.duckdb")]) == 0
    assert "Avtalte dagsverk mangler" not in capsys.readouterr().out
