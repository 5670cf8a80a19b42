"""10-FAKTOR charts ("tenfactor"): the ten factors (1–5) on one dot plot.

This year and last year for the own municipality and one comparison average. Which average depends on what
exists: the leader's peers, else a stored county or country value, else the mean of the KOSTRA group's other
municipalities that have numbers in this store, else none (and a note says so). A dot plot, not grouped
bars: thirty bars in 480 px are too thin to read, while three marker shapes on one row per factor read in
greyscale too.

Reads through `observation_public_in`, so a value hidden for having too few answers never reaches a figure,
a table or a mean; the chart names what is hidden instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import plotly.graph_objects as go

from tilstand import catalog, fmt, symbols, words
from tilstand.charts._data import Prefetch, Region, Value, Values, kostra_group_members, latest
from tilstand.charts._data import region as read_region
from tilstand.charts._data import values as read_values
from tilstand.charts._layout import FONT_SIZE, STYLE, base_layout, flowing_legend_rows, wrap
from tilstand.charts._model import COMPARE_DEFAULT, SCALES, Chart, ChartDef, ChartTable, answer_limit
from tilstand.charts._words import about, kind_title, scale_text, source, unit_axis
from tilstand.words import join

OWN = STYLE["own"]["color"]
COMPARISON_COLOR = {
    "peers": STYLE["peers"]["color"],
    "county": STYLE["county"]["color"],
    "country": STYLE["country"]["color"],
    "members": STYLE["group"]["color"],
}
RESPONDENTS = "tf_antall_svar"


@dataclass(frozen=True)
class _Comparison:
    role: str  # peers | county | country | members
    label: str  # legend and table: «Snitt sammenligningskommuner (4)»
    phrase: str  # in a sentence: «snittet for sammenligningskommunene (4)»
    values: dict[str, float]  # factor -> mean or stored value (shown values only)
    used: tuple[Value, ...]  # the values it rests on (for the date)


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
    """The ten factors this year, last year and against one comparison average (see the module docstring);
    reads its own two years, so `prefetch` does not apply."""
    factors = list(chart.indicators)
    ctx = read_region(con, region)
    peers = [p for p in dict.fromkeys(peers) if p != ctx.code] if "peers" in compare else []
    regions = [ctx.code, *peers, *([ctx.county] if ctx.county else []), "EAK"]
    values = read_values(con, regions, [*factors, RESPONDENTS], year)
    comparison = _comparison(con, values, ctx, factors, year, language, compare, peers)
    title = f"{kind_title(chart, language, words.t('chart.tf_title', language))} – {year}"
    names = _factor_names(factors, language)
    own = {y: {f: values.get((ctx.code, f, y)) for f in factors} for y in (year - 1, year)}
    shown = {y: {f: v.value for f, v in own[y].items() if v is not None and v.value is not None} for y in own}
    notes = _tenfactor_notes(ctx.name, own, names, comparison, language)
    n = values.get((ctx.code, RESPONDENTS, year))
    subtitle = (
        words.t("chart.respondents", language, name=ctx.name, year=year, n=fmt.number(n.value))
        if n is not None and n.value is not None and shown[year]
        else ""
    )
    indicator = catalog.indicators()[factors[0]]
    used = [v for y in own for v in own[y].values() if v is not None] + list(comparison.used if comparison else ())
    source_line = source(indicator, any(v.sample and v.value is not None for v in used), language)
    return Chart(
        definition=chart,
        figure=_tenfactor_figure(title, subtitle, ctx.name, year, factors, names, shown, comparison, notes, language),
        alt=_tenfactor_alt(title, ctx.name, year, factors, names, shown, comparison, notes, language),
        source=source_line,
        empty=not (shown[year] or shown[year - 1]),
        table=_tenfactor_table(ctx.name, year, factors, names, own, comparison, language),
        about=about(
            words.t("chart.tf_definition", language),
            source_line,
            latest(v.imported_at for v in used if v.value is not None),
            language,
        ),
    )


def _factor_names(factors: Sequence[str], language: str) -> dict[str, str]:
    inds = catalog.indicators()
    return {f: inds[f].name_in(language) for f in factors}


def _comparison(
    con: duckdb.DuckDBPyConnection,
    values: Values,
    ctx: Region,
    factors: Sequence[str],
    year: int,
    language: str,
    compare: Sequence[str],
    peers: Sequence[str],
) -> _Comparison | None:
    """The first comparison that has numbers: peers' mean, county, country, the KOSTRA group's mean.

    The group's members are read only when it comes to them: most municipalities stop earlier."""
    if "peers" in compare and peers:
        found = _mean(values, peers, factors, year)
        if found:
            means, used, n = found
            return _Comparison(
                "peers",
                words.t("chart.tf_peers", language, n=n),
                words.t("chart.tf_peers_phrase", language, n=n),
                means,
                used,
            )
    for role, code in (("county", ctx.county), ("country", "EAK")):
        if role in compare and code:
            got = {f: values.get((code, f, year)) for f in factors}
            stored = {f: v.value for f, v in got.items() if v is not None and v.value is not None}
            if stored:
                label = read_region(con, code).name
                return _Comparison(role, label, label, stored, tuple(v for v in got.values() if v))
    if "group" in compare:
        members = kostra_group_members(con, ctx.code, year)
        found = _mean(read_values(con, members, factors, year), members, factors, year) if members else None
        if found:
            means, used, n = found
            return _Comparison(
                "members",
                words.t("chart.tf_members", language, n=n),
                words.t("chart.tf_members_phrase", language, n=n),
                means,
                used,
            )
    return None


def _mean(
    values: Values, regions: Sequence[str], factors: Sequence[str], year: int
) -> tuple[dict[str, float], tuple[Value, ...], int] | None:
    """Per factor the unweighted mean of the regions' shown values, and how many regions had any."""
    means: dict[str, float] = {}
    used: list[Value] = []
    contributing: set[str] = set()
    for f in factors:
        got = [
            (r, values[(r, f, year)])
            for r in regions
            if (r, f, year) in values and values[(r, f, year)].value is not None
        ]
        if got:
            means[f] = sum(v.value for _, v in got if v.value is not None) / len(got)
            used += [v for _, v in got]
            contributing |= {r for r, _ in got}
    return (means, tuple(used), len(contributing)) if means else None


def _tenfactor_notes(
    name: str,
    own: dict[int, dict[str, Value | None]],
    names: dict[str, str],
    comparison: _Comparison | None,
    language: str,
) -> list[str]:
    limit = answer_limit(RESPONDENTS)
    out = []
    all_hidden = []
    for y in sorted(own):
        hidden = [f for f, v in own[y].items() if v is not None and v.value is None]
        missing = [f for f, v in own[y].items() if v is None]
        if hidden and len(hidden) + len(missing) == len(own[y]):
            all_hidden.append(str(y))
        elif hidden:
            out.append(
                words.t(
                    "chart.hidden_some",
                    language,
                    name=name,
                    year=y,
                    factors=join([names[f] for f in hidden], language),
                    limit=limit,
                )
            )
        elif len(missing) == len(own[y]):
            out.append(words.t("chart.no_data_year", language, name=name, year=y))
    if all_hidden:
        out.insert(0, words.t("chart.hidden_all", language, name=name, year=join(all_hidden, language), limit=limit))
    if comparison is None:
        out.append(words.t("chart.no_comparison", language))
    return out


def _tenfactor_figure(
    title: str,
    subtitle: str,
    name: str,
    year: int,
    factors: list[str],
    names: dict[str, str],
    shown: dict[int, dict[str, float]],
    comparison: _Comparison | None,
    notes: list[str],
    language: str,
) -> go.Figure:
    y = [names[f] for f in factors]
    this, last = shown[year], shown[year - 1]
    link_x: list[float | None] = []
    link_y: list[str | None] = []
    for f in factors:  # a thin line from last year to this year shows the direction of change
        if f in this and f in last:
            link_x += [last[f], this[f], None]
            link_y += [names[f], names[f], None]
    hover = "%{y}: %{x:.2f}<extra>%{fullData.name}</extra>"
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": link_x,
            "y": link_y,
            "mode": "lines",
            "line": {"color": "#9A9A9A", "width": 2},
            "showlegend": False,
            "hoverinfo": "skip",
            "name": "",
        },
        {
            "type": "scatter",
            "x": [last.get(f) for f in factors],
            "y": y,
            "mode": "markers",
            "name": words.t("chart.last_year", language, name=name, year=year - 1),
            "legendrank": 2,
            "hovertemplate": hover,
            "marker": {"symbol": "circle-open", "size": 13, "color": OWN, "line": {"width": 2.5}},
        },
    ]
    if comparison is not None:
        traces.append(
            {
                "type": "scatter",
                "x": [comparison.values.get(f) for f in factors],
                "y": y,
                "mode": "markers",
                "name": comparison.label,
                "legendrank": 3,
                "hovertemplate": hover,
                "marker": {
                    "symbol": "diamond",
                    "size": 13,
                    "color": COMPARISON_COLOR[comparison.role],
                    "line": {"width": 1, "color": "#FFFFFF"},
                },
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": [this.get(f) for f in factors],
            "y": y,
            "mode": "markers",
            "name": words.t("chart.this_year", language, name=name, year=year),
            "legendrank": 1,
            "hovertemplate": hover,
            "marker": {"symbol": "circle", "size": 15, "color": OWN, "line": {"width": 1, "color": "#FFFFFF"}},
        }
    )
    for trace in traces:  # the axis is exactly the scale, 1–5: a dot on 1 or 5 is drawn whole, not clipped
        trace["cliponaxis"] = False
    axis = {
        "range": list(SCALES["score_1_5"]),
        "dtick": 0.5,
        "tickformat": ",~f",
        "domain": [0.41, 1.0],
        "title": {"text": unit_axis("score_1_5", language), "font": {"size": FONT_SIZE - 1}, "standoff": 8},
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
        "showgrid": True,
        "gridcolor": "#F0F0F0",
        "ticks": "",
        "tickfont": {"size": FONT_SIZE - 2},
    }
    legend = [t["name"] for t in traces if t.get("showlegend", True)]
    return go.Figure(data=traces, layout=_layout(title, subtitle, notes, legend, axis, yaxis))


def _tenfactor_alt(
    title: str,
    name: str,
    year: int,
    factors: list[str],
    names: dict[str, str],
    shown: dict[int, dict[str, float]],
    comparison: _Comparison | None,
    notes: list[str],
    language: str,
) -> str:
    """What changed most since last year, and where the service is above or below the comparison."""
    this, last = shown[year], shown[year - 1]
    parts = [f"{words.t('chart.dot_plot', language)}: {title}, {scale_text('score_1_5', language)}."]
    rounded = {f: _change(this[f], last[f]) for f in factors if f in this and f in last}
    biggest = sorted((f for f in rounded if rounded[f]), key=lambda f: (-abs(rounded[f]), factors.index(f)))[:3]
    if biggest:
        items = [
            words.t(
                "chart.change_item",
                language,
                factor=names[f],
                change=fmt.change(rounded[f], "score_1_5"),
                value=fmt.value(this[f], "score_1_5"),
            )
            for f in biggest
        ]
        parts.append(words.t("chart.changed", language, last=year - 1, year=year, items=join(items, language)))
    elif rounded:
        parts.append(words.t("chart.no_change", language, last=year - 1, year=year))
    if comparison is not None and this:
        parts.append(_position_sentence(name, this, comparison, names, factors, language))
    parts += notes
    return " ".join(parts)


def _position_sentence(
    name: str, this: dict[str, float], comparison: _Comparison, names: dict[str, str], factors: list[str], language: str
) -> str:
    """«Trondheim ligger over snittet (…) på 7 av 10 faktorer; under på A og B», compared as shown (1 decimal)."""
    both = [f for f in factors if f in this and f in comparison.values]
    sign = {
        f: (fmt.round_half_up(this[f], 1) > fmt.round_half_up(comparison.values[f], 1))
        - (fmt.round_half_up(this[f], 1) < fmt.round_half_up(comparison.values[f], 1))
        for f in both
    }
    above = [f for f in both if sign[f] > 0]
    below = [f for f in both if sign[f] < 0]
    equal = [f for f in both if sign[f] == 0]
    text = words.t("chart.above", language, name=name, what=comparison.phrase, k=len(above), n=len(both))
    rest = []
    if below:
        rest.append(words.t("chart.below_on", language, factors=join([names[f] for f in below], language)))
    if equal:
        rest.append(words.t("chart.equal_on", language, factors=join([names[f] for f in equal], language)))
    if rest:
        return text + "; " + "; ".join(rest) + "."
    return f"{text} {words.t('chart.none_below', language)}."


def _change(now: float, before: float) -> float:
    """The change between the values as shown (one decimal), so 4,3 against 4,4 reads −0,1, never 0,0."""
    return float(fmt.round_half_up(now, 1) - fmt.round_half_up(before, 1))


def _tenfactor_table(
    name: str,
    year: int,
    factors: list[str],
    names: dict[str, str],
    own: dict[int, dict[str, Value | None]],
    comparison: _Comparison | None,
    language: str,
) -> ChartTable:
    columns = [
        words.t("chart.factor", language),
        words.t("chart.this_year", language, name=name, year=year),
        words.t("chart.last_year", language, name=name, year=year - 1),
        words.t("chart.change", language),
    ]
    if comparison is not None:
        columns.append(comparison.label)
    columns.append(words.t("chart.remark", language))
    rows = []
    marks: list[symbols.Mark | None] = []

    def cell(v: Value | None) -> str:  # the number, or SSB's symbol (hidden: too few answers)
        m = symbols.NOT_IMPORTED if v is None else symbols.mark(v.value, v.status, area="tenfactor")
        marks.append(m)
        return m.symbol if m else fmt.value(v.value, "score_1_5")  # type: ignore[union-attr]

    for f in factors:
        now, before = own[year][f], own[year - 1][f]
        a = now.value if now is not None else None
        b = before.value if before is not None else None
        row = [names[f], cell(now), cell(before)]
        if a is not None and b is not None:
            row.append(fmt.change(_change(a, b), "score_1_5") or "0,0")
        else:  # the change is as unknown as the year without a number
            row.append(row[1] if a is None else row[2])
        if comparison is not None:
            got = comparison.values.get(f)
            row.append(cell(Value(got, None, False, None)) if got is not None else cell(None))
        hidden_years = [str(y) for y, v in ((year, now), (year - 1, before)) if v is not None and v.value is None]
        row.append(
            words.t("chart.hidden_in", language, years=join(hidden_years, language), limit=answer_limit(RESPONDENTS))
            if hidden_years
            else ""
        )
        rows.append(tuple(row))
    vs = " " + words.t("chart.tf_caption_vs", language, label=comparison.phrase) if comparison else ""
    return ChartTable(
        columns=tuple(columns),
        rows=tuple(rows),
        caption=words.t("chart.tf_caption", language, name=name, year=year, last=year - 1, vs=vs),
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
