"""Position charts: where the own municipality stands among its peers in the report year.

Horizontal bars for the own municipality, each peer municipality and the chosen published averages,
best on top by the indicator's direction (`better`: higher, lower, neutral = highest first). The note
and the alt text give the rank («nr. 3 av 8, der 1 er best») and whether the own value is better or
worse than the peers' unweighted mean; a size (count) or a neutral indicator is only higher or lower.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from tilstand import catalog, fmt, words
from tilstand.charts._data import Prefetch, compare_rows, latest
from tilstand.charts._model import COMPARE_DEFAULT, REFERENCES, SIZE_UNITS, Chart, ChartDef, mark
from tilstand.charts._words import about, reason, scale_text, source
from tilstand.charts.kinds._bars import Bar, Missing, figure, not_shown, ranked, table, values_sentence


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
    """Ranks among `peers` whenever some are given; `compare` picks the reference bars (group, county,
    country), and "peers" in it adds the peers' mean as one more reference bar."""
    if len(chart.indicators) != 1:
        raise ValueError(f"a position chart shows one indicator; {chart.id!r} has {len(chart.indicators)}")
    indicator = catalog.indicators()[chart.indicators[0]]
    if prefetch is not None:
        found = prefetch.get([indicator.id], year, year, with_peers=True)
    else:
        found = compare_rows(con, region, year, year, year, [indicator.id], peers)
    # A size (count, 1 000 kroner) is ranked among municipalities only: a county's or the country's total is no bar.
    references = [] if indicator.unit in SIZE_UNITS else [r for r in REFERENCES if r in compare]
    own, bars, missing, peer_values, used = _bars(found, region, references, language, indicator.area)
    chosen = len({r["region_code"] for r in found if r["role"] == "peer"})  # known municipalities only
    mean = _mean(peer_values, chosen)
    if mean is not None and "peers" in compare:
        bars.append(
            Bar(
                words.t("comparison.peers_mean", language, n=chosen),
                mean,
                "reference",
                words.t("chart.average", language),
            )
        )
    bars = ranked(bars, indicator.better)
    unit = indicator.unit
    statements = _statements(own, bars, peer_values, mean, indicator, language) if own else []
    notes = [" ".join(statements)]
    if not peers:
        notes.append(words.t("chart.choose_peers", language))
    notes.append(not_shown(missing, language))
    title = words.t("chart.position_title", language, title=chart.title(language), year=year)
    source_line = source(indicator, any(r["sample"] for r in used), language)
    scale = scale_text(unit, language)
    alt_parts = [f"{words.t('chart.bar_chart', language)}: {title}" + (f", {scale}." if scale else ".")]
    if own is None:
        alt_parts.append(words.t("chart.no_data_year", language, name=_own_name(found, region), year=year))
    alt_parts += statements
    if bars:
        alt_parts.append(f"{words.t('chart.values', language)}: {values_sentence(bars, unit)}.")
    alt_parts += [n for n in notes[1:] if n]
    return Chart(
        definition=chart,
        figure=figure(title, bars, unit, notes, language),
        alt=" ".join(p for p in alt_parts if p),
        source=source_line,
        empty=own is None,
        table=table(
            words.t("chart.bar_caption", language, title=chart.title(language), year=year),
            bars,
            missing,
            unit,
            language,
        ),
        about=about(indicator.definition_in(language), source_line, latest(r["imported_at"] for r in used), language),
    )


def _own_name(found: list[dict], region: str) -> str:
    return next((r["region_name"] for r in found if r["role"] == "own"), region)


def _bars(
    found: list[dict], region: str, references: list[str], language: str, area: str | None = None
) -> tuple[Bar | None, list[Bar], list[Missing], list[float], list[dict]]:
    """The own bar (None when hidden or missing), all bars, the regions without one, the peers' shown
    values and the rows behind the bars (for the source and the date)."""
    own_code = next((r["region_code"] for r in found if r["role"] == "own"), region)
    own: Bar | None = None
    bars: list[Bar] = []
    missing: list[Missing] = []
    peer_values: list[float] = []
    used: list[dict] = []
    for r in found:
        role = r["role"]
        if role not in ("own", "peer") and (role not in references or r["region_code"] == own_code):
            continue  # a reference not chosen, or the own county's report compared with itself
        if r["value"] is None:
            present = r["indicator_id"] is not None
            if role in ("own", "peer") or present:  # an average the source never publishes: silently absent
                status = r["status"] if present else None
                missing.append(
                    Missing(r["region_name"], reason(status, language, short=True, area=area), mark(status, area))
                )
            continue
        used.append(r)
        if role == "own":
            own = Bar(r["region_name"], r["value"], "own", words.t("chart.own_region", language))
            bars.append(own)
        elif role == "peer":
            bars.append(Bar(r["region_name"], r["value"], "other"))
            peer_values.append(r["value"])
        else:
            bars.append(
                Bar(
                    words.t("chart.reference", language, name=r["region_name"]),
                    r["value"],
                    "reference",
                    words.t("chart.average", language),
                )
            )
    return own, bars, missing, peer_values, used


def _mean(values: list[float], chosen: int) -> float | None:
    """The peers' unweighted mean, when at least half of them have a shown value (as in the trend)."""
    if not values or len(values) * 2 < chosen:
        return None
    return sum(values) / len(values)


def _statements(
    own: Bar, bars: list[Bar], peer_values: list[float], mean: float | None, indicator: catalog.Indicator, language: str
) -> list[str]:
    """«Trondheim er nr. 3 av 8, der 1 er best.» and «Trondheim er bedre enn snittet av
    sammenligningskommunene (3,1 %).» — only when there are peers to rank among."""
    if not peer_values:
        return []
    direction = (
        indicator.better if indicator.better in ("higher", "lower") and indicator.unit not in SIZE_UNITS else "neutral"
    )
    municipalities = [b for b in bars if b.kind in ("own", "other")]
    if direction == "lower":
        ahead = sum(1 for b in municipalities if b.value < own.value)
    else:
        ahead = sum(1 for b in municipalities if b.value > own.value)
    out = [
        words.t(
            "chart.rank",
            language,
            name=own.label,
            rank=ahead + 1,
            n=len(municipalities),
            top=words.t(f"chart.top.{direction}", language),
        )
    ]
    if mean is not None:
        out.append(
            words.t(
                "chart.own_is",
                language,
                name=own.label,
                versus=words.t(f"verdict.{_versus(own.value, mean, indicator.unit, direction)}", language),
                mean=words.t("chart.peer_mean", language, value=fmt.value(mean, indicator.unit)),
            )
        )
    return out


def _versus(value: float, mean: float, unit: str, direction: str) -> str:
    """better/worse by the indicator's direction; higher/lower when it has none; same when the two
    would print the same (the keys of [verdict] in the message catalogs)."""
    if fmt.value(value, unit) == fmt.value(mean, unit):
        return "same"
    higher = value > mean
    if direction == "higher":
        return "better" if higher else "worse"
    if direction == "lower":
        return "worse" if higher else "better"
    return "higher" if higher else "lower"
