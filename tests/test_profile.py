"""The service profile: comparisons, direction-aware verdicts, trends with gaps, suppression."""

import dataclasses
from importlib.resources import files

import pytest

from tilstand import catalog, dashboard, profile, queries, store, symbols, tables
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


@pytest.mark.parametrize(
    "better,own,other,expected",
    [
        ("higher", 5.0, 4.0, "better"),
        ("higher", 3.0, 4.0, "worse"),
        ("lower", 3.0, 4.0, "better"),
        ("lower", 5.0, 4.0, "worse"),
        ("neutral", 5.0, 4.0, None),
        ("higher", 4.04, 4.0, "same"),
    ],
)
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
    row = profile.ProfileRow(
        ind, Value(3.0, None), Value(None, None), Value(4.0, None), Value(2.0, None), Value(4.0, None)
    )
    assert tables.assessment(row) == "Bedre enn KOSTRA-gruppen og landet; dårligere enn fylket"


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_definitions_name_the_indicator_and_its_direction_in_the_malform_asked_for(demo_con, language):
    """The app's table and the DOCX appendix say a direction in the same words (once «Verken bedre eller
    dårligere» on screen, «Ingen retning» in the DOCX), and a nynorsk snapshot says it in nynorsk."""
    p = profile.build(demo_con, "5001", 2024)
    rows = [d for area in catalog.AREA_ORDER for d in tables.definitions(p, area, language)]
    inds = {i.name_in(language): i for i in catalog.indicators().values()}
    expected = {
        "nb": {"higher": "Høyere er bedre", "lower": "Lavere er bedre", "neutral": "Ingen retning"},
        "nn": {"higher": "Høgare er betre", "lower": "Lågare er betre", "neutral": "Inga retning"},
    }[language]
    assert {d["Retning"] for d in rows} == set(expected.values())  # the sample has all three directions
    for d in rows:
        assert d["Retning"] == expected[inds[d["Indikator"]].better]


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


# --- the KOSTRA group: SSB's, guessed from population, or none for the year ---------------------------------


def test_a_group_guessed_from_population_is_named_estimated_and_a_confirmed_one_is_not(demo_con):
    steinkjer = profile.build(demo_con, "5006", 2024)  # kostra_membership.csv: 'inferred from 2023 population …'
    assert steinkjer.kostra_group == "EKG09" and steinkjer.group_estimated
    assert steinkjer.names["group"] == "KOSTRA-gruppe 9 (anslått)"
    trondheim = profile.build(demo_con, "5001", 2024)  # 'confirmed (domain brief …)'
    assert trondheim.names["group"] == "KOSTRA-gruppe 12" and not trondheim.group_estimated
    chart = queries.run(demo_con, "chart_regions", region="5006", year=2024, peers=[])
    assert dict(chart.select("role", "region_name").iter_rows())["group"] == "KOSTRA-gruppe 9 (anslått)"


def test_the_bundled_groups_apply_from_2020_and_every_guess_says_so():
    import csv

    rows = list(
        csv.DictReader(files("tilstand.data").joinpath("kostra_membership.csv").read_text("utf-8").splitlines())
    )
    assert {r["valid_from"] for r in rows} == {"2020"}, "SSB's 2020 grouping applies from the 2020 figures"
    for r in rows:
        assert r["source"].startswith(("inferred", "confirmed")), r
        if "confirm" not in r["source"]:
            assert r["source"].startswith("inferred"), r  # the app and the DOCX say «(anslått)» from this


def test_years_before_the_first_grouping_have_no_group_and_the_column_says_why(demo_con):
    p = profile.build(demo_con, "5006", 2019)
    assert p.kostra_group is None and p.names["group"] == "" and not p.group_estimated
    compared = [r for r in p.rows if r.compared]
    assert compared and all(tables.key_cells(r)[2] == ("..", symbols.NO_GROUP) for r in compared)
    assert (
        "kommunen har ingen KOSTRA-gruppe for året (SSBs gruppering fra 2020 gjelder fra 2020-tallene)"
        in tables.legend(compared)
    )
    area = dashboard.area("dekningsgrad")
    items = dashboard.headlines(p, area, compare=("group", "county", "country"))
    assert all(c.role != "group" for h in items for c in h.comparisons), "no KOSTRA-group line in 2019"
    assert dashboard.available(p, ("group", "country")) == ["country"]
    assert [r for r in queries.run(demo_con, "chart_regions", region="5006", year=2019, peers=[])["role"]] == [
        "own",
        "county",
        "country",
    ]


def test_the_group_is_shown_for_earlier_years_once_a_grouping_for_them_is_loaded(demo):
    demo.cursor().execute("INSERT INTO kostra_membership VALUES ('5006', 'EKG11', 2016, 2019, 'SSB Klass test')")
    p = profile.build(demo, "5006", 2019)
    assert p.kostra_group == "EKG11" and p.names["group"] == "KOSTRA-gruppe 11" and not p.group_estimated


def test_a_group_fetched_from_klass_replaces_the_guess_and_its_estimated_mark(demo):
    from tests.conftest import FORMATS
    from tilstand.access import SYSTEM
    from tilstand.ingest import klass

    klass.load_file(demo, SYSTEM, FORMATS / "ssb_klass_131_112_corresponds_from_2020.json", 2020)
    p = profile.build(demo, "5006", 2024)
    assert p.kostra_group == "EKG10" and p.names["group"] == "KOSTRA-gruppe 10" and not p.group_estimated


# --- the same on the pages --------------------------------------------------------------------------------


def _plain(elements) -> list[str]:
    """The texts as a reader sees them: names from the data are shown literally (markdown_html.literal)."""
    return [e.value.replace("\\", "") for e in elements]


def _profile_page(at, region: str, year: int):
    at.run()
    at.switch_page("pages/tjenesteprofil.py").run()
    at.selectbox(key="kommune").select(region).run()
    at.selectbox(key="ar").select(year).run()
    assert not at.exception, at.exception
    return at


def test_profile_page_names_a_guessed_group_estimated_and_explains_it(app):
    _profile_page(app, "5006", 2024)
    assert any("**KOSTRA-gruppe 9 (anslått)**" in m for m in _plain(app.markdown))
    assert [i.value for i in app.info if "anslått" in i.value] == [profile.GROUP_ESTIMATED_NOTE]
    _profile_page(app, "5001", 2024)
    assert not any("anslått" in m.value for m in [*app.markdown, *app.info, *app.caption])


def test_profile_page_before_2020_has_no_group_and_says_why_in_the_table(app):
    _profile_page(app, "5006", 2019)
    text = " ".join(m.value for m in app.markdown)
    assert "ingen KOSTRA-gruppe for 2019" in text and "anslått" not in text
    assert not any("anslått" in i.value for i in app.info)
    groups = {v for f in app.dataframe for v in f.value["KOSTRA-gruppe"]}
    assert groups <= {"..", "."}, groups  # no group, so no value: SSB's «..» (or «.» for a count)
    assert any("ingen KOSTRA-gruppe for året" in c.value for c in app.caption)


def test_area_page_explains_a_guessed_group_and_has_no_group_line_before_2020(app):
    app.run()
    app.switch_page("pages/dekningsgrad.py").run()
    app.selectbox(key="dekningsgrad_kommune").select("5006").run()
    assert not app.exception, app.exception
    captions = _plain(app.caption)
    assert profile.GROUP_ESTIMATED_NOTE in captions
    assert any("KOSTRA-gruppe 9 (anslått)" in c for c in captions)
    app.selectbox(key="dekningsgrad_ar").select(2019).run()
    assert not app.exception, app.exception
    captions = " ".join(_plain(app.caption))
    assert "KOSTRA-gruppe 9" not in captions and "anslått" not in captions  # no group figure line
    assert "KOSTRA-gruppen:" not in captions  # no empty group line beside the county and the country
    assert not any(f"{w} KOSTRA-gruppen" in captions for w in ("enn", "likt med"))  # nor a verdict against it
    assert "Landet:" in captions
    assert "kommunen har ingen KOSTRA-gruppe for året" in captions  # the all-figures table says why
