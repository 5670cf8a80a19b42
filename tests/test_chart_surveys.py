"""The 10-FAKTOR dot plot and the survey distribution bars: the numbers drawn are the numbers stored, the
comparison falls back as the issue says, and a value hidden for too few answers never reaches a figure, a
table or a mean, but is named."""

from __future__ import annotations

import dataclasses

import pytest

from sample_data.templates import build as templates
from tilstand import catalog, charts, fmt, ingest
from tilstand.access import SYSTEM
from tilstand.charts.kinds import survey as survey_kind
from tilstand.charts.kinds import tenfactor as tenfactor_kind

COMPARE = charts.COMPARE_ALL
FACTORS = tuple(i for i, x in catalog.indicators().items() if x.area == "tenfactor" and x.unit == "score_1_5")
DIMENSIONS = (
    "bu_tilgjengelighet",
    "bu_informasjon",
    "bu_respektfull_behandling",
    "bu_brukermedvirkning",
    "bu_resultat_for_brukerne",
)
BANDS = ("andel_lav", "andel_middels", "andel_hoy")


def definition(kind: str) -> charts.ChartDef:
    """The registry's row for the kind, or (while the registry lacks it) one like it."""
    for c in charts.registry():
        if c.kind == kind:
            return c
    indicators, chapter = (FACTORS, "ansatte") if kind == "tenfactor" else (DIMENSIONS, "brukere")
    return dataclasses.replace(
        charts.registry()[0],
        id=f"{kind}_test",
        kind=kind,
        chapter=chapter,
        indicators=indicators,
        title_nb="",
        title_nn="",
    )


TF, BU = definition("tenfactor"), definition("survey")


def tenfactor(con, region="5001", year=2024, language="nb", compare=COMPARE, peers=()):
    return tenfactor_kind.build(con, TF, region, year, language, compare=compare, peers=peers)


def survey(con, region="5001", year=2024, language="nb"):
    return survey_kind.build(con, BU, region, year, language, compare=COMPARE, peers=())


def public(con, region: str, year: int, ids) -> dict[str, float | None]:
    rows = con.execute(
        "SELECT indicator_id, value FROM observation_public WHERE region_code = ? AND year = ? "
        "AND list_contains(?, indicator_id)",
        [region, year, list(ids)],
    ).fetchall()
    return dict(rows)


def trace(chart, name_part: str) -> dict:
    found = [t for t in chart.figure.data if name_part in (t.name or "")]
    assert len(found) == 1, [t.name for t in chart.figure.data]
    return dict(zip(found[0].y, found[0].x, strict=True))


def by_factor(chart, name_part: str) -> dict[str, float | None]:
    names = {catalog.indicators()[f].name_nb: f for f in FACTORS}
    names.update({catalog.indicators()[f].name_nn: f for f in FACTORS})
    return {names[y]: x for y, x in trace(chart, name_part).items()}


def note(chart) -> str:
    return " ".join(a.text for a in chart.figure.layout.annotations).replace("<br>", " ")


def store_value(con, indicator: str, region: str, year: int, value: float) -> None:
    con.execute(
        "INSERT INTO import_log (id, source, file_name, sha256, rows, changed, sample, imported_at, "
        "imported_by) VALUES (990, 'test', 't', 'h', 1, 1, false, now(), 'test') ON CONFLICT DO NOTHING"
    )
    con.execute("INSERT OR REPLACE INTO observation VALUES (?, ?, ?, ?, NULL, 990)", [indicator, region, year, value])


def import_tenfactor(con, tmp_path, region: str, year: int, respondents: int) -> None:
    """A 10-FAKTOR file with one unit, through the real importer (few respondents: stored as 'x')."""
    row = [region, "Enhet", year, respondents, respondents + 2, *[4.0] * len(FACTORS)]
    text = ";".join(templates.headers()) + "\r\n" + ";".join(str(v).replace(".", ",") for v in row) + "\r\n"
    f = tmp_path / f"10faktor_{region}_{year}.csv"
    f.write_bytes(text.encode("cp1252"))
    ingest.import_file(con, f, actor=SYSTEM)


# --- 10-FAKTOR ----------------------------------------------------------------------------------


def test_tenfactor_shows_the_ten_factors_this_year_and_last_year_as_stored(demo):
    chart = tenfactor(demo)
    assert not chart.empty
    assert list(chart.figure.layout.yaxis.categoryarray) == [catalog.indicators()[f].name_nb for f in FACTORS]
    assert by_factor(chart, "2024") == pytest.approx(public(demo, "5001", 2024, FACTORS))
    assert by_factor(chart, "i fjor (2023)") == pytest.approx(public(demo, "5001", 2023, FACTORS))


def test_tenfactor_comparison_is_the_unweighted_mean_of_the_peers_shown_values(demo):
    peers = ("5006", "5007", "5014")
    chart = tenfactor(demo, peers=peers)
    stored = [public(demo, p, 2024, FACTORS) for p in peers]
    expected = {f: sum(s[f] for s in stored) / len(stored) for f in FACTORS}
    assert by_factor(chart, "Snitt sammenligningskommuner (3)") == pytest.approx(expected)
    assert "sammenligningskommunene (3)" in chart.alt


def test_tenfactor_falls_back_to_the_county_then_the_country(demo):
    for f in FACTORS:
        store_value(demo, f, "EAK", 2024, 3.0)
    assert by_factor(tenfactor(demo), "Landet") == pytest.approx({f: 3.0 for f in FACTORS})
    store_value(demo, FACTORS[0], "50", 2024, 2.5)
    county = tenfactor(demo)
    assert [t.name for t in county.figure.data if "Landet" in (t.name or "")] == []
    assert by_factor(county, "Trøndelag")[FACTORS[0]] == 2.5
    assert by_factor(tenfactor(demo, compare=("country",)), "Landet")[FACTORS[0]] == 3.0


def test_tenfactor_falls_back_to_the_kostra_groups_municipalities_in_the_store(demo):
    members = [
        r
        for (r,) in demo.execute(
            "SELECT region_code FROM kostra_membership WHERE group_code = (SELECT group_code FROM kostra_membership "
            "WHERE region_code = '5061') AND region_code <> '5061'"
        ).fetchall()
    ]
    stored = [public(demo, m, 2023, FACTORS) for m in members]
    shown = [s for s in stored if any(v is not None for v in s.values())]
    assert len(shown) >= 2, "the sample data should give Rindal's KOSTRA group numbers in 2023"
    chart = tenfactor(demo, region="5061", year=2023)
    got = by_factor(chart, f"Snitt kommuner i KOSTRA-gruppen i Tilstand ({len(shown)})")
    for f in FACTORS:
        values = [s[f] for s in shown if s.get(f) is not None]
        assert got[f] == pytest.approx(sum(values) / len(values))


def test_tenfactor_without_any_comparison_says_so(demo):
    chart = tenfactor(demo, peers=())  # Trondheim is alone in its KOSTRA group in the sample data
    assert len([t for t in chart.figure.data if t.showlegend is not False]) == 2
    assert "Ingen sammenligning" in note(chart) and "Ingen sammenligning" in chart.alt
    assert len(chart.table.columns) == 5  # no comparison column


def test_a_hidden_year_never_appears_in_figure_table_or_mean(demo, tmp_path):
    import_tenfactor(demo, tmp_path, "5001", 2024, respondents=3)
    assert set(public(demo, "5001", 2024, FACTORS).values()) == {None}
    chart = tenfactor(demo)
    assert set(by_factor(chart, "Tråante 2024").values()) == {None}
    assert "Ikke vist: for få svar for Trondheim - Tråante i 2024 (færre enn 5)" in note(chart)
    assert all(row[1] == ":" and "skjult i 2024: for få svar" in row[-1] for row in chart.table.rows)
    assert chart.table.legend.startswith("Tegnforklaring: «:» skjult av personvernhensyn: for få svar")
    assert "for få barn" not in chart.table.legend  # the reason is the answers, not children
    assert "4,0" not in chart.alt and "Ikke vist" in chart.alt
    peers_chart = tenfactor(demo, region="5006", peers=("5001", "5007"))
    assert by_factor(peers_chart, "Snitt sammenligningskommuner (1)") == pytest.approx(
        public(demo, "5007", 2024, FACTORS)
    )


def test_tenfactor_table_rows_equal_the_figure(demo):
    chart = tenfactor(demo, peers=("5006", "5007"))
    this, last = by_factor(chart, "Tråante 2024"), by_factor(chart, "i fjor")
    comparison = by_factor(chart, "Snitt")
    names = {catalog.indicators()[f].name_nb: f for f in FACTORS}
    for row in chart.table.rows:
        f = names[row[0]]
        assert row[1:3] == (fmt.value(this[f], "score_1_5"), fmt.value(last[f], "score_1_5"))
        assert row[4] == fmt.value(comparison[f], "score_1_5")
    assert chart.about.startswith("Definisjon: ") and "Kilde: KS, 10-FAKTOR" in chart.about
    assert "Sist oppdatert" in chart.about


def test_tenfactor_in_nynorsk(demo):
    chart = tenfactor(demo, language="nn", peers=("5006",))
    assert "dei ti faktorane" in chart.figure.layout.title.text
    assert "Meistringstru" in chart.figure.layout.yaxis.categoryarray
    assert any(t.name == "Snitt samanlikningskommunar (1)" for t in chart.figure.data)
    assert chart.about.startswith("Definisjon: Kvar faktor") and "Kjelde" in chart.source


# --- survey distribution ------------------------------------------------------------------------


def test_survey_segments_equal_the_stored_shares(demo):
    chart = survey(demo)
    assert not chart.empty and chart.figure.layout.barmode == "stack"
    for band, t in zip(BANDS, chart.figure.data, strict=True):
        stored = public(demo, "5001", 2024, [f"{d}_{band}" for d in DIMENSIONS])
        assert list(t.x) == pytest.approx([stored[f"{d}_{band}"] for d in DIMENSIONS])
    respondents = public(demo, "5001", 2024, ["bu_antall_svar"])["bu_antall_svar"]
    assert f"N = {fmt.number(respondents)} svar" in chart.figure.layout.title.subtitle.text


def test_survey_table_rows_equal_the_segment_labels(demo):
    chart = survey(demo)
    labels = list(zip(*(t.text for t in chart.figure.data), strict=True))
    assert [row[1:4] for row in chart.table.rows] == labels
    assert [row[0] for row in chart.table.rows] == list(chart.figure.data[0].y)


def test_a_hidden_dimension_is_left_out_and_named(demo):
    hidden = public(demo, "5061", 2023, [f"bu_tilgjengelighet_{b}" for b in BANDS])
    assert set(hidden.values()) == {None}, "the sample data hides Rindal's Tilgjengelighet in 2023"
    chart = survey(demo, region="5061", year=2023)
    assert "Tilgjengelighet" not in chart.figure.data[0].y
    assert "Ikke vist: Tilgjengelighet (for få svar, færre enn 5)." in note(chart)
    assert "Ikke vist: Tilgjengelighet" in chart.alt
    row = next(r for r in chart.table.rows if r[0] == "Tilgjengelighet")
    assert row[1:4] == (":", ":", ":") and "for få svar" in row[4]
    assert (
        "«:» skjult av personvernhensyn: for få svar (Tilstand skjuler tall som bygger på færre enn 5 svar)"
        in chart.table.legend
    )


def test_survey_shares_from_the_importer_equal_a_hand_count(demo, tmp_path):
    # Informasjon, 2025, parents and children together: answers 1, 2, 3, 5, 6, 6, 6 and a «Vet ikke»
    rows = [
        ("foreldre", "1", 1, 6),
        ("foreldre", "3", 1, 6),
        ("foreldre", "6", 3, 6),
        ("foreldre", "Vet ikke", 1, 6),
        ("barn og unge", "2", 1, 3),
        ("barn og unge", "5", 1, 3),
    ]
    lines = [";".join(templates.survey_headers())]
    lines += [f"5001;2025;{g};Informasjon;Får du nok informasjon?;{o};{k};{n}" for g, o, k, n in rows]
    f = tmp_path / "bu.csv"
    f.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    ingest.import_file(demo, f, actor=SYSTEM)
    chart = survey(demo, year=2025)
    assert list(chart.figure.data[0].y) == ["Informasjon"]
    assert [t.x[0] for t in chart.figure.data] == pytest.approx([2 / 7 * 100, 1 / 7 * 100, 4 / 7 * 100], abs=1e-3)
    assert "N = 9 svar" in chart.figure.layout.title.subtitle.text
    assert "Ingen tall for Tilgjengelighet" in note(chart)


def test_survey_without_answers_is_empty(demo):
    assert survey(demo, year=2031).empty


def test_survey_in_nynorsk(demo):
    chart = survey(demo, language="nn")
    assert chart.figure.layout.title.text.startswith("Brukarundersøking")
    assert [t.name for t in chart.figure.data] == ["Lite nøgde (1–2)", "Middels (3–4)", "Svært nøgde (5–6)"]
    assert "Respektfull handsaming" in chart.figure.data[0].y
    assert chart.table.caption.startswith("Svarfordeling i brukarundersøkinga")


def test_tenfactor_alt_names_the_biggest_changes_and_the_position_against_the_comparison(demo):
    peers = ("5006", "5007")
    chart = tenfactor(demo, peers=peers)
    now, before = public(demo, "5001", 2024, FACTORS), public(demo, "5001", 2023, FACTORS)
    change = {f: float(fmt.round_half_up(now[f], 1) - fmt.round_half_up(before[f], 1)) for f in FACTORS}
    biggest = max(FACTORS, key=lambda f: (abs(change[f]), -FACTORS.index(f)))
    assert f"{catalog.indicators()[biggest].name_nb} ({fmt.change(change[biggest], 'score_1_5')}" in chart.alt
    stored = [public(demo, p, 2024, FACTORS) for p in peers]
    mean = {f: sum(s[f] for s in stored) / len(stored) for f in FACTORS}
    above = sum(fmt.round_half_up(now[f], 1) > fmt.round_half_up(mean[f], 1) for f in FACTORS)
    assert f"over snittet for sammenligningskommunene (2) på {above} av 10 faktorer" in chart.alt


# --- the scales: user surveys 1–6, 10-FAKTOR 1–5 -------------------------------------------------


def _chart(chart_id: str) -> charts.ChartDef:
    return next(c for c in charts.registry() if c.id == chart_id)


@pytest.mark.parametrize(
    "chart_id, scale", [("trend_bu_tilgjengelighet", (1, 6)), ("trend_tf_mestringsorientert_ledelse", (1, 5))]
)
def test_a_score_trend_runs_the_whole_scale_from_1_not_from_0_and_says_so(demo, chart_id, scale):
    for language in ("nb", "nn"):
        c = charts.build(demo, _chart(chart_id), "5001", 2024, language)
        axis = c.figure.layout.yaxis
        assert tuple(axis.range) == scale and axis.rangemode is None
        assert axis.title.text == f"Skår (skala {scale[0]}–{scale[1]})"
        first = c.table.columns[1]  # the first year with a number (the sources began in 2019)
        assert c.alt.startswith(
            f"Linjediagram: {c.definition.title(language)}, {first}–2024, skala {scale[0]}–{scale[1]}. "
        )
        shown = [y for t in c.figure.data for y in t.y if y is not None]
        assert shown and all(scale[0] <= y <= scale[1] for y in shown)


def test_a_survey_score_bar_starts_at_1_and_the_axis_ends_at_6(demo):
    c = charts.build(demo, _chart("position_bu_tilgjengelighet"), "5001", 2024, peers=("5006", "5007", "5054"))
    bars = [t for t in c.figure.data if t.type == "bar"]
    assert bars and all(t.base == 1 for t in bars)  # a bar's base is the scale's bottom, never 0
    stored = public(demo, "5001", 2024, ["bu_tilgjengelighet"])["bu_tilgjengelighet"]
    own = next(t for t in bars if "Tråante" in " ".join(t.y))
    drawn = dict(zip(own.y, own.x, strict=True))["Trondheim - Tråante"]
    assert drawn + own.base == pytest.approx(stored)  # the bar ends at the value itself
    assert tuple(c.figure.layout.xaxis.range) == (1, 6)
    assert c.figure.layout.xaxis.title.text == "Skår (skala 1–6)"
    assert c.alt.startswith(f"Stolpediagram: {c.definition.title('nb')} – plassering 2024, skala 1–6.")
    assert fmt.value(stored, "score") in c.alt  # the value itself, not the bar's length from 1


def test_the_tenfactor_axis_is_1_to_5_and_the_alt_text_names_the_scale(demo):
    chart = tenfactor(demo)
    assert tuple(chart.figure.layout.xaxis.range) == (1, 5)
    assert chart.figure.layout.xaxis.title.text == "Skår (skala 1–5)"
    assert "skala 1–5" in chart.alt and chart.table.caption.endswith("skala 1–5.")
    assert all(x is None or 1 <= x <= 5 for t in chart.figure.data for x in t.x)


def test_the_survey_distribution_names_the_1_to_6_scale_in_bands_and_alt_text(demo):
    chart = survey(demo)
    assert [t.name for t in chart.figure.data] == ["Lite fornøyd (1–2)", "Middels (3–4)", "Svært fornøyd (5–6)"]
    assert "(svar på skala 1–6 i tre grupper" in chart.alt
    assert tuple(chart.figure.layout.xaxis.range) == (0, 100)  # shares of the answers: 0–100 %, not a score
