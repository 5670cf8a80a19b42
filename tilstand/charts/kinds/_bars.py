"""Horizontal bar charts for one year, shared by the position and members kinds (not a kind itself).

One bar per region, sorted best to worst with the best on top; the own region in its blue, other
municipalities one neutral grey, published averages (KOSTRA group, county, country, a service as a
whole) white with dark hatching, so they never read as one more municipality. Regions without a shown
value get no bar at all, never a zero bar: a note below the chart names them and says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import plotly.graph_objects as go

from tilstand import fmt, symbols, words
from tilstand.charts._layout import (
    BAR_OTHER,
    BAR_REFERENCE,
    FONT_SIZE,
    HEIGHT,
    NOTE_SIZE,
    STYLE,
    WIDTH,
    base_layout,
    geometry,
    wrap,
)
from tilstand.charts._model import SCALES, ChartTable
from tilstand.charts._words import not_shown as _not_shown
from tilstand.charts._words import unit_axis

BAR_PX = 34  # height per bar, so a long peer list grows the figure instead of squeezing the bars


@dataclass(frozen=True)
class Bar:
    label: str  # the region's name as the axis shows it
    value: float
    kind: str  # own | other | reference
    remark: str = ""  # for the table, e.g. «snitt»


@dataclass(frozen=True)
class Missing:
    name: str
    why: str  # «skjult av personvernhensyn: for få barn», «tall mangler: ikke importert i Tilstand»
    mark: symbols.Mark = symbols.NOT_IMPORTED  # the symbol the table shows, and its reason for the footnote


def ranked(bars: Iterable[Bar], better: str) -> list[Bar]:
    """Best first: lowest first when lower is better, else highest first (neutral: highest first).
    Ties: the own region first, then by name, so the order never flickers between reruns."""
    sign = 1 if better == "lower" else -1
    return sorted(bars, key=lambda b: (sign * b.value, b.kind != "own", b.label))


def not_shown(missing: list[Missing], language: str) -> str:
    """«Ikke vist: Tydal (skjult av personvernhensyn), Holtålen (tall mangler).» ('' when none)."""
    return _not_shown(((m.name, m.why) for m in missing), language)


def figure(title: str, bars: list[Bar], unit: str, notes: list[str], language: str) -> go.Figure:
    """The bars in the given order, top to bottom, value labels in Norwegian format, unit on the x axis."""
    labels = [b.label for b in bars]
    data = []
    for kind in ("reference", "other", "own"):
        mine = [b for b in bars if b.kind == kind]
        if not mine:
            continue
        marker: dict = {"color": STYLE["own"]["color"] if kind == "own" else BAR_OTHER}
        if kind == "reference":
            marker = {
                "color": BAR_REFERENCE["color"],
                "line": {"color": BAR_REFERENCE["line"], "width": 1.5},
                "pattern": {"shape": BAR_REFERENCE["pattern"], "fgcolor": BAR_REFERENCE["line"], "size": 8},
            }
        low = SCALES.get(unit, (0, 0))[0]  # a score's bar starts at the bottom of its scale, not at 0
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [b.label for b in mine],
                "x": [b.value - low for b in mine],
                **({"base": low} if low else {}),
                "name": kind,
                "marker": marker,
                "text": [fmt.value(b.value, unit) for b in mine],
                "textposition": "outside",
                "cliponaxis": False,
                "textfont": {"size": FONT_SIZE - 2},
                "hovertemplate": "%{y}: %{text}<extra></extra>",
            }
        )
    left = min(max(90, int(max((len(x) for x in labels), default=0) * (FONT_SIZE - 2) * 0.55) + 24), 380)
    # The note starts at the plot's left edge, so it gets the plot's width, not the figure's.
    note_lines = [line for n in notes if n for line in wrap(n, int((WIDTH - left - 40) / (NOTE_SIZE * 0.5)))]
    meta = {
        "title_lines": len(wrap(title, 70)),
        "note_lines": len(note_lines),
        "legend_rows": 0,
        "left": left,
        "axis_title_rows": 1,
    }
    margin, _, _ = geometry(meta, HEIGHT)
    height = max(HEIGHT, margin["t"] + margin["b"] + BAR_PX * max(len(bars), 1))
    layout = base_layout(wrap(title, 70), note_lines, legend_rows=0, height=height, left=left, axis_title_rows=1)
    top = max((b.value for b in bars), default=0.0)
    value_range = list(SCALES[unit]) if unit in SCALES else [0, top * 1.22 if top > 0 else 1]
    ticktext = [f"<b>{b.label}</b>" if b.kind == "own" else b.label for b in bars]
    layout.update(
        barmode="overlay",  # one bar per category: overlay keeps each bar centred on its label
        bargap=0.25,
        hovermode="closest",
        xaxis={
            "title": {"text": unit_axis(unit, language), "standoff": 8},
            "range": value_range,
            "tickformat": ",~f",
            "gridcolor": "#E3E3E3",
            "zeroline": True,
            "zerolinecolor": "#777777",
            "linecolor": "#777777",
            "tickfont": {"size": FONT_SIZE - 2},
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "tickvals": labels,
            "ticktext": ticktext,
            "ticks": "",
            "showgrid": False,
            "tickfont": {"size": FONT_SIZE - 2},
        },
    )
    return go.Figure(data=data, layout=layout)


def table(caption: str, bars: list[Bar], missing: list[Missing], unit: str, language: str) -> ChartTable:
    """The bars in the drawn order, then the regions without a bar, SSB's symbol and why."""
    out = [(b.label, fmt.value(b.value, unit), b.remark) for b in bars]
    out += [(m.name, m.mark.symbol, m.why) for m in missing]
    return ChartTable(
        columns=(
            words.t("chart.region", language),
            unit_axis(unit, language) or words.t("chart.value", language),
            words.t("chart.remark", language),
        ),
        rows=tuple(out),
        caption=caption,
        legend=symbols.legend((m.mark for m in missing), language),
    )


def values_sentence(bars: list[Bar], unit: str) -> str:
    """«Trondheim 3,0 %, KOSTRA-gruppe 12 (snitt) 2,8 %, …» in the drawn order, for the alt text."""
    return ", ".join(f"{b.label} {fmt.value(b.value, unit)}" for b in bars)
