"""Chart kinds beyond the plain trend: comparisons and peers in the trend, position among peers, the
intermunicipal service and its members, the table view and the about line, the registry's report flag.

All on a private copy of the sample database (`demo`); expected numbers are read from the store's
public view, never written into the test.
"""

from __future__ import annotations

import pytest

from tilstand import catalog, charts, fmt, words
from tilstand.access import SYSTEM
from tilstand.charts import _data, _layout
from tilstand.ingest import load

YEAR = 2024
TRONDHEIM = "5001"
FOSEN = ("5054", "5057", "5058", "5020")  # Indre Fosen, Ørland, Åfjord, Osen: one service
TYDAL = "5033"  # children placed outside the home hidden in 2024 in the sample data


def chart(chart_id: str) -> charts.ChartDef:
    return next(c for c in charts.registry() if c.id == chart_id)


def public(con, indicator: str, regions: list[str], year_from: int = YEAR, year_to: int = YEAR) -> dict:
    """{(region, year): value or None} from the store's public view (the suppression rule applied)."""
    got = con.execute(
        "SELECT region_code, year, value FROM observation_public_in(?, ?, ?) WHERE indicator_id = ?",
        [regions, year_from, year_to, indicator],
    ).fetchall()
    return {(r, y): v for r, y, v in got}


def bars_in_order(c: charts.Chart) -> list[tuple[str, float, str]]:
    """(label, value, colour) of every bar, top to bottom as drawn."""
    found = {}
    for trace in c.figure.data:
        colour = trace.marker.color
        for y, x in zip(trace.y, trace.x, strict=True):
            found[y] = (y, x, colour)
    return [found[label] for label in c.figure.layout.yaxis.categoryarray]


def note(c: charts.Chart) -> str:
    return " ".join(a.text for a in c.figure.layout.annotations).replace("<br>", " ")


def import_date(con, indicator: str) -> str:
    (latest,) = con.execute(
        "SELECT max(l.imported_at) FROM observation o JOIN import_log l ON l.id = o.import_id WHERE o.indicator_id = ?",
        [indicator],
    ).fetchone()
    return words.date(latest.date(), "nb")


# --- registry -----------------------------------------------------------------------------------


def test_report_charts_are_the_trends_and_new_kinds_stay_on_the_area_pages():
    every = {i for c in charts.registry() for i in c.indicators}
    report = charts.for_indicators(every)
    assert report and all(c.report for c in report)
    assert {c.kind for c in report} == {"trend"}
    assert {c.kind for c in charts.for_area(every)} == set(charts.KINDS)


def test_for_area_keeps_registry_order_and_filters_by_kind():
    ids = ["barn_per_arsverk", "barn_tiltak_andel"]
    assert [c.id for c in charts.for_area(ids, kinds=["position"])] == [
        "position_barn_tiltak_andel",
        "position_barn_per_arsverk",
    ]
    every = [c.id for c in charts.for_area(ids)]
    assert every == [c.id for c in charts.registry() if c.id in every]
    assert {"trend_barn_per_arsverk", "members_barn_per_arsverk"} <= set(every)


def test_every_headline_indicator_has_trend_position_and_members_charts():
    positions = {c.indicators[0] for c in charts.registry() if c.kind == "position"}
    for kind in ("trend", "members"):
        assert positions <= {c.indicators[0] for c in charts.registry() if c.kind == kind}
    assert len(positions) == 25
    tenfactor = chart("tenfactor_faktorer")
    assert len(tenfactor.indicators) == 10 and all(i.startswith("tf_") for i in tenfactor.indicators)


# --- trend: comparisons and peers ---------------------------------------------------------------


def test_trend_draws_only_the_chosen_comparisons(demo):
    c = charts.build(demo, chart("trend_barn_tiltak_andel"), TRONDHEIM, YEAR, compare=("country",))
    assert [t.name for t in c.figure.data] == ["Trondheim - Tråante", "Landet"]
    assert "KOSTRA-gruppe" not in c.alt and "Trøndelag" not in c.alt
    assert [r[0] for r in c.table.rows] == ["Trondheim - Tråante", "Landet"]


def test_peer_line_is_the_unweighted_mean_of_the_peers_shown_values(demo):
    peers = [TYDAL, *FOSEN]
    c = charts.build(demo, chart("trend_barn_plassert_andel"), TRONDHEIM, YEAR, compare=charts.COMPARE_ALL, peers=peers)
    line = c.figure.data[-1]
    assert line.name == f"Sammenligningskommunene (snitt av {len(peers)})"
    assert line.line.color == _layout.STYLE["peers"]["color"] and line.line.dash not in {
        "solid",
        "dash",
        "dot",
        "dashdot",
    }
    values = public(demo, "barn_plassert_andel", peers, YEAR - 9, YEAR)
    for x, y in zip(line.x, line.y, strict=True):
        shown = [values[(p, int(x))] for p in peers if values.get((p, int(x))) is not None]
        assert len(shown) * 2 >= len(peers)
        assert y == pytest.approx(sum(shown) / len(shown))
    assert values[(TYDAL, YEAR)] is None  # hidden: left out of the mean, not counted as 0
    assert f"Sammenligningskommunene (snitt av {len(peers)}): " in c.alt


def test_peer_mean_has_a_gap_with_a_reason_when_fewer_than_half_the_peers_have_a_value(demo):
    demo.execute(
        "UPDATE observation SET value = NULL, status = ':' WHERE indicator_id = 'barn_plassert_andel' "
        "AND year = 2020 AND region_code IN ('5054', '5057', '5058')"
    )
    c = charts.build(demo, chart("trend_barn_plassert_andel"), TRONDHEIM, YEAR, compare=charts.COMPARE_ALL, peers=FOSEN)
    line = c.figure.data[-1]
    assert line.y[list(line.x).index("2020")] is None and line.connectgaps is False
    assert (
        "Ikke vist for Sammenligningskommunene (snitt av 4) i 2020 (tall mangler: færre enn halvparten av "
        "sammenligningskommunene har tall)"
    ) in note(c)
    mean_row = c.table.rows[-1]  # the gap is SSB's «..» with the true reason, not a dash or a zero
    assert mean_row[c.table.columns.index("2020")] == ".." and "færre enn halvparten" in c.table.legend
    nn = charts.build(
        demo, chart("trend_barn_plassert_andel"), TRONDHEIM, YEAR, "nn", compare=charts.COMPARE_ALL, peers=FOSEN
    )
    assert nn.figure.data[-1].name == "Samanlikningskommunane (snitt av 4)"


def test_peers_are_ignored_unless_chosen_in_compare_and_never_on_a_count(demo):
    default = charts.build(demo, chart("trend_barn_tiltak_andel"), TRONDHEIM, YEAR, peers=FOSEN)
    assert not any("Sammenligningskommunene" in t.name for t in default.figure.data)
    count = charts.build(
        demo, chart("trend_barn_0_17_antall"), TRONDHEIM, YEAR, compare=charts.COMPARE_ALL, peers=FOSEN
    )
    assert [t.name for t in count.figure.data] == ["Trondheim - Tråante"]


def test_trend_table_holds_the_plotted_numbers_and_says_why_a_year_is_missing(demo):
    c = charts.build(demo, chart("trend_barn_tiltak_andel"), "5052", YEAR, compare=charts.COMPARE_ALL, peers=FOSEN)
    assert c.table.columns[1:-1] == tuple(str(y) for y in range(YEAR - 9, YEAR + 1))
    for trace, row in zip(c.figure.data, c.table.rows, strict=True):
        assert row[0] == trace.name
        for v, cell in zip(
            trace.y, row[1:-1], strict=True
        ):  # the plotted number, or SSB's symbol where there is no point
            assert cell == fmt.value(v, "percent") if v is not None else cell in (":", "..", "...", ".")
    leka = c.table.rows[0]
    hidden = [y for y, cell in zip(c.table.columns[1:-1], leka[1:-1], strict=True) if cell == ":"]
    assert hidden == ["2018", "2021", "2024"] and "–" not in leka
    assert "2018, 2021 og 2024: skjult av personvernhensyn: for få barn (Tilstand skjuler 1–3 barn" in leka[-1]
    assert c.table.legend.startswith("Tegnforklaring: «:» skjult av personvernhensyn: for få barn")


def test_about_line_gives_definition_source_and_import_date(demo):
    c = charts.build(demo, chart("trend_barn_tiltak_andel"), TRONDHEIM, YEAR)
    ind = catalog.indicators()["barn_tiltak_andel"]
    assert c.about.startswith(f"Definisjon: {ind.definition_in('nb')}")
    assert c.source in c.about
    assert c.about.endswith(f"Sist oppdatert {import_date(demo, 'barn_tiltak_andel')}.")
    nn = charts.build(demo, chart("trend_barn_tiltak_andel"), TRONDHEIM, YEAR, "nn")
    assert nn.about.startswith(f"Definisjon: {ind.definition_in('nn')}") and "Kjelde: " in nn.about


def test_updated_is_the_newest_import_of_a_shown_value(demo):
    assert (
        _data.updated(demo, ["barn_tiltak_andel"], [TRONDHEIM]).strftime("%Y-%m-%d")
        == (
            demo.execute(
                "SELECT max(l.imported_at)::DATE::VARCHAR FROM observation o JOIN import_log l ON l.id = o.import_id "
                "WHERE o.indicator_id = 'barn_tiltak_andel' AND o.region_code = ?",
                [TRONDHEIM],
            ).fetchone()[0]
        )
    )
    assert _data.updated(demo, ["no_such_indicator"], [TRONDHEIM]) is None


# --- position -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "chart_id, better", [("position_barn_per_arsverk", "lower"), ("position_arsverk_per_1000_0_17", "higher")]
)
def test_position_puts_the_best_on_top_by_the_indicators_direction(demo, chart_id, better):
    assert catalog.indicators()[chart(chart_id).indicators[0]].better == better
    c = charts.build(demo, chart(chart_id), TRONDHEIM, YEAR, compare=charts.COMPARE_ALL, peers=FOSEN)
    values = [v for _, v, _ in bars_in_order(c)]
    assert len(values) >= 6
    assert values == sorted(values, reverse=better == "higher")
    assert c.figure.layout.yaxis.autorange == "reversed"  # the first category is drawn on top


def test_position_draws_the_own_bar_blue_peers_grey_and_averages_hatched(demo):
    c = charts.build(
        demo, chart("position_barn_tiltak_andel"), TRONDHEIM, YEAR, compare=charts.COMPARE_ALL, peers=FOSEN
    )
    colours = {label: colour for label, _, colour in bars_in_order(c)}
    assert colours["Trondheim - Tråante"] == "#0072B2"
    assert {colours[n] for n in ("Indre Fosen", "Ørland", "Åfjord", "Osen")} == {_layout.BAR_OTHER}
    reference = next(t for t in c.figure.data if "KOSTRA-gruppe 12 (snitt)" in t.y)
    assert reference.marker.pattern.shape and "Sammenligningskommunene (snitt av 4)" in reference.y
    assert c.figure.layout.xaxis.title.text == "Prosent"
    assert c.definition.title("nb") + " – plassering 2024" in c.figure.layout.title.text.replace("<br>", " ")


def test_a_hidden_peer_is_never_drawn_and_is_named_in_the_note(demo):
    c = charts.build(demo, chart("position_barn_plassert_andel"), TRONDHEIM, YEAR, peers=[TYDAL, *FOSEN])
    assert public(demo, "barn_plassert_andel", [TYDAL])[(TYDAL, YEAR)] is None
    labels = [label for label, _, _ in bars_in_order(c)]
    assert "Tydal" not in labels and "Osen" not in labels  # both hidden in 2024
    assert "Ikke vist: " in note(c) and "Tydal (skjult av personvernhensyn: for få barn)" in note(c)
    assert ("Tydal", ":", "skjult av personvernhensyn: for få barn") in c.table.rows
    assert "«:» skjult av personvernhensyn: for få barn" in c.table.legend


def test_position_alt_text_gives_the_rank_and_better_or_worse_than_the_peers(demo):
    peers = list(FOSEN)
    c = charts.build(demo, chart("position_barn_per_arsverk"), TRONDHEIM, YEAR, peers=peers)
    values = public(demo, "barn_per_arsverk", [TRONDHEIM, *peers])
    own = values[(TRONDHEIM, YEAR)]
    shown = [values[(p, YEAR)] for p in peers if values.get((p, YEAR)) is not None]
    rank = 1 + sum(1 for v in shown if v < own)  # lower is better
    assert f"Trondheim - Tråante er nr. {rank} av {len(shown) + 1}, der 1 er best." in c.alt
    mean = sum(shown) / len(shown)
    word = "bedre enn" if own < mean else "dårligere enn"
    assert f"Trondheim - Tråante er {word} snittet av sammenligningskommunene ({fmt.value(mean, 'ratio')})." in c.alt
    assert note(c).startswith(f"Trondheim - Tråante er nr. {rank} av")


def test_position_table_rows_equal_the_bars(demo):
    c = charts.build(demo, chart("position_barn_tiltak_andel"), TRONDHEIM, YEAR, peers=[TYDAL, *FOSEN])
    drawn = bars_in_order(c)
    assert [(r[0], r[1]) for r in c.table.rows[: len(drawn)]] == [
        (label, fmt.value(v, "percent")) for label, v, _ in drawn
    ]
    assert all(r[1] in (":", "..") for r in c.table.rows[len(drawn) :])  # SSB's symbol, never a dash or a bar


def test_position_without_peers_shows_own_and_averages_and_asks_for_peers(demo):
    c = charts.build(demo, chart("position_barn_tiltak_andel"), TRONDHEIM, YEAR)
    kinds = {colour for _, _, colour in bars_in_order(c)}
    assert _layout.BAR_OTHER not in kinds and len(bars_in_order(c)) == 4
    assert "Velg sammenligningskommuner for å se plasseringen." in note(c) and "nr." not in c.alt
    nn = charts.build(demo, chart("position_barn_tiltak_andel"), TRONDHEIM, YEAR, "nn")
    assert "Vel samanlikningskommunar for å sjå plasseringa." in nn.alt and nn.alt.startswith("Stolpediagram: ")


def test_position_of_a_neutral_indicator_says_higher_or_lower_not_better(demo):
    c = charts.build(
        demo, chart("position_barn_tiltak_andel"), TRONDHEIM, YEAR, compare=charts.COMPARE_ALL, peers=FOSEN
    )
    assert catalog.indicators()["barn_tiltak_andel"].better == "neutral"
    assert "der 1 er høyest" in c.alt and "bedre" not in c.alt and "dårligere" not in c.alt
    assert "høyere enn snittet" in c.alt or "lavere enn snittet" in c.alt or "likt med snittet" in c.alt


# --- members ------------------------------------------------------------------------------------


def test_members_show_the_service_and_each_member_with_the_own_member_blue(demo):
    # the sample's service figure for plans evaluated is shown, with Osen hidden
    c = charts.build(demo, chart("members_hjelpetiltak_evaluert_andel"), "5054", YEAR)
    values = public(demo, "hjelpetiltak_evaluert_andel", ["fosen", *FOSEN])
    drawn = bars_in_order(c)
    assert drawn[0][:2] == ("Fosen barnevernstjeneste (hele tjenesten)", values[("fosen", YEAR)])
    shown = {r: v for (r, _), v in values.items() if v is not None and r != "fosen"}
    assert len(drawn) == 1 + len(shown)
    assert dict((label, colour) for label, _, colour in drawn)["Indre Fosen"] == "#0072B2"
    hidden = [r for r in FOSEN if values.get((r, YEAR)) is None]
    assert "5020" in hidden and "Osen (skjult av personvernhensyn: for få barn)" in note(c)
    assert ("Osen", ":", "skjult av personvernhensyn: for få barn") in c.table.rows
    assert not c.empty and c.table.rows[0][1] == fmt.value(values[("fosen", YEAR)], "percent")


def test_a_service_total_is_hidden_when_it_would_give_back_the_one_hidden_member(demo):
    """Osen and Ørland's breaches in the second half-year are hidden in the sample. Ørland gets a shown count and
    share, so only Osen stays hidden: the service's breaches (and its share with its base) minus the members
    shown would give Osen's back, so the store keeps the service's figures hidden and the chart draws no total."""
    h2 = ["undersokelser_fristbrudd_h2_antall", "undersokelser_fristbrudd_h2_andel"]
    members = ["5020", "5054", "5057", "5058"]
    hidden = {r for (r, _), v in public(demo, h2[0], members).items() if v is None}
    assert hidden == {"5020", "5057"}, "the sample hides Osen's and Ørland's second half-year"
    load.write(
        demo,
        data=b"orland",
        file_name="orland.csv",
        source="bufdir_csv",
        actor=SYSTEM,
        observations=[(h2[0], "5057", YEAR, 6.0, None), (h2[1], "5057", YEAR, 16.2, None)],
    )
    after = public(demo, h2[0], members)
    assert [r for (r, _), v in after.items() if v is None] == ["5020"], "only Osen is hidden now"
    for ind in h2:  # the service's count and share would each give Osen's count back
        assert public(demo, ind, ["fosen"])[("fosen", YEAR)] is None
    c = charts.build(demo, chart("members_undersokelser_fristbrudd_andel"), "5054", YEAR)
    assert not any("hele tjenesten" in label for label, _, _ in bars_in_order(c))
    assert "Fosen barnevernstjeneste (skjult av personvernhensyn" in note(c)


def test_members_without_a_service_figure_say_so_instead_of_adding_up(demo):
    c = charts.build(demo, chart("members_barn_plassert_andel"), "5054", YEAR, "nn")
    assert not any("heile tenesta" in label for label, _, _ in bars_in_order(c))
    assert "Tenesta som heilskap har ikkje eige tal for 2024" in note(c)


def test_a_municipality_outside_any_service_gives_an_empty_members_chart(demo):
    c = charts.build(demo, chart("members_barn_plassert_andel"), TRONDHEIM, YEAR)
    assert c.empty and not c.figure.data
    assert "ikke med i en interkommunal barnevernstjeneste" in c.alt


def test_a_count_in_a_members_chart_is_never_set_beside_the_services_total(demo):
    (total,) = demo.execute(
        "SELECT value FROM observation WHERE region_code = 'fosen' AND year = ? AND "
        "indicator_id = 'undersokelser_avsluttet_h1_antall'",
        [YEAR],
    ).fetchone()
    assert total is not None, "the sample data has the service's count of investigations concluded"
    sizes = charts.ChartDef(
        "members_undersokelser_avsluttet_h1_antall",
        "kvalitet",
        "members",
        ("undersokelser_avsluttet_h1_antall",),
        "Avsluttede undersøkelser",
        "Avslutta undersøkingar",
        report=False,
    )
    c = charts.build(demo, sizes, "5054", YEAR)
    labels = [label for label, _, _ in bars_in_order(c)]
    assert labels and not any("barnevernstjeneste" in label for label in labels)
    assert "Tjenesten som helhet vises ikke: tallet er summen av kommunenes" in note(c)
    assert not any(
        "barnevernstjeneste" in r[0] for r in c.table.rows
    )  # neither a total nor a mark for one: not compared
    assert fmt.value(total, "count") not in c.alt
    nn = charts.build(demo, sizes, "5054", YEAR, "nn")
    assert "Tenesta som heilskap blir ikkje vist" in note(nn)


def test_position_of_a_count_ranks_sizes_without_calling_them_better(demo):
    sizes = charts.ChartDef(
        "position_barn_0_17_antall",
        "om_barnevernet",
        "position",
        ("barn_0_17_antall",),
        "Barn 0–17 år",
        "Born 0–17 år",
        report=False,
    )
    c = charts.build(demo, sizes, TRONDHEIM, YEAR, peers=FOSEN)
    values = [v for _, v, _ in bars_in_order(c)]
    assert values == sorted(values, reverse=True) and c.figure.layout.xaxis.title.text == "Antall"
    assert "der 1 er høyest" in c.alt and "bedre" not in c.alt and "dårligere" not in c.alt
    every = charts.build(demo, sizes, TRONDHEIM, YEAR, compare=charts.COMPARE_ALL, peers=FOSEN)
    labels = [label for label, _, _ in bars_in_order(every)]  # no county's, group's or country's total
    assert not any(n in label for label in labels for n in ("KOSTRA-gruppe", "Trøndelag", "Landet"))


def test_build_many_gives_the_same_charts_as_building_one_by_one(demo):
    defs = charts.for_area(["barn_tiltak_andel", "barn_plassert_andel", "undersokelser_fristbrudd_andel"])
    assert {d.kind for d in defs} == {"trend", "position", "members"}
    cases = [
        (TRONDHEIM, {}),
        (TRONDHEIM, {"compare": charts.COMPARE_ALL, "peers": [TYDAL, *FOSEN, TRONDHEIM]}),
        ("5054", {"compare": charts.COMPARE_ALL, "peers": [TYDAL, TRONDHEIM]}),
    ]  # 5054: in Fosen's service
    for region, kwargs in cases:
        together = charts.build_many(demo, defs, region, YEAR, "nn", **kwargs)
        alone = [charts.build(demo, d, region, YEAR, "nn", **kwargs) for d in defs]
        assert [c.figure.to_json() for c in together] == [c.figure.to_json() for c in alone]
        assert [(c.alt, c.table, c.about, c.empty) for c in together] == [
            (c.alt, c.table, c.about, c.empty) for c in alone
        ]


def test_a_trend_starts_at_the_first_year_any_region_has_a_number(demo):
    """10-FAKTOR and staff figures begin in 2019: no row of empty years, each with its own note."""
    c = charts.build(demo, next(d for d in charts.registry() if d.id == "trend_turnover_pct"), "5001", 2024)
    first = demo.execute("SELECT min(year) FROM observation WHERE indicator_id = 'turnover_pct'").fetchone()[0]
    assert c.table.columns[1] == str(first) and first > 2015
    assert "2015" not in c.alt and next(iter(c.figure.data[0].x)) == str(first)


# --- halves: a figure published per half-year ---------------------------------------------------

HALVES = "halves_undersokelser_fristbrudd_andel"
FRISTBRUDD = (
    "undersokelser_fristbrudd_h1_andel",
    "undersokelser_fristbrudd_h2_andel",
    "undersokelser_fristbrudd_andel",
)


def test_half_year_chart_draws_each_half_and_the_year_from_the_public_view(demo):
    d = chart(HALVES)
    assert d.indicators == FRISTBRUDD and d.chapter == "kvalitet" and not d.report  # area page, not the report
    c = charts.build(demo, d, TRONDHEIM, YEAR)
    assert [t.name for t in c.figure.data] == ["1. halvår", "2. halvår", "Hele året"]
    assert [r[0] for r in c.table.rows] == ["1. halvår", "2. halvår", "Hele året"]
    for trace, ind in zip(c.figure.data, FRISTBRUDD, strict=True):
        values = public(demo, ind, [TRONDHEIM], YEAR - 9, YEAR)
        assert [trace.y[i] for i in range(len(trace.x))] == [values.get((TRONDHEIM, int(x))) for x in trace.x]
    # The year is both halves' breaches over both halves' concluded investigations, not the mean of the lines.
    counts = {
        i: public(demo, i, [TRONDHEIM])[(TRONDHEIM, YEAR)]
        for i in (
            "undersokelser_fristbrudd_h1_antall",
            "undersokelser_fristbrudd_h2_antall",
            "undersokelser_avsluttet_h1_antall",
            "undersokelser_avsluttet_halvar",
        )
    }
    year = round(
        (counts["undersokelser_fristbrudd_h1_antall"] + counts["undersokelser_fristbrudd_h2_antall"])
        / (counts["undersokelser_avsluttet_h1_antall"] + counts["undersokelser_avsluttet_halvar"])
        * 100,
        1,
    )
    assert c.figure.data[2].y[-1] == year
    assert c.table.rows[2][-2] == fmt.value(year, "percent")
    assert c.alt.startswith("Linjediagram: Fristbrudd i undersøkelsessaker per halvår, Trondheim - Tråante, ")
    assert "Heile året" in charts.build(demo, d, TRONDHEIM, YEAR, "nn").alt


def test_half_year_chart_leaves_a_gap_where_one_half_hides_the_year(demo):
    """A half-year hidden (few breaches) hides the year too: both are gaps, the other half is drawn."""
    found = demo.execute(
        """SELECT a.region_code, a.year FROM observation_public a JOIN observation_public b
           ON b.region_code = a.region_code AND b.year = a.year AND b.indicator_id = ?
           WHERE a.indicator_id = ? AND a.value IS NULL AND b.value IS NOT NULL AND length(a.region_code) = 4
             AND a.year = ? ORDER BY a.region_code LIMIT 1""",
        [FRISTBRUDD[0], FRISTBRUDD[1], YEAR - 1],
    ).fetchone()
    assert found, "the sample has a municipality whose second half-year is hidden"
    region, year = found
    c = charts.build(demo, chart(HALVES), region, YEAR)
    at = {name: dict(zip(t.x, t.y, strict=True)) for name, t in ((t.name, t) for t in c.figure.data)}
    assert at["1. halvår"][str(year)] is not None
    assert at["2. halvår"][str(year)] is None and at["Hele året"][str(year)] is None
    assert public(demo, FRISTBRUDD[2], [region], year, year) == {(region, year): None}
    assert "personvern" in c.table.legend
