"""Charts: one registry (tilstand/data/charts.csv), one builder per chart kind, alt text, PNG export.

The registry says which charts exist and which chapter and indicators they belong to, so pages and the
DOCX report never hand-build a chart. `build` turns a definition into a plotly figure from the same
suppressed data as the service profile (`observation_public_in`), with alt text, a source line, a table
of the same numbers and an «about» line (definition, source, last updated) in the report language.
The builders live in one module per kind (chart_trend, chart_position, chart_members; chart_surveys
for 10-FAKTOR and user surveys; chart_halves for a figure published per half-year), imported when first
used; this module keeps what they share.
`png` renders figures with kaleido 1.x in Debian's Chromium, caching the bytes on disk by content so a
report rebuilt with unchanged numbers renders nothing.

Why not `kaleido.start_sync_server()`: its server answers callers from one shared result queue, so two
threads rendering at once can get each other's images, and when Chromium cannot start, the server
thread dies and every later call waits forever. Here one event loop thread owns one `kaleido.Kaleido`
with a few tabs; callers submit coroutines to it, which is thread-safe, renders a batch concurrently,
and turns a missing or hung browser into a ChartRenderError.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import csv
import hashlib
import os
import shutil
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import plotly
import plotly.graph_objects as go

from tilstand import catalog, fmt, queries, symbols
from tilstand.errors import TilstandError
from tilstand.privacy import HIDDEN_OR_MISSING, SUPPRESSED, explain

TREND_YEARS = 10
KINDS = ("trend", "position", "members", "tenfactor", "survey", "halves")
ROLES = ("own", "group", "county", "country")
REFERENCES = ("group", "county", "country")  # the published comparisons, in the order charts show them
# What a chart may be compared against besides the own region; "peers" is the leader's chosen peer set.
COMPARE_ALL = ("group", "county", "country", "peers")
COMPARE_DEFAULT = ("group", "county", "country")
# A count is a size: the country's 20 000 children next to a municipality's 300 says nothing, and
# flattens the municipality's own line. Such charts show the municipality alone.
SIZE_UNITS = ("count", "nok_1000")

# Okabe-Ito, colour-blind safe. The municipality is always the same blue, solid and thick; the
# comparisons are thinner and dashed, each differently, so the chart reads in greyscale too. Each colour
# has at least 3:1 contrast against white (WCAG 1.4.11; #CC79A7 has 3.1:1).
STYLE = {
    "own": {"color": "#0072B2", "width": 3.5, "dash": "solid", "marker": 9},
    "group": {"color": "#D55E00", "width": 2.0, "dash": "dash", "marker": 6},
    "county": {"color": "#009E73", "width": 2.0, "dash": "dot", "marker": 6},
    "country": {"color": "#000000", "width": 1.75, "dash": "dashdot", "marker": 5},
    "peers": {"color": "#CC79A7", "width": 2.5, "dash": "longdash", "marker": 7},
}
# Bars: the own region in its blue, other municipalities one neutral grey (3.4:1 on white), published
# averages white with dark hatching and outline, so they never read as one more municipality.
BAR_OTHER = "#8C8C8C"
BAR_REFERENCE = {"color": "#FFFFFF", "line": "#555555", "pattern": "/"}
FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
# A 900 px wide figure goes into the DOCX 16 cm wide: 1 px ≈ 0.5 pt, so 18 px ≈ 9 pt on paper.
FONT_SIZE, TITLE_SIZE, NOTE_SIZE = 18, 21, 15
WIDTH, HEIGHT, SCALE = 900, 480, 2

UNIT_AXIS = {
    "nb": {"percent": "Prosent", "count": "Antall", "per_1000": f"Per 1{fmt.NBSP}000 barn 0–17 år",
           "ratio": "Forholdstall", "nok": "Kroner", "nok_1000": f"1{fmt.NBSP}000 kroner",
           "score_1_5": "Skår (skala 1–5)", "score": "Skår (skala 1–6)"},
    "nn": {"percent": "Prosent", "count": "Tal", "per_1000": f"Per 1{fmt.NBSP}000 barn 0–17 år",
           "ratio": "Forholdstal", "nok": "Kroner", "nok_1000": f"1{fmt.NBSP}000 kroner",
           "score_1_5": "Skår (skala 1–5)", "score": "Skår (skala 1–6)"},
}
# A score lives on its scale: 10-FAKTOR 1–5, the user surveys 1–6. Axes and bars run from its bottom to its
# top, never from 0, so a 4,8 out of 6 does not look like 80 % of something.
SCALES = {"score_1_5": (1, 5), "score": (1, 6)}

# Why a year has no point: privacy.explain words it in bokmål; nynorsk mirrors it here.
EXPLAIN_NN = {
    SUPPRESSED: "skjult av personvernomsyn: talet byggjer på svært få born, svar eller tilsette, eller kunne "
                "saman med tala ved sida av avsløre eit slikt tal",
    ":": "skjult av SSB av personvernomsyn",
    HIDDEN_OR_MISSING: "skjult eller manglar (Bufdir skil ikkje mellom dei): Bufdir skjuler tal frå 1 til 3 av "
                       "personvernomsyn og skriv «..» både for dei og for tal som manglar",
    ".": "tal kan ikkje førekomme",
    "..": "tal manglar",
    "...": "tal manglar førebels",
}
# The same reasons as the predicate of a sentence in the alt text: (one year, several years).
ALT_REASON = {
    "nb": {SUPPRESSED: ("er skjult av personvernhensyn", "er skjult av personvernhensyn"),
           ":": ("er skjult av SSB av personvernhensyn", "er skjult av SSB av personvernhensyn"),
           HIDDEN_OR_MISSING: ("er skjult eller mangler", "er skjult eller mangler"),
           ".": ("kan ikke forekomme", "kan ikke forekomme"),
           None: ("mangler", "mangler")},
    "nn": {SUPPRESSED: ("er skjult av omsyn til personvern", "er skjulte av omsyn til personvern"),
           ":": ("er skjult av SSB av omsyn til personvern", "er skjulte av SSB av omsyn til personvern"),
           HIDDEN_OR_MISSING: ("er skjult eller manglar", "er skjulte eller manglar"),
           ".": ("kan ikkje førekomme", "kan ikkje førekomme"),
           None: ("manglar", "manglar")},
}
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")  # the same in bokmål and nynorsk

TEXT = {
    "nb": {
        "line_chart": "Linjediagram",
        "bar_chart": "Stolpediagram",
        "and": "og",
        "value_in": "{value} i {year}",
        "no_data": "Ingen tall for {name} i perioden.",
        "no_data_year": "Ingen tall for {name} i {year}.",
        "hidden_one": "Tallet for {years} {reason}.",
        "hidden_many": "Tallene for {years} {reason}.",
        "note": "Ikke vist for {name} i {years} ({reason}).",
        "not_shown": "Ikke vist: {items}.",
        "no_figure": "ingen tall",
        "missing": "tall mangler",
        "source": "Kilde",
        "sample": "Eksempeldata.",
        "table": "tabell",
        "definition": "Definisjon",
        "updated": "Sist oppdatert",
        "region": "Region",
        "year": "År",
        "value": "Verdi",
        "remark": "Merknad",
        "values": "Verdier",
        "own_region": "egen kommune",
        "average": "snitt",
        "peers": "Sammenligningskommunene (snitt av {n})",
        "few_peers": "færre enn halvparten av sammenligningskommunene har tall",
        "reference": "{name} (snitt)",
        "position_title": "{title} – plassering {year}",
        "choose_peers": "Velg sammenligningskommuner for å se plasseringen.",
        "rank": "{name} er nr. {rank} av {n}, der 1 er {top}.",
        "top": {"higher": "best", "lower": "best", "neutral": "høyest"},
        "versus": {"better": "bedre enn", "worse": "dårligere enn", "higher": "høyere enn",
                   "lower": "lavere enn", "equal": "likt med"},
        "peer_mean": "snittet av sammenligningskommunene ({value})",
        "own_is": "{name} er {versus} {mean}.",
        "members_title": "{title} – {service} {year}",
        "whole_service": "{name} (hele tjenesten)",
        "no_service_total": "Tjenesten som helhet har ikke eget tall for {year}; det regnes ikke ut av "
                            "kommunenes tall.",
        "no_service_size": "Tjenesten som helhet vises ikke: tallet er summen av kommunenes og sammenlignes "
                           "ikke med dem.",
        "not_member": "{name} er ikke med i en interkommunal barnevernstjeneste.",
        "trend_caption": "{title}, {first}–{last}: én rad per region, én kolonne per år.",
        "bar_caption": "{title}, {year}: én rad per region, sortert som i diagrammet.",
        "origin": {"bufdir": "Bufdir, kommunemonitor", "ks_10faktor": "KS, 10-FAKTOR",
                   "survey": "brukerundersøkelse", "local": "kommunens egne tall",
                   "ssb_unmapped": "SSB (KOSTRA)"},
    },
    "nn": {
        "line_chart": "Linjediagram",
        "bar_chart": "Stolpediagram",
        "and": "og",
        "value_in": "{value} i {year}",
        "no_data": "Ingen tal for {name} i perioden.",
        "no_data_year": "Ingen tal for {name} i {year}.",
        "hidden_one": "Talet for {years} {reason}.",
        "hidden_many": "Tala for {years} {reason}.",
        "note": "Ikkje vist for {name} i {years} ({reason}).",
        "not_shown": "Ikkje vist: {items}.",
        "no_figure": "ingen tal",
        "missing": "tal manglar",
        "source": "Kjelde",
        "sample": "Eksempeldata.",
        "table": "tabell",
        "definition": "Definisjon",
        "updated": "Sist oppdatert",
        "region": "Region",
        "year": "År",
        "value": "Verdi",
        "remark": "Merknad",
        "values": "Verdiar",
        "own_region": "eigen kommune",
        "average": "snitt",
        "peers": "Samanlikningskommunane (snitt av {n})",
        "few_peers": "færre enn halvparten av samanlikningskommunane har tal",
        "reference": "{name} (snitt)",
        "position_title": "{title} – plassering {year}",
        "choose_peers": "Vel samanlikningskommunar for å sjå plasseringa.",
        "rank": "{name} er nr. {rank} av {n}, der 1 er {top}.",
        "top": {"higher": "best", "lower": "best", "neutral": "høgast"},
        "versus": {"better": "betre enn", "worse": "dårlegare enn", "higher": "høgare enn",
                   "lower": "lågare enn", "equal": "likt med"},
        "peer_mean": "snittet av samanlikningskommunane ({value})",
        "own_is": "{name} er {versus} {mean}.",
        "members_title": "{title} – {service} {year}",
        "whole_service": "{name} (heile tenesta)",
        "no_service_total": "Tenesta som heilskap har ikkje eige tal for {year}; det blir ikkje rekna ut "
                            "frå tala til kommunane.",
        "no_service_size": "Tenesta som heilskap blir ikkje vist: talet er summen av tala til kommunane og blir "
                           "ikkje samanlikna med dei.",
        "not_member": "{name} er ikkje med i ei interkommunal barnevernsteneste.",
        "trend_caption": "{title}, {first}–{last}: éi rad per region, éi kolonne per år.",
        "bar_caption": "{title}, {year}: éi rad per region, sortert som i diagrammet.",
        "origin": {"bufdir": "Bufdir, kommunemonitor", "ks_10faktor": "KS, 10-FAKTOR",
                   "survey": "brukarundersøking", "local": "kommunen sine eigne tal",
                   "ssb_unmapped": "SSB (KOSTRA)"},
    },
}


class ChartRenderError(TilstandError):
    """A chart could not be turned into an image (no Chromium, or it failed or hung)."""


# --- the registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartDef:
    """One row of tilstand/data/charts.csv: which chart, for which chapter and indicators."""

    id: str
    chapter: str  # chapter key from chapters.csv it belongs to
    kind: str  # one of KINDS
    indicators: tuple[str, ...]
    title_nb: str
    title_nn: str
    report: bool = True  # shown in the writing room and the DOCX (else only on the area pages)

    def title(self, language: str) -> str:
        return self.title_nn if language == "nn" and self.title_nn else self.title_nb


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
        title_nb = r["title_nb"].strip() or (first.name_nb if first else r["id"])
        title_nn = r["title_nn"].strip() or (first.name_nn if first and first.name_nn else title_nb)
        out.append(ChartDef(id=r["id"], chapter=r["chapter"], kind=r["kind"], indicators=ids,
                            title_nb=title_nb, title_nn=title_nn, report=r["report"].strip() == "yes"))
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
    allowed = set(kinds) if kinds is not None else set(KINDS)
    return [c for c in registry() if c.indicators and set(c.indicators) <= wanted and c.kind in allowed]


# --- building a chart ---------------------------------------------------------------------------


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


def build(con: duckdb.DuckDBPyConnection, chart: ChartDef, region: str, year: int, language: str = "nb", *,
          compare: Sequence[str] = COMPARE_DEFAULT, peers: Sequence[str] = (), prefetch: Prefetch | None = None
          ) -> Chart:
    """The chart for one municipality and report year, in the report language ('nb' or 'nn').

    `compare` picks the comparisons (see COMPARE_ALL); `peers` is the leader's peer set (municipality
    codes). A trend draws the peers' mean when "peers" is in `compare`; a position chart ranks among
    the peers whenever some are given ("peers" in `compare` adds their mean as a bar). `prefetch`
    (from build_many) holds the values already read for this region, year and peers.
    """
    if language not in TEXT:
        raise ValueError(f"unknown language {language!r}; expected one of {tuple(TEXT)}")
    compare = tuple(compare)
    peers = tuple(dict.fromkeys(p for p in peers if p != region))
    # The kind modules import this one, so they are imported here, when first used.
    if chart.kind == "trend":
        from tilstand import chart_trend
        return chart_trend.build(con, chart, region, year, language, compare=compare, peers=peers, prefetch=prefetch)
    if chart.kind == "position":
        from tilstand import chart_position
        return chart_position.build(con, chart, region, year, language, compare=compare, peers=peers,
                                    prefetch=prefetch)
    if chart.kind == "members":
        from tilstand import chart_members
        return chart_members.build(con, chart, region, year, language, prefetch=prefetch)
    if chart.kind == "tenfactor":
        from tilstand import chart_surveys
        return chart_surveys.build_tenfactor(con, chart, region, year, language, compare=compare, peers=peers)
    if chart.kind == "survey":
        from tilstand import chart_surveys
        return chart_surveys.build_survey(con, chart, region, year, language, compare=compare, peers=peers)
    if chart.kind == "halves":
        from tilstand import chart_halves
        return chart_halves.build(con, chart, region, year, language)
    raise ValueError(f"unknown chart kind {chart.kind!r} in chart {chart.id!r}; expected one of {KINDS}")


PREFETCHED = ("trend", "position", "members")  # the kinds that read through a Prefetch


def build_many(con: duckdb.DuckDBPyConnection, defs: Sequence[ChartDef], region: str, year: int,
               language: str = "nb", *, compare: Sequence[str] = COMPARE_DEFAULT, peers: Sequence[str] = ()
               ) -> list[Chart]:
    """Several charts for one region and year, in the given order, the same as `build` one by one; the
    trend, position and members charts share one read of the database instead of one each."""
    peers = tuple(dict.fromkeys(p for p in peers if p != region))
    shared = {i for d in defs if d.kind in ("trend", "position") for i in d.indicators}
    service = {i for d in defs if d.kind == "members" for i in d.indicators}
    prefetch = Prefetch(con, region, year, shared, peers, service_indicators=service) if shared or service else None
    return [build(con, d, region, year, language, compare=compare, peers=peers,
                  prefetch=prefetch if d.kind in PREFETCHED else None) for d in defs]


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> list[dict[str, Any]]:
    """A query from queries/ as a list of dicts: half the time of a Polars frame for a few hundred rows,
    which counts when a page builds ten charts per rerun."""
    cur = con.cursor()
    try:
        cur.execute(queries.sql(name), params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        cur.close()


def compare_rows(con: duckdb.DuckDBPyConnection, region: str, year: int, from_year: int, to_year: int,
                 indicators: Sequence[str], peers: Sequence[str] = ()) -> list[dict[str, Any]]:
    """The region, its comparisons and its peers with their public values, one dict per (role, region,
    indicator, year) that has an observation, and one with indicator_id None for a region without any
    (so its name is known). Keys: role (own, group, county, country, peer), region_code, region_name,
    indicator_id, year, value, status, sample, imported_at. Ordered by role, then name, indicator, year.
    """
    return Prefetch(con, region, year, indicators, peers, from_year=from_year).get(
        indicators, from_year, to_year, with_peers=True)


class Prefetch:
    """The regions and values of several charts of one region and year, read once.

    The suppression macro costs the same for one indicator as for ten, so a page that builds ten
    charts reads them in one go (see build_many) instead of ten times. `indicators`: trend and position
    charts (the region, its comparisons and peers, ten years); `service_indicators`: members charts
    (the region's intermunicipal service and its members, the report year).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, region: str, year: int, indicators: Iterable[str],
                 peers: Sequence[str] = (), *, from_year: int | None = None, service_indicators: Iterable[str] = ()):
        indicators, service_indicators = list(indicators), list(service_indicators)
        first = year - TREND_YEARS + 1 if from_year is None else from_year
        self.regions = rows(con, "chart_regions", region=region, year=year, peers=list(peers)) if indicators else []
        self.values = self._values(con, self.regions, indicators, first, year)
        self.service = rows(con, "chart_service", region=region) if service_indicators else []
        self.service_values = self._values(con, self.service, service_indicators, year, year)

    @staticmethod
    def _values(con: duckdb.DuckDBPyConnection, regions: list[dict], indicators: list[str], from_year: int,
                to_year: int) -> dict[tuple[str, str], list[dict]]:
        out: dict[tuple[str, str], list[dict]] = {}
        if not regions or not indicators:
            return out
        for v in rows(con, "chart_values", regions=list({r["region_code"] for r in regions}), indicators=indicators,
                      from_year=from_year, to_year=to_year):
            out.setdefault((v["region_code"], v["indicator_id"]), []).append(v)
        return out

    def get(self, indicators: Sequence[str], from_year: int, to_year: int, *, with_peers: bool) -> list[dict[str, Any]]:
        """Rows as compare_rows gives them, for these indicators and years (peers only if asked)."""
        regions = [r for r in self.regions if with_peers or r["role"] != "peer"]
        return _joined(regions, self.values, indicators, from_year, to_year)

    def members(self, indicator: str) -> list[dict[str, Any]]:
        """The service first, then its members, each with its value row (or a blank one); [] for no service."""
        return _joined(self.service, self.service_values, [indicator], 0, 9999)


def _joined(regions: list[dict], values: dict[tuple[str, str], list[dict]], indicators: Sequence[str],
            from_year: int, to_year: int) -> list[dict[str, Any]]:
    blank = {"indicator_id": None, "year": None, "value": None, "status": None, "sample": False, "imported_at": None}
    out = []
    for r in regions:
        found = [v for i in sorted(indicators) for v in values.get((r["region_code"], i), ())
                 if from_year <= v["year"] <= to_year]
        out.extend({**r, **v} for v in found or [blank])
    return out


# --- what every kind shares: reasons, sources, the about line -----------------------------------


def reason(status: str | None, language: str, *, short: bool = False, area: str | None = None) -> str:
    """Why a value is not shown, in the report language (tilstand/symbols.py); `short` drops the rule in
    brackets. `area` (the indicator's catalogue area) says what there were too few of.

    None means no row at all (nothing imported).
    """
    return symbols.explain(mark(status, area), language, short=short)


def mark(status: str | None, area: str | None = None) -> symbols.Mark:
    """The symbol and reason for a value without a number (status None: no row at all)."""
    return symbols.mark(None, status, area=area) or symbols.NOT_IMPORTED


def scale_text(unit: str) -> str:
    """«skala 1–6» for a score (the same in bokmål and nynorsk), '' for any other unit."""
    low, high = SCALES.get(unit, (None, None))
    return f"skala {low}–{high}" if low is not None else ""


def _years(years: list[int], language: str) -> str:
    """[2015, 2016, 2017, 2019, 2024] -> '2015–2017, 2019 og 2024'."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    items: list[str] = []
    for r in runs:  # three or more years in a row read better as a span
        items.extend([f"{r[0]}–{r[-1]}"] if len(r) > 2 else [str(y) for y in r])
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {TEXT[language]['and']} " + items[-1]


def _tables(indicator_id: str) -> list[tuple[str, bool]]:
    """SSB tables behind an indicator (a derived one: behind its parts), each with 'is a KOSTRA table'."""
    out: list[tuple[str, bool]] = []
    for m in catalog.ssb_mapping():
        if m.indicator_id == indicator_id:
            out.append((m.table, m.contents_code.upper().startswith(("KOS", "KOK"))))
    for d in catalog.derived():
        if d.indicator_id == indicator_id:
            for part in (*d.numerator, *d.denominator):
                out.extend(_tables(part))
    return list(dict.fromkeys(out))


def _source(indicator: catalog.Indicator, sample: bool, language: str) -> str:
    t = TEXT[language]
    if indicator.origin in catalog.SSB_ORIGINS:
        tables = _tables(indicator.id)
        kostra = [n for n, k in tables if k]
        other = [n for n, k in tables if not k]
        groups = []
        if kostra:
            groups.append(f"{t['table']} {_join(kostra, language)} (KOSTRA)")
        if other:
            groups.append(f"{t['table']} {_join(other, language)}")
        text = "SSB, " + "; ".join(groups) if groups else "SSB"
    else:
        text = t["origin"].get(indicator.origin, indicator.source)
    line = f"{t['source']}: {text}."
    return f"{line} {t['sample']}" if sample else line


def _join(items: list[str], language: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {TEXT[language]['and']} " + items[-1]


def updated(con: duckdb.DuckDBPyConnection, indicator_ids: Sequence[str], regions: Sequence[str], *,
            from_year: int = 0, to_year: int = 9999) -> date | None:
    """When the newest shown value of these indicators and regions was imported (None: no shown value).

    Builders that already read `imported_at` with their values take the latest of those instead.
    """
    found = rows(con, "chart_updated", indicators=list(indicator_ids), regions=list(regions),
                 from_year=from_year, to_year=to_year)
    latest = found[0]["imported_at"] if found else None
    return latest.date() if latest else None


def date_text(day: date) -> str:
    """25. november 2026 (bokmål and nynorsk alike)."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def about(indicator: catalog.Indicator, source: str, latest: date | datetime | None, language: str) -> str:
    """«Definisjon: … Kilde: … Sist oppdatert 25. november 2026.» — one line under every chart."""
    t = TEXT[language]
    parts = []
    definition = indicator.definition_in(language).strip()
    if definition:
        parts.append(f"{t['definition']}: {definition}" + ("" if definition.endswith(".") else "."))
    parts.append(source)
    if latest is not None:
        day = latest.date() if isinstance(latest, datetime) else latest
        parts.append(f"{t['updated']} {date_text(day)}.")
    return " ".join(parts)


def latest(values: Iterable[datetime | None]) -> datetime | None:
    """The newest of some import times (None when there are none)."""
    return max((v for v in values if v is not None), default=None)


# --- layout shared by the kinds -----------------------------------------------------------------


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def base_layout(title_lines: list[str], note_lines: list[str], *, legend_rows: int, height: int = HEIGHT,
                left: int = 90, axis_title_rows: int = 0) -> dict:
    """Layout every kind starts from: fonts, Norwegian separators, title top left, the legend and the
    note below the plot at fixed pixel distances (see `_geometry`)."""
    meta = {"title_lines": len(title_lines), "note_lines": len(note_lines), "legend_rows": legend_rows,
            "left": left, "axis_title_rows": axis_title_rows}
    margin, legend_y, note_y = _geometry(meta, height)
    layout: dict = {
        "template": "none",
        # Plotly anchors a title's first line and lets further lines grow upwards out of the figure;
        # a top pad in pixels (independent of the height) keeps them inside.
        "title": {"text": "<br>".join(title_lines), "x": 0.015, "xanchor": "left", "y": 1, "yanchor": "top",
                  "pad": {"t": 10 + 26 * (len(title_lines) - 1)}, "font": {"size": TITLE_SIZE}},
        "font": {"family": FONT, "size": FONT_SIZE, "color": "#222222"},
        "separators": f",{fmt.NBSP}",  # decimal comma, (non-breaking) space between thousands
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "height": height, "margin": margin,
        "showlegend": legend_rows > 0,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yanchor": "top", "traceorder": "normal",
                   "font": {"size": FONT_SIZE - 1}, "y": legend_y},
        "meta": {"tilstand": meta},
    }
    if note_lines:
        layout["annotations"] = [{
            "text": "<br>".join(note_lines), "xref": "paper", "yref": "paper", "x": 0, "xanchor": "left",
            "y": note_y, "yanchor": "top", "align": "left", "showarrow": False,
            "font": {"size": NOTE_SIZE, "color": "#333333"}}]
    return layout


def _legend_rows(names: Iterable[str]) -> int:
    # Plotly wraps a horizontal legend on its own, into columns as wide as the widest entry;
    # estimate the rows to leave room for them.
    names = list(names)
    if not names:
        return 0
    widest = max(len(n or "") * (FONT_SIZE - 1) * 0.5 + 50 for n in names)
    per_row = max(1, int((WIDTH - 40) // widest))
    return -(-len(names) // per_row)


def _geometry(meta: dict, height: int) -> tuple[dict, float, float]:
    """Margins, legend y and note y for this figure height.

    Plotly places the legend and notes in fractions of the plot area, so the fractions depend on the height.
    """
    top = 30 + 26 * meta.get("title_lines", 1)
    ticks = 34 + 30 * meta.get("axis_title_rows", 0)
    legend, notes = 28 * meta.get("legend_rows", 1), 19 * meta.get("note_lines", 0)
    bottom = ticks + legend + (notes + 12 if notes else 0) + 10
    plot = max(height - top - bottom, 80)
    margin = {"t": top, "b": bottom, "l": meta.get("left", 90), "r": 30, "autoexpand": False}
    return margin, -ticks / plot, -(ticks + legend + 6) / plot


def _place(fig: go.Figure, height: int) -> None:
    """Put the legend and the note below the x axis at fixed pixel distances for this figure height."""
    margin, legend_y, note_y = _geometry((fig.layout.meta or {}).get("tilstand", {}), height)
    fig.update_layout(height=height, margin=margin, legend={"y": legend_y})
    if fig.layout.annotations:
        fig.layout.annotations[0].update(y=note_y)


# --- PNG rendering ------------------------------------------------------------------------------

TABS = max(1, min(4, os.cpu_count() or 1))  # concurrent renders; more tabs than cores only adds start time
START_TIMEOUT = 60.0
RENDER_TIMEOUT = 60.0
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def browser_path() -> str | None:
    """Debian's Chromium (or $BROWSER_PATH); never a browser kaleido or choreographer downloaded."""
    env = os.environ.get("BROWSER_PATH")
    candidates = [env] if env else ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def renderer_available() -> bool:
    """False when no Chromium binary is found, so callers can leave the images out with a message."""
    return browser_path() is not None


def cache_dir() -> Path:
    """$TILSTAND_CACHE/charts, or data/cache/charts (data/ is git-ignored). Read on every call."""
    return Path(os.environ.get("TILSTAND_CACHE") or Path("data") / "cache") / "charts"


class _Renderer:
    """One Chromium with TABS tabs, driven by kaleido from an event loop in its own thread."""

    def __init__(self, browser: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="tilstand-charts", daemon=True)
        self.thread.start()
        self.kaleido: Any = None
        try:
            self.kaleido = self._call(self._open(browser), START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    async def _open(self, browser: str) -> Any:
        import kaleido  # imported late: it starts logging and checks versions at import

        k = kaleido.Kaleido(n=TABS, timeout=RENDER_TIMEOUT, mathjax=False, path=browser)
        await k.open()
        return k

    def _call(self, coro, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def render(self, jobs: list[tuple[dict, dict]]) -> list[bytes]:
        async def batch() -> list[bytes]:
            return await asyncio.gather(*(self.kaleido.calc_fig(fig, opts=opts) for fig, opts in jobs))

        return self._call(batch(), RENDER_TIMEOUT + 5 * len(jobs))

    def close(self) -> None:
        if self.kaleido is not None:
            try:
                self._call(self.kaleido.close(), 15)
            except Exception:  # noqa: BLE001 - closing a broken browser is best effort
                pass
            self.kaleido = None
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


_lock = threading.Lock()
_renderer: _Renderer | None = None
_rendered = 0


def _get_renderer() -> _Renderer:
    global _renderer
    with _lock:
        if _renderer is None:
            browser = browser_path()
            if browser is None:
                raise ChartRenderError("fant ikke Chromium (installer pakken chromium eller sett BROWSER_PATH)")
            try:
                _renderer = _Renderer(browser)
            except concurrent.futures.TimeoutError:
                raise ChartRenderError(f"Chromium startet ikke innen {START_TIMEOUT:.0f} sekunder") from None
            except Exception as e:
                raise ChartRenderError(f"Chromium kunne ikke startes: {e}") from e
        return _renderer


def stop_renderer() -> None:
    """Close the browser (at exit, or to start afresh); the next png() call starts a new one."""
    global _renderer
    with _lock:
        r, _renderer = _renderer, None
    if r is not None:
        r.close()


atexit.register(stop_renderer)  # close Chromium while the loop thread still runs


def rendered_count() -> int:
    """How many figures this process has rendered (not served from the cache): for tests and benchmarks."""
    return _rendered


def without_title(fig: go.Figure, height: int = 400) -> go.Figure:
    """The same chart for a page that prints the title itself as text (it wraps; plotly's title does not)."""
    out = go.Figure(fig)
    meta = dict(out.layout.meta or {})
    meta["tilstand"] = {**meta.get("tilstand", {}), "title_lines": 0}
    out.update_layout(title=None, meta=meta)
    _place(out, height)
    return out


def _sized(fig: go.Figure, width: int, height: int) -> go.Figure:
    if fig.layout.height == height or not (fig.layout.meta or {}).get("tilstand"):
        return fig
    out = go.Figure(fig)
    _place(out, height)
    return out


def _key(fig_json: str, width: int, height: int, scale: float) -> str:
    h = hashlib.sha256(f"plotly {plotly.__version__}|{width}x{height}@{scale}|".encode())
    h.update(fig_json.encode())
    return h.hexdigest()


def png(figures: Sequence[go.Figure], *, scale: float = SCALE, width: int = WIDTH, height: int = HEIGHT) -> list[bytes]:
    """PNG bytes per figure, in the same order.

    Cached on disk by content (figure JSON, size and scale), so an unchanged chart is never rendered
    twice; the rest are rendered concurrently in one batch. Raises ChartRenderError (Norwegian
    message) when Chromium is missing or fails.
    """
    global _rendered
    directory = cache_dir()
    keys, specs = [], {}
    for fig in figures:
        sized = _sized(fig, width, height)
        fig_json = sized.to_json()
        key = _key(fig_json, width, height, scale)
        keys.append(key)
        specs.setdefault(key, sized)
    found: dict[str, bytes] = {}
    for key in specs:
        try:
            data = (directory / f"{key}.png").read_bytes()
        except OSError:
            continue
        if data.startswith(_PNG_SIGNATURE):  # a torn or foreign file is rendered again
            found[key] = data
    missing = [k for k in specs if k not in found]
    if missing:
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        jobs = [(specs[k].to_dict(), opts) for k in missing]
        renderer = _get_renderer()
        try:
            images = renderer.render(jobs)
        except concurrent.futures.TimeoutError:
            stop_renderer()
            raise ChartRenderError(f"Chromium svarte ikke innen {RENDER_TIMEOUT:.0f} sekunder") from None
        except Exception as e:
            stop_renderer()  # the browser may be gone; start afresh next time
            raise ChartRenderError(f"diagrammet kunne ikke tegnes: {e}") from e
        with _lock:
            _rendered += len(images)
        for key, data in zip(missing, images):
            found[key] = data
            _store(directory, key, data)
    return [found[k] for k in keys]


def _store(directory: Path, key: str, data: bytes) -> None:
    """Write atomically (temp file + rename), so a reader never sees half an image. A cache that
    cannot be written (read-only disk) only costs speed."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, directory / f"{key}.png")
    except OSError:
        pass
