"""User-survey charts ("survey"): the answer distribution per dimension as 100 % stacked bars.

Low 1–2, middle 3–4, high 5–6, from the shares the survey importer stores (tilstand/ingest/survey.py).
Reads through `observation_public_in`, so a dimension hidden for having too few answers never reaches a
figure or a table; the chart names it instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import plotly.graph_objects as go

from tilstand import catalog, fmt, symbols, words
from tilstand.charts._data import Prefetch, latest
from tilstand.charts._data import region as read_region
from tilstand.charts._data import values as read_values
from tilstand.charts._layout import FONT_SIZE, base_layout, flowing_legend_rows, wrap
from tilstand.charts._model import COMPARE_DEFAULT, Chart, ChartDef, ChartTable, answer_limit
from tilstand.charts._words import about, kind_title, percent, source
from tilstand.words import join

RESPONDENTS = "bu_antall_svar"
# Survey bands: (indicator suffix, colour, text colour with ≥ 4.5:1 contrast on it, pattern for greyscale).
# Vermilion and blue are about as dark in greyscale, so the low band is hatched as well.
BANDS = (
    ("andel_lav", "#D55E00", "#000000", "/"),
    ("andel_middels", "#BBBBBB", "#000000", ""),
    ("andel_hoy", "#0072B2", "#FFFFFF", ""),
)


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
    """One 100 % stacked bar per dimension for the report year; hidden dimensions named in a note.

    The distribution is the municipality's own survey, so `compare`, `peers` and `prefetch` do not apply.
    """
    dims = list(chart.indicators)
    wanted = [f"{d}_{band}" for d in dims for band, *_ in BANDS]
    ctx = read_region(con, region)
    values = read_values(con, [ctx.code], [*wanted, RESPONDENTS], year)
    names = _dimension_names(dims, language)
    shares: dict[str, tuple[float, float, float]] = {}
    hidden, missing = [], []
    for d in dims:
        got = [values.get((ctx.code, f"{d}_{band}", year)) for band, *_ in BANDS]
        if all(v is not None and v.value is not None for v in got):
            shares[d] = tuple(v.value for v in got)  # type: ignore[union-attr, assignment]
        elif any(v is not None for v in got):
            hidden.append(d)
        else:
            missing.append(d)
    n = values.get((ctx.code, RESPONDENTS, year))
    respondents = n.value if n is not None and shares else None
    limit = answer_limit(RESPONDENTS)
    notes = []
    if hidden:
        notes.append(words.t("chart.bu_hidden", language, dims=join([names[d] for d in hidden], language), limit=limit))
    if missing and shares:
        notes.append(words.t("chart.bu_missing", language, dims=join([names[d] for d in missing], language), year=year))
    if not shares:
        notes.append(words.t("chart.bu_none", language, name=ctx.name, year=year))
    title = f"{kind_title(chart, language, words.t('chart.bu_title', language))} – {year}"
    subtitle = (
        f"{ctx.name}, " + words.t("chart.n_answers", language, n=fmt.number(respondents)) if respondents else ctx.name
    )
    indicator = catalog.indicators()[dims[0]]
    used = [v for (_, _, y), v in values.items() if y == year]
    source_line = source(indicator, any(v.sample and v.value is not None for v in used), language)
    return Chart(
        definition=chart,
        figure=_survey_figure(title, subtitle, dims, names, shares, notes, language),
        alt=_survey_alt(title, dims, names, shares, respondents, notes, language),
        source=source_line,
        empty=not shares,
        table=_survey_table(ctx.name, year, dims, names, shares, hidden, language),
        about=about(
            words.t("chart.bu_definition", language),
            source_line,
            latest(v.imported_at for v in used if v.value is not None),
            language,
        ),
    )


def _dimension_names(dims: Sequence[str], language: str) -> dict[str, str]:
    """«Brukerundersøkelse: Tilgjengelighet» -> «Tilgjengelighet»: the chart title already says survey."""
    inds = catalog.indicators()
    out = {}
    for d in dims:
        out[d] = inds[d].name_in(language).split(": ", 1)[-1]
    return out


def _bands(language: str, *, in_sentence: bool = False) -> tuple[str, ...]:
    """The three answer groups, low to high: as a legend («Lite fornøyd (1–2)») or in a sentence («lite fornøyd»)."""
    if in_sentence:
        return tuple(words.t(f"chart.band_word.{b}", language) for b in ("low", "middle", "high"))
    return tuple(words.t(f"chart.band.{b}", language) for b in ("low", "middle", "high"))


def _survey_figure(
    title: str,
    subtitle: str,
    dims: list[str],
    names: dict[str, str],
    shares: dict[str, tuple[float, float, float]],
    notes: list[str],
    language: str,
) -> go.Figure:
    drawn = [d for d in dims if d in shares]
    y = [names[d] for d in drawn]
    bands = _bands(language)
    traces = []
    for i, (_, color, text_color, pattern) in enumerate(BANDS):
        x = [shares[d][i] for d in drawn]
        traces.append(
            {
                "type": "bar",
                "x": x,
                "y": y,
                "orientation": "h",
                "name": bands[i],
                "text": [percent(v) for v in x],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textangle": 0,
                "textfont": {"color": text_color, "size": FONT_SIZE - 1},
                "marker": {
                    "color": color,
                    "line": {"color": "#FFFFFF", "width": 1},
                    "pattern": {
                        "shape": pattern,
                        "fgcolor": "#FFFFFF",
                        "fgopacity": 0.45,
                        "size": 9,
                        "solidity": 0.25,
                        "fillmode": "overlay",
                    },
                },
                "hovertemplate": "%{y}: %{x:.0f} %<extra>%{fullData.name}</extra>",
            }
        )
    axis = {
        "range": [0, 100],
        "dtick": 20,
        "ticksuffix": f"{fmt.NBSP}%",
        "domain": [0.3, 1.0],
        "title": {"text": words.t("chart.share_axis", language), "font": {"size": FONT_SIZE - 1}, "standoff": 8},
        "gridcolor": "#E3E3E3",
        "zeroline": False,
        "linecolor": "#777777",
        "ticks": "outside",
        "tickcolor": "#777777",
        "tickfont": {"size": FONT_SIZE - 2},
    }
    yaxis = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": y,
        "autorange": "reversed",
        "ticklabelstandoff": 8,
        "ticks": "",
        "tickfont": {"size": FONT_SIZE - 2},
    }
    legend = [str(t["name"]) for t in traces] if drawn else []
    return go.Figure(
        data=traces,
        layout=_layout(
            title,
            subtitle,
            notes,
            legend,
            axis,
            yaxis,
            barmode="stack",
            bargap=0.3,
            uniformtext={"minsize": FONT_SIZE - 4, "mode": "hide"},
        ),
    )


def _survey_alt(
    title: str,
    dims: list[str],
    names: dict[str, str],
    shares: dict[str, tuple[float, float, float]],
    respondents: float | None,
    notes: list[str],
    language: str,
) -> str:
    head = f"{words.t('chart.bar_chart', language)}: {title} ({words.t('chart.bu_scale', language)})"
    parts = [head + (f", {words.t('chart.n_answers', language, n=fmt.number(respondents))}." if respondents else ".")]
    for d in dims:
        if d in shares:
            bands = [
                f"{percent(v)} {word}" for v, word in zip(shares[d], _bands(language, in_sentence=True), strict=False)
            ]
            parts.append(f"{names[d]}: {join(bands, language)}.")
    return " ".join(parts + notes)


def _survey_table(
    name: str,
    year: int,
    dims: list[str],
    names: dict[str, str],
    shares: dict[str, tuple[float, float, float]],
    hidden: list[str],
    language: str,
) -> ChartTable:
    hidden_text = words.t("chart.hidden_cell", language, limit=answer_limit(RESPONDENTS))
    rows = []
    marks = []
    for d in dims:
        m = (
            None
            if d in shares
            else symbols.Mark(symbols.HIDDEN, "few_answers")
            if d in hidden
            else symbols.NOT_IMPORTED
        )
        cells = [percent(v) for v in shares[d]] if m is None else [m.symbol] * len(BANDS)
        remark = "" if m is None else hidden_text if d in hidden else words.t("chart.no_figure", language)
        rows.append((names[d], *cells, remark))
        marks.append(m)
    return ChartTable(
        columns=(words.t("chart.dimension", language), *_bands(language), words.t("chart.remark", language)),
        rows=tuple(rows),
        caption=words.t("chart.bu_caption", language, name=name, year=year),
        legend=symbols.legend(marks, language),
    )


def _layout(
    title: str, subtitle: str, notes: list[str], legend: list[str], xaxis: dict, yaxis: dict, **extra: object
) -> dict:
    """Title and a smaller subtitle top left; the legend and the note below the x axis. The category labels
    sit inside the plot, left of the x axis' domain, not in the margin, so a caller that re-places legend and
    note (charts.without_title) never cuts them."""
    note_lines = [line for n in notes if n for line in wrap(n, 105)]
    layout = base_layout(
        wrap(title, 70),
        note_lines,
        legend_rows=flowing_legend_rows(legend),
        left=20,
        axis_title_rows=1,
        subtitle=subtitle,
    )
    layout.update(hovermode="closest", xaxis=xaxis, yaxis=yaxis, **extra)
    return layout
