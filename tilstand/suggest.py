"""Suggested sentences a child welfare leader can insert into a chapter with one click.

Built on the service profile (tilstand.profile.build), so every number has already been through the
suppression rule: a hidden or missing value never becomes a number in a sentence. This year's value
hidden gives only "the number is hidden" (no change, comparison or trend); last year's hidden drops
the change clause; a hidden comparison drops that clause.

The wording lives in jinja2 templates, one file per language (report_templates/suggestions/nb.j2 and
nn.j2), one macro per sentence kind: `level` (this year, change from last year, the country),
`comparison` (the KOSTRA group, judged by the indicator's direction), `trend` (first to last year
over at least TREND_MIN_YEARS years with a value) and `hidden`. Numbers are formatted by the
templates' `value` filter (tilstand.fmt.value), the same format as the rest of the app.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import duckdb
import jinja2

from tilstand import fmt, profile, resources, words
from tilstand.privacy import is_hidden
from tilstand.profile import COUNT_UNITS, ProfileRow, Value

LANGUAGES = words.LANGUAGES
TEMPLATE_DIR = resources.REPORT_TEMPLATES / "suggestions"
TREND_MIN_YEARS = 5


@dataclass(frozen=True)
class Suggestion:
    indicator_id: str
    text: str


def _value_filter(value: float | int | None, unit: str) -> str:
    if value is None:  # a hidden or missing value must be left out by the caller, never printed
        raise ValueError("suggestion template asked to format a missing value")
    return fmt.value(value, unit)


def _number_filter(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        raise ValueError("suggestion template asked to format a missing value")
    return fmt.number(value, decimals)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=False,  # plain text into a chapter, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters["value"] = _value_filter
    env.filters["number"] = _number_filter
    return env


def _macros(language: str):
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    return environment().get_template(f"{language}.j2").module


def _tidy(text: str) -> str:
    # Collapse template line breaks and indentation, but keep the non-breaking spaces of numbers.
    return re.sub(r"[ \t\r\n]+", " ", str(text)).strip()


def _rounded(value: float, unit: str):
    return fmt.round_half_up(value, fmt.UNIT_DECIMALS.get(unit, 1))


def _relation(a: float, b: float, unit: str) -> str:
    """'higher' | 'lower' | 'same', compared as shown (rounded to the unit's decimals)."""
    ra, rb = _rounded(a, unit), _rounded(b, unit)
    return "same" if ra == rb else ("higher" if ra > rb else "lower")


def _shown(v: Value) -> float | None:
    return v.value if v.shown else None


def _sentences(row: ProfileRow, year: int, group_name: str, language: str) -> list[str]:
    m = _macros(language)
    ind = row.indicator
    name = ind.name_in(language)
    unit = ind.unit
    own = _shown(row.own)
    if own is None:
        return [m.hidden(name=name, year=year)] if is_hidden(row.own.status) else []
    is_count = unit in COUNT_UNITS
    previous = _shown(row.previous)
    direction = None
    if previous is not None:
        direction = {"higher": "up", "lower": "down", "same": "same"}[_relation(own, previous, unit)]
    # A count or an amount in 1000 kr is a size: the country's or the group's total says nothing.
    country = None if is_count else _shown(row.country)
    out = [m.level(name=name, year=year, own=own, unit=unit, previous=previous, direction=direction, country=country)]
    group = None if is_count else _shown(row.group)
    if group is not None and group_name:
        better = ind.better if ind.better in ("higher", "lower") else "neutral"
        out.append(
            m.comparison(
                group_name=group_name, group=group, unit=unit, relation=_relation(own, group, unit), better=better
            )
        )
    points = [(y, v) for y, v in row.trend if v is not None and y <= year]
    if len(points) >= TREND_MIN_YEARS and points[-1][0] == year:
        (y0, v0), (y1, v1) = points[0], points[-1]
        out.append(
            m.trend(first_year=y0, first=v0, last_year=y1, last=v1, unit=unit, same=_relation(v1, v0, unit) == "same")
        )
    return [_tidy(s) for s in out]


def for_indicators(
    con: duckdb.DuckDBPyConnection, region: str, year: int, indicator_ids: Sequence[str], language: str = "nb"
) -> list[Suggestion]:
    """One suggestion per indicator that has something to say, in the order asked for.

    The text is the indicator's sentences joined by a space; an indicator with no value (and nothing
    hidden) or unknown to the profile gives no suggestion.
    """
    _macros(language)  # fail early on an unknown language
    p = profile.build(con, region, year)
    rows = {r.indicator.id: r for r in p.rows}
    group_name = p.names.get("group", "") if p.kostra_group else ""
    out: list[Suggestion] = []
    seen: set[str] = set()
    for ind_id in indicator_ids:
        if ind_id in seen or ind_id not in rows:
            continue
        seen.add(ind_id)
        sentences = _sentences(rows[ind_id], year, group_name, language)
        if sentences:
            out.append(Suggestion(ind_id, " ".join(sentences)))
    return out
