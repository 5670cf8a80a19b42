"""Line charts over the years, shared by the trend and halves kinds (not a kind itself).

One line per series (a region, or a half-year), each in its style from `_layout.STYLE`; a year without a
shown value is a gap with a note, never an interpolated point. The table has one row per series and one
column per year, and the alt text names the own line's first and last shown values and why years are gaps.
"""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go

from tilstand import fmt, symbols, words
from tilstand.charts._layout import FONT_SIZE, STYLE, base_layout, legend_rows, wrap
from tilstand.charts._model import SCALES, ChartTable, Series
from tilstand.charts._words import scale_text, unit_axis
from tilstand.charts._words import years as years_text


def from_first_year(years: list[int], series: list[Series]) -> tuple[list[int], list[Series]]:
    """Start at the first year any region has a number for (shown or hidden): a source that began in 2019
    (10-FAKTOR, the staff template) gets no row of empty years, each needing a note."""
    first = min((y for s in series for y, _, _, present in s.points if present), default=years[0])
    if first <= years[0]:
        return years, series
    return (
        [y for y in years if y >= first],
        [dataclasses.replace(s, points=tuple(p for p in s.points if p[0] >= first)) for s in series],
    )


def figure(title: str, unit: str, years: list[int], series: list[Series], language: str) -> go.Figure:
    decimals = fmt.UNIT_DECIMALS.get(unit, 1)
    suffix = fmt.UNIT_SUFFIX.get(unit, "")
    x = [str(y) for y in years]  # strings: integer years get ticks like "2,020.5"
    data = []
    for s in series:
        st = STYLE[s.role]
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": [v for _, v, _, _ in s.points],
                "name": s.name,
                "mode": "lines+markers",
                "connectgaps": False,  # a hidden year is a gap, never an interpolated point
                "line": {"color": st["color"], "width": st["width"], "dash": st["dash"]},
                "marker": {"color": st["color"], "size": st["marker"]},
                "hovertemplate": f"%{{fullData.name}}: %{{y:,.{decimals}f}}{suffix}<extra></extra>",
            }
        )
    note_lines = [line for n in _gap_notes(series, language) for line in wrap(n, 105)]
    layout = base_layout(wrap(title, 70), [n for n in note_lines if n], legend_rows=legend_rows(s.name for s in series))
    yaxis = {
        "title": {"text": unit_axis(unit, language), "standoff": 10},
        "rangemode": "tozero",
        "tickformat": ",~f",
        "gridcolor": "#E3E3E3",
        "zeroline": True,
        "zerolinecolor": "#999999",
        "linecolor": "#777777",
        "tickfont": {"size": FONT_SIZE - 2},
    }
    if unit in SCALES:  # a score: the whole scale, bottom to top (markers on the edge are not clipped)
        yaxis.update(range=list(SCALES[unit]), dtick=1, zeroline=False)
        yaxis.pop("rangemode")
        for trace in data:
            trace["cliponaxis"] = False
    layout.update(
        hovermode="x unified",
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": x,
            "range": [-0.3, len(x) - 0.7],
            "showgrid": False,
            "linecolor": "#777777",
            "ticks": "outside",
            "tickcolor": "#777777",
            "tickfont": {"size": FONT_SIZE - 2},
        },
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
    return [
        words.t("chart.note", language, name=s.name, years=years_text(years, language), reason=why)
        for s in series
        for why, years in _gaps(s, language, short=True).items()
    ]


def table(title: str, unit: str, years: list[int], series: list[Series], language: str) -> ChartTable:
    """One row per region, one column per year, and a remark naming the gaps and why."""
    out = []
    for s in series:
        remark = "; ".join(f"{years_text(ys, language)}: {why}" for why, ys in _gaps(s, language).items())
        out.append(
            (
                s.name,
                *(
                    fmt.value(v, unit) if v is not None else _mark(s, y, status, present).symbol
                    for y, v, status, present in s.points
                ),
                remark,
            )
        )
    return ChartTable(
        columns=(words.t("chart.region", language), *(str(y) for y in years), words.t("chart.remark", language)),
        rows=tuple(out),
        caption=words.t("chart.trend_caption", language, title=title, first=years[0], last=years[-1]),
        legend=symbols.legend((m for s in series for m in _gap_marks(s)), language),
    )


def alt(title: str, unit: str, years: list[int], own: Series, others: list[Series], language: str) -> str:
    """'Linjediagram: <title>, 2015–2024. Trondheim: 3,1 % i 2015 og 2,8 % i 2024. …' — shown numbers only."""
    scale = scale_text(unit, language)
    parts = [
        f"{words.t('chart.line_chart', language)}: {title}, {years[0]}–{years[-1]}" + (f", {scale}." if scale else ".")
    ]
    shown = own.shown
    if not shown:
        parts.append(words.t("chart.no_data", language, name=own.name))
        return " ".join(parts)
    (y0, v0), (y1, v1) = shown[0], shown[-1]
    first = words.t("chart.value_in", language, value=fmt.value(v0, unit), year=y0)
    if y0 == y1:
        parts.append(f"{own.name}: {first}.")
    else:
        last = words.t("chart.value_in", language, value=fmt.value(v1, unit), year=y1)
        parts.append(f"{own.name}: {words.join([first, last], language)}.")
    said = None  # a comparison in the same year as the one before it needs no year
    for s in others:
        values = dict(s.shown)
        if not values:
            continue
        y = y1 if y1 in values else max(values)
        text = (
            fmt.value(values[y], unit)
            if y == said
            else words.t("chart.value_in", language, value=fmt.value(values[y], unit), year=y)
        )
        parts.append(f"{s.name}: {text}.")
        said = y
    for m, hidden in _gap_marks(
        own
    ).items():  # «Tallene for 2018 og 2021 er skjult av personvernhensyn: for få barn (…).»
        several = len(hidden) > 1
        symbol = symbols.SYMBOL_KEY[m.symbol]
        predicate = (
            words.t(f"chart.gap_many.{symbol}", language) if several else words.t(f"chart.gap_one.{symbol}", language)
        )
        why = f"{predicate}: {symbols.reason_text(m.reason, language)}"
        parts.append(
            words.t(
                "chart.hidden_many" if several else "chart.hidden_one",
                language,
                years=years_text(hidden, language),
                reason=why,
            )
        )
    return " ".join(parts)
