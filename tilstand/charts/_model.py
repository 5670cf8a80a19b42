"""What a chart is: its definition (one row of tilstand/data/charts.csv) and what a build returns.

The definitions say which charts exist and which chapter and indicators they belong to, so pages and the
DOCX report never hand-build a chart. The constants here are facts about comparisons and units that the
data reads, the words and the layout all need, so they live below all three.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import plotly.graph_objects as go

from tilstand import catalog, privacy, symbols

TREND_YEARS = 10
REFERENCES = ("group", "county", "country")  # the published comparisons, in the order charts show them
# What a chart may be compared against besides the own region; "peers" is the leader's chosen peer set.
COMPARE_ALL = ("group", "county", "country", "peers")
COMPARE_DEFAULT = ("group", "county", "country")
# A count is a size: the country's 20 000 children next to a municipality's 300 says nothing, and
# flattens the municipality's own line. Such charts show the municipality alone.
SIZE_UNITS = ("count", "nok_1000")
# A score lives on its scale: 10-FAKTOR 1–5, the user surveys 1–6. Axes and bars run from its bottom to its
# top, never from 0, so a 4,8 out of 6 does not look like 80 % of something.
SCALES = {"score_1_5": (1, 5), "score": (1, 6)}


@dataclass(frozen=True)
class ChartDef:
    """One row of tilstand/data/charts.csv: which chart, for which chapter and indicators."""

    id: str
    chapter: str  # chapter key from chapters.csv it belongs to
    kind: str  # one of the registered kinds (tilstand.charts.KINDS)
    indicators: tuple[str, ...]
    title_nb: str
    title_nn: str
    report: bool = True  # shown in the writing room and the DOCX (else only on the area pages)

    def title(self, language: str) -> str:
        """The title in a målform ("nb" or "nn"); both are filled by registry() with the one fallback rule."""
        return str(getattr(self, f"title_{language}"))


def _title(row: dict[str, str], language: str, first: catalog.Indicator | None) -> str:
    """The CSV's title in the language, else the first indicator's name by the catalogue's one rule
    (Indicator.name_in: nynorsk falls back to bokmål, bokmål to the id), else the chart's id."""
    return row[f"title_{language}"].strip() or (first.name_in(language) if first else row["id"])


@cache
def registry() -> tuple[ChartDef, ...]:
    """All charts, in the order a report shows them (chapter by chapter, the most important first).

    An empty title in the CSV falls back to the indicator's name in the catalogue, so a name is
    corrected in one place.
    """
    text = files("tilstand.data").joinpath("charts.csv").read_text(encoding="utf-8")
    indicators = catalog.indicators()
    out = []
    for r in csv.DictReader(text.splitlines()):
        ids = tuple(r["indicators"].split())
        first = indicators.get(ids[0]) if ids else None
        out.append(
            ChartDef(
                id=r["id"],
                chapter=r["chapter"],
                kind=r["kind"],
                indicators=ids,
                title_nb=_title(r, "nb", first),
                title_nn=_title(r, "nn", first),
                report=r["report"].strip() == "yes",
            )
        )
    return tuple(out)


def for_indicators(indicator_ids: Iterable[str]) -> list[ChartDef]:
    """The report's charts (report=yes) whose indicators all lie in the given set, in registry order.

    A report's chapter stores its own indicator list (a leader may add or remove indicators), so
    charts follow the indicators, not the chapter key.
    """
    return [c for c in for_area(indicator_ids) if c.report]


def for_area(indicator_ids: Iterable[str], kinds: Iterable[str] | None = None) -> list[ChartDef]:
    """Every chart (in the report or not) whose indicators all lie in the set, in registry order;
    with `kinds`, only charts of those kinds. The area pages show these."""
    wanted = set(indicator_ids)
    allowed = set(kinds) if kinds is not None else None
    return [
        c for c in registry() if c.indicators and set(c.indicators) <= wanted and (allowed is None or c.kind in allowed)
    ]


@dataclass(frozen=True)
class ChartTable:
    """The chart's numbers as text cells, for the table view (keyboard and screen-reader friendly)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # formatted Norwegian numbers; SSB's symbols where there is none
    caption: str  # what the table shows, in the report language
    legend: str = ""  # the symbols used in the table and the reasons present (tilstand/symbols.py)


@dataclass(frozen=True)
class Chart:
    definition: ChartDef
    figure: go.Figure
    alt: str  # what the chart shows, in the report language
    source: str  # "Kilde: SSB, tabell 12275 (KOSTRA). Eksempeldata."
    empty: bool  # the own region has no shown value (trend: in any year): callers skip the chart
    table: ChartTable | None = None  # the same numbers as a table
    about: str = ""  # definition, source and when the numbers were last updated, in the report language


Point = tuple[int, float | None, str | None, bool]  # (year, value, status, present)


@dataclass(frozen=True)
class Series:
    """One line of a line chart (trend, halves): a region or a half-year over the years."""

    role: str  # own | group | county | country | peers: the line's style (_layout.STYLE)
    name: str
    points: tuple[Point, ...]
    # Why a year without a value has none, when the status cannot say it (the peers' mean).
    why: dict[int, symbols.Mark] | None = None
    area: str | None = None  # the indicator's catalogue area: says what there were too few of

    @property
    def shown(self) -> list[tuple[int, float]]:
        return [(y, v) for y, v, _, _ in self.points if v is not None]


def mark(status: str | None, area: str | None = None) -> symbols.Mark:
    """The symbol and reason for a value without a number (status None: no row at all)."""
    return symbols.mark(None, status, area=area) or symbols.NOT_IMPORTED


def answer_limit(respondents: str) -> int:
    """The anonymity limit in answers (5) for a survey: the importers' rule, privacy.anonymity_limit."""
    return privacy.anonymity_limit(respondents)
