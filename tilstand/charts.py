"""Charts: one registry (tilstand/data/charts.csv), one builder per chart kind, alt text, PNG export.

The registry says which charts exist and which chapter and indicators they belong to, so pages and the
DOCX report never hand-build a chart. `build` turns a definition into a plotly figure from the same
suppressed data as the service profile (`observation_public_in`), with alt text and a source line in
the report language. `png` renders figures with kaleido 1.x in Debian's Chromium, caching the bytes on
disk by content so a report rebuilt with unchanged numbers renders nothing.

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
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import plotly
import plotly.graph_objects as go

from tilstand import catalog, fmt, queries
from tilstand.errors import TilstandError
from tilstand.privacy import SUPPRESSED, explain

TREND_YEARS = 10
KINDS = ("trend",)
ROLES = ("own", "group", "county", "country")
# What a chart may be compared against besides the own region; "peers" is the leader's chosen peer set.
COMPARE_ALL = ("group", "county", "country", "peers")
COMPARE_DEFAULT = ("group", "county", "country")
# A count is a size: the country's 20 000 children next to a municipality's 300 says nothing, and
# flattens the municipality's own line. Such charts show the municipality alone.
SIZE_UNITS = ("count", "nok_1000")

# Okabe-Ito, colour-blind safe. The municipality is always the same blue, solid and thick; the
# comparisons are thinner and dashed, so the chart reads in greyscale too. Each colour has at least
# 3:1 contrast against white (WCAG 1.4.11).
STYLE = {
    "own": {"color": "#0072B2", "width": 3.5, "dash": "solid", "marker": 9},
    "group": {"color": "#D55E00", "width": 2.0, "dash": "dash", "marker": 6},
    "county": {"color": "#009E73", "width": 2.0, "dash": "dot", "marker": 6},
    "country": {"color": "#000000", "width": 1.75, "dash": "dashdot", "marker": 5},
}
FONT = "Liberation Sans, Arial, Helvetica, DejaVu Sans, sans-serif"
# A 900 px wide figure goes into the DOCX 16 cm wide: 1 px ≈ 0.5 pt, so 18 px ≈ 9 pt on paper.
FONT_SIZE, TITLE_SIZE, NOTE_SIZE = 18, 21, 15
WIDTH, HEIGHT, SCALE = 900, 480, 2

UNIT_AXIS = {
    "nb": {"percent": "Prosent", "count": "Antall", "per_1000": f"Per 1{fmt.NBSP}000 barn 0–17 år",
           "ratio": "Forholdstall", "nok": "Kroner", "nok_1000": f"1{fmt.NBSP}000 kroner",
           "score_1_5": "Skår (1–5)", "score": "Skår"},
    "nn": {"percent": "Prosent", "count": "Tal", "per_1000": f"Per 1{fmt.NBSP}000 barn 0–17 år",
           "ratio": "Forholdstal", "nok": "Kroner", "nok_1000": f"1{fmt.NBSP}000 kroner",
           "score_1_5": "Skår (1–5)", "score": "Skår"},
}

# Why a year has no point: privacy.explain words it in bokmål; nynorsk mirrors it here.
EXPLAIN_NN = {
    SUPPRESSED: "skjult av personvernomsyn: talet byggjer på svært få born eller svar",
    ":": "skjult av SSB av personvernomsyn",
    ".": "tal kan ikkje førekomme",
    "..": "tal manglar",
    "...": "tal manglar førebels",
}
# The same reasons as the predicate of a sentence in the alt text: (one year, several years).
ALT_REASON = {
    "nb": {SUPPRESSED: ("er skjult av personvernhensyn", "er skjult av personvernhensyn"),
           ":": ("er skjult av SSB av personvernhensyn", "er skjult av SSB av personvernhensyn"),
           ".": ("kan ikke forekomme", "kan ikke forekomme"),
           None: ("mangler", "mangler")},
    "nn": {SUPPRESSED: ("er skjult av omsyn til personvern", "er skjulte av omsyn til personvern"),
           ":": ("er skjult av SSB av omsyn til personvern", "er skjulte av SSB av omsyn til personvern"),
           ".": ("kan ikkje førekomme", "kan ikkje førekomme"),
           None: ("manglar", "manglar")},
}

TEXT = {
    "nb": {
        "line_chart": "Linjediagram",
        "and": "og",
        "value_in": "{value} i {year}",
        "no_data": "Ingen tall for {name} i perioden.",
        "hidden_one": "Tallet for {years} {reason}.",
        "hidden_many": "Tallene for {years} {reason}.",
        "note": "Ikke vist for {name} i {years} ({reason}).",
        "no_figure": "ingen tall",
        "source": "Kilde",
        "sample": "Eksempeldata.",
        "table": "tabell",
        "origin": {"bufdir": "Bufdir, kommunemonitor", "ks_10faktor": "KS, 10-FAKTOR",
                   "survey": "brukerundersøkelse", "local": "kommunens egne tall",
                   "ssb_unmapped": "SSB (KOSTRA)"},
    },
    "nn": {
        "line_chart": "Linjediagram",
        "and": "og",
        "value_in": "{value} i {year}",
        "no_data": "Ingen tal for {name} i perioden.",
        "hidden_one": "Talet for {years} {reason}.",
        "hidden_many": "Tala for {years} {reason}.",
        "note": "Ikkje vist for {name} i {years} ({reason}).",
        "no_figure": "ingen tal",
        "source": "Kjelde",
        "sample": "Eksempeldata.",
        "table": "tabell",
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
    kind: str  # "trend"
    indicators: tuple[str, ...]
    title_nb: str
    title_nn: str

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
                            title_nb=title_nb, title_nn=title_nn))
    return tuple(out)


def for_indicators(indicator_ids: Iterable[str]) -> list[ChartDef]:
    """Charts whose indicators all lie in the given set, in registry order.

    A report's chapter stores its own indicator list (a leader may add or remove indicators), so
    charts follow the indicators, not the chapter key.
    """
    wanted = set(indicator_ids)
    return [c for c in registry() if c.indicators and set(c.indicators) <= wanted]


# --- building a chart ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartTable:
    """The chart's numbers as text cells, for the table view (keyboard and screen-reader friendly)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # formatted Norwegian numbers; hidden values as «–»
    caption: str  # what the table shows, in the report language


@dataclass(frozen=True)
class Chart:
    definition: ChartDef
    figure: go.Figure
    alt: str  # what the chart shows, in the report language
    source: str  # "Kilde: SSB, tabell 12275 (KOSTRA). Eksempeldata."
    empty: bool  # the own region has no shown value in any year: callers skip the chart
    table: ChartTable | None = None  # the same numbers as a table
    about: str = ""  # definition, source and when the numbers were last updated, in the report language


@dataclass(frozen=True)
class _Series:
    role: str
    name: str
    points: tuple[tuple[int, float | None, str | None, bool], ...]  # (year, value, status, present)

    @property
    def shown(self) -> list[tuple[int, float]]:
        return [(y, v) for y, v, _, _ in self.points if v is not None]


def build(con: duckdb.DuckDBPyConnection, chart: ChartDef, region: str, year: int, language: str = "nb", *,
          compare: Sequence[str] = COMPARE_DEFAULT, peers: Sequence[str] = ()) -> Chart:
    """The chart for one municipality and report year, in the report language ('nb' or 'nn').

    `compare` picks the comparison lines (see COMPARE_ALL); `peers` is the leader's peer set (municipality
    codes), used when "peers" is in `compare`.
    """
    if language not in TEXT:
        raise ValueError(f"unknown language {language!r}; expected one of {tuple(TEXT)}")
    if chart.kind == "trend":
        return _trend(con, chart, region, year, language)
    raise ValueError(f"unknown chart kind {chart.kind!r} in chart {chart.id!r}; expected one of {KINDS}")


def _trend(con: duckdb.DuckDBPyConnection, chart: ChartDef, region: str, year: int, language: str) -> Chart:
    if len(chart.indicators) != 1:
        raise ValueError(f"a trend chart shows one indicator; {chart.id!r} has {len(chart.indicators)}")
    indicator = catalog.indicators()[chart.indicators[0]]
    years = list(range(year - TREND_YEARS + 1, year + 1))
    df = queries.run(con, "chart_series", region=region, year=year, from_year=years[0], to_year=year,
                     indicators=[indicator.id])
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    values: dict[str, dict[int, tuple[float | None, str | None]]] = {}
    sample = False
    for r in df.iter_rows(named=True):
        names.setdefault(r["role"], r["region_name"])
        codes.setdefault(r["role"], r["region_code"])
        if r["indicator_id"] is not None:
            values.setdefault(r["role"], {})[r["year"]] = (r["value"], r["status"])
            sample = sample or (r["sample"] and r["value"] is not None)
    roles = ["own"] if indicator.unit in SIZE_UNITS else list(ROLES)
    series = []
    seen_codes = set()
    for role in roles:
        if role not in names or codes[role] in seen_codes:  # a county's report: own == county
            continue
        seen_codes.add(codes[role])
        got = values.get(role, {})
        points = tuple((y, *got.get(y, (None, None)), y in got) for y in years)
        series.append(_Series(role, names[role], points))
    own = series[0] if series and series[0].role == "own" else _Series("own", region, ())
    title = chart.title(language)
    figure = _trend_figure(title, indicator.unit, years, series, language)
    return Chart(
        definition=chart, figure=figure,
        alt=_trend_alt(title, indicator.unit, years, own, series[1:], language),
        source=_source(indicator, sample, language),
        empty=not own.shown,
    )


def _trend_figure(title: str, unit: str, years: list[int], series: list[_Series], language: str) -> go.Figure:
    decimals = fmt.UNIT_DECIMALS.get(unit, 1)
    suffix = fmt.UNIT_SUFFIX.get(unit, "")
    x = [str(y) for y in years]  # strings: integer years get ticks like "2,020.5"
    fig = go.Figure()
    for s in series:
        if not s.shown:  # a region without any number stays out of the legend
            continue
        st = STYLE[s.role]
        fig.add_trace(go.Scatter(
            x=x, y=[v for _, v, _, _ in s.points], name=s.name, mode="lines+markers",
            connectgaps=False,  # a hidden year is a gap, never an interpolated point
            line={"color": st["color"], "width": st["width"], "dash": st["dash"]},
            marker={"color": st["color"], "size": st["marker"]},
            hovertemplate=f"%{{fullData.name}}: %{{y:,.{decimals}f}}{suffix}<extra></extra>",
        ))
    notes = _gap_notes(series, language)
    title_lines = textwrap.wrap(title, 70) or [""]
    note_lines = [line for n in notes for line in textwrap.wrap(n, 105)]
    fig.update_layout(
        template="none",
        title={"text": "<br>".join(title_lines), "x": 0.015, "xanchor": "left", "y": 0.98, "yanchor": "top",
               "font": {"size": TITLE_SIZE}},
        font={"family": FONT, "size": FONT_SIZE, "color": "#222222"},
        separators=f",{fmt.NBSP}",  # decimal comma, (non-breaking) space between thousands
        paper_bgcolor="white", plot_bgcolor="white",
        height=HEIGHT,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "yanchor": "top", "traceorder": "normal",
                "font": {"size": FONT_SIZE - 1}},
        hovermode="x unified",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": x, "range": [-0.3, len(x) - 0.7],
               "showgrid": False, "linecolor": "#777777", "ticks": "outside", "tickcolor": "#777777",
               "tickfont": {"size": FONT_SIZE - 2}},
        yaxis={"title": {"text": UNIT_AXIS[language].get(unit, ""), "standoff": 10}, "rangemode": "tozero",
               "tickformat": ",~f", "gridcolor": "#E3E3E3", "zeroline": True, "zerolinecolor": "#999999",
               "linecolor": "#777777", "tickfont": {"size": FONT_SIZE - 2}},
        meta={"tilstand": {"title_lines": len(title_lines), "note_lines": len(note_lines),
                           "legend_rows": _legend_rows(fig)}},
    )
    if note_lines:
        fig.add_annotation(text="<br>".join(note_lines), xref="paper", yref="paper", x=0, xanchor="left",
                           yanchor="top", align="left", showarrow=False,
                           font={"size": NOTE_SIZE, "color": "#333333"})
    _place(fig, HEIGHT)
    return fig


def _legend_rows(fig: go.Figure) -> int:
    # Plotly wraps a horizontal legend on its own; estimate the rows to leave room for them.
    width = sum(len(t.name or "") * (FONT_SIZE - 1) * 0.5 + 50 for t in fig.data)
    return int(width // (WIDTH - 40)) + 1 if fig.data else 0


def _place(fig: go.Figure, height: int) -> None:
    """Put the legend and the note below the x axis at fixed pixel distances for this figure height.

    Plotly places them in fractions of the plot area, so the fractions depend on the height.
    """
    m = (fig.layout.meta or {}).get("tilstand", {})
    top = 30 + 26 * m.get("title_lines", 1)
    ticks, legend, notes = 34, 28 * m.get("legend_rows", 1), 19 * m.get("note_lines", 0)
    bottom = ticks + legend + (notes + 12 if notes else 0) + 10
    plot = max(height - top - bottom, 80)
    fig.update_layout(height=height, margin={"t": top, "b": bottom, "l": 90, "r": 30, "autoexpand": False},
                      legend={"y": -ticks / plot})
    if fig.layout.annotations:
        fig.layout.annotations[0].update(y=-(ticks + legend + 6) / plot)


def _gap_notes(series: list[_Series], language: str) -> list[str]:
    """One sentence per (region, reason): which years of the drawn lines are gaps, and why."""
    t = TEXT[language]
    out = []
    for s in series:
        if not s.shown:
            continue
        by_reason: dict[str | None, list[int]] = {}
        for y, v, status, present in s.points:
            if v is None:
                by_reason.setdefault(status if present else None, []).append(y)
        for status, years in by_reason.items():
            reason = (EXPLAIN_NN.get(status, "") if language == "nn" else explain(status)) or t["no_figure"]
            out.append(t["note"].format(name=s.name, years=_years(years, language), reason=reason))
    return out


def _trend_alt(title: str, unit: str, years: list[int], own: _Series, others: list[_Series], language: str) -> str:
    """'Linjediagram: <title>, 2015–2024. Trondheim: 3,1 % i 2015 og 2,8 % i 2024. …' — shown numbers only."""
    t = TEXT[language]
    parts = [f"{t['line_chart']}: {title}, {years[0]}–{years[-1]}."]
    shown = own.shown
    if not shown:
        parts.append(t["no_data"].format(name=own.name))
        return " ".join(parts)
    (y0, v0), (y1, v1) = shown[0], shown[-1]
    first = t["value_in"].format(value=fmt.value(v0, unit), year=y0)
    if y0 == y1:
        parts.append(f"{own.name}: {first}.")
    else:
        last = t["value_in"].format(value=fmt.value(v1, unit), year=y1)
        parts.append(f"{own.name}: {first} {t['and']} {last}.")
    said = None  # a comparison in the same year as the one before it needs no year
    for s in others:
        values = dict(s.shown)
        if not values:
            continue
        y = y1 if y1 in values else max(values)
        text = fmt.value(values[y], unit) if y == said else t["value_in"].format(value=fmt.value(values[y], unit), year=y)
        parts.append(f"{s.name}: {text}.")
        said = y
    by_reason: dict[str | None, list[int]] = {}
    for y, v, status, present in own.points:
        if v is None:
            key = status if present and status in ALT_REASON[language] else None
            by_reason.setdefault(key, []).append(y)
    for status, hidden in by_reason.items():
        one, many = ALT_REASON[language][status]
        several = len(hidden) > 1
        template = t["hidden_many"] if several else t["hidden_one"]
        parts.append(template.format(years=_years(hidden, language), reason=many if several else one))
    return " ".join(parts)


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
            for part in (d.numerator, *d.denominator):
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
