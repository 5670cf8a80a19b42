"""Members charts: an intermunicipal child welfare service as a whole and each member municipality.

Bars for the report year: the service's own figure (stored under the service id by the Bufdir importer;
the monitor computes it from the members, and Tilstand never adds members up itself) and each member,
the own member in its blue. A region in no service gives an empty chart.

The service's figure is hidden by the store itself (tilstand/suppression.py) when a member's hidden
count could be isolated from it, so the chart draws only what observation_public shows. For a size
(count, 1 000 kroner) the service's figure is the members' total: it is left out, never set beside them.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from tilstand import catalog, words
from tilstand.charts._data import Prefetch, latest, rows
from tilstand.charts._model import COMPARE_DEFAULT, SIZE_UNITS, Chart, ChartDef, mark
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
    """The service and its members in the report year; `compare` and `peers` do not apply (the members are
    the comparison)."""
    if len(chart.indicators) != 1:
        raise ValueError(f"a members chart shows one indicator; {chart.id!r} has {len(chart.indicators)}")
    indicator = catalog.indicators()[chart.indicators[0]]
    if prefetch is None:
        prefetch = Prefetch(con, region, year, (), service_indicators=[indicator.id])
    found = prefetch.members(indicator.id)
    title_base = chart.title(language)
    if not found:
        name = next((r["name"] for r in rows(con, "region", code=region)), region)
        note = words.t("chart.not_member", language, name=name)
        source_line = source(indicator, False, language)
        return Chart(
            definition=chart,
            figure=figure(title_base, [], indicator.unit, [note], language),
            alt=f"{words.t('chart.bar_chart', language)}: {title_base}. {note}",
            source=source_line,
            empty=True,
            table=table(note, [], [], indicator.unit, language),
            about=about(indicator.definition_in(language), source_line, None, language),
        )
    service = found[0]  # the query puts the service first
    members = found[1:]
    size = indicator.unit in SIZE_UNITS  # the service's count is the members' total: no bar beside them
    service_value, service_why = (None, None) if size else _service_total(service, members, language, indicator.area)
    own_is_service = service["region_code"] == region
    bars: list[Bar] = []
    missing: list[Missing] = []
    used: list[dict] = []
    label = words.t("chart.whole_service", language, name=service["region_name"])
    if service_value is not None:
        bars.append(Bar(label, service_value, "own" if own_is_service else "reference"))
        used.append(service)
    elif service_why is not None:
        missing.append(Missing(service["region_name"], service_why, mark(service["status"], indicator.area)))
    member_bars = []
    for m in members:
        if m["value"] is None:
            present = m["indicator_id"] is not None
            status = m["status"] if present else None
            missing.append(
                Missing(
                    m["region_name"],
                    reason(status, language, short=True, area=indicator.area),
                    mark(status, indicator.area),
                )
            )
            continue
        used.append(m)
        own = m["region_code"] == region
        member_bars.append(
            Bar(
                m["region_name"],
                m["value"],
                "own" if own else "other",
                words.t("chart.own_region", language) if own else "",
            )
        )
    bars += ranked(member_bars, indicator.better)  # the service on top, then its members best first
    notes = [not_shown(missing, language)]
    if size:
        notes.append(words.t("chart.no_service_size", language))
    elif service["indicator_id"] is None:
        notes.append(words.t("chart.no_service_total", language, year=year))
    title = words.t("chart.members_title", language, title=title_base, service=service["region_name"], year=year)
    source_line = source(indicator, any(r["sample"] for r in used), language)
    scale = scale_text(indicator.unit, language)
    alt = [f"{words.t('chart.bar_chart', language)}: {title}" + (f", {scale}." if scale else ".")]
    if bars:
        alt.append(f"{words.t('chart.values', language)}: {values_sentence(bars, indicator.unit)}.")
    alt += [n for n in notes if n]
    return Chart(
        definition=chart,
        figure=figure(title, bars, indicator.unit, notes, language),
        alt=" ".join(alt),
        source=source_line,
        empty=not bars,
        table=table(
            words.t("chart.bar_caption", language, title=title_base, year=year), bars, missing, indicator.unit, language
        ),
        about=about(indicator.definition_in(language), source_line, latest(r["imported_at"] for r in used), language),
    )


def _service_total(
    service: dict, members: list[dict], language: str, area: str | None = None
) -> tuple[float | None, str | None]:
    """The service's shown value, or None and why (None, None: the source has no service figure)."""
    if service["indicator_id"] is None:
        return None, None
    if service["value"] is None:  # hidden by the store when a member's hidden count could be isolated
        return None, reason(service["status"], language, short=True, area=area)
    return service["value"], None
