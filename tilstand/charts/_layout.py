"""How every chart looks: fonts, sizes, colours, and the figure scaffolding the kinds start from.

One look for all kinds, so a council member learns it once: the municipality always the same blue, the
comparisons thinner and dashed, fonts sized for paper, the legend and the note below the plot at fixed
pixel distances whatever the figure's height. Layouts are plain dicts for `go.Figure(layout=…)`: plotly's
update calls validate property by property and would cost more than the query.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import plotly.graph_objects as go

from tilstand import fmt

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


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def base_layout(
    title_lines: list[str],
    note_lines: list[str],
    *,
    legend_rows: int,
    height: int = HEIGHT,
    left: int = 90,
    axis_title_rows: int = 0,
    subtitle: str | None = None,
) -> dict:
    """Layout every kind starts from: fonts, Norwegian separators, title top left, the legend and the
    note below the plot at fixed pixel distances (see `geometry`).

    `subtitle` (10-FAKTOR, user surveys: who answered and how many) is a smaller line under the title;
    such a figure keeps its title just below the top edge (a non-empty subtitle takes a title line).
    """
    lines = len(title_lines) + bool(subtitle)
    meta = {
        "title_lines": lines,
        "note_lines": len(note_lines),
        "legend_rows": legend_rows,
        "left": left,
        "axis_title_rows": axis_title_rows,
    }
    margin, legend_y, note_y = geometry(meta, height)
    if subtitle is None:
        # Plotly anchors a title's first line and lets further lines grow upwards out of the figure;
        # a top pad in pixels (independent of the height) keeps them inside.
        title = {
            "text": "<br>".join(title_lines),
            "x": 0.015,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 10 + 26 * (len(title_lines) - 1)},
            "font": {"size": TITLE_SIZE},
        }
    else:
        title = {
            "text": "<br>".join(title_lines),
            "x": 0.015,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "font": {"size": TITLE_SIZE},
            "subtitle": {"text": subtitle, "font": {"size": NOTE_SIZE + 1, "color": "#444444"}},
        }
    layout: dict = {
        "template": "none",
        "title": title,
        "font": {"family": FONT, "size": FONT_SIZE, "color": "#222222"},
        "separators": f",{fmt.NBSP}",  # decimal comma, (non-breaking) space between thousands
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "height": height,
        "margin": margin,
        "showlegend": legend_rows > 0,
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "yanchor": "top",
            "traceorder": "normal",
            "font": {"size": FONT_SIZE - 1},
            "y": legend_y,
        },
        "meta": {"tilstand": meta},
    }
    if note_lines:
        layout["annotations"] = [
            {
                "text": "<br>".join(note_lines),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "xanchor": "left",
                "y": note_y,
                "yanchor": "top",
                "align": "left",
                "showarrow": False,
                "font": {"size": NOTE_SIZE, "color": "#333333"},
            }
        ]
    return layout


def legend_rows(names: Iterable[str]) -> int:
    """Rows a horizontal legend takes: plotly wraps it on its own, into columns as wide as the widest entry."""
    names = list(names)
    if not names:
        return 0
    widest = max(len(n or "") * (FONT_SIZE - 1) * 0.5 + 50 for n in names)
    per_row = max(1, int((WIDTH - 40) // widest))
    return -(-len(names) // per_row)


def flowing_legend_rows(names: Iterable[str]) -> int:
    """Rows a horizontal legend takes when its entries flow one after another (few, long entries)."""
    names = list(names)
    if not names:
        return 0
    return int(sum(len(n) * (FONT_SIZE - 1) * 0.5 + 50 for n in names) // (WIDTH - 40)) + 1


def geometry(meta: dict, height: int) -> tuple[dict, float, float]:
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


def place(fig: go.Figure, height: int) -> None:
    """Put the legend and the note below the x axis at fixed pixel distances for this figure height."""
    margin, legend_y, note_y = geometry((fig.layout.meta or {}).get("tilstand", {}), height)
    fig.update_layout(height=height, margin=margin, legend={"y": legend_y})
    if fig.layout.annotations:
        fig.layout.annotations[0].update(y=note_y)


def without_title(fig: go.Figure, height: int = 400) -> go.Figure:
    """The same chart for a page that prints the title itself as text (it wraps; plotly's title does not)."""
    out = go.Figure(fig)
    meta = dict(out.layout.meta or {})
    meta["tilstand"] = {**meta.get("tilstand", {}), "title_lines": 0}
    out.update_layout(title=None, meta=meta)
    place(out, height)
    return out
