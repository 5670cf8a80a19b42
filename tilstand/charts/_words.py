"""The sentence builders every chart kind shares: a list of years, the source line, the «about» line, why a
value is missing, a chart's heading.

The words themselves are in the message catalogs (tilstand/messages/*.toml, `[chart]` and its subtables,
read through tilstand.words), with the words the DOCX and the app also say (`[comparison]`, `[verdict]`,
`[source.origin]`, `[symbol]`) written once there; lists, months and dates come from words.join/date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from tilstand import catalog, fmt, symbols, words
from tilstand.charts._model import SCALES, ChartDef, mark

# Why no image could be made: said to the leader (in bokmål, the app's language) in the DOCX and the app.
RENDER_ERRORS = {
    "no_browser": "fant ikke Chromium (installer pakken chromium eller sett BROWSER_PATH)",
    "start_timeout": "Chromium startet ikke innen {seconds:.0f} sekunder",
    "start_failed": "Chromium kunne ikke startes: {error}",
    "render_timeout": "Chromium svarte ikke innen {seconds:.0f} sekunder",
    "render_failed": "diagrammet kunne ikke tegnes: {error}",
}


def years(found: Iterable[int], language: str) -> str:
    """[2015, 2016, 2017, 2019, 2024] -> '2015–2017, 2019 og 2024'."""
    runs: list[list[int]] = []
    for y in sorted(found):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    items: list[str] = []
    for r in runs:  # three or more years in a row read better as a span
        items.extend([f"{r[0]}–{r[-1]}"] if len(r) > 2 else [str(y) for y in r])
    return words.join(items, language)


def reason(status: str | None, language: str, *, short: bool = False, area: str | None = None) -> str:
    """Why a value is not shown, in the report language (tilstand/symbols.py); `short` drops the rule in
    brackets. `area` (the indicator's catalogue area) says what there were too few of.

    None means no row at all (nothing imported).
    """
    return symbols.explain(mark(status, area), language, short=short)


def scale_text(unit: str, language: str = "nb") -> str:
    """«skala 1–6» for a score (the same in bokmål and nynorsk), '' for any other unit."""
    low, high = SCALES.get(unit, (None, None))
    return words.t("chart.scale", language, low=low, high=high) if low is not None else ""


def unit_axis(unit: str, language: str) -> str:
    """The value axis' title for a unit ('' for a unit without one)."""
    axis = words.section("chart.axis", language)
    return axis.get(unit, "")


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


def source(indicator: catalog.Indicator, sample: bool, language: str) -> str:
    """«Kilde: SSB, tabell 12275 (KOSTRA). Eksempeldata.» — the SSB tables behind it, or the source's name."""
    if indicator.origin in catalog.SSB_ORIGINS:
        tables = _tables(indicator.id)
        kostra = [n for n, k in tables if k]
        other = [n for n, k in tables if not k]
        groups = []
        if kostra:
            groups.append(f"{words.t('chart.table', language)} {words.join(kostra, language)} (KOSTRA)")
        if other:
            groups.append(f"{words.t('chart.table', language)} {words.join(other, language)}")
        text = "SSB, " + "; ".join(groups) if groups else "SSB"
    else:
        origins = words.section("source.origin", language)
        text = origins.get(indicator.origin, indicator.source)
    line = f"{words.t('chart.source', language)}: {text}."
    return f"{line} {words.t('chart.sample', language)}" if sample else line


def about(definition: str, source_line: str, latest: date | datetime | None, language: str) -> str:
    """«Definisjon: … Kilde: … Sist oppdatert 25. november 2026.» — one line under every chart."""
    parts = []
    definition = definition.strip()
    if definition:
        parts.append(
            f"{words.t('chart.definition', language)}: {definition}" + ("" if definition.endswith(".") else ".")
        )
    parts.append(source_line)
    if latest is not None:
        day = latest.date() if isinstance(latest, datetime) else latest
        parts.append(f"{words.t('chart.updated', language)} {words.date(day, language)}.")
    return " ".join(parts)


def not_shown(missing: Iterable[tuple[str, str]], language: str) -> str:
    """«Ikke vist: Tydal (skjult av personvernhensyn), Holtålen (tall mangler).» from (name, why) pairs
    ('' when none)."""
    items = [f"{name} ({why})" for name, why in missing]
    return words.t("chart.not_shown", language, items=", ".join(items)) if items else ""


def heading(kind: str, title: str, first: int, year: int, language: str) -> str:
    """A chart's heading under the indicator on an area page: what this view of the numbers shows."""
    headings = words.section("chart.heading", language)
    return headings[kind].format(title=title, first=first, year=year) if kind in headings else title


def kind_title(chart: ChartDef, language: str, default: str) -> str:
    """The registry title of a chart over many indicators (10-FAKTOR, user surveys). An untitled registry row
    falls back to the first indicator's name, which would name one factor or dimension only, so such a kind
    has its own default title (`default`, already in the language)."""
    first = catalog.indicators().get(chart.indicators[0]) if chart.indicators else None
    title = chart.title(language)
    if not title.strip() or first is None or title in (first.name_nb, first.name_nn):
        return default
    return title


def percent(v: float) -> str:
    """«42 %»: a share of answers, whole percent."""
    return fmt.number(v, 0) + f"{fmt.NBSP}%"
