"""Bufdir kommunemonitor downloads: long and wide layouts, CSV encodings, Excel, half-years, services."""

import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, snapshot
from tilstand import ingest
from tilstand.access import SYSTEM
from tilstand.errors import InputError
from tilstand.ingest import bufdir

# Trondheim's shares and counts are large: a share rounded to one decimal does not pin the base (40 breaches at
# 12,5 % are 319, 320 or 321 concluded). Stjørdal's are small enough that they do: 12 at 24,0 % and 4 at 10,0 %.
LONG = (
    "Barnevern kommunemonitor\n"
    "Kommunenummer;Kommune;Indikator;Periode;Andel (prosent);Antall\n"
    "5001;Trondheim;Fristbrudd i undersøkelsessaker;2024 1. halvår;12,5;40\n"
    "5001;Trondheim;Fristbrudd i undersøkelsessaker;2024 2. halvår;10,1;33\n"
    "5035;Stjørdal;Fristbrudd i undersøkelsessaker;2024 1. halvår;24,0;12\n"
    "5035;Stjørdal;Fristbrudd i undersøkelsessaker;2024 2. halvår;10,0;4\n"
    "5043;Røyrvik;Fristbrudd i undersøkelsessaker;2024 2. halvår;x;x\n"
    ";Fosen barnevern;Fristbrudd i undersøkelsessaker;2024 2. halvår;7,0;\n"
    "50;Trøndelag;Barn med akuttvedtak pr. 1000 i barnebefolkningen;2024;2,4;101\n"
    "5001;Trondheim;Barn i hjelpetiltak med tiltaksplan (andre halvår);2023;..;\n"
)

WIDE = (
    "Barn i hjelpetiltak med evaluert tiltaksplan\n"
    "Andel (prosent)\n"
    "Kommune;2023-H1;2023-H2;2024-H1;2024-H2\n"
    "5001 Trondheim;70,0;71,5;72,0;73,25\n"
    "Værnesregionen barnevern;60;61;;62\n"
)


def _obs(parsed):
    return {(o.indicator_id, o.region_code, o.year): (o.value, o.status) for o in parsed.observations}


def _parse(text: str, name: str = "b.csv", encoding: str = "utf-8"):
    return bufdir.parse_file(text.encode(encoding), name)


def _xlsx(rows, percent_cells=()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for ref in percent_cells:
        ws[ref].number_format = "0.0%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- layouts


H1, H2 = "undersokelser_fristbrudd_h1", "undersokelser_fristbrudd_h2"
BASE1, BASE2 = "undersokelser_avsluttet_h1_antall", "undersokelser_avsluttet_halvar"
YEAR_SHARE = "undersokelser_fristbrudd_andel"


def test_long_layout_stores_each_half_year_of_fristbrudd_as_its_own_indicator():
    p = _parse(LONG)
    assert _obs(p) == {
        (f"{H1}_andel", "5001", 2024): (12.5, None),
        (f"{H1}_antall", "5001", 2024): (40.0, None),
        (f"{H2}_andel", "5001", 2024): (10.1, None),
        (f"{H2}_antall", "5001", 2024): (33.0, None),
        (f"{H1}_andel", "5035", 2024): (24.0, None),
        (f"{H1}_antall", "5035", 2024): (12.0, None),
        (f"{H2}_andel", "5035", 2024): (10.0, None),
        (f"{H2}_antall", "5035", 2024): (4.0, None),
        (BASE1, "5035", 2024): (50.0, None),
        (BASE2, "5035", 2024): (40.0, None),  # computed: see below
        (f"{H2}_andel", "5043", 2024): (None, "x"),
        (f"{H2}_antall", "5043", 2024): (None, "x"),
        (f"{H2}_andel", "fosen", 2024): (7.0, None),
        ("barn_akuttvedtak_per_1000", "50", 2024): (2.4, None),
        ("hjelpetiltak_tiltaksplan_andel", "5001", 2023): (None, "x.."),
    }
    assert not any(o.indicator_id == YEAR_SHARE for o in p.observations)  # never read from a file: derived
    assert p.source == "bufdir_csv" and p.table is None and not p.sample


def test_the_concluded_base_is_computed_where_the_rounded_share_and_the_count_pin_it():
    # Stjørdal, 1. halvår: 12 breaches at 24,0 %. 12/50 = 24,0 %; the neighbours 12/49 = 24,5 % and 12/51 = 23,5 %
    # are written otherwise, so 50 concluded. 2. halvår: 4 at 10,0 %: 4/40 = 10,0 %, 4/39 = 10,3 %, 4/41 = 9,8 %.
    assert (round(12 / 49 * 100, 1), round(12 / 50 * 100, 1), round(12 / 51 * 100, 1)) == (24.5, 24.0, 23.5)
    assert (round(4 / 39 * 100, 1), round(4 / 40 * 100, 1), round(4 / 41 * 100, 1)) == (10.3, 10.0, 9.8)
    obs = _obs(_parse(LONG))
    assert obs[(BASE1, "5035", 2024)] == (50.0, None) and obs[(BASE2, "5035", 2024)] == (40.0, None)
    notes = _parse(LONG).notes
    assert "1 tall for «Undersøkelser avsluttet 1. halvår» regnet ut fra andel og antall" in notes
    assert "1 tall for «Undersøkelser avsluttet 2. halvår» regnet ut fra andel og antall" in notes


def test_a_base_the_rounded_share_does_not_pin_is_left_out_with_a_note():
    # Trondheim, 1. halvår: 40 breaches at 12,5 % could be 319, 320 or 321 concluded (12,54 / 12,50 / 12,46 %);
    # 2. halvår: 33 at 10,1 % could be 326, 327 or 328. Guessing one would make up the year's share.
    assert {round(40 / n * 100, 1) for n in (319, 320, 321)} == {12.5}
    assert {round(33 / n * 100, 1) for n in (326, 327, 328)} == {10.1}
    p = _parse(LONG)
    assert (BASE1, "5001", 2024) not in _obs(p) and (BASE2, "5001", 2024) not in _obs(p)
    for half in ("1", "2"):
        assert (
            f"1 tall for «Undersøkelser avsluttet {half}. halvår» kunne ikke regnes ut entydig fra andel og "
            "antall (andelen er avrundet)"
        ) in p.notes


def _import(con, tmp_path, text: str, name: str = "monitor.csv"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return ingest.import_file(con, f, actor=SYSTEM)


def _public(con, indicator: str, region: str, year: int = 2024):
    return con.execute(
        "SELECT value, status FROM observation_public WHERE indicator_id = ? AND region_code = ? AND year = ?",
        [indicator, region, year],
    ).fetchone()


def test_the_years_share_is_both_halves_breaches_over_both_halves_concluded_never_the_mean(con, tmp_path):
    _import(con, tmp_path, LONG)
    # Stjørdal: (12 + 4) breaches of (50 + 40) concluded = 17,8 %; the mean of 24,0 and 10,0 would be 17,0,
    # and the second half-year alone 10,0.
    expected = round((12 + 4) / (50 + 40) * 100, 1)
    assert expected == 17.8
    assert _public(con, YEAR_SHARE, "5035") == (expected, None)
    # The halves stay, each as its own figure.
    assert _public(con, f"{H1}_andel", "5035") == (24.0, None) and _public(con, f"{H2}_andel", "5035") == (10.0, None)


def test_a_base_the_file_gives_makes_the_year_where_share_and_count_alone_cannot(con, tmp_path):
    # Trondheim's bases are not pinned by LONG; the KHR count of concluded investigations gives them.
    _import(con, tmp_path, LONG)
    assert _public(con, YEAR_SHARE, "5001") is None
    bases = (
        "Kommune;Indikator;Periode;Antall\n"
        "5001 Trondheim;Undersøkelser avsluttet 1. halvår;2024 1. halvår;320\n"
        "5001 Trondheim;Undersøkelser avsluttet 2. halvår;2024 2. halvår;327\n"
    )
    _import(con, tmp_path, bases, "avsluttet.csv")
    assert _public(con, YEAR_SHARE, "5001") == (round((40 + 33) / (320 + 327) * 100, 1), None)  # 11,3 %


def test_a_base_the_file_gives_must_agree_with_share_and_count(con, tmp_path):
    text = (
        "Kommune;Indikator;Periode;Andel (prosent);Antall\n"
        "5035 Stjørdal;Fristbrudd i undersøkelsessaker;2024 1. halvår;24,0;12\n"
        "5035 Stjørdal;Undersøkelser avsluttet 1. halvår;2024 1. halvår;;60\n"
    )
    f = tmp_path / "forskjovet.csv"
    f.write_text(text, encoding="utf-8")
    # 12 of 60 is 20,0 %, not 24,0 %
    _check_refused(
        con,
        f,
        "fil «forskjovet.csv», rad 2, felt «Andel (prosent)»: andelen 24,0 % stemmer ikke med "
        "antallet 12 og «Undersøkelser avsluttet 1. halvår» 60 (rad 3): 12 av 60 er 20,0 %. "
        "Kontroller at kolonnene ikke er forskjøvet.",
    )


ONLY_H1 = (
    "Kommune;Indikator;Periode;Andel (prosent);Antall\n"
    "5035 Stjørdal;Fristbrudd i undersøkelsessaker;2025 1. halvår;24,0;12\n"
)
ONLY_H2 = (
    "Kommune;Indikator;Periode;Andel (prosent);Antall\n"
    "5035 Stjørdal;Fristbrudd i undersøkelsessaker;2025 2. halvår;10,0;4\n"
)


def test_one_half_imported_leaves_the_year_missing_until_the_other_half_comes(con, tmp_path):
    """One half-year is not the year: its share is stored and shown as the half, the year's share stays
    missing (no row, «not imported») and the import says why; the second file completes it."""
    p = bufdir.parse_file(ONLY_H1.encode(), "h1.csv")
    assert (
        "«Fristbrudd i undersøkelsessaker» for hele året regnes ut først når begge halvår er importert: filen "
        "har bare ett av halvårene for 1 kombinasjon av region og år (f.eks. 5035, 1. halvår 2025)"
    ) in p.notes
    _import(con, tmp_path, ONLY_H1, "h1.csv")
    assert _public(con, f"{H1}_andel", "5035", 2025) == (24.0, None)
    assert con.execute("SELECT count(*) FROM observation WHERE indicator_id = ?", [YEAR_SHARE]).fetchone()[0] == 0
    _import(con, tmp_path, ONLY_H2, "h2.csv")
    assert _public(con, YEAR_SHARE, "5035", 2025) == (round((12 + 4) / (50 + 40) * 100, 1), None)


@pytest.mark.parametrize("mark, status", [("x", "x"), ("..", "x..")])
def test_a_half_bufdir_hid_hides_the_year_in_the_public_view(con, tmp_path, mark, status):
    """Bufdir blanks a half-year's share and count (1–3 breaches): the year cannot be computed, and shown
    beside the other half it would give the hidden count back, so it is hidden with the same status."""
    text = (
        "Kommune;Indikator;Periode;Andel (prosent);Antall\n"
        "5035 Stjørdal;Fristbrudd i undersøkelsessaker;2024 1. halvår;24,0;12\n"
        f"5035 Stjørdal;Fristbrudd i undersøkelsessaker;2024 2. halvår;{mark};{mark}\n"
    )
    _import(con, tmp_path, text)
    assert _public(con, f"{H1}_andel", "5035") == (24.0, None)
    assert _public(con, f"{H2}_antall", "5035") == (None, status)
    assert _public(con, YEAR_SHARE, "5035") == (None, status)


def test_a_half_with_a_small_count_hides_the_half_and_the_year_in_the_public_view(con, tmp_path):
    """2 breaches in the second half-year: the store hides the count (1–3), the half's share (it and the
    base give the count back) and the year's share (it, the first half and the bases give it back)."""
    text = (
        "Kommune;Indikator;Periode;Andel (prosent);Antall\n"
        "5035 Stjørdal;Fristbrudd i undersøkelsessaker;2024 1. halvår;24,0;12\n"
        "5035 Stjørdal;Fristbrudd i undersøkelsessaker;2024 2. halvår;5,0;2\n"
    )
    _import(con, tmp_path, text)
    # 2 at 5,0 % pins 40 concluded (2/39 = 5,1 %, 2/41 = 4,9 %); the year, 14 of 90, is stored but not shown.
    assert (round(2 / 39 * 100, 1), round(2 / 41 * 100, 1)) == (5.1, 4.9)
    stored = con.execute(
        "SELECT value FROM observation WHERE indicator_id = ? AND region_code = '5035'", [YEAR_SHARE]
    ).fetchone()
    assert stored == (round((12 + 2) / (50 + 40) * 100, 1),)
    assert _public(con, f"{H2}_antall", "5035") == (None, "x")
    assert _public(con, f"{H2}_andel", "5035") == (None, "x")
    assert _public(con, YEAR_SHARE, "5035") == (None, "x")
    assert _public(con, f"{H1}_andel", "5035") == (24.0, None)


def test_wide_layout_takes_indicator_and_share_from_the_title_lines():
    p = _parse(WIDE)
    assert _obs(p) == {
        ("hjelpetiltak_evaluert_andel", "5001", 2023): (71.5, None),
        ("hjelpetiltak_evaluert_andel", "5001", 2024): (73.25, None),
        ("hjelpetiltak_evaluert_andel", "varnesregionen", 2023): (61.0, None),
        ("hjelpetiltak_evaluert_andel", "varnesregionen", 2024): (62.0, None),
    }
    assert p.skipped_cells == 4  # the four first half-years


def test_wide_layout_with_an_indicator_column_and_plain_years():
    text = "Geografi;Indikator;Måltall;2022;2023\nTrondheim - Tråante;1027;Andel;1,9;2,1\nTrondheim;1027;Antall;80;88\n"
    assert _obs(_parse(text)) == {
        ("barn_akuttvedtak_per_1000", "5001", 2022): (1.9, None),
        ("barn_akuttvedtak_per_1000", "5001", 2023): (2.1, None),
    }


def test_long_layout_with_a_separate_half_year_column_and_a_value_column():
    text = (
        "Kommune;Indikator;År;Halvår;Måltall;Verdi\n"
        "5001 Trondheim;3A;2024;2;andel;9,5\n"
        "5001 Trondheim;3A;2024;1;andel;11\n"
    )
    assert _obs(_parse(text)) == {
        (f"{H2}_andel", "5001", 2024): (9.5, None),
        (f"{H1}_andel", "5001", 2024): (11.0, None),
    }


@pytest.mark.parametrize(
    "period",
    [
        "2024 2. halvår",
        "2024-H2",
        "2024H2",
        "2. halvår 2024",
        "andre halvår 2024",
        "2024, 2. halvår",
        "2024 andre halvdel",
    ],
)
def test_half_year_periods_in_the_forms_a_download_may_use(period):
    text = f"Kommune;Indikator;Periode;Andel\nTrondheim;Fristbrudd i undersøkelsessaker;{period};8,0\n"
    assert _obs(_parse(text)) == {(f"{H2}_andel", "5001", 2024): (8.0, None)}


def test_the_half_year_in_the_monitor_title_makes_a_plain_year_enough():
    text = "Kommune;Indikator;År;Andel\nTrondheim;Fristbrudd i undersøkelsessaker (andre halvår);2022;8,0\n"
    assert _obs(_parse(text)) == {(f"{H2}_andel", "5001", 2022): (8.0, None)}


def test_three_digit_khr_numbers_and_sami_names_find_the_municipality():
    text = "Rapporteringsenhet;Indikator;År;Andel\n301;1039;2024;5,0\nSnåsa;1039;2024;6,0\nRåante;1039;2024;1,0\n"
    text = text.replace("Råante", "Tråante")
    obs = _obs(_parse(text))
    assert set(obs) == {(f"{H2}_andel", c, 2024) for c in ("0301", "5041", "5001")}


@pytest.mark.parametrize("name", ["Fosen barnevernstjeneste", "Fosen barnevern", "fosen", "FOSEN BARNEVERN"])
def test_intermunicipal_service_names_match_the_service_registry(name):
    text = f"Tjeneste;Indikator;År;Andel\n{name};1039;2024;5,0\n"
    p = _parse(text)
    assert _obs(p) == {(f"{H2}_andel", "fosen", 2024): (5.0, None)}
    assert p.regions["fosen"].kind == "service" and p.regions["fosen"].name == "Fosen barnevernstjeneste"


# ---------------------------------------------------------------- encodings and Excel


@pytest.mark.parametrize(
    "encoding,bom,delimiter",
    [
        ("utf-8", False, ";"),
        ("utf-8", True, ";"),
        ("cp1252", False, ";"),
        ("utf-8", False, ","),
        ("cp1252", False, "\t"),
        ("utf-16", False, "\t"),  # utf-16: Excel's «Unicode-tekst», with its BOM
    ],
)
def test_csv_encodings_and_separators_give_the_same_numbers(encoding, bom, delimiter):
    text = LONG
    if delimiter != ";":
        text = "\n".join(delimiter.join(f'"{c}"' for c in line.split(";")) for line in text.splitlines()) + "\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)
    assert _obs(bufdir.parse_file(data, "b.csv")) == _obs(_parse(LONG))


def test_xlsx_long_layout_reads_numbers_and_percent_formatted_cells():
    data = _xlsx(
        [
            ["Bufdir kommunemonitor"],
            ["Kommune", "Indikator", "Periode", "Andel (prosent)", "Antall"],
            ["5001 Trondheim", "Fristbrudd i undersøkelsessaker", "2024 2. halvår", 0.101, 33],
            ["Fosen barnevern", "Fristbrudd i undersøkelsessaker", "2024 2. halvår", "x", None],
            ["Trøndelag", "1027", 2024, 2.4, 101],
        ],
        percent_cells=("D3",),
    )
    p = bufdir.parse_file(data, "b.xlsx")
    assert _obs(p) == {
        (f"{H2}_andel", "5001", 2024): (pytest.approx(10.1), None),
        (f"{H2}_antall", "5001", 2024): (33.0, None),
        (f"{H2}_andel", "fosen", 2024): (None, "x"),
        ("barn_akuttvedtak_per_1000", "50", 2024): (2.4, None),
    }
    assert p.source == "bufdir_xlsx"


def test_xlsx_wide_layout_with_year_numbers_as_headers():
    data = _xlsx(
        [
            ["Barn med akuttvedtak pr. 1000 i barnebefolkningen"],
            ["Visning: Andel"],
            ["Kommune", 2022, 2023],
            ["Trondheim", 1.5, 1.75],
        ]
    )
    assert _obs(bufdir.parse_file(data, "b.xlsx")) == {
        ("barn_akuttvedtak_per_1000", "5001", 2022): (1.5, None),
        ("barn_akuttvedtak_per_1000", "5001", 2023): (1.75, None),
    }


# ---------------------------------------------------------------- detection, import, provenance, sample


def test_detection_from_content_for_csv_and_xlsx():
    assert ingest.detect(LONG.encode(), "x.txt") == "bufdir"
    assert ingest.detect(WIDE.encode("cp1252"), "x") == "bufdir"
    assert ingest.detect(LONG.encode("utf-16"), "x.txt") == "bufdir"
    assert (
        ingest.detect(_xlsx([["Kommune", "Indikator", "År", "Andel"], ["Trondheim", "1039", 2024, 5]]), "x.xlsx")
        == "bufdir"
    )


def test_ssb_and_10faktor_files_are_not_taken_for_bufdir_downloads():
    for f in [
        *(ROOT / "sample_data" / "ssb").iterdir(),
        *(ROOT / "sample_data").glob("10faktor/*"),
        *(ROOT / "sample_data").glob("templates/*.xlsx"),
    ]:
        assert not bufdir.looks_like_bufdir(f.read_bytes()), f.name


def test_import_writes_values_services_and_provenance(con, tmp_path):
    f = tmp_path / "monitor.csv"
    f.write_text(LONG, encoding="utf-8")
    r = ingest.import_file(con, f, actor=SYSTEM, imported_by="leder@kommune.no")
    rows = len(_parse(LONG).observations)
    assert rows == 15  # 4 + 6 (two computed bases) + 2 + 1 + 1 + 1 values in LONG's 8 data rows
    assert (r.inserted, r.updated) == (rows, 0)
    assert "fosen" in r.new_regions
    assert con.execute("SELECT kind, name FROM region WHERE code='fosen'").fetchone() == (
        "service",
        "Fosen barnevernstjeneste",
    )
    assert con.execute("SELECT source, ssb_table, rows, imported_by, sample FROM import_log").fetchone() == (
        "bufdir_csv",
        None,
        rows,
        "leder@kommune.no",
        False,
    )
    assert (
        con.execute(
            "SELECT count(*) FROM observation o LEFT JOIN region r ON r.code=o.region_code WHERE r.code IS NULL"
        ).fetchone()[0]
        == 0
    )


def test_the_committed_samples_are_eksempeldata_and_cover_trondelag_2019_2024():
    files = sorted((ROOT / "sample_data" / "bufdir").iterdir())
    assert {f.suffix for f in files} == {".csv", ".xlsx"}
    seen = set()
    for f in files:
        p = bufdir.parse_file(f.read_bytes(), f.name)
        assert p.sample
        seen |= {(o.indicator_id, o.year) for o in p.observations if o.region_code == "5001"}
    assert {y for i, y in seen if i == "hjelpetiltak_tiltaksplan_andel"} == set(range(2019, 2025))
    assert {y for i, y in seen if i == f"{H1}_andel"} == {y for i, y in seen if i == BASE2} == set(range(2019, 2025))
    assert {i for i, _ in seen} == {
        f"{H1}_andel",
        f"{H1}_antall",
        f"{H2}_andel",
        f"{H2}_antall",
        BASE1,
        BASE2,
        "hjelpetiltak_tiltaksplan_andel",
        "hjelpetiltak_evaluert_andel",
        "barn_akuttvedtak_per_1000",
        "fosterhjem_tilsyn_ikke_oppfylt_andel",
        "fosterhjem_oppfolging_ikke_oppfylt_andel",
    }


DOTS = (
    "Kommune;Indikator;Periode;Antall\n"
    "5001 Trondheim;Undersøkelser avsluttet siste halvår;2024 2. halvår;120\n"
    "5054 Indre Fosen;Undersøkelser avsluttet siste halvår;2024 2. halvår;..\n"
    "5057 Ørland;Undersøkelser avsluttet siste halvår;2024 2. halvår;9\n"
    "5058 Åfjord;Undersøkelser avsluttet siste halvår;2024 2. halvår;11\n"
    "5020 Osen;Undersøkelser avsluttet siste halvår;2024 2. halvår;\n"
    "Fosen barnevern;Undersøkelser avsluttet siste halvår;2024 2. halvår;40\n"
)


def test_bufdirs_dots_are_stored_as_hidden_or_missing_not_as_ssbs_missing(con, tmp_path):
    from tilstand.charts._words import reason
    from tilstand.privacy import explain, is_hidden

    f = tmp_path / "prikker.csv"
    f.write_text(DOTS, encoding="utf-8")
    ingest.import_file(con, f, actor=SYSTEM)
    stored = dict(con.execute("SELECT region_code, status FROM observation").fetchall())
    assert stored["5054"] == stored["5020"] == "x.." and stored["5001"] is None
    public = dict(con.execute("SELECT region_code, status FROM observation_public").fetchall())
    assert public["5054"] == "x.." and is_hidden("x..")
    assert explain("x..").startswith("skjult eller mangler (Bufdir skiller ikke mellom dem): ")
    assert "Bufdir" in reason("x..", "nn") and "skil ikkje mellom dei" in reason("x..", "nn")  # nynorsk too
    assert explain("..") == "tall mangler"  # SSB's «..» keeps its meaning


def test_a_service_total_that_would_give_back_a_dotted_member_is_hidden(con, tmp_path):
    """A Bufdir «..» may be a hidden count of 1–3: the service's count minus the members shown would give it
    back, so the service's count is hidden as for a count the store hid itself."""
    f = tmp_path / "prikker.csv"
    f.write_text(DOTS, encoding="utf-8")
    ingest.import_file(con, f, actor=SYSTEM)
    public = {
        r: (v, s) for r, v, s in con.execute("SELECT region_code, value, status FROM observation_public").fetchall()
    }
    assert public["fosen"] == (None, "x") and public["5001"] == (120.0, None)


def test_every_mapping_row_points_at_a_catalogue_indicator_or_at_nothing():
    from tilstand import catalog

    for m in bufdir.mapping():
        assert not m.indicator_id or m.indicator_id in catalog.indicators(), m
        assert set(m.measures) <= {"andel", "antall"} and set(m.halves) <= {1, 2}, m


# ---------------------------------------------------------------- bad files

H = "Kommune;Indikator;Periode;Andel (prosent)\n"
F = "Fristbrudd i undersøkelsessaker"

BAD = {
    "empty_header_only": (H, "fil «empty_header_only.csv»: filen har en overskrift, men ingen datarader."),
    "no_region_column": (
        "Indikator;Periode;Andel\nx;2024;1\n",
        "fil «no_region_column.csv»: finner ingen overskriftsrad med en regionkolonne (Kommune, "
        "Kommunenummer, Geografi …) og år, periode eller indikator. Er dette en nedlasting fra "
        "Bufdirs kommunemonitor?",
    ),
    "unknown_region_name": (
        H + f"Gotham;{F};2024-H2;5\n",
        "fil «unknown_region_name.csv», rad 2, felt «Kommune»: ukjent region «Gotham». Bruk "
        "kommunenummer (f.eks. «5001 Trondheim»), et kommunenavn fra regionregisteret eller "
        "navnet på en interkommunal barnevernstjeneste.",
    ),
    "unknown_number": (
        H + f"9901 Trondheim;{F};2024-H2;5\n",
        "fil «unknown_number.csv», rad 2, felt «Kommune»: ukjent kommunenummer «9901». Bruk "
        "kommunenummer med fire siffer, f.eks. «5001 Trondheim».",
    ),
    "number_and_name_disagree": (
        H + f"5001 Bergen;{F};2024-H2;5\n",
        "fil «number_and_name_disagree.csv», rad 2, felt «Kommune»: kommunenummer 5001 er "
        "Trondheim - Tråante, men navnet i filen er «Bergen». Kontroller at kolonnene ikke "
        "er forskjøvet.",
    ),
    "missing_region": (H + f";{F};2024-H2;5\n", "fil «missing_region.csv», rad 2, felt «Kommune»: regionen mangler."),
    "html_in_region": (
        H + f"<b>Trondheim</b>;{F};2024-H2;5\n",
        "fil «html_in_region.csv», rad 2, felt «Kommune»: regionnavnet «<b>Trondheim</b>» inneholder "
        "tegn som ikke hører hjemme i et navn (<, >, {{ eller {%).",
    ),
    "unknown_indicator": (
        H + "Trondheim;Lykke i barnevernet;2024;5\n",
        "fil «unknown_indicator.csv», rad 2, felt «Indikator»: ukjent indikator «Lykke i "
        "barnevernet». Tilstand kjenner kommunemonitorens indikatorer ved navn, id (f.eks. 1039) "
        "eller kode (f.eks. 3A); nye navn legges til i tilstand/data/bufdir_mapping.csv.",
    ),
    "missing_indicator": (
        H + "Trondheim;;2024-H2;5\n",
        "fil «missing_indicator.csv», rad 2, felt «Indikator»: indikatoren mangler.",
    ),
    "text_in_number": (
        H + f"Trondheim;{F};2024-H2;12l5\n",
        "fil «text_in_number.csv», rad 2, felt «Andel (prosent)»: «12l5» er ikke et tall. Bruk "
        "desimalkomma (87,5) eller et av SSBs symboler (. .. ... : -).",
    ),
    "share_over_100": (
        H + f"Trondheim;{F};2024-H2;125\n",
        "fil «share_over_100.csv», rad 2, felt «Andel (prosent)»: 125 er over 100, men indikatoren "
        "er en andel i prosent. Er kolonnene for andel og antall byttet om?",
    ),
    "negative": (
        H + f"Trondheim;{F};2024-H2;-5\n",
        "fil «negative.csv», rad 2, felt «Andel (prosent)»: -5 er negativt; andeler og antall kan ikke være under 0.",
    ),
    "per_1000_over_1000": (
        H + "Trondheim;1027;2024;1500\n",
        "fil «per_1000_over_1000.csv», rad 2, felt «Andel (prosent)»: 1500 er over 1000, men "
        "indikatoren er per 1 000 barn.",
    ),
    "bad_period": (
        H + f"Trondheim;{F};i fjor;5\n",
        "fil «bad_period.csv», rad 2, felt «Periode»: «i fjor» er ikke et år eller halvår (bruk f.eks. "
        "«2024», «2024 1. halvår» eller «2024-H2»).",
    ),
    "year_out_of_range": (
        H + "Trondheim;1027;1850;5\n",
        "fil «year_out_of_range.csv», rad 2, felt «Periode»: «1850» er ikke et gyldig årstall.",
    ),
    "half_year_without_half": (
        H + f"Trondheim;{F};2024;5\n",
        "fil «half_year_without_half.csv», rad 2, felt «Periode»: «Fristbrudd i "
        "undersøkelsessaker» er et halvårstall, men perioden «2024» sier ikke hvilket "
        "halvår. Last ned med halvår (f.eks. «2024 2. halvår»).",
    ),
    "yearly_with_half": (
        H + "Trondheim;1027;2024-H2;5\n",
        "fil «yearly_with_half.csv», rad 2, felt «Periode»: «1027» er et årstall, men perioden er 2. halvår 2024.",
    ),
    "title_half_disagrees": (
        H + "Trondheim;Fristbrudd i undersøkelsessaker (første halvår);2024-H2;5\n",
        "fil «title_half_disagrees.csv», rad 2, felt «Periode»: «Fristbrudd i "
        "undersøkelsessaker (første halvår)» gjelder 1. halvår, men perioden er 2. halvår "
        "2024.",
    ),
    "half_column_disagrees": (
        "Kommune;Indikator;Periode;Halvår;Andel\nTrondheim;3A;2024-H1;2;5\n",
        "fil «half_column_disagrees.csv», rad 2, felt «Halvår»: halvåret (2) stemmer ikke med perioden («2024-H1»).",
    ),
    "bad_half_column": (
        "Kommune;Indikator;År;Halvår;Andel\nTrondheim;3A;2024;tredje;5\n",
        "fil «bad_half_column.csv», rad 2, felt «Halvår»: «tredje» er ikke et halvår (bruk 1 eller 2).",
    ),
    "duplicate": (
        H + f"Trondheim;{F};2024-H2;5\n5001;{F};2024 2. halvår;6\n",
        "fil «duplicate.csv», rad 3, felt «Andel (prosent)»: samme indikator "
        "(undersokelser_fristbrudd_h2_andel), region (5001) og år (2024) står også på rad 2.",
    ),
    # fristbrudd keeps both halves; the tiltaksplan figures still take the second half as the year's
    "only_first_half": (
        H + "Trondheim;Barn i hjelpetiltak med tiltaksplan;2024-H1;5\n",
        "fil «only_first_half.csv»: ingen av tallene i filen hører til indikatorer Tilstand lagrer "
        "fra Bufdir (første halvår (Tilstand bruker andre halvår som årets tall)).",
    ),
    "only_ssb_indicators": (
        H + "Trondheim;Utgifter pr. barn i barnevernet;2024;5\n",
        "fil «only_ssb_indicators.csv»: ingen av tallene i filen hører til indikatorer Tilstand "
        "lagrer fra Bufdir (Utgifter pr. barn i barnevernet hentes fra SSB, ikke fra Bufdir).",
    ),
    "no_period_column": (
        "Kommune;Indikator;Andel\nTrondheim;3A;5\n",
        "fil «no_period_column.csv», rad 1: finner verken en kolonne «År»/«Periode» eller "
        "kolonner med år eller halvår i overskriften (f.eks. «2024» eller «2024 1. halvår»).",
    ),
    "no_value_column": (
        "Kommune;Indikator;Periode\nTrondheim;3A;2024-H2\n",
        "fil «no_value_column.csv», rad 1: finner ingen verdikolonne: bruk «Andel (prosent)», «Antall» eller «Verdi».",
    ),
    "value_without_measure": (
        "Kommune;Indikator;Periode;Verdi\nTrondheim;3A;2024-H2;5\n",
        "fil «value_without_measure.csv», rad 2, felt «Verdi»: sier ikke om tallene er "
        "andeler eller antall. Gi kolonnen navnet «Andel (prosent)» eller «Antall», eller "
        "legg til en kolonne «Måltall» med andel eller antall.",
    ),
    "bad_measure": (
        "Kommune;Indikator;Periode;Måltall;Verdi\nTrondheim;3A;2024-H2;snitt;5\n",
        "fil «bad_measure.csv», rad 2, felt «Måltall»: «snitt» sier ikke om tallet er en andel eller et "
        "antall. Bruk «Andel» eller «Antall».",
    ),
    "wide_without_indicator": (
        "Kommune;2023;2024\nTrondheim;1;2\n",
        "fil «wide_without_indicator.csv», rad 1, felt «Indikator»: finner ikke hvilken "
        "indikator tallene gjelder: legg til en kolonne «Indikator» eller en tittellinje med "
        "indikatornavnet over overskriften.",
    ),
    "long_without_indicator": (
        "Kommune;År;Andel\nTrondheim;2024;5\n",
        "fil «long_without_indicator.csv», rad 1, felt «Indikator»: kolonnen «Indikator» "
        "mangler, og ingen linje over overskriften navngir en indikator fra "
        "kommunemonitoren.",
    ),
    "shifted_row": (
        H + f"Trondheim;{F};2024-H2;5;6\n",
        "fil «shifted_row.csv», rad 2: raden har flere utfylte kolonner (5) enn overskriften (4). Er "
        "skilletegnet riktig?",
    ),
}

BAD_BYTES = {
    "not_utf8_nor_cp1252": (
        b"Kommune;Indikator;\x81\x8d\x8f\x90;Andel\n",
        "fil «not_utf8_nor_cp1252.csv», rad 1: "
        "ukjent tegnkoding: filen er verken UTF-8 eller Windows-1252 (cp1252). Lagre den på "
        "nytt som «CSV UTF-8».",
    ),
    "binary": (
        b"\x00\x01\x02Kommune",
        "fil «binary.csv»: filen er verken en tekstfil (CSV) eller en Excel-fil (.xlsx).",
    ),
}


def _check_refused(con, path, expected):
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.import_file(con, path, actor=SYSTEM, source="bufdir")
    assert str(e.value) == expected
    assert snapshot(con) == before


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_csv_is_refused_with_the_exact_message_and_nothing_changes(con, tmp_path, case):
    text, expected = BAD[case]
    f = tmp_path / f"{case}.csv"
    f.write_text(text, encoding="utf-8")
    _check_refused(con, f, expected)


@pytest.mark.parametrize("case", sorted(BAD_BYTES))
def test_bad_bytes_are_refused_with_the_exact_message_and_nothing_changes(con, tmp_path, case):
    data, expected = BAD_BYTES[case]
    f = tmp_path / f"{case}.csv"
    f.write_bytes(data)
    _check_refused(con, f, expected)


def test_a_truncated_xlsx_is_refused_and_nothing_changes(con, tmp_path):
    data = _xlsx([["Kommune", "Indikator", "År", "Andel"], ["Trondheim", "1039", 2024, 5]])
    f = tmp_path / "kuttet.xlsx"
    f.write_bytes(data[: len(data) // 2])
    _check_refused(
        con, f, "fil «kuttet.xlsx»: Excel-filen er skadet eller avkortet (ikke en gyldig .xlsx). Last den ned på nytt."
    )


def test_an_xlsx_date_cell_is_refused_by_row(con, tmp_path):
    import datetime

    data = _xlsx([["Kommune", "Indikator", "År", "Andel"], ["Trondheim", "1039", 2024, datetime.date(2024, 5, 1)]])
    f = tmp_path / "dato.xlsx"
    f.write_bytes(data)
    _check_refused(
        con,
        f,
        "fil «dato.xlsx», rad 2, felt «Andel»: «01.05.2024» er ikke et tall (Excel har "
        "gjort cellen om til dato eller sannhetsverdi).",
    )


def test_the_bad_file_battery_has_at_least_25_cases():
    assert len(BAD) + len(BAD_BYTES) + 2 >= 25


# ---------------------------------------------------------------- never a traceback

XLSX_SAMPLE = _xlsx(
    [
        ["Bufdir"],
        ["Kommune", "Indikator", "Periode", "Andel"],
        ["Trondheim", "1039", "2024-H2", 5],
        ["Fosen barnevern", "1039", "2024-H2", "x"],
    ]
)
CSV_SAMPLE = LONG.encode("utf-8")


def _never_crash(data: bytes, name: str) -> None:
    try:
        bufdir.parse_file(data, name)
    except InputError as e:
        assert e.file == name and e.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_data_or_an_input_error(data):
    _never_crash(data, "fuzz.dat")
    _never_crash(b"PK\x03\x04" + data, "fuzz.xlsx")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(XLSX_SAMPLE)), st.integers(0, len(CSV_SAMPLE)))
def test_truncated_files_give_data_or_an_input_error(n_xlsx, n_csv):
    _never_crash(XLSX_SAMPLE[:n_xlsx], "fuzz.xlsx")
    _never_crash(CSV_SAMPLE[:n_csv], "fuzz.csv")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(CSV_SAMPLE) - 1), st.binary(min_size=1, max_size=4))
def test_corrupted_bytes_in_a_csv_give_data_or_an_input_error(at, junk):
    _never_crash(CSV_SAMPLE[:at] + junk + CSV_SAMPLE[at + len(junk) :], "fuzz.csv")


@pytest.mark.parametrize("code, accepted", [("50066", False), ("30101", True)], ids=["typo", "oslo_district"])
def test_a_five_digit_code_is_only_an_oslo_district_that_lost_its_leading_zero(code, accepted):
    header = "\n".join(LONG.splitlines()[:2])
    text = f"{header}\n{code};;Barn med akuttvedtak pr. 1000 i barnebefolkningen;2024;2,4;101\n"
    if accepted:
        assert any(o.region_code == "030101" for o in _parse(text).observations)
    else:
        with pytest.raises(InputError, match="ukjent kommunenummer «50066»"):
            _parse(text)
