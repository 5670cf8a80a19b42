"""The SSB importer against the real and sample files in tests/data/formats, and broken variants."""

import collections
import csv
import itertools
import json
import re

import pytest

from tests.conftest import DATA, FORMATS, REAL, SAMPLE_99999, snapshot
from tilstand import ingest
from tilstand.access import SYSTEM
from tilstand.errors import InputError
from tilstand.ingest import ssb


def _obs(parsed):
    return {(o.indicator_id, o.region_code, o.year): (o.value, o.status) for o in parsed.observations}


def test_jsonstat_sample_maps_values_and_carries_status_symbols():
    p = ssb.parse_file((FORMATS / "ssb_barnevern_sample.json").read_bytes(), "s.json", SAMPLE_99999)
    obs = _obs(p)
    assert obs[("undersokelser_innen_3mnd_andel", "5001", 2024)] == (87.5, None)
    assert obs[("undersokelser_innen_3mnd_andel", "5043", 2023)] == (None, "..")
    assert obs[("barn_tiltak_antall", "5043", 2024)] == (None, ":")
    assert obs[("barn_tiltak_antall", "EAK", 2023)] == (49211, None)
    assert len(obs) == 16
    assert p.sample, "the sample's note says Eksempeldata"


@pytest.mark.parametrize("name", ["ssb_barnevern_sample.csv", "ssb_barnevern_sample_cp1252.csv"])
def test_csv_samples_in_utf8_bom_and_cp1252_give_the_same_numbers_as_the_json(name):
    from_json = _obs(ssb.parse_file((FORMATS / "ssb_barnevern_sample.json").read_bytes(), "s.json", SAMPLE_99999))
    from_csv = _obs(ssb.parse_file((FORMATS / name).read_bytes(), name, SAMPLE_99999))
    assert from_csv == from_json


def test_region_labels_with_sami_names_become_plain_codes():
    p = ssb.parse_file((FORMATS / "ssb_barnevern_sample.csv").read_bytes(), "s.csv", SAMPLE_99999)
    assert set(p.regions) == {"5001", "5043", "50", "EAK"}
    assert p.regions["5001"].name == "Trondheim - Tråante"
    assert p.regions["50"].kind == "county"


def test_real_statbank_population_export_gives_children_0_17_per_municipality(con):
    r = ingest.import_file(con, REAL / "ssb_statbank_07459_population_by_age_2023_export.csv", actor=SYSTEM)
    got = dict(
        con.execute("""SELECT region_code, value FROM observation
                              WHERE indicator_id='barn_0_17_antall' AND year=2023""").fetchall()
    )
    assert got["5001"] == 40596 and got["5043"] == 77
    assert len(got) == 356  # the 2023 structure; Svalbard, the shelf and 'Rest' are not places
    assert r.new_regions, "municipalities outside Trøndelag are learnt from the file"
    # the damaged label 'K-5006 teinkj' does not rename a known municipality
    assert con.execute("SELECT name FROM region WHERE code='5006'").fetchone()[0] == "Steinkjer - Stïentje"
    assert con.execute("SELECT name FROM region WHERE code='3001'").fetchone()[0] == "Halden"
    share = con.execute("""SELECT value FROM observation WHERE indicator_id='barn_andel_befolkning'
                           AND region_code='5001' AND year=2023""").fetchone()[0]
    assert share == pytest.approx(19.1)  # derived: 40 596 / 212 660


def test_the_whole_country_as_region_0_is_stored_as_the_one_country_eak(con):
    """07459 (like every SSB table outside KOSTRA) calls the country «0 Hele landet»; the comparisons read EAK."""
    r = ingest.import_file(con, FORMATS / "ssb_07459_hele_landet_2023.csv", actor=SYSTEM)
    assert not r.new_regions, "0 is no new region: it is the country the register already has"
    rows = dict(
        con.execute("""SELECT region_code || ' ' || indicator_id, value FROM observation
                               WHERE year = 2023""").fetchall()
    )
    assert rows["EAK befolkning_totalt"] == 5_488_984  # SSB's population of Norway on 1 January 2023
    assert rows["EAK barn_0_17_antall"] == 1_112_191
    assert rows["EAK barn_andel_befolkning"] == pytest.approx(20.3)  # derived for the country too
    assert rows["5001 barn_0_17_antall"] == 40596 and rows["50 barn_0_17_antall"] > 40596
    assert not con.execute("SELECT count(*) FROM observation WHERE region_code = '0'").fetchone()[0]
    assert con.execute("SELECT code FROM region WHERE kind = 'country' AND code IN ('0', 'EAK')").fetchall() == [
        ("EAK",)
    ]


def test_a_file_naming_the_country_both_as_0_and_eak_is_refused(con):
    data = (FORMATS / "ssb_07459_hele_landet_2023.csv").read_bytes()
    eak = [
        line.replace(b'"0 Hele landet"', b'"EAK Landet"')
        for line in data.split(b"\r\n")
        if line.startswith(b'"0 Hele landet"')
    ]
    twice = data + b"\r\n".join(eak) + b"\r\n"
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.import_file(con, "to_land.csv", data=twice, actor=SYSTEM)
    assert e.value.field == "region" and "hele landet to ganger" in e.value.message
    assert snapshot(con) == before


def _values(con, *indicators):
    return {
        (i, r, y): (v, s)
        for i, r, y, v, s in con.execute(
            "SELECT indicator_id, region_code, year, value, status FROM observation WHERE list_contains($i, indicator_id)",
            {"i": list(indicators)},
        ).fetchall()
    }


def test_single_providers_are_derived_from_household_types_005_and_006_over_every_household_with_children(con):
    """06070 has no per-cent content: the share is computed from its household counts (monitor no. 47-49)."""
    ingest.import_file(con, FORMATS / "ssb_06070_husholdningstyper_sample.json", actor=SYSTEM)
    got = _values(
        con, "enslige_forsorgere_andel", "husholdninger_enslig_forsorger_antall", "husholdninger_med_barn_antall"
    )
    assert got[("husholdninger_enslig_forsorger_antall", "5043", 2024)] == (4, None)  # 005 + 006
    assert got[("husholdninger_med_barn_antall", "5043", 2024)] == (
        39,
        None,
    )  # 003-006, 009, 010; not 001, 002, 007, 008
    assert got[("enslige_forsorgere_andel", "5043", 2024)] == (10.3, None)  # 4 / 39
    assert got[("enslige_forsorgere_andel", "5001", 2024)] == (17.2, None)  # 4 400 / 25 600
    assert got[("enslige_forsorgere_andel", "EAK", 2024)] == (17.5, None)  # region 0 is the country
    assert {r for _, r, _ in got} == {"EAK", "5001", "5043"}


@pytest.mark.parametrize("labels", ["code and text", "text only"])
def test_education_beyond_grunnskole_is_levels_02a_11_03a_04a_of_both_sexes_over_all_six_levels(con, labels):
    """09429 as a Statistikkbanken CSV with both sexes, SSB's total 00 and a per-cent content: the total is never
    counted twice, and a download with the texts only ('Videregående skolenivå') reads the same."""
    data = (FORMATS / "ssb_09429_utdanningsniva_sample.csv").read_bytes()
    if labels == "text only":
        data = re.sub(rb'";"[0-9][0-9a]* ', b'";"', data)
        assert b'";"Videreg' in data and b'";"Begge kj' in data
    ingest.import_file(con, "09429.csv", data=data, actor=SYSTEM)
    got = _values(
        con,
        "utdanning_over_grunnskole_andel",
        "personer_16_og_over_antall",
        "personer_16_utdanning_over_grunnskole_antall",
    )
    assert got[("personer_16_og_over_antall", "5043", 2024)] == (344, None)  # not 688 with 00, not 1 032 with sexes
    assert got[("personer_16_utdanning_over_grunnskole_antall", "5043", 2024)] == (231, None)
    assert got[("utdanning_over_grunnskole_andel", "5043", 2024)] == (67.2, None)  # 231 / 344
    assert got[("utdanning_over_grunnskole_andel", "EAK", 2024)] == (76.5, None)


def test_low_income_children_are_the_eu_scale_60_per_cent_and_the_other_contents_are_left(con):
    ingest.import_file(con, FORMATS / "ssb_08764_lavinntekt_sample.json", actor=SYSTEM)
    got = _values(con, "barn_lavinntekt_andel")
    assert got[("barn_lavinntekt_andel", "EAK", 2023)] == (11.9, None)
    assert got[("barn_lavinntekt_andel", "50", 2024)] == (10.4, None)
    assert got[("barn_lavinntekt_andel", "5001", 2024)] == (None, "..")
    assert len(got) == 6, "Personer, EU 50 and the OECD scales are not in the catalogue"


def test_real_pxweb_v2_response_of_an_unmapped_table_is_refused_by_name(con):
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.import_file(con, REAL / "ssb_12134_pxwebv2_jsonstat2_2024.json", actor=SYSTEM)
    assert "12134" in str(e.value) and "ikke koblet" in str(e.value)
    assert snapshot(con) == before


def test_real_v0_response_of_table_05300_is_refused_not_crashed(con):
    before = snapshot(con)
    with pytest.raises(InputError, match="05300"):
        ingest.import_file(con, REAL / "ssb_05300_jsonstat2_v0api.json", actor=SYSTEM)
    assert snapshot(con) == before


def test_jsonstat1_shape_is_read_and_reports_the_missing_table_number():
    with pytest.raises(InputError, match="tabellnummeret"):
        ssb.parse_file((REAL / "pxweb_jsonstat1_scb_statswe_sample.json").read_bytes(), "se.json")


def test_cp1252_csv_with_decimal_commas_imports_correctly(con):
    r = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    assert r.inserted == 16
    rows = dict(
        ((i, reg, y), (v, s))
        for i, reg, y, v, s in con.execute(
            "SELECT indicator_id, region_code, year, value, status FROM observation"
        ).fetchall()
    )
    assert rows[("barn_undersokelse_andel", "5001", 2023)] == (3.0, None)
    assert rows[("barn_undersokelse_andel", "EAK", 2024)] == (3.25, None)
    assert rows[("barn_undersokelse_antall", "5001", 2024)] == (1188, None)  # "1 188"
    assert rows[("barn_undersokelse_antall", "5043", 2023)] == (None, ":")
    assert rows[("barn_undersokelse_antall", "50", 2024)] == (None, "..")  # EKA50 is county 50


def test_reimporting_the_same_file_changes_nothing(con):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    before = snapshot(con)
    r = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    assert r.already_imported and r.changed == 0
    assert "allerede importert" in r.summary_nb()
    assert snapshot(con) == before


def test_a_newer_file_for_the_same_table_replaces_values_and_counts_the_changes(con, tmp_path):
    ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", actor=SYSTEM)
    newer = (DATA / "ssb_12286_excel_cp1252.csv").read_bytes().replace(b'"2024";1 188', b'"2024";1 190')
    f = tmp_path / "ssb_12286_v2.csv"
    f.write_bytes(newer)
    r = ingest.import_file(con, f, actor=SYSTEM)
    assert (r.inserted, r.updated, r.unchanged) == (0, 1, 15)
    value, import_id = con.execute("""SELECT value, import_id FROM observation WHERE indicator_id =
        'barn_undersokelse_antall' AND region_code='5001' AND year=2024""").fetchone()
    assert value == 1190 and import_id == r.import_id


def test_import_log_keeps_provenance(con):
    r = ingest.import_file(con, DATA / "ssb_12286_excel_cp1252.csv", imported_by="leder@kommune.no", actor=SYSTEM)
    row = con.execute(
        "SELECT file_name, length(sha256), rows, imported_by, ssb_table, sample FROM import_log WHERE id = ?",
        [r.import_id],
    ).fetchone()
    assert row == ("ssb_12286_excel_cp1252.csv", 64, 16, "leder@kommune.no", "12286", False)


def test_a_municipality_year_before_its_current_boundaries_is_flagged(con, tmp_path):
    text = (
        (DATA / "ssb_12286_excel_cp1252.csv")
        .read_bytes()
        .replace(b"5001 Trondheim", b"5055 Heim")
        .replace(b'"2023"', b'"2019"')
    )
    f = tmp_path / "heim.csv"
    f.write_bytes(text)
    r = ingest.import_file(con, f, actor=SYSTEM)
    assert any("5055" in w and "dagens kommunegrenser" in w for w in r.warnings)


BROKEN_CASES = {
    "truncated_json": (lambda s: s[: len(s) // 2], "ikke gyldig JSON"),
    "text_in_number_json": (lambda s: s.replace(b"84.2", b'"84,2x"'), "er ikke et tall"),
    "value_count_mismatch": (lambda s: s.replace(b"49211,", b""), "avkortet"),
    "wrong_table": (lambda s: s.replace(b'"99999', b'"05300'), "ikke koblet"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_CASES))
def test_broken_jsonstat_is_refused_with_a_message_and_nothing_changes(con, tmp_path, case):
    mutate, message = BROKEN_CASES[case]
    f = tmp_path / f"{case}.json"
    f.write_bytes(mutate((FORMATS / "ssb_barnevern_sample.json").read_bytes()))
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.import_file(con, f, mapping=SAMPLE_99999, actor=SYSTEM)
    assert message in str(e.value)
    assert f.name in str(e.value)
    assert snapshot(con) == before


def _csv_variant(old: bytes, new: bytes) -> bytes:
    data = (DATA / "ssb_12286_excel_cp1252.csv").read_bytes()
    assert old in data
    return data.replace(old, new, 1)


CSV_CASES = {
    "text_in_number": (lambda: _csv_variant(b";1210", b";12l0"), "rad 2, felt «12286", "«12l0» er ikke et tall"),
    "bad_year": (lambda: _csv_variant(b'"2023";1210', b'"20x3";1210'), "rad 2, felt «år»", "årstall"),
    "unknown_region": (
        lambda: _csv_variant(b'"5001 Trondheim', b'"XYZ Trondheim'),
        "felt «region»",
        "ukjent regionkode",
    ),
    "impossible_municipality": (
        lambda: _csv_variant(b'"5001 Trondheim', b'"9901 Trondheim'),
        "felt «region»",
        "ukjent regionkode",
    ),
    "missing_column": (lambda: _csv_variant(b";1210", b""), "rad 2", "kolonner"),
    "comma_separated": (
        lambda: (DATA / "ssb_12286_excel_cp1252.csv").read_bytes().replace(b";", b","),
        "rad 1",
        "semikolon",
    ),
    "no_year_column": (lambda: _csv_variant(b'"\xe5r"', b'"periode"'), "felt «år»", "årskolonne"),
    "html_in_name": (
        lambda: _csv_variant(b'"5001 Trondheim - Tr\xe5ante"', b'"5001 <b>Trondheim</b>"'),
        "felt «region»",
        "tegn som ikke",
    ),
    "empty": (lambda: b"", "", "tom"),
    "excel_file": (lambda: b"PK\x03\x04" + b"\x00" * 100, "", "Excel"),
    "no_statistikkvariabel": (lambda: _csv_variant(b'"statistikkvariabel"', b'"variabel"'), "", "statistikkvariabel"),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_broken_csv_is_refused_with_file_row_and_field_and_nothing_changes(con, tmp_path, case):
    make, place, message = CSV_CASES[case]
    f = tmp_path / f"{case}.csv"
    f.write_bytes(make())
    before = snapshot(con)
    with pytest.raises(InputError) as e:
        ingest.import_file(con, f, actor=SYSTEM)
    text = str(e.value)
    assert f"fil «{case}.csv»" in text and place in text and message in text, text
    assert snapshot(con) == before


def test_a_symbol_outside_ssbs_list_is_refused():
    doc = json.loads((FORMATS / "ssb_barnevern_sample.json").read_text(encoding="utf-8"))
    doc["status"]["4"] = "?"
    with pytest.raises(InputError, match="ukjent SSB-symbol"):
        ssb.parse_file(json.dumps(doc).encode(), "x.json", SAMPLE_99999)


# --- SSB's background tables in their real shapes: every stored share against the file, computed by hand ---------

COUNTRY = {"0": "EAK"}  # tables outside KOSTRA call the country «0 Hele landet»


def _jsonstat_cells(path):
    """(codes by dimension, value) for every cell of a JSON-stat2 file, read here without the importer."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    codes = [
        sorted(doc["dimension"][i]["category"]["index"], key=doc["dimension"][i]["category"]["index"].get)
        for i in doc["id"]
    ]
    for value, combo in zip(doc["value"], itertools.product(*codes), strict=True):
        yield dict(zip(doc["id"], combo, strict=True)), value


def _statbank_rows(path, encoding):
    """The rows of a Statistikkbanken CSV download (title line and blank line skipped), read without the importer."""
    lines = path.read_bytes().decode(encoding).lstrip("\ufeff").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith('"region"'))
    return list(csv.DictReader(lines[start:], delimiter=";"))


def _code(label: str) -> str:
    code = label.split(" ")[0]
    return COUNTRY.get(code, code)


def _stored(con):
    return {
        (i, r, y): v
        for i, r, y, v in con.execute("SELECT indicator_id, region_code, year, value FROM observation").fetchall()
    }


def _share(part: float, whole: float) -> float:
    return 100 * part / whole


def _households_by_hand():
    single, children = collections.Counter(), collections.Counter()
    for cell, value in _jsonstat_cells(FORMATS / "ssb_06070_husholdningstyper_sample.json"):
        key = (_code(cell["Region"]), int(cell["Tid"]))
        if cell["HushType"] in ("005", "006"):
            single[key] += value
        if cell["HushType"] in ("003", "004", "005", "006", "009", "010"):
            children[key] += value
    return {
        **{("husholdninger_enslig_forsorger_antall", *k): v for k, v in single.items()},
        **{("husholdninger_med_barn_antall", *k): v for k, v in children.items()},
        **{("enslige_forsorgere_andel", *k): _share(single[k], children[k]) for k in children},
    }


def _education_by_hand():
    beyond, everyone = collections.Counter(), collections.Counter()
    for row in _statbank_rows(FORMATS / "ssb_09429_utdanningsniva_sample.csv", "utf-8"):
        if not row["kjønn"].startswith("0 "):
            continue  # both sexes only; men and women are parts of it
        level = row["nivå"].split(" ")[0]
        for column, text in row.items():
            if re.fullmatch(r"Personer 16 år og over \d{4}", column):
                key = (_code(row["region"]), int(column[-4:]))
                if level in ("02a", "11", "03a", "04a"):
                    beyond[key] += int(text)
                if level != "00":  # SSB's total beside its parts
                    everyone[key] += int(text)
    return {
        **{("personer_16_utdanning_over_grunnskole_antall", *k): v for k, v in beyond.items()},
        **{("personer_16_og_over_antall", *k): v for k, v in everyone.items()},
        **{("utdanning_over_grunnskole_andel", *k): _share(beyond[k], everyone[k]) for k in everyone},
    }


def _low_income_by_hand():
    return {
        ("barn_lavinntekt_andel", _code(cell["Region"]), int(cell["Tid"])): value
        for cell, value in _jsonstat_cells(FORMATS / "ssb_08764_lavinntekt_sample.json")
        if cell["ContentsCode"] == "EUskala60"
    }


def _population_by_hand():
    children, everyone = collections.Counter(), collections.Counter()
    rows = _statbank_rows(FORMATS / "ssb_07459_hele_landet_2023.csv", "iso-8859-1")
    [column] = [c for c in rows[0] if c.startswith("Personer ")]
    for row in rows:
        key = (_code(row["region"]), int(column[-4:]))
        age = int(row["alder"].split(" ")[0])
        everyone[key] += int(row[column])
        if age <= 17:
            children[key] += int(row[column])
    return {
        **{("barn_0_17_antall", *k): v for k, v in children.items()},
        **{("befolkning_totalt", *k): v for k, v in everyone.items()},
        **{("barn_andel_befolkning", *k): _share(children[k], everyone[k]) for k in everyone},
    }


@pytest.mark.parametrize(
    "name, by_hand",
    [
        ("ssb_06070_husholdningstyper_sample.json", _households_by_hand),
        ("ssb_09429_utdanningsniva_sample.csv", _education_by_hand),
        ("ssb_08764_lavinntekt_sample.json", _low_income_by_hand),
        ("ssb_07459_hele_landet_2023.csv", _population_by_hand),
    ],
)
def test_every_count_and_share_stored_from_a_real_shaped_background_file_is_what_the_file_gives_by_hand(
    con, name, by_hand
):
    """Through the real importer into a DuckDB file; the expected numbers are summed from the file's own cells
    here (household types, education levels of both sexes without SSB's total, EU scale 60, ages 0-17), and the
    shares are derived by the importer from the stored counts, rounded to one decimal."""
    ingest.import_file(con, FORMATS / name, actor=SYSTEM)
    stored = _stored(con)
    expected = by_hand()
    assert expected and all(r != "0" for _, r, _ in stored), "the country is stored as EAK"
    for key, want in expected.items():
        if want is None:  # SSB's '..': no number, the symbol kept
            assert stored[key] is None, key
        elif key[0].endswith("_andel") or key[0] == "barn_andel_befolkning":
            assert stored[key] == pytest.approx(want, abs=0.05 + 1e-9), key
        else:
            assert stored[key] == want, key


# --- the mapping against the queries that fed Bufdir's kommunemonitor (gardenberg/barnevernmonitor, 2021) --------


def _mapping_rows():
    from tests.conftest import ROOT

    with open(ROOT / "tilstand" / "data" / "ssb_mapping.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _selection(text: str) -> dict[str, set[str]]:
    """'KOKalder0000=F000-017;KOKbvfunksjon0000=0' or 'Nivaa=02a,11,03a,04a; Kjonn=0' -> {dim: {codes}}; a
    region taken whole (=TRUE), a range or a dimension summed by SSB says nothing to compare."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        dim, is_selection, codes = part.partition("=")
        if not is_selection or codes == "TRUE" or dim.startswith(("KOKkommuneregion", "KOKbydelsregion", "Region")):
            continue
        if ".." in codes or " " in codes:  # 'Alder=000..017', 'Nivaa=all (not selected)'
            continue
        out[dim] = set(codes.split(","))
    return out


def test_every_confirmed_mapping_row_that_cites_the_monitor_asks_ssb_what_the_monitor_asked():
    """A row whose note names the monitor's query (tabell_N) has that query's table, content code and selection:
    the note is a source one can check, not a word."""
    kostra = {
        r["bufdir_script_object"]: r
        for r in csv.DictReader(
            (REAL / "bufdir_monitor_kostra_queries_2021.csv").read_text(encoding="utf-8").splitlines()
        )
    }
    background = {
        r["indicator_no"]: r
        for r in csv.DictReader(
            (REAL / "bufdir_monitor_background_queries_2021.csv").read_text(encoding="utf-8").splitlines()
        )
    }
    checked = []
    for row in _mapping_rows():
        cited = re.search(r"tabell_(\d+)", row["note"])
        if row["confidence"] != "confirmed" or not cited:
            continue
        n = cited.group(1)
        if "andre_data_ssb.R" in row["note"]:
            query = background[n]
            table, contents, selection = query["ssb_table"], query["contents_code"], query["selection"]
        else:
            query = kostra.get(f"tabell_{n}_kommune") or kostra[f"tabell_{n}_fylker"]
            table, contents, selection = query["ssb_table"], query["ContentsCode"], query["other_selection"]
        assert (row["table"], row["contents_code"]) == (table, contents), row["indicator_id"]
        theirs, ours = _selection(selection), _selection(row["selection"])
        assert {d: c for d, c in ours.items() if d in theirs} == theirs, row["indicator_id"]
        checked.append(row["indicator_id"])
    assert len(checked) >= 29, checked  # every confirmed row but 12279 per 0-24 (from ssb.no/kompis)
