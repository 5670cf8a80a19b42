"""The chart kinds: one table from a kind's name (the `kind` column of tilstand/data/charts.csv) to its
builder and the facts callers would otherwise branch on by name.

Adding a kind is its own module in kinds/, one line here and a row in charts.csv; tests/test_chart_package.py
checks that every kind in the CSV is registered and every registered kind is used.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import duckdb

from tilstand.charts._data import Prefetch
from tilstand.charts._layout import HEIGHT, without_title
from tilstand.charts._model import COMPARE_DEFAULT, TREND_YEARS, Chart, ChartDef, registry
from tilstand.charts._words import heading
from tilstand.charts.kinds import halves, members, position, survey, tenfactor, trend
from tilstand.words import LANGUAGES


class Builder(Protocol):
    def __call__(
        self,
        con: duckdb.DuckDBPyConnection,
        chart: ChartDef,
        region: str,
        year: int,
        language: str,
        *,
        compare: Sequence[str] = ...,
        peers: Sequence[str] = ...,
        prefetch: Prefetch | None = ...,
    ) -> Chart: ...


@dataclass(frozen=True)
class Kind:
    """A chart kind: how to build it, and what the pages need to know about it."""

    build: Builder
    # What build_many reads for it in one go: "compare" (the region, its comparisons and peers over ten
    # years), "service" (the region's intermunicipal service and its members), None (it reads its own).
    reads: str | None
    # Where an area page shows it: "headline" (under each headline figure, in this table's order),
    # "extra" (the area's own charts after the headline figures), "service" (the intermunicipal service).
    page: str
    # Its figure's title carries who answered and how many, so a screen keeps it instead of printing the
    # chart's title as text above the figure.
    keeps_title: bool = False


KINDS_TABLE: dict[str, Kind] = {
    "trend": Kind(trend.build, reads="compare", page="headline"),
    "halves": Kind(halves.build, reads=None, page="headline"),
    "position": Kind(position.build, reads="compare", page="headline"),
    "members": Kind(members.build, reads="service", page="service"),
    "tenfactor": Kind(tenfactor.build, reads=None, page="extra", keeps_title=True),
    "survey": Kind(survey.build, reads=None, page="extra", keeps_title=True),
}
KINDS = tuple(KINDS_TABLE)


def kind(name: str) -> Kind:
    """The registered kind (ValueError for a name no module builds)."""
    try:
        return KINDS_TABLE[name]
    except KeyError:
        raise ValueError(f"unknown chart kind {name!r}; expected one of {KINDS}") from None


def kinds_on(page: str) -> tuple[str, ...]:
    """The kinds an area page shows in a section ("headline", "extra", "service"), in table order."""
    return tuple(name for name, k in KINDS_TABLE.items() if k.page == page)


def headline_charts(indicator: str) -> list[ChartDef]:
    """The charts under a headline figure on an area page: per headline kind, in table order, the first
    chart filed under the indicator (its last indicator: a half-year chart's halves come before the year)."""
    out = []
    for name in kinds_on("headline"):
        out += [c for c in registry() if c.kind == name and c.indicators and c.indicators[-1] == indicator][:1]
    return out


def build(
    con: duckdb.DuckDBPyConnection,
    chart: ChartDef,
    region: str,
    year: int,
    language: str = "nb",
    *,
    compare: Sequence[str] = COMPARE_DEFAULT,
    peers: Sequence[str] = (),
    prefetch: Prefetch | None = None,
) -> Chart:
    """The chart for one municipality and report year, in the report language ('nb' or 'nn').

    `compare` picks the comparisons (see COMPARE_ALL); `peers` is the leader's peer set (municipality
    codes). A trend draws the peers' mean when "peers" is in `compare`; a position chart ranks among
    the peers whenever some are given ("peers" in `compare` adds their mean as a bar). `prefetch`
    (from build_many) holds the values already read for this region, year and peers.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    if chart.kind not in KINDS_TABLE:
        raise ValueError(f"unknown chart kind {chart.kind!r} in chart {chart.id!r}; expected one of {KINDS}")
    peers = tuple(dict.fromkeys(p for p in peers if p != region))
    return KINDS_TABLE[chart.kind].build(
        con,
        chart,
        region,
        year,
        language,
        compare=tuple(compare),
        peers=peers,
        prefetch=prefetch if KINDS_TABLE[chart.kind].reads else None,
    )


def build_many(
    con: duckdb.DuckDBPyConnection,
    defs: Sequence[ChartDef],
    region: str,
    year: int,
    language: str = "nb",
    *,
    compare: Sequence[str] = COMPARE_DEFAULT,
    peers: Sequence[str] = (),
) -> list[Chart]:
    """Several charts for one region and year, in the given order, the same as `build` one by one; the
    kinds that read the same rows (Kind.reads) share one read of the database instead of one each."""
    peers = tuple(dict.fromkeys(p for p in peers if p != region))
    reads = {d.id: KINDS_TABLE[d.kind].reads if d.kind in KINDS_TABLE else None for d in defs}
    shared = {i for d in defs if reads[d.id] == "compare" for i in d.indicators}
    service = {i for d in defs if reads[d.id] == "service" for i in d.indicators}
    prefetch = Prefetch(con, region, year, shared, peers, service_indicators=service) if shared or service else None
    return [
        build(con, d, region, year, language, compare=compare, peers=peers, prefetch=prefetch if reads[d.id] else None)
        for d in defs
    ]


def for_screen(chart: Chart) -> Chart:
    """The chart for an area page, which prints the title as text above the figure (it wraps; a plotly title
    does not); a kind whose title says who answered keeps it."""
    if KINDS_TABLE[chart.definition.kind].keeps_title:
        return chart
    height = int(chart.figure.layout.height or HEIGHT)
    return dataclasses.replace(chart, figure=without_title(chart.figure, height=height - 26))


def page_heading(definition: ChartDef, year: int, chart: Chart | None = None, language: str = "nb") -> str:
    """The chart's heading on an area page: what this view of the numbers shows (a trend: from the first year
    its table has)."""
    years = [y for y in (chart.table.columns if chart and chart.table else ()) if y.isdigit()]
    first = int(years[0]) if years else year - TREND_YEARS + 1
    return heading(definition.kind, definition.title(language), first, year, language)
