"""The synthetic SSB sample is written from SSB's table shapes (sample_data/ssb_shapes.py), not from the mapping,
so importing it through the real importer checks the mapping; and its national figures look like Norway's."""

import dataclasses
import random
from collections import defaultdict

import duckdb
import pytest

from sample_data import generate
from sample_data.ssb_shapes import SHAPES, Shape
from tests.conftest import ROOT, requires_sample_data
from tilstand import catalog, ingest, store
from tilstand.access import SYSTEM
from tilstand.ingest import ssb
from tilstand.ingest.model import Observation

YEARS = range(2015, 2025)


@pytest.fixture(scope="module")
def model() -> generate.Model:
    return generate.build_model(random.Random(generate.SEED))


def sample_file(shape: Shape):
    requires_sample_data()
    suffix = "json" if shape.layout == "jsonstat" else "csv"
    return ROOT / "sample_data" / "ssb" / f"{shape.table}.{suffix}"


def expected_regions(model: generate.Model, shape: Shape) -> set[str]:
    """The regions as Tilstand stores them: EKA50 and «0 Hele landet» become 50 and EAK."""
    return {generate.data_key(r) for r in generate.region_list(model, shape)}


def wrong_values(observations, model: generate.Model) -> list[tuple]:
    """(indicator, region, year, imported, model) wherever an imported value is not what the model holds."""
    out = []
    for o in observations:
        if o.status is not None:  # a symbol the sample carries (':' hidden, '..' missing)
            continue
        if o.year == generate.NEXT_YEAR:  # 07459's population on 1 January after the last year: the age model
            ages = model.ages[o.region_code][o.year]
            want = {"barn_0_17_antall": sum(ages[:18]), "befolkning_totalt": sum(ages)}[o.indicator_id]
        else:
            want = generate.INDICATORS[o.indicator_id](model.data[o.region_code][o.year])
        if want is None or o.value != pytest.approx(want, abs=1e-6):
            out.append((o.indicator_id, o.region_code, o.year, o.value, want))
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """Every sample table imported one file at a time into one real DuckDB file, then read back."""
    path = tmp_path_factory.mktemp("sample_tables") / "tables.duckdb"
    for shape in SHAPES:
        ingest.import_file(store.connect(path), sample_file(shape), actor=SYSTEM)
    store.close(path)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.table)
def test_each_sample_table_gives_every_mapped_indicator_for_every_region_and_year(shape, imported, model):
    mapped = {m.indicator_id for m in catalog.mapping_for_table(shape.table)}
    assert mapped, f"no mapping row reads table {shape.table}"
    rows = imported.execute(
        "SELECT o.indicator_id, o.region_code, o.year, o.value, o.status FROM observation o "
        "JOIN import_log l ON l.id = o.import_id WHERE l.file_name = ? AND o.indicator_id IN "
        "(SELECT unnest(?::VARCHAR[]))",
        [sample_file(shape).name, sorted(mapped)],
    ).fetchall()
    got: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for ind, region, year, value, status in rows:
        assert value is not None or status is not None
        got[ind].add((region, year))
    want = {(r, y) for r in expected_regions(model, shape) for y in generate.years_of(shape)}
    for ind in sorted(mapped):
        missing = sorted(want - got[ind])
        assert not missing, f"{shape.table} {ind}: no value for {missing[:5]} ({len(missing)} in all)"
    observations = [Observation(*r) for r in rows]
    assert wrong_values(observations, model) == []


def test_a_mapping_row_that_picks_the_wrong_category_fails_the_check(model):
    """barn_tiltak_252_antall pointed at function 1 (not placed) still finds a value in every cell: only the
    comparison with the model shows that the mapping is wrong."""
    shape = next(s for s in SHAPES if s.table == "12275")
    wrong = []
    for m in catalog.ssb_mapping():
        if m.indicator_id == "barn_tiltak_252_antall":
            m = dataclasses.replace(
                m,
                selection_labels=(
                    m.selection_labels[0],
                    (m.selection_labels[1][0], "251 Barn som ikke er plassert av barnevernet"),
                ),
            )
        wrong.append(m)
    parsed = ssb.parse_file(sample_file(shape).read_bytes(), "12275.csv", mapping=wrong)
    placed = [o for o in parsed.observations if o.indicator_id == "barn_tiltak_252_antall"]
    assert {(o.region_code, o.year) for o in placed} == {(r, y) for r in expected_regions(model, shape) for y in YEARS}
    assert len(wrong_values(placed, model)) > 400


def test_a_mapping_row_with_a_content_code_the_table_lacks_gives_no_values():
    shape = next(s for s in SHAPES if s.table == "08764")
    mapping = [
        dataclasses.replace(m, contents_code="EUskala70") if m.indicator_id == "barn_lavinntekt_andel" else m
        for m in catalog.ssb_mapping()
    ]
    with pytest.raises(Exception, match="ingen av statistikkvariablene"):
        ssb.parse_file(sample_file(shape).read_bytes(), "08764.json", mapping=mapping)


def test_sample_files_name_the_country_as_ssb_does():
    for shape in SHAPES:
        data = sample_file(shape).read_bytes()
        text = data.decode("latin-1" if shape.latin1 else "utf-8-sig")
        country = "EAK" if shape.kostra else "0"
        assert f'"{country}"' in text or f'"{country} ' in text, shape.table
        assert "Eksempeldata" in text


# Published national figures the sample stays near (SSB, Bufdir): FTEs in function 244 6 000-6 300 in 2017-2019
# and rising; 5-6 FTEs per 1 000 children 0-17; children with a melding 3.5-4.5 % of 0-17 (43 523 children in
# 2022); children with measures during the year 3-4 %.
def national(demo_db, indicator: str, view: str = "observation_public") -> dict[int, float]:
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        rows = con.execute(
            f"SELECT year, value FROM {view} WHERE region_code = 'EAK' AND indicator_id = ?", [indicator]
        ).fetchall()
    finally:
        con.close()
    return {y: v for y, v in rows if v is not None}


@pytest.mark.parametrize(
    ("indicator", "low", "high"),
    [
        ("arsverk_per_1000_0_17", 5.0, 6.0),
        ("barn_melding_andel", 3.5, 4.5),
        ("barn_tiltak_andel", 3.0, 4.0),
    ],
)
def test_national_sample_rates_lie_in_norways_published_range_every_year(demo_db, indicator, low, high):
    shown = national(demo_db, indicator)
    assert set(shown) == set(YEARS), "the country shows the rate every year"
    assert all(low <= v <= high for v in shown.values()), shown


def test_national_ftes_in_function_244_are_about_norways_and_rising(demo_db):
    """The country's counts are withheld from the public view (a comparison region), so they are read as
    stored."""
    fte = national(demo_db, "arsverk_244", view="observation")
    children = national(demo_db, "barn_0_17_antall", view="observation")
    assert all(6000 <= fte[y] <= 6300 for y in (2017, 2018, 2019)), fte
    assert fte[2019] > fte[2017] and fte[2024] > fte[2015]
    per_1000 = {y: 1000 * fte[y] / children[y] for y in YEARS}
    assert all(5.0 <= v <= 6.0 for v in per_1000.values()), per_1000


def test_bufdir_figures_have_a_national_row(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        rows = con.execute(
            "SELECT DISTINCT o.indicator_id FROM observation o JOIN import_log l ON l.id = o.import_id "
            "WHERE l.source LIKE 'bufdir%' AND o.region_code = 'EAK' AND o.value IS NOT NULL"
        ).fetchall()
        bufdir = con.execute(
            "SELECT DISTINCT o.indicator_id FROM observation o JOIN import_log l ON l.id = o.import_id "
            "WHERE l.source LIKE 'bufdir%' AND o.region_code = '5001'"
        ).fetchall()
    finally:
        con.close()
    assert {r[0] for r in rows} == {r[0] for r in bufdir}
