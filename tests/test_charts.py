"""Charts: the registry, trend figures from the suppressed data, alt text, and cached PNG rendering.

Figures and alt text are checked on the real sample database. PNG tests drive Debian's Chromium through
kaleido; without it they skip locally and fail in CI (TILSTAND_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import csv
import re
import struct
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT, env_flag
from tilstand import catalog, charts, fmt, profile, store
from tilstand.charts import _words, render

CHAPTERS = {r["key"]: r for r in csv.DictReader((ROOT / "tilstand" / "data" / "chapters.csv").open(encoding="utf-8"))}
YEAR = 2024
LEKA = "5052"  # small: children with measures hidden in 2018, 2021 and 2024 in the sample data
LEKA_HIDDEN = [2018, 2021, 2024]


@pytest.fixture
def con(demo_db):
    c = store.connect(demo_db, read_only=True)
    yield c
    store.close(demo_db)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TILSTAND_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "charts"


@pytest.fixture
def browser():
    if not render.renderer_available():
        message = "Chromium not found (apt-get install chromium, or set BROWSER_PATH)"
        if env_flag("TILSTAND_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)


def chart(chart_id: str) -> charts.ChartDef:
    return next(c for c in charts.registry() if c.id == chart_id)


def own_trace(c: charts.Chart):
    return c.figure.data[0]


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has right after its signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def shown_values(c: charts.Chart, unit: str) -> set[str]:
    return {fmt.value(v, unit) for t in c.figure.data for v in t.y if v is not None}


# --- registry -----------------------------------------------------------------------------------


def test_registry_rows_name_catalogue_indicators_and_chapter_keys():
    indicators = catalog.indicators()
    ids = [c.id for c in charts.registry()]
    assert len(ids) == len(set(ids))
    for c in charts.registry():
        assert c.kind in charts.KINDS, c.id
        assert c.chapter in CHAPTERS, c.id
        assert c.indicators and all(i in indicators for i in c.indicators), c.id
        # a report chart belongs to a chapter that lists its indicators, or the chapter would never show it
        if c.report:
            assert set(c.indicators) <= set(CHAPTERS[c.chapter]["indicators"].split()), c.id
        assert c.title("nb") and c.title("nn")


def test_registry_is_ordered_chapter_by_chapter():
    positions = [int(CHAPTERS[c.chapter]["position"]) for c in charts.registry()]
    assert positions == sorted(positions)


def test_every_chapter_indicator_has_a_trend_chart():
    charted = {i for c in charts.registry() if c.kind == "trend" for i in c.indicators}
    for key, chapter in CHAPTERS.items():
        for ind in chapter["indicators"].split():
            assert ind in charted, (key, ind)


def test_every_chapter_indicator_with_sample_data_gives_a_chart_for_trondheim(con):
    with_data = {r[0] for r in con.sql("SELECT DISTINCT indicator_id FROM observation").fetchall()}
    # the sample files: SSB, 10-FAKTOR, Bufdir, staff figures (origin local) and the user survey
    sampled = (*catalog.SSB_ORIGINS, "ks_10faktor", "bufdir", "local", "survey")
    wanted = {
        i
        for ch in CHAPTERS.values()
        for i in ch["indicators"].split()
        if catalog.indicators()[i].origin in sampled and i in with_data
    }
    assert len(wanted) >= 20
    built = {c.indicators[0]: charts.build(con, c, "5001", YEAR) for c in charts.registry() if c.report}
    assert {i for i, c in built.items() if not c.empty} == wanted


def test_titles_default_to_the_catalogue_names_in_each_language():
    c = chart("trend_barn_tiltak_andel")
    ind = catalog.indicators()["barn_tiltak_andel"]
    assert c.title("nb") == ind.name_nb and c.title("nn") == ind.name_nn


def test_for_indicators_selects_charts_whose_indicators_all_lie_in_the_set():
    chapter = CHAPTERS["dekningsgrad"]["indicators"].split()
    selected = charts.for_indicators(chapter)
    assert [c.id for c in selected][:2] == ["trend_barn_tiltak_andel", "trend_barn_per_arsverk"]
    assert {c.chapter for c in selected} == {"dekningsgrad"}
    assert charts.for_indicators([]) == []
    assert [c.id for c in charts.for_indicators(["barn_plassert_andel", "no_such_indicator"])] == [
        "trend_barn_plassert_andel"
    ]
    # order follows the registry, not the order of the given ids
    ids = [c.id for c in charts.for_indicators(reversed(chapter))]
    assert ids == [c.id for c in selected]


# --- figures ------------------------------------------------------------------------------------


def test_trondheim_trend_draws_own_region_first_against_group_county_and_country(con):
    c = charts.build(con, chart("trend_barn_tiltak_andel"), "5001", YEAR)
    assert not c.empty
    names = [t.name for t in c.figure.data]
    assert names == ["Trondheim - Tråante", "KOSTRA-gruppe 12", "Trøndelag - Trööndelage", "Landet"]
    own = own_trace(c)
    assert own.line.color == "#0072B2" and own.line.width > max(t.line.width for t in c.figure.data[1:])
    assert {t.line.dash for t in c.figure.data[1:]} <= {"dash", "dot", "dashdot"}
    assert list(own.x) == [str(y) for y in range(2015, 2025)]
    layout = c.figure.layout
    assert layout.separators == f",{fmt.NBSP}" and layout.yaxis.title.text == "Prosent"
    assert layout.paper_bgcolor == "white" and layout.plot_bgcolor == "white"
    assert layout.legend.orientation == "h" and layout.legend.y < 0
    assert c.definition.title("nb") in layout.title.text.replace("<br>", " ")


def test_trend_uses_the_same_numbers_as_the_profile(con):
    c = charts.build(con, chart("trend_barn_tiltak_andel"), "5001", YEAR)
    row = next(r for r in profile.build(con, "5001", YEAR).rows if r.indicator.id == "barn_tiltak_andel")
    own, group, county, country = (t.y for t in c.figure.data)
    assert list(own) == [v for _, v in row.trend]
    assert (own[-1], group[-1], county[-1], country[-1]) == (
        row.own.value,
        row.group.value,
        row.county.value,
        row.country.value,
    )


def test_hidden_years_are_gaps_not_interpolated_and_the_note_says_why(con):
    c = charts.build(con, chart("trend_barn_tiltak_andel"), LEKA, YEAR)
    own = own_trace(c)
    assert own.name == "Leka" and own.connectgaps is False
    gaps = [int(x) for x, y in zip(own.x, own.y, strict=True) if y is None]
    assert gaps == LEKA_HIDDEN
    assert all(y is not None for x, y in zip(own.x, own.y, strict=True) if int(x) not in LEKA_HIDDEN)
    note = " ".join(a.text for a in c.figure.layout.annotations).replace("<br>", " ")
    # the note names the true reason in short, the table's footnote gives the rule itself
    assert "Ikke vist for Leka i 2018, 2021 og 2024 (skjult av personvernhensyn: for få barn)." in note
    assert "«:» skjult av personvernhensyn: for få barn (Tilstand skjuler 1–3 barn" in c.table.legend
    assert not c.empty


def test_no_suppressed_number_reaches_the_figure_or_the_alt_text(con):
    c = charts.build(con, chart("trend_barn_tiltak_andel"), LEKA, YEAR)
    raw = dict(
        con.sql(
            "SELECT year, value FROM observation WHERE indicator_id = 'barn_tiltak_andel' "
            "AND region_code = ? AND value IS NOT NULL",
            params=[LEKA],
        ).fetchall()
    )
    assert all(y in raw for y in LEKA_HIDDEN)  # the store holds them; the chart must not show them
    own = own_trace(c)
    assert [own.y[list(own.x).index(str(y))] for y in LEKA_HIDDEN] == [None] * len(LEKA_HIDDEN)
    numbers = set(re.findall(r"\d+,\d\u00a0%", c.alt))
    assert numbers and numbers <= shown_values(c, "percent")


def test_a_count_chart_shows_the_municipality_alone(con):
    c = charts.build(con, chart("trend_barn_0_17_antall"), "5001", YEAR)
    assert [t.name for t in c.figure.data] == ["Trondheim - Tråante"]
    assert c.figure.layout.yaxis.title.text == "Antall"
    assert "Landet" not in c.alt


def test_regions_without_any_data_are_left_out_of_legend_and_alt_text(con):
    # The sample files publish low-income children for municipalities, counties and the country only.
    c = charts.build(con, chart("trend_barn_lavinntekt_andel"), "5001", YEAR)
    names = [t.name for t in c.figure.data]
    assert "KOSTRA-gruppe 12" not in names and names[0] == "Trondheim - Tråante" and "Landet" in names
    assert "KOSTRA-gruppe" not in c.alt


def test_a_chart_without_data_is_empty_and_names_its_source(con):
    # the sample files carry no share of reports handled within a week (the municipality's own figure)
    c = charts.build(con, chart("trend_meldinger_innen_1_uke_andel"), "5001", YEAR)
    assert c.empty and not c.figure.data
    assert c.source == "Kilde: kommunens egne tall."
    assert charts.build(con, chart("trend_meldinger_innen_1_uke_andel"), "5001", YEAR, "nn").source == (
        "Kjelde: kommunen sine eigne tal."
    )


def test_source_names_the_ssb_tables_and_marks_sample_data(con):
    assert charts.build(con, chart("trend_barn_tiltak_andel"), "5001", YEAR).source == (
        "Kilde: SSB, tabell 12275 (KOSTRA). Eksempeldata."
    )
    derived = charts.build(con, chart("trend_barn_per_arsverk"), "5001", YEAR, "nn").source
    assert derived == "Kjelde: SSB, tabell 12870 og 12305 (KOSTRA). Eksempeldata."
    assert charts.build(con, chart("trend_barn_0_17_antall"), "5001", YEAR).source == (
        "Kilde: SSB, tabell 07459. Eksempeldata."
    )


def test_figures_are_deterministic_so_the_cache_can_find_them(con):
    a = charts.build(con, chart("trend_barn_tiltak_andel"), LEKA, YEAR).figure.to_json()
    b = charts.build(con, chart("trend_barn_tiltak_andel"), LEKA, YEAR).figure.to_json()
    assert a == b


def test_unknown_language_and_kind_are_refused(con):
    with pytest.raises(ValueError):
        charts.build(con, chart("trend_barn_tiltak_andel"), "5001", YEAR, "en")
    odd = charts.ChartDef("x", "dekningsgrad", "pie", ("barn_tiltak_andel",), "X", "X")
    with pytest.raises(ValueError):
        charts.build(con, odd, "5001", YEAR)


# --- alt text -----------------------------------------------------------------------------------


def test_alt_text_states_period_own_values_and_comparisons_in_norwegian_format(con):
    c = charts.build(con, chart("trend_barn_tiltak_andel"), "5001", YEAR)
    row = next(r for r in profile.build(con, "5001", YEAR).rows if r.indicator.id == "barn_tiltak_andel")
    first = row.trend[0][1]
    v = lambda x: fmt.value(x, "percent")  # noqa: E731
    assert c.alt.startswith("Linjediagram: Barn med barnevernstiltak ift. innbyggere 0–17 år, 2015–2024. ")
    assert f"Trondheim - Tråante: {v(first)} i 2015 og {v(row.own.value)} i 2024." in c.alt
    assert f"KOSTRA-gruppe 12: {v(row.group.value)} i 2024." in c.alt
    assert f"Trøndelag - Trööndelage: {v(row.county.value)}." in c.alt
    assert f"Landet: {v(row.country.value)}." in c.alt
    assert re.search(r"\d,\d\u00a0%", c.alt) and not re.search(r"\d\.\d", c.alt)  # 3,1 %, never 3.1


def test_alt_text_says_which_years_are_hidden_and_compares_in_the_last_shown_year(con):
    c = charts.build(con, chart("trend_barn_tiltak_andel"), LEKA, YEAR)
    assert (
        "Tallene for 2018, 2021 og 2024 er skjult av personvernhensyn: for få barn (Tilstand skjuler 1–3 barn "
        "og tall som kunne avsløre et slikt antall)."
    ) in c.alt
    assert re.search(r"Leka: \d+,\d\u00a0% i 2015 og \d+,\d\u00a0% i 2023\.", c.alt)
    assert re.search(r"KOSTRA-gruppe \d+( \(anslått\))?: \d+,\d\u00a0% i 2023\.", c.alt)  # a guessed group says so
    # a municipality with one hidden year (read from the store's public view, not assumed)
    region, year = con.sql(
        "SELECT any_value(region_code), any_value(year) FROM observation_public WHERE "
        "indicator_id = 'barn_plassert_andel' AND status = 'x' AND year BETWEEN 2015 AND 2024 "
        "AND length(region_code) = 4 GROUP BY region_code HAVING count(*) = 1 "
        "ORDER BY 1 LIMIT 1"
    ).fetchall()[0]
    one = charts.build(con, chart("trend_barn_plassert_andel"), region, YEAR)
    assert f"Tallet for {year} er skjult av personvernhensyn: for få barn" in one.alt


def test_nynorsk_alt_text_note_and_source(con):
    c = charts.build(con, chart("trend_barn_tiltak_andel"), LEKA, YEAR, "nn")
    ind = catalog.indicators()["barn_tiltak_andel"]
    assert c.alt.startswith(f"Linjediagram: {ind.name_nn}, 2015–2024. ")
    assert (
        "Tala for 2018, 2021 og 2024 er skjulte av omsyn til personvernet: for få barn (Tilstand skjuler 1–3 "
        "barn og tal som kunne avsløre eit slikt antal)."
    ) in c.alt
    note = " ".join(a.text for a in c.figure.layout.annotations).replace("<br>", " ")
    assert note.startswith("Ikkje vist for Leka i 2018, 2021 og 2024 (skjult av omsyn til personvernet: for få barn)")
    assert c.table.legend.startswith("Teiknforklaring: «:» skjult av omsyn til personvernet: for få barn")
    assert c.source.startswith("Kjelde: ")
    for bokmal in ("Tallene", "Tallet", "Ikke ", "Kilde", "mangler", "personvernhensyn", "ansatte", "Tegnforklaring"):
        assert bokmal not in c.alt + note + c.source + c.table.legend, bokmal
    assert charts.build(con, chart("trend_meldinger_innen_1_uke_andel"), "5001", YEAR, "nn").alt.endswith(
        "Ingen tal for Trondheim - Tråante i perioden."
    )


def test_years_are_written_as_spans_and_lists():
    assert _words.years([2024], "nb") == "2024"
    assert _words.years([2019, 2020], "nb") == "2019 og 2020"
    assert _words.years([2015, 2016, 2017, 2019, 2024], "nn") == "2015–2017, 2019 og 2024"


# --- PNG ----------------------------------------------------------------------------------------


def test_png_returns_real_png_bytes_at_the_scaled_size(con, cache, browser):
    fig = charts.build(con, chart("trend_barn_tiltak_andel"), "5001", YEAR).figure
    [data] = render.png([fig])
    assert png_size(data) == (900 * 2, 480 * 2)
    [small] = render.png([fig], scale=1, width=600, height=400)
    assert png_size(small) == (600, 400)


def test_second_call_is_served_from_the_disk_cache(con, cache, browser):
    fig = charts.build(con, chart("trend_barn_plassert_andel"), LEKA, YEAR).figure
    first = render.png([fig])
    files = list(cache.glob("*.png"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    before = render.rendered_count()
    again = render.png([charts.build(con, chart("trend_barn_plassert_andel"), LEKA, YEAR).figure])
    assert again == first
    assert render.rendered_count() == before and files[0].stat().st_mtime_ns == mtime


def test_cached_images_need_no_browser(con, cache, browser, monkeypatch):
    fig = charts.build(con, chart("trend_andel_utg_244"), "5001", YEAR).figure
    first = render.png([fig])
    render.stop_renderer()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert not render.renderer_available()
    assert render.png([fig]) == first


def test_a_batch_renders_every_figure_once_in_order(con, cache, browser, tmp_path, monkeypatch):
    defs = [c for c in charts.for_indicators(CHAPTERS["okonomi"]["indicators"].split())]
    figs = [charts.build(con, d, "5001", YEAR).figure for d in defs]
    before = render.rendered_count()
    images = render.png(figs + figs[:2])  # duplicates are rendered once
    assert render.rendered_count() - before == len(figs)
    assert len(images) == len(figs) + 2 and images[-2:] == images[:2]
    assert len(set(images[: len(figs)])) == len(figs)
    # each image is in its figure's place: rendered alone (fresh cache), a figure gives the same bytes
    monkeypatch.setenv("TILSTAND_CACHE", str(tmp_path / "alone"))
    assert render.png([figs[3]]) == [images[3]]


def test_threads_rendering_at_once_each_get_their_own_images(con, cache, browser):
    defs = charts.for_indicators(CHAPTERS["dekningsgrad"]["indicators"].split())
    figs = [charts.build(con, d, "5001", YEAR).figure for d in defs]
    results: dict[int, list[bytes]] = {}
    errors: list[BaseException] = []

    def work(width: int) -> None:
        try:
            results[width] = render.png(figs, scale=1, width=width, height=400)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(w,)) for w in (500, 600, 700)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    for width, images in results.items():
        assert [png_size(i) for i in images] == [(width, 400)] * len(figs)
    assert len(results) == 3


def test_a_missing_browser_gives_a_norwegian_error(con, cache, monkeypatch):
    fig = charts.build(con, chart("trend_barn_melding_andel"), "5020", YEAR).figure
    render.stop_renderer()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert not render.renderer_available()
    with pytest.raises(render.ChartRenderError, match="fant ikke Chromium"):
        render.png([fig])
