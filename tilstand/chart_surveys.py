"""The 10-FAKTOR and user-survey chart kinds ("tenfactor", "survey") for tilstand.charts.

10-FAKTOR: the ten factors (1–5) on one dot plot: this year and last year for the own municipality and
one comparison average. Which average depends on what exists: the leader's peers, else a stored county
or country value, else the mean of the KOSTRA group's other municipalities that have numbers in this
store, else none (and a note says so). A dot plot, not grouped bars: thirty bars in 480 px are too thin
to read, while three marker shapes on one row per factor read in greyscale too.

Survey: the answer distribution per dimension as 100 % stacked bars (low 1–2, middle 3–4, high 5–6),
from the shares the survey importer stores (tilstand/ingest/survey.py).

Both read through `observation_public_in`, so a value hidden for having too few answers never reaches a
figure, a table or a mean; the chart names what is hidden instead. `tilstand.charts.build` dispatches
here (imported lazily there: this module imports tilstand.charts).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import plotly.graph_objects as go

from tilstand import catalog, fmt, queries, symbols
from tilstand.charts import (FONT, FONT_SIZE, HEIGHT, NOTE_SIZE, SCALES, STYLE, TEXT, TITLE_SIZE, UNIT_AXIS, WIDTH,
                             Chart, ChartDef, ChartTable, _source, date_text, scale_text)

OWN = STYLE["own"]["color"]
COMPARISON_COLOR = {"peers": "#CC79A7", "county": STYLE["county"]["color"], "country": STYLE["country"]["color"],
                    "members": STYLE["group"]["color"]}
RESPONDENTS = {"tenfactor": "tf_antall_svar", "survey": "bu_antall_svar"}
# Survey bands: (indicator suffix, colour, text colour with ≥ 4.5:1 contrast on it, pattern for greyscale).
# Vermilion and blue are about as dark in greyscale, so the low band is hatched as well.
BANDS = (("andel_lav", "#D55E00", "#000000", "/"), ("andel_middels", "#BBBBBB", "#000000", ""),
         ("andel_hoy", "#0072B2", "#FFFFFF", ""))

WORDS = {
    "nb": {
        "tf_title": "10-FAKTOR: de ti faktorene",
        "this_year": "{name} {year}",
        "last_year": "{name} i fjor ({year})",
        "peers": "Snitt sammenligningskommuner ({n})",
        "members": "Snitt kommuner i KOSTRA-gruppen i Tilstand ({n})",
        "peers_phrase": "snittet for sammenligningskommunene ({n})",
        "members_phrase": "snittet for kommunene i KOSTRA-gruppen som har tall i Tilstand ({n})",
        "no_comparison": "Ingen sammenligning: ingen tall for sammenligningskommuner, fylket, landet eller "
                         "andre kommuner i KOSTRA-gruppen.",
        "hidden_all": "Ikke vist: for få svar for {name} i {year} (færre enn {limit}).",
        "hidden_some": "Ikke vist for {name} i {year}: {factors} (for få svar, færre enn {limit}).",
        "missing": "Ingen tall for {name} i {year}.",
        "respondents": "{name} {year}: {n} svar",
        "dot_plot": "Punktdiagram",
        "changed": "Størst endring fra {last} til {year}: {items}.",
        "no_change": "Ingen faktor endret seg fra {last} til {year} (avrundet til én desimal).",
        "change_item": "{factor} ({change}, til {value})",
        "above": "{name} ligger over {what} på {k} av {n} faktorer",
        "below_on": "under på {factors}",
        "equal_on": "likt på {factors}",
        "none_below": "og ikke under på noen",
        "factor": "Faktor",
        "change": "Endring",
        "remark": "Merknad",
        "hidden_cell": "skjult: for få svar (færre enn {limit})",
        "hidden_in": "skjult i {years}: for få svar (færre enn {limit})",
        "tf_caption": "10-FAKTOR for {name}: de ti faktorene i {year} og {last}{vs}, skala 1–5.",
        "tf_caption_vs": " og {label}",
        "tf_definition": "Hver faktor er gjennomsnittet av de ansattes svar på faktorens spørsmål, på skalaen fra "
                         "1 (svært uenig) til 5 (svært enig). Kommunens tall er vektet med antall svar i hver "
                         "enhet.",
        "bu_title": "Brukerundersøkelse: hvor fornøyde brukerne er",
        "bands": ("Lite fornøyd (1–2)", "Middels (3–4)", "Svært fornøyd (5–6)"),
        "band_words": ("lite fornøyd", "middels", "svært fornøyd"),
        "n_answers": "N = {n} svar",
        "bar_chart": "Stolpediagram",
        "bu_hidden": "Ikke vist: {dims} (for få svar, færre enn {limit}).",
        "bu_missing": "Ingen tall for {dims} i {year}.",
        "bu_none": "Ingen svarfordeling for {name} i {year}.",
        "dimension": "Dimensjon",
        "share_axis": "Prosent av svarene",
        "bu_caption": "Svarfordeling i brukerundersøkelsen for {name} i {year}, i prosent av svarene per dimensjon.",
        "bu_scale": "svar på skala 1–6 i tre grupper",
        "bu_definition": "Andelen av svarene på dimensjonens spørsmål som er 1–2, 3–4 og 5–6 på skalaen 1–6 (6 er "
                         "best). «Vet ikke» telles ikke med. Tilgjengelighet bygger på foreldrenes svar, de andre "
                         "dimensjonene på svar fra barn, unge og foreldre.",
        "definition": "Definisjon",
        "updated": "Sist oppdatert",
    },
    "nn": {
        "tf_title": "10-FAKTOR: dei ti faktorane",
        "this_year": "{name} {year}",
        "last_year": "{name} i fjor ({year})",
        "peers": "Snitt samanlikningskommunar ({n})",
        "members": "Snitt kommunar i KOSTRA-gruppa i Tilstand ({n})",
        "peers_phrase": "snittet for samanlikningskommunane ({n})",
        "members_phrase": "snittet for kommunane i KOSTRA-gruppa som har tal i Tilstand ({n})",
        "no_comparison": "Inga samanlikning: ingen tal for samanlikningskommunar, fylket, landet eller andre "
                         "kommunar i KOSTRA-gruppa.",
        "hidden_all": "Ikkje vist: for få svar for {name} i {year} (færre enn {limit}).",
        "hidden_some": "Ikkje vist for {name} i {year}: {factors} (for få svar, færre enn {limit}).",
        "missing": "Ingen tal for {name} i {year}.",
        "respondents": "{name} {year}: {n} svar",
        "dot_plot": "Punktdiagram",
        "changed": "Størst endring frå {last} til {year}: {items}.",
        "no_change": "Ingen faktor endra seg frå {last} til {year} (avrunda til éin desimal).",
        "change_item": "{factor} ({change}, til {value})",
        "above": "{name} ligg over {what} på {k} av {n} faktorar",
        "below_on": "under på {factors}",
        "equal_on": "likt på {factors}",
        "none_below": "og ikkje under på nokon",
        "factor": "Faktor",
        "change": "Endring",
        "remark": "Merknad",
        "hidden_cell": "skjult: for få svar (færre enn {limit})",
        "hidden_in": "skjult i {years}: for få svar (færre enn {limit})",
        "tf_caption": "10-FAKTOR for {name}: dei ti faktorane i {year} og {last}{vs}, skala 1–5.",
        "tf_caption_vs": " og {label}",
        "tf_definition": "Kvar faktor er gjennomsnittet av svara frå dei tilsette på spørsmåla i faktoren, på "
                         "skalaen frå 1 (svært ueinig) til 5 (svært einig). Tala for kommunen er vekta med talet "
                         "på svar i kvar eining.",
        "bu_title": "Brukarundersøking: kor nøgde brukarane er",
        "bands": ("Lite nøgde (1–2)", "Middels (3–4)", "Svært nøgde (5–6)"),
        "band_words": ("lite nøgde", "middels", "svært nøgde"),
        "n_answers": "N = {n} svar",
        "bar_chart": "Stolpediagram",
        "bu_hidden": "Ikkje vist: {dims} (for få svar, færre enn {limit}).",
        "bu_missing": "Ingen tal for {dims} i {year}.",
        "bu_none": "Inga svarfordeling for {name} i {year}.",
        "dimension": "Dimensjon",
        "share_axis": "Prosent av svara",
        "bu_caption": "Svarfordeling i brukarundersøkinga for {name} i {year}, i prosent av svara per dimensjon.",
        "bu_scale": "svar på skala 1–6 i tre grupper",
        "bu_definition": "Delen av svara på spørsmåla i dimensjonen som er 1–2, 3–4 og 5–6 på skalaen 1–6 (6 er "
                         "best). «Veit ikkje» blir ikkje talde med. Tilgjenge byggjer på svara frå foreldra, dei "
                         "andre dimensjonane på svar frå born, unge og foreldre.",
        "definition": "Definisjon",
        "updated": "Sist oppdatert",
    },
}


# --- reading the store --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    code: str
    name: str
    county: str | None


@dataclass(frozen=True)
class _Value:
    value: float | None  # None: hidden or a symbol
    status: str | None
    sample: bool
    imported_at: datetime | None


Values = dict[tuple[str, str, int], _Value]  # (region, indicator, year) -> value


def _region(con: duckdb.DuckDBPyConnection, code: str) -> _Region:
    df = queries.run(con, "region", code=code)
    if df.is_empty():
        return _Region(code, code, None)
    r = df.row(0, named=True)
    return _Region(r["code"], r["name"], r["county_code"])


def _values(con: duckdb.DuckDBPyConnection, regions: Iterable[str], indicators: Iterable[str], year: int) -> Values:
    """Public values in the report year and the year before. The regions go in as a plain list: the
    suppression macro then filters before it scans (see queries/chart_regions.sql)."""
    df = queries.run(con, "chart_values", regions=list(dict.fromkeys(regions)), indicators=list(indicators),
                     from_year=year - 1, to_year=year)
    return {(v["region_code"], v["indicator_id"], v["year"]): _Value(v["value"], v["status"], v["sample"],
                                                                     v["imported_at"])
            for v in df.iter_rows(named=True)}


def _limit(kind: str) -> int:
    """The anonymity limit in answers (5): the respondent count's min_count + 1."""
    return catalog.indicators()[RESPONDENTS[kind]].min_count + 1


def _about(definition: str, source: str, used: Iterable[_Value], language: str) -> str:
    """«Definisjon: … Kilde: … Sist oppdatert 25. november 2026.», dated by the newest value shown."""
    w = WORDS[language]
    latest = max((v.imported_at for v in used if v.imported_at is not None and v.value is not None), default=None)
    parts = [f"{w['definition']}: {definition}", source]
    if latest is not None:
        parts.append(f"{w['updated']} {date_text(latest.date())}.")
    return " ".join(parts)


def _title(chart: ChartDef, language: str, default_key: str) -> str:
    """The registry title; an untitled registry row falls back to the first indicator's name, which would
    name one factor or dimension only, so this kind has its own default."""
    first = catalog.indicators().get(chart.indicators[0]) if chart.indicators else None
    title = chart.title(language)
    if not title.strip() or first is None or title in (first.name_nb, first.name_nn):
        return WORDS[language][default_key]
    return title


def _join(items: Sequence[str], language: str) -> str:
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {TEXT[language]['and']} " + items[-1]


def _percent(v: float) -> str:
    return fmt.number(v, 0) + f"{fmt.NBSP}%"


# --- 10-FAKTOR ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Comparison:
    role: str  # peers | county | country | members
    label: str  # legend and table: «Snitt sammenligningskommuner (4)»
    phrase: str  # in a sentence: «snittet for sammenligningskommunene (4)»
    values: dict[str, float]  # factor -> mean or stored value (shown values only)
    used: tuple[_Value, ...]  # the values it rests on (for the date)


def build_tenfactor(con: duckdb.DuckDBPyConnection, chart: ChartDef, region: str, year: int, language: str, *,
                    compare: Sequence[str], peers: Sequence[str]) -> Chart:
    """The ten factors this year, last year and against one comparison average (see the module docstring)."""
    factors = list(chart.indicators)
    ctx = _region(con, region)
    peers = [p for p in dict.fromkeys(peers) if p != ctx.code] if "peers" in compare else []
    regions = [ctx.code, *peers, *([ctx.county] if ctx.county else []), "EAK"]
    values = _values(con, regions, [*factors, RESPONDENTS["tenfactor"]], year)
    comparison = _comparison(con, values, ctx, factors, year, language, compare, peers)
    title = f"{_title(chart, language, 'tf_title')} – {year}"
    names = _factor_names(factors, language)
    own = {y: {f: values.get((ctx.code, f, y)) for f in factors} for y in (year - 1, year)}
    shown = {y: {f: v.value for f, v in own[y].items() if v is not None and v.value is not None} for y in own}
    notes = _tenfactor_notes(ctx.name, own, names, comparison, language)
    n = values.get((ctx.code, RESPONDENTS["tenfactor"], year))
    subtitle = WORDS[language]["respondents"].format(name=ctx.name, year=year, n=fmt.number(n.value)) \
        if n is not None and n.value is not None and shown[year] else ""
    indicator = catalog.indicators()[factors[0]]
    used = [v for y in own for v in own[y].values() if v is not None] + list(comparison.used if comparison else ())
    source = _source(indicator, any(v.sample and v.value is not None for v in used), language)
    return Chart(
        definition=chart,
        figure=_tenfactor_figure(title, subtitle, ctx.name, year, factors, names, shown, comparison, notes,
                                 language),
        alt=_tenfactor_alt(title, ctx.name, year, factors, names, shown, comparison, notes, language),
        source=source,
        empty=not (shown[year] or shown[year - 1]),
        table=_tenfactor_table(ctx.name, year, factors, names, own, comparison, language),
        about=_about(WORDS[language]["tf_definition"], source, used, language),
    )


def _factor_names(factors: Sequence[str], language: str) -> dict[str, str]:
    inds = catalog.indicators()
    return {f: (inds[f].name_nn or inds[f].name_nb) if language == "nn" else inds[f].name_nb for f in factors}


def _comparison(con: duckdb.DuckDBPyConnection, values: Values, ctx: _Region, factors: Sequence[str], year: int,
                language: str, compare: Sequence[str], peers: Sequence[str]) -> _Comparison | None:
    """The first comparison that has numbers: peers' mean, county, country, the KOSTRA group's mean.

    The group's members are read only when it comes to them: most municipalities stop earlier."""
    w = WORDS[language]
    if "peers" in compare and peers:
        found = _mean(values, peers, factors, year)
        if found:
            means, used, n = found
            return _Comparison("peers", w["peers"].format(n=n), w["peers_phrase"].format(n=n), means, used)
    for role, code in (("county", ctx.county), ("country", "EAK")):
        if role in compare and code:
            got = {f: values.get((code, f, year)) for f in factors}
            stored = {f: v.value for f, v in got.items() if v is not None and v.value is not None}
            if stored:
                label = _region(con, code).name
                return _Comparison(role, label, label, stored, tuple(v for v in got.values() if v))
    if "group" in compare:
        members = queries.run(con, "kostra_group_members", region=ctx.code, year=year)["region_code"].to_list()
        found = _mean(_values(con, members, factors, year), members, factors, year) if members else None
        if found:
            means, used, n = found
            return _Comparison("members", w["members"].format(n=n), w["members_phrase"].format(n=n), means, used)
    return None


def _mean(values: Values, regions: Sequence[str], factors: Sequence[str],
          year: int) -> tuple[dict[str, float], tuple[_Value, ...], int] | None:
    """Per factor the unweighted mean of the regions' shown values, and how many regions had any."""
    means: dict[str, float] = {}
    used: list[_Value] = []
    contributing: set[str] = set()
    for f in factors:
        got = [(r, values[(r, f, year)]) for r in regions
               if (r, f, year) in values and values[(r, f, year)].value is not None]
        if got:
            means[f] = sum(v.value for _, v in got) / len(got)
            used += [v for _, v in got]
            contributing |= {r for r, _ in got}
    return (means, tuple(used), len(contributing)) if means else None


def _tenfactor_notes(name: str, own: dict[int, dict[str, _Value | None]], names: dict[str, str],
                     comparison: _Comparison | None, language: str) -> list[str]:
    w = WORDS[language]
    limit = _limit("tenfactor")
    out = []
    all_hidden = []
    for y in sorted(own):
        hidden = [f for f, v in own[y].items() if v is not None and v.value is None]
        missing = [f for f, v in own[y].items() if v is None]
        if hidden and len(hidden) + len(missing) == len(own[y]):
            all_hidden.append(str(y))
        elif hidden:
            out.append(w["hidden_some"].format(name=name, year=y, factors=_join([names[f] for f in hidden],
                                                                                    language), limit=limit))
        elif len(missing) == len(own[y]):
            out.append(w["missing"].format(name=name, year=y))
    if all_hidden:
        out.insert(0, w["hidden_all"].format(name=name, year=_join(all_hidden, language), limit=limit))
    if comparison is None:
        out.append(w["no_comparison"])
    return out


def _tenfactor_figure(title: str, subtitle: str, name: str, year: int, factors: list[str], names: dict[str, str],
                      shown: dict[int, dict[str, float]], comparison: _Comparison | None, notes: list[str],
                      language: str) -> go.Figure:
    w = WORDS[language]
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
        {"type": "scatter", "x": link_x, "y": link_y, "mode": "lines", "line": {"color": "#9A9A9A", "width": 2},
         "showlegend": False, "hoverinfo": "skip", "name": ""},
        {"type": "scatter", "x": [last.get(f) for f in factors], "y": y, "mode": "markers",
         "name": w["last_year"].format(name=name, year=year - 1), "legendrank": 2, "hovertemplate": hover,
         "marker": {"symbol": "circle-open", "size": 13, "color": OWN, "line": {"width": 2.5}}},
    ]
    if comparison is not None:
        traces.append({"type": "scatter", "x": [comparison.values.get(f) for f in factors], "y": y,
                       "mode": "markers", "name": comparison.label, "legendrank": 3, "hovertemplate": hover,
                       "marker": {"symbol": "diamond", "size": 13, "color": COMPARISON_COLOR[comparison.role],
                                  "line": {"width": 1, "color": "#FFFFFF"}}})
    traces.append({"type": "scatter", "x": [this.get(f) for f in factors], "y": y, "mode": "markers",
                   "name": w["this_year"].format(name=name, year=year), "legendrank": 1, "hovertemplate": hover,
                   "marker": {"symbol": "circle", "size": 15, "color": OWN, "line": {"width": 1, "color": "#FFFFFF"}}})
    for trace in traces:  # the axis is exactly the scale, 1–5: a dot on 1 or 5 is drawn whole, not clipped
        trace["cliponaxis"] = False
    axis = {"range": list(SCALES["score_1_5"]), "dtick": 0.5, "tickformat": ",~f", "domain": [0.41, 1.0],
            "title": {"text": UNIT_AXIS[language]["score_1_5"], "font": {"size": FONT_SIZE - 1}, "standoff": 8}, "gridcolor": "#E3E3E3", "zeroline": False,
            "linecolor": "#777777", "ticks": "outside", "tickcolor": "#777777", "tickfont": {"size": FONT_SIZE - 2}}
    yaxis = {"type": "category", "categoryorder": "array", "categoryarray": y, "autorange": "reversed",
             "ticklabelstandoff": 8,
             "showgrid": True, "gridcolor": "#F0F0F0", "ticks": "", "tickfont": {"size": FONT_SIZE - 2}}
    legend = [t["name"] for t in traces if t.get("showlegend", True)]
    return go.Figure(data=traces, layout=_layout(title, subtitle, notes, legend, axis, yaxis))


def _tenfactor_alt(title: str, name: str, year: int, factors: list[str], names: dict[str, str],
                   shown: dict[int, dict[str, float]], comparison: _Comparison | None, notes: list[str],
                   language: str) -> str:
    """What changed most since last year, and where the service is above or below the comparison."""
    w = WORDS[language]
    this, last = shown[year], shown[year - 1]
    parts = [f"{w['dot_plot']}: {title}, {scale_text('score_1_5')}."]
    rounded = {f: _change(this[f], last[f]) for f in factors if f in this and f in last}
    biggest = sorted((f for f in rounded if rounded[f]), key=lambda f: (-abs(rounded[f]), factors.index(f)))[:3]
    if biggest:
        items = [w["change_item"].format(factor=names[f], change=fmt.change(rounded[f], "score_1_5"),
                                         value=fmt.value(this[f], "score_1_5")) for f in biggest]
        parts.append(w["changed"].format(last=year - 1, year=year, items=_join(items, language)))
    elif rounded:
        parts.append(w["no_change"].format(last=year - 1, year=year))
    if comparison is not None and this:
        parts.append(_position_sentence(name, this, comparison, names, factors, language))
    parts += notes
    return " ".join(parts)


def _position_sentence(name: str, this: dict[str, float], comparison: _Comparison, names: dict[str, str],
                       factors: list[str], language: str) -> str:
    """«Trondheim ligger over snittet (…) på 7 av 10 faktorer; under på A og B», compared as shown (1 decimal)."""
    w = WORDS[language]
    both = [f for f in factors if f in this and f in comparison.values]
    sign = {f: (fmt.round_half_up(this[f], 1) > fmt.round_half_up(comparison.values[f], 1)) -
            (fmt.round_half_up(this[f], 1) < fmt.round_half_up(comparison.values[f], 1)) for f in both}
    above = [f for f in both if sign[f] > 0]
    below = [f for f in both if sign[f] < 0]
    equal = [f for f in both if sign[f] == 0]
    text = w["above"].format(name=name, what=comparison.phrase, k=len(above), n=len(both))
    rest = []
    if below:
        rest.append(w["below_on"].format(factors=_join([names[f] for f in below], language)))
    if equal:
        rest.append(w["equal_on"].format(factors=_join([names[f] for f in equal], language)))
    if rest:
        return text + "; " + "; ".join(rest) + "."
    return f"{text} {w['none_below']}."


def _change(now: float, before: float) -> float:
    """The change between the values as shown (one decimal), so 4,3 against 4,4 reads −0,1, never 0,0."""
    return float(fmt.round_half_up(now, 1) - fmt.round_half_up(before, 1))


def _tenfactor_table(name: str, year: int, factors: list[str], names: dict[str, str],
                     own: dict[int, dict[str, _Value | None]], comparison: _Comparison | None,
                     language: str) -> ChartTable:
    w = WORDS[language]
    columns = [w["factor"], w["this_year"].format(name=name, year=year),
               w["last_year"].format(name=name, year=year - 1), w["change"]]
    if comparison is not None:
        columns.append(comparison.label)
    columns.append(w["remark"])
    rows = []
    marks: list[symbols.Mark | None] = []

    def cell(v: _Value | None) -> str:  # the number, or SSB's symbol (hidden: too few answers)
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
            row.append(cell(_Value(got, None, False, None)) if got is not None else cell(None))
        hidden_years = [str(y) for y, v in ((year, now), (year - 1, before)) if v is not None and v.value is None]
        row.append(w["hidden_in"].format(years=_join(hidden_years, language), limit=_limit("tenfactor"))
                   if hidden_years else "")
        rows.append(tuple(row))
    vs = w["tf_caption_vs"].format(label=comparison.phrase) if comparison else ""
    return ChartTable(columns=tuple(columns), rows=tuple(rows),
                      caption=w["tf_caption"].format(name=name, year=year, last=year - 1, vs=vs),
                      legend=symbols.legend(marks, language))


# --- user survey: answer distribution -----------------------------------------------------------


def build_survey(con: duckdb.DuckDBPyConnection, chart: ChartDef, region: str, year: int, language: str, *,
                 compare: Sequence[str], peers: Sequence[str]) -> Chart:
    """One 100 % stacked bar per dimension for the report year; hidden dimensions named in a note.

    The distribution is the municipality's own survey, so `compare` and `peers` do not apply.
    """
    w = WORDS[language]
    dims = list(chart.indicators)
    wanted = [f"{d}_{band}" for d in dims for band, *_ in BANDS]
    ctx = _region(con, region)
    values = _values(con, [ctx.code], [*wanted, RESPONDENTS["survey"]], year)
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
    n = values.get((ctx.code, RESPONDENTS["survey"], year))
    respondents = n.value if n is not None and shares else None
    limit = _limit("survey")
    notes = []
    if hidden:
        notes.append(w["bu_hidden"].format(dims=_join([names[d] for d in hidden], language), limit=limit))
    if missing and shares:
        notes.append(w["bu_missing"].format(dims=_join([names[d] for d in missing], language), year=year))
    if not shares:
        notes.append(w["bu_none"].format(name=ctx.name, year=year))
    title = f"{_title(chart, language, 'bu_title')} – {year}"
    subtitle = f"{ctx.name}, " + w["n_answers"].format(n=fmt.number(respondents)) if respondents else ctx.name
    indicator = catalog.indicators()[dims[0]]
    used = [v for (_, _, y), v in values.items() if y == year]
    source = _source(indicator, any(v.sample and v.value is not None for v in used), language)
    return Chart(
        definition=chart,
        figure=_survey_figure(title, subtitle, dims, names, shares, notes, language),
        alt=_survey_alt(title, dims, names, shares, respondents, notes, language),
        source=source,
        empty=not shares,
        table=_survey_table(ctx.name, year, dims, names, shares, hidden, language),
        about=_about(w["bu_definition"], source, used, language),
    )


def _dimension_names(dims: Sequence[str], language: str) -> dict[str, str]:
    """«Brukerundersøkelse: Tilgjengelighet» -> «Tilgjengelighet»: the chart title already says survey."""
    inds = catalog.indicators()
    out = {}
    for d in dims:
        full = (inds[d].name_nn or inds[d].name_nb) if language == "nn" else inds[d].name_nb
        out[d] = full.split(": ", 1)[-1]
    return out


def _survey_figure(title: str, subtitle: str, dims: list[str], names: dict[str, str],
                   shares: dict[str, tuple[float, float, float]], notes: list[str], language: str) -> go.Figure:
    w = WORDS[language]
    drawn = [d for d in dims if d in shares]
    y = [names[d] for d in drawn]
    traces = []
    for i, (_, color, text_color, pattern) in enumerate(BANDS):
        x = [shares[d][i] for d in drawn]
        traces.append({
            "type": "bar", "x": x, "y": y, "orientation": "h", "name": w["bands"][i],
            "text": [_percent(v) for v in x], "textposition": "inside", "insidetextanchor": "middle",
            "textangle": 0, "textfont": {"color": text_color, "size": FONT_SIZE - 1},
            "marker": {"color": color, "line": {"color": "#FFFFFF", "width": 1},
                       "pattern": {"shape": pattern, "fgcolor": "#FFFFFF", "fgopacity": 0.45, "size": 9,
                                   "solidity": 0.25, "fillmode": "overlay"}},
            "hovertemplate": "%{y}: %{x:.0f} %<extra>%{fullData.name}</extra>"})
    axis = {"range": [0, 100], "dtick": 20, "ticksuffix": f"{fmt.NBSP}%", "domain": [0.3, 1.0],
            "title": {"text": w["share_axis"], "font": {"size": FONT_SIZE - 1}, "standoff": 8}, "gridcolor": "#E3E3E3", "zeroline": False,
            "linecolor": "#777777", "ticks": "outside", "tickcolor": "#777777", "tickfont": {"size": FONT_SIZE - 2}}
    yaxis = {"type": "category", "categoryorder": "array", "categoryarray": y, "autorange": "reversed",
             "ticklabelstandoff": 8,
             "ticks": "", "tickfont": {"size": FONT_SIZE - 2}}
    legend = [t["name"] for t in traces] if drawn else []
    return go.Figure(data=traces, layout=_layout(title, subtitle, notes, legend, axis, yaxis, barmode="stack",
                                                 bargap=0.3, uniformtext={"minsize": FONT_SIZE - 4, "mode": "hide"}))


def _survey_alt(title: str, dims: list[str], names: dict[str, str], shares: dict[str, tuple[float, float, float]],
                respondents: float | None, notes: list[str], language: str) -> str:
    w = WORDS[language]
    head = f"{w['bar_chart']}: {title} ({w['bu_scale']})"
    parts = [head + (f", {w['n_answers'].format(n=fmt.number(respondents))}." if respondents else ".")]
    for d in dims:
        if d in shares:
            bands = [f"{_percent(v)} {word}" for v, word in zip(shares[d], w["band_words"])]
            parts.append(f"{names[d]}: {_join(bands, language)}.")
    return " ".join(parts + notes)


def _survey_table(name: str, year: int, dims: list[str], names: dict[str, str],
                  shares: dict[str, tuple[float, float, float]], hidden: list[str], language: str) -> ChartTable:
    w = WORDS[language]
    hidden_text = w["hidden_cell"].format(limit=_limit("survey"))
    rows = []
    marks = []
    for d in dims:
        m = None if d in shares else symbols.Mark(symbols.HIDDEN, "few_answers") if d in hidden else symbols.NOT_IMPORTED
        cells = [_percent(v) for v in shares[d]] if m is None else [m.symbol] * len(BANDS)
        remark = "" if m is None else hidden_text if d in hidden else TEXT[language]["no_figure"]
        rows.append((names[d], *cells, remark))
        marks.append(m)
    return ChartTable(columns=(w["dimension"], *w["bands"], w["remark"]), rows=tuple(rows),
                      caption=w["bu_caption"].format(name=name, year=year), legend=symbols.legend(marks, language))


# --- layout -------------------------------------------------------------------------------------


def _layout(title: str, subtitle: str, notes: list[str], legend: list[str], xaxis: dict, yaxis: dict,
            **extra: object) -> dict:
    """Title (and a smaller subtitle) top left; the legend and the note below the x axis at fixed pixel
    distances for a HEIGHT-px figure. The category labels sit inside the plot, left of the x axis' domain,
    not in the margin, so a caller that re-places legend and note (charts.without_title) never cuts them.

    A dict for go.Figure(layout=…): plotly's update_layout re-validates every key and costs ~20 ms a chart.
    """
    title_lines = textwrap.wrap(title, 70) or [""]
    note_lines = [line for n in notes for line in textwrap.wrap(n, 105)]
    legend_width = sum(len(n) * (FONT_SIZE - 1) * 0.5 + 50 for n in legend)
    legend_rows = int(legend_width // (WIDTH - 40)) + 1 if legend else 0
    top = 30 + 26 * (len(title_lines) + bool(subtitle))
    ticks, axis_title = 34, 30  # as charts._geometry, so charts.without_title re-places them the same way
    legend_px, notes_px = 28 * legend_rows, 19 * len(note_lines)
    bottom = ticks + axis_title + legend_px + (notes_px + 12 if notes_px else 0) + 10
    plot = max(HEIGHT - top - bottom, 80)
    layout = {
        "template": "none",
        "title": {"text": "<br>".join(title_lines), "x": 0.015, "xanchor": "left", "y": 0.98, "yanchor": "top",
                  "font": {"size": TITLE_SIZE},
                  "subtitle": {"text": subtitle, "font": {"size": NOTE_SIZE + 1, "color": "#444444"}}},
        "font": {"family": FONT, "size": FONT_SIZE, "color": "#222222"},
        "separators": f",{fmt.NBSP}", "paper_bgcolor": "white", "plot_bgcolor": "white", "height": HEIGHT,
        "margin": {"t": top, "b": bottom, "l": 20, "r": 30, "autoexpand": False},
        "showlegend": bool(legend),
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yanchor": "top", "traceorder": "normal",
                   "font": {"size": FONT_SIZE - 1}, "y": -(ticks + axis_title) / plot},
        "hovermode": "closest", "xaxis": xaxis, "yaxis": yaxis,
        "meta": {"tilstand": {"title_lines": len(title_lines) + bool(subtitle), "note_lines": len(note_lines),
                              "legend_rows": legend_rows, "left": 20, "axis_title_rows": 1}},
        **extra,
    }
    if note_lines:
        layout["annotations"] = [{
            "text": "<br>".join(note_lines), "xref": "paper", "yref": "paper", "x": 0, "xanchor": "left",
            "y": -(ticks + axis_title + legend_px + 6) / plot, "yanchor": "top", "align": "left",
            "showarrow": False, "font": {"size": NOTE_SIZE, "color": "#333333"}}]
    return layout
