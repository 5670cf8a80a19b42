"""The service profile: comparisons, direction-aware verdicts, trends with gaps, suppression."""

import dataclasses

import pytest

from tilstand import catalog, profile, store, tables
from tilstand.profile import Value, verdict


@pytest.fixture
def demo_con(demo_db):
    con = store.connect(demo_db)
    yield con
    store.close(demo_db)


def test_profile_compares_with_kostra_group_county_and_country(demo_con):
    p = profile.build(demo_con, "5001", 2024)
    assert p.region_name == "Trondheim - Tråante" and p.kostra_group == "EKG12" and p.county_code == "50"
    row = next(r for r in p.rows if r.indicator.id == "barn_tiltak_andel")
    assert row.own.shown and row.group.shown and row.county.shown and row.country.shown
    assert row.group.value != row.own.value
    assert len(row.trend) == 10 and row.trend[0][0] == 2015


def test_profile_is_labelled_sample_when_built_from_sample_files(demo_con):
    assert profile.build(demo_con, "5001", 2024).sample


def test_small_municipality_shows_no_small_counts(demo_con):
    for year in range(2015, 2025):
        p = profile.build(demo_con, "5043", year)
        for r in p.rows:
            if r.indicator.min_count and r.own.value is not None:
                assert not 1 <= r.own.value <= r.indicator.min_count, (r.indicator.id, year)
            for _, v in r.trend:
                if r.indicator.min_count and v is not None:
                    assert not 1 <= v <= r.indicator.min_count


def test_suppressed_values_show_as_ssbs_colon_with_an_explanation(demo_con):
    hits = []
    for year in range(2015, 2025):
        p = profile.build(demo_con, "5043", year)
        for area in p.by_area():
            hits += [r for r in tables.profile_rows(p, area) if "personvernhensyn" in r["Vurdering"]]
    assert hits and all(r["Verdi"] == ":" for r in hits)


def _ind(better):
    return next(i for i in catalog.indicators().values() if i.better == better)


@pytest.mark.parametrize("better,own,other,expected", [
    ("higher", 5.0, 4.0, "better"), ("higher", 3.0, 4.0, "worse"),
    ("lower", 3.0, 4.0, "better"), ("lower", 5.0, 4.0, "worse"),
    ("neutral", 5.0, 4.0, None), ("higher", 4.04, 4.0, "same"),
])
def test_verdict_follows_the_indicators_direction(better, own, other, expected):
    ind = _ind(better)
    if ind.unit == "count":  # count rounds to whole numbers; use a rate for the 'same' case
        ind = next(i for i in catalog.indicators().values() if i.better == better and i.unit != "count")
    assert verdict(ind, Value(own, None), Value(other, None)) == expected


def test_no_verdict_against_a_hidden_value():
    ind = _ind("higher")
    assert verdict(ind, Value(None, "x"), Value(4.0, None)) is None
    assert verdict(ind, Value(5.0, None), Value(None, ":")) is None


def test_assessment_is_in_words():
    ind = next(i for i in catalog.indicators().values() if i.better == "lower" and i.unit == "percent")
    row = profile.ProfileRow(ind, Value(3.0, None), Value(None, None), Value(4.0, None), Value(2.0, None),
                             Value(4.0, None))
    assert tables.assessment(row) == "Bedre enn KOSTRA-gruppen og landet; dårligere enn fylket"


def test_years_before_a_merger_are_flagged(demo_con):
    assert "fikk dagens grenser i 2020" in profile.build(demo_con, "5055", 2024).boundary_note
    assert profile.build(demo_con, "5055", 2024).boundary_note


def test_counts_get_no_verdict_because_sizes_are_not_levels():
    for unit in profile.COUNT_UNITS:
        ind = next(i for i in catalog.indicators().values() if i.unit == unit)
        directed = dataclasses.replace(ind, better="higher")  # even a count someone gave a direction
        for i in (ind, directed):
            assert verdict(i, Value(12.0, None), Value(900.0, None)) is None
            assert verdict(i, Value(900.0, None), Value(12.0, None)) is None


def test_every_count_and_amount_in_the_catalogue_is_undirected():
    directed = [i.id for i in catalog.indicators().values() if i.unit in profile.COUNT_UNITS and i.better != "neutral"]
    assert directed == []
