"""Trend charts: one indicator over ten years for the own region against its comparisons.

The own region against the KOSTRA group, county and country (those in `compare`), and, when the leader
has chosen peers, their unweighted mean. Hidden years are gaps with a note, never interpolated; a size
(count, 1 000 kroner) shows the own region alone. Built as one `go.Figure(data, layout)` from plain
dicts: plotly's update calls validate property by property and would cost more than the query.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import plotly.graph_objects as go

from tilstand import catalog, fmt, symbols
from tilstand.charts import (
    COMPARE_DEFAULT, FONT_SIZE, REFERENCES, SCALES, SIZE_UNITS, STYLE, TEXT, TREND_YEARS, UNIT_AXIS, Chart, ChartDef,
    ChartTable, Prefetch, _legend_rows, _source, _years, about, base_layout, compare_rows, latest, scale_text, wrap,
)

Point = tuple[int, float | None, str | None, bool]  # (year, value, status, present)


@dataclass(frozen=True)
class Series:
    role: str  # own | group | county | country | peers
    name: str
    points: tuple[Point, ...]
    # Why a year without a value has none, when the status cannot say it (the peers' mean).
    why: dict[int, symbols.Mark] | None = None
    area: str | None = None  # the indicator's catalogue area: says what there were too few of

    @property
    def shown(self) -> list[tuple[int, float]]:
        return [(y, v) for y, v, _, _ in self.points if v is not None]


def build(con: duckdb.DuckDBPyConnection, chart: ChartDef, region: str, year: int, language: str, *,
          compare: Sequence[str] = COMPARE_DEFAULT, peers: Sequence[str] = (), prefetch: Prefetch | None = None
          ) -> Chart:
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
    series, imported, sample = _series(found, years, ["own"] if size else ["own", *(r for r in REFERENCES if r in compare)],
                                       language, indicator.area)
    if use_peers:
        mean = _peer_mean(found, years, language)
        if mean is not None:
            series.append(mean)
    years, series = _from_first_year(years, series)
    own = series[0] if series and series[0].role == "own" else Series("own", region, ())
    drawn = [s for s in series if s.shown]  # a region without any number stays out of legend and table
    used = {s.role for s in drawn}
    title = chart.title(language)
    source = _source(indicator, bool(sample & used), language)
    return Chart(
        definition=chart,
        figure=_figure(title, indicator.unit, years, drawn, language),
        alt=_alt(title, indicator.unit, years, own, [s for s in series[1:]], language),
        source=source,
        empty=not own.shown,
        table=_table(title, indicator.unit, years, drawn, language),
        about=about(indicator, source, latest(t for role, t in imported if role in used), language),
    )


def _from_first_year(years: list[int], series: list[Series]) -> tuple[list[int], list[Series]]:
    """Start at the first year any region has a number for (shown or hidden): a source that began in 2019
    (10-FAKTOR, the staff template) gets no row of empty years, each needing a note."""
    first = min((y for s in series for y, _, _, present in s.points if present), default=years[0])
    if first <= years[0]:
        return years, series
    return ([y for y in years if y >= first],
            [dataclasses.replace(s, points=tuple(p for p in s.points if p[0] >= first)) for s in series])


def _series(found: list[dict], years: list[int], roles: list[str], language: str, area: str | None = None
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
        series.append(Series(role, names[role], tuple((y, *got.get(y, (None, None)), y in got) for y in years),
                             area=area))
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
    t = TEXT[language]
    points: list[Point] = []
    why: dict[int, symbols.Mark] = {}
    for y in years:
        got = by_year.get(y, [])
        if got and len(got) * 2 >= len(codes):
            points.append((y, sum(got) / len(got), None, True))
        else:
            points.append((y, None, None, True))
            why[y] = symbols.FEW_PEERS
    return Series("peers", t["peers"].format(n=len(codes)), tuple(points), why)


def _figure(title: str, unit: str, years: list[int], series: list[Series], language: str) -> go.Figure:
    decimals = fmt.UNIT_DECIMALS.get(unit, 1)
    suffix = fmt.UNIT_SUFFIX.get(unit, "")
    x = [str(y) for y in years]  # strings: integer years get ticks like "2,020.5"
    data = []
    for s in series:
        st = STYLE[s.role]
        data.append({
            "type": "scatter", "x": x, "y": [v for _, v, _, _ in s.points], "name": s.name,
            "mode": "lines+markers",
            "connectgaps": False,  # a hidden year is a gap, never an interpolated point
            "line": {"color": st["color"], "width": st["width"], "dash": st["dash"]},
            "marker": {"color": st["color"], "size": st["marker"]},
            "hovertemplate": f"%{{fullData.name}}: %{{y:,.{decimals}f}}{suffix}<extra></extra>",
        })
    note_lines = [line for n in _gap_notes(series, language) for line in wrap(n, 105)]
    layout = base_layout(wrap(title, 70), [n for n in note_lines if n], legend_rows=_legend_rows(s.name for s in series))
    yaxis = {"title": {"text": UNIT_AXIS[language].get(unit, ""), "standoff": 10}, "rangemode": "tozero",
             "tickformat": ",~f", "gridcolor": "#E3E3E3", "zeroline": True, "zerolinecolor": "#999999",
             "linecolor": "#777777", "tickfont": {"size": FONT_SIZE - 2}}
    if unit in SCALES:  # a score: the whole scale, bottom to top (markers on the edge are not clipped)
        yaxis.update(range=list(SCALES[unit]), dtick=1, zeroline=False)
        yaxis.pop("rangemode")
        for trace in data:
            trace["cliponaxis"] = False
    layout.update(
        hovermode="x unified",
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": x, "range": [-0.3, len(x) - 0.7],
               "showgrid": False, "linecolor": "#777777", "ticks": "outside", "tickcolor": "#777777",
               "tickfont": {"size": FONT_SIZE - 2}},
        yaxis=yaxis,
    )
    return go.Figure(data=data, layout=layout)


def _mark(s: Series, y: int, status: str | None, present: bool) -> symbols.Mark:
    """The symbol in place of a year's value and why (the status says it, or the series does)."""
    if s.why and y in s.why:
        return s.why[y]
    return symbols.mark(None, status, area=s.area, present=present) or symbols.NOT_IMPORTED


def _gap_marks(s: Series) -> dict[symbols.Mark, list[int]]:
    """The years without a value, grouped by the symbol and reason for them."""
    out: dict[symbols.Mark, list[int]] = {}
    for y, v, status, present in s.points:
        if v is None:
            out.setdefault(_mark(s, y, status, present), []).append(y)
    return out


def _gaps(s: Series, language: str, *, short: bool = False) -> dict[str, list[int]]:
    """The years without a value, grouped by the reason given for them (`short`: without the rule)."""
    return {symbols.explain(m, language, short=short): years for m, years in _gap_marks(s).items()}


def _gap_notes(series: list[Series], language: str) -> list[str]:
    """One sentence per (region, reason): which years of the drawn lines are gaps, and why (the rule itself
    is in the alt text and the table's footnote)."""
    t = TEXT[language]
    return [t["note"].format(name=s.name, years=_years(years, language), reason=why)
            for s in series for why, years in _gaps(s, language, short=True).items()]


def _table(title: str, unit: str, years: list[int], series: list[Series], language: str) -> ChartTable:
    """One row per region, one column per year, and a remark naming the gaps and why."""
    t = TEXT[language]
    out = []
    for s in series:
        remark = "; ".join(f"{_years(ys, language)}: {why}" for why, ys in _gaps(s, language).items())
        out.append((s.name, *(fmt.value(v, unit) if v is not None else _mark(s, y, status, present).symbol
                              for y, v, status, present in s.points), remark))
    return ChartTable(columns=(t["region"], *(str(y) for y in years), t["remark"]), rows=tuple(out),
                      caption=t["trend_caption"].format(title=title, first=years[0], last=years[-1]),
                      legend=symbols.legend((m for s in series for m in _gap_marks(s)), language))


def _alt(title: str, unit: str, years: list[int], own: Series, others: list[Series], language: str) -> str:
    """'Linjediagram: <title>, 2015–2024. Trondheim: 3,1 % i 2015 og 2,8 % i 2024. …' — shown numbers only."""
    t = TEXT[language]
    scale = scale_text(unit)
    parts = [f"{t['line_chart']}: {title}, {years[0]}–{years[-1]}" + (f", {scale}." if scale else ".")]
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
    for m, hidden in _gap_marks(own).items():  # «Tallene for 2018 og 2021 er skjult av personvernhensyn: for få barn (…).»
        one, many = ALT_PREDICATE[language][m.symbol]
        several = len(hidden) > 1
        template = t["hidden_many"] if several else t["hidden_one"]
        why = f"{many if several else one}: {symbols.reason_text(m.reason, language)}"
        parts.append(template.format(years=_years(hidden, language), reason=why))
    return " ".join(parts)


# What the years without a number are, as the predicate of a sentence: (one year, several years).
ALT_PREDICATE = {
    "nb": {symbols.HIDDEN: ("er skjult av personvernhensyn", "er skjult av personvernhensyn"),
           symbols.MISSING: ("mangler", "mangler"), symbols.NOT_YET: ("mangler foreløpig", "mangler foreløpig"),
           symbols.NOT_APPLICABLE: ("er ikke aktuelt", "er ikke aktuelle")},
    "nn": {symbols.HIDDEN: ("er skjult av omsyn til personvernet", "er skjulte av omsyn til personvernet"),
           symbols.MISSING: ("manglar", "manglar"), symbols.NOT_YET: ("manglar førebels", "manglar førebels"),
           symbols.NOT_APPLICABLE: ("er ikkje aktuelt", "er ikkje aktuelle")},
}

