"""Trend charts: one indicator over ten years for the own region against its comparisons.

The own region against the KOSTRA group, county and country (those in `compare`), and, when the leader
has chosen peers, their unweighted mean. Hidden years are gaps with a note, never interpolated; a size
(count, 1 000 kroner) shows the own region alone. Built as one `go.Figure(data, layout)` from plain
dicts: plotly's update calls validate property by property and would cost more than the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from tilstand import catalog, symbols, words
from tilstand.charts._data import Prefetch, compare_rows, latest
from tilstand.charts._model import COMPARE_DEFAULT, REFERENCES, SIZE_UNITS, TREND_YEARS, Chart, ChartDef, Point, Series
from tilstand.charts._words import about, source
from tilstand.charts.kinds._lines import alt, figure, from_first_year, table


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
    """The own region against its comparisons (those in `compare`) over ten years; the peers' mean when
    "peers" is in `compare`. `prefetch` holds the values build_many already read."""
    if len(chart.indicators) != 1:
        raise ValueError(f"a trend chart shows one indicator; {chart.id!r} has {len(chart.indicators)}")
    indicator = catalog.indicators()[chart.indicators[0]]
    years = list(range(year - TREND_YEARS + 1, year + 1))
    size = indicator.unit in SIZE_UNITS
    use_peers = "peers" in compare and not size
    if prefetch is not None:
        found = prefetch.get([indicator.id], years[0], year, with_peers=use_peers)
    else:
        found = compare_rows(con, region, year, years[0], year, [indicator.id], peers if use_peers else ())
    series, imported, sample = _series(
        found, years, ["own"] if size else ["own", *(r for r in REFERENCES if r in compare)], language, indicator.area
    )
    if use_peers:
        mean = _peer_mean(found, years, language)
        if mean is not None:
            series.append(mean)
    years, series = from_first_year(years, series)
    own = series[0] if series and series[0].role == "own" else Series("own", region, ())
    drawn = [s for s in series if s.shown]  # a region without any number stays out of legend and table
    used = {s.role for s in drawn}
    title = chart.title(language)
    source_line = source(indicator, bool(sample & used), language)
    return Chart(
        definition=chart,
        figure=figure(title, indicator.unit, years, drawn, language),
        alt=alt(title, indicator.unit, years, own, [s for s in series[1:]], language),
        source=source_line,
        empty=not own.shown,
        table=table(title, indicator.unit, years, drawn, language),
        about=about(
            indicator.definition_in(language), source_line, latest(t for role, t in imported if role in used), language
        ),
    )


def _series(
    found: list[dict], years: list[int], roles: list[str], language: str, area: str | None = None
) -> tuple[list[Series], list[tuple[str, datetime | None]], set[str]]:
    """The own region and the references, once each (a county's report: own == county).

    Also returns (role, imported_at) of every shown value and the roles with sample-data values.
    """
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    values: dict[str, dict[int, tuple[float | None, str | None]]] = {}
    imported: list[tuple[str, datetime | None]] = []
    sample: set[str] = set()
    for r in found:
        role = r["role"]
        if role == "peer":
            continue
        names.setdefault(role, r["region_name"])
        codes.setdefault(role, r["region_code"])
        if r["indicator_id"] is not None:
            values.setdefault(role, {})[r["year"]] = (r["value"], r["status"])
            if r["value"] is not None:
                imported.append((role, r["imported_at"]))
                if r["sample"]:
                    sample.add(role)
    series = []
    seen = set()
    for role in roles:
        if role not in names or codes[role] in seen:
            continue
        seen.add(codes[role])
        got = values.get(role, {})
        series.append(
            Series(role, names[role], tuple((y, *got.get(y, (None, None)), y in got) for y in years), area=area)
        )
    return series, imported, sample


def _peer_mean(found: list[dict], years: list[int], language: str) -> Series | None:
    """Per year the unweighted mean of the peers' shown values; no point where fewer than half have one.

    Unweighted: the leader compares municipalities, not children, so Trondheim weighs as much as Tydal.
    Hidden values are unknown, never zero, so they are left out of the mean, not counted as 0.
    """
    codes = {r["region_code"] for r in found if r["role"] == "peer"}
    if not codes:
        return None
    by_year: dict[int, list[float]] = {}
    for r in found:
        if r["role"] == "peer" and r["value"] is not None:
            by_year.setdefault(r["year"], []).append(r["value"])
    points: list[Point] = []
    why: dict[int, symbols.Mark] = {}
    for y in years:
        got = by_year.get(y, [])
        if got and len(got) * 2 >= len(codes):
            points.append((y, sum(got) / len(got), None, True))
        else:
            points.append((y, None, None, True))
            why[y] = symbols.FEW_PEERS
    return Series("peers", words.t("comparison.peers_mean", language, n=len(codes)), tuple(points), why)
