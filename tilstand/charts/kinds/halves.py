"""Half-year charts: a figure published per half-year (Bufdir's fristbrudd, 3A), for the own region, ten years.

The year's share is the headline (its trend chart sets it against the county and the country); this chart
shows which half a change came from: one line per half-year and one for the whole year, which Tilstand
computes from both halves' counts (tilstand/data/derived.csv), never as the mean of the two lines. The own
region only: nine lines would be unreadable. The chart's indicators are the first half, the second half
and the year, in that order. Drawn with the trend chart's figure, table and alt text (kinds/_lines.py); the lines borrow the
comparison styles (the year solid blue and thick, the halves thin, dotted and dash-dotted).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import duckdb

from tilstand import catalog, words
from tilstand.charts._data import Prefetch, compare_rows, latest
from tilstand.charts._model import COMPARE_DEFAULT, TREND_YEARS, Chart, ChartDef, Series
from tilstand.charts._words import about, source
from tilstand.charts.kinds._lines import alt, figure, from_first_year, table

STYLES = ("county", "country", "own")  # STYLE keys: the halves thin, the year as the own region's line


def build(
    con: duckdb.DuckDBPyConnection,
    chart: ChartDef,
    region: str,
    year: int,
    language: str,
    *,
    compare: Sequence[str] = COMPARE_DEFAULT,
    peers: Sequence[str] = (),
    prefetch: Prefetch | None = None,
) -> Chart:
    """The own region only, so `compare`, `peers` and `prefetch` do not apply (taken as every kind takes them)."""
    if len(chart.indicators) != 3:
        raise ValueError(
            f"a half-year chart shows the first half, the second half and the year; {chart.id!r} "
            f"has {len(chart.indicators)} indicators"
        )
    inds = [catalog.indicators()[i] for i in chart.indicators]
    years = list(range(year - TREND_YEARS + 1, year + 1))
    found = [r for r in compare_rows(con, region, year, years[0], year, chart.indicators) if r["role"] == "own"]
    region_name = next((r["region_name"] for r in found), region)
    values: dict[str, dict[int, tuple[float | None, str | None]]] = {}
    for r in found:
        if r["indicator_id"] is not None:
            values.setdefault(r["indicator_id"], {})[r["year"]] = (r["value"], r["status"])
    names = [words.t(f"chart.half.{half}", language) for half in ("first", "second", "year")]
    series = [
        Series(
            style,
            name,
            tuple((y, *values.get(ind.id, {}).get(y, (None, None)), y in values.get(ind.id, {})) for y in years),
            area=ind.area,
        )
        for style, name, ind in zip(STYLES, names, inds, strict=False)
    ]
    years, series = from_first_year(years, series)
    drawn = [s for s in series if s.shown]
    shown_rows = [r for r in found if r["value"] is not None]
    title = chart.title(language)
    source_line = source(inds[-1], any(r["sample"] for r in shown_rows), language)
    numbers = table(title, inds[-1].unit, years, drawn, language)
    numbers = dataclasses.replace(
        numbers,
        columns=(words.t("chart.period", language), *numbers.columns[1:]),
        caption=words.t(
            "chart.halves_caption", language, title=title, region=region_name, first=years[0], last=years[-1]
        ),
    )
    year_line, halves = series[-1], series[:-1]
    return Chart(
        definition=chart,
        figure=figure(title, inds[-1].unit, years, drawn, language),
        alt=alt(f"{title}, {region_name}", inds[-1].unit, years, year_line, halves, language),
        source=source_line,
        empty=not drawn,
        table=numbers,
        about=about(
            inds[-1].definition_in(language), source_line, latest(r["imported_at"] for r in shown_rows), language
        ),
    )
