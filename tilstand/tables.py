"""Profile rows as display tables: Norwegian formatted strings, verdict words, explanations.

Kept free of Streamlit so the same table feeds the page, the CLI and (later) the DOCX report.
"""

from __future__ import annotations

from collections.abc import Iterable

from tilstand import catalog, fmt, symbols, words
from tilstand.profile import COMPARISONS, COUNT_UNITS, Profile, ProfileRow, Value
from tilstand.symbols import Mark

DIRECTION_NB = words.section("direction", "nb")  # the same words as the DOCX appendix (messages/nb.toml)
_GROUP, _COUNTY, _COUNTRY = (words.t(f"comparison.label.{c}", "nb") for c in ("group", "county", "country"))
# The profile table's column names: headings on screen and the keys of a published snapshot's rows, so always
# in bokmål (messages/*.toml [column]).
INDICATOR, VALUE, CHANGE, ASSESSMENT, TREND = (
    words.t(f"column.{c}", "nb") for c in ("indicator", "value", "change", "assessment", "trend")
)
DEFINITION, SOURCE, DIRECTION = (words.t(f"column.{c}", "nb") for c in ("definition", "source", "direction"))
COLUMNS = (INDICATOR, VALUE, CHANGE, _GROUP, _COUNTY, _COUNTRY, ASSESSMENT, TREND)


def assessment(row: ProfileRow) -> str:
    """'Bedre enn KOSTRA-gruppen og fylket; dårligere enn landet' — words, not colour alone (WCAG 1.4.1)."""
    if row.indicator.unit in COUNT_UNITS:  # a size: no comparison, no direction
        return words.t("assessment.amount" if row.indicator.unit == "nok_1000" else "assessment.count", "nb")
    if row.indicator.better == "neutral":
        return words.t("direction.neutral", "nb")
    verdicts = {c: row.verdict(c) for c in COMPARISONS}
    parts = []
    for key in ("better", "worse", "same"):
        names = [words.t(f"comparison.{c}", "nb") for c, v in verdicts.items() if v == key]
        if names:
            parts.append(f"{words.t(f'verdict.{key}', 'nb')} {words.join(names, 'nb')}")
    if not parts:
        return words.t("assessment.none", "nb")
    text = "; ".join(parts)
    return text[0].upper() + text[1:].lower().replace("kostra", "KOSTRA")


Cell = tuple[str, Mark | None]  # the text, and the symbol's reason when the text is a symbol


def own_mark(row: ProfileRow) -> Mark | None:
    """Why the municipality's own value is not shown (None: it is)."""
    if not row.own.shown and not row.indicator.applies_to("municipality"):
        return symbols.COUNTY_ONLY
    return row.own.mark


def key_cells(row: ProfileRow) -> tuple[Cell, Cell, Cell, Cell, Cell]:
    """Value, change, KOSTRA group, county, country: numbers, or SSB's symbol with its reason.

    A count or an amount has no comparisons: «.» (not applicable) rather than a total beside it, and no
    hidden mark for a comparison count withheld by the suppression rule."""
    unit = row.indicator.unit
    own = own_mark(row)
    cells: list[Cell] = [(own.symbol if own else row.own.text(unit), own)]
    if row.change is not None:
        cells.append((fmt.change(row.change, unit), None))
    else:
        why = own or row.previous.mark
        cells.append((why.symbol, why) if why else ("", None))
    for role in ("group", "county", "country"):
        v = getattr(row, role)
        cells.append((symbols.NOT_APPLICABLE, symbols.COUNT_COMPARISON) if not row.compared else (v.text(unit), v.mark))
    return tuple(cells)  # type: ignore[return-value]


def chapter_rows(profile: Profile, indicators: Iterable[str]) -> list[ProfileRow]:
    """The profile's rows for a chapter's indicators, in catalogue order.

    An indicator the chapter names but with nothing imported, for the municipality or any comparison, gets
    a row of «..» (not imported) rather than no row: the council sees that the figure is missing, and why."""
    wanted = set(indicators)
    have = {r.indicator.id: r for r in profile.rows}
    out = []
    for ind in catalog.indicators().values():
        if ind.id not in wanted or not ind.show:
            continue
        row = have.get(ind.id)
        if row is None:
            none = Value(None, None, ind.area)
            row = ProfileRow(ind, none, none, none, none, none)
        out.append(row)
    return out


def legend(rows: Iterable[ProfileRow], language: str = "nb") -> str:
    """The footnote for a table of these rows: the symbols used in it and the reasons present."""
    return symbols.legend((m for r in rows for _, m in key_cells(r)), language)


def _note(row: ProfileRow) -> str:
    """Why the value is not shown (or is SSB's zero); '' for a plain value."""
    own = own_mark(row)
    if own is not None:
        note = symbols.explain(own)
        return note[0].upper() + note[1:]
    if row.own.status == "-":
        return words.t("assessment.zero", "nb")
    return ""


def display_row(row: ProfileRow) -> dict[str, object]:
    """One indicator ready for a table widget (values already formatted), keys COLUMNS."""
    (own, _), (change, _), (group, _), (county, _), (country, _) = key_cells(row)
    return {
        INDICATOR: row.indicator.name_in("nb"),
        VALUE: own,
        CHANGE: change,
        _GROUP: group,
        _COUNTY: county,
        _COUNTRY: country,
        ASSESSMENT: _note(row) or assessment(row),
        TREND: [v for _, v in row.trend],
    }


def profile_rows(profile: Profile, area: str) -> list[dict[str, object]]:
    """One dict per indicator in an area, ready for a table widget (values already formatted)."""
    return [display_row(row) for row in profile.by_area().get(area, [])]


def area_legend(profile: Profile, area: str) -> str:
    """The footnote under an area's table (profile_rows): symbols used and the reasons present."""
    return legend(profile.by_area().get(area, []))


def definitions(profile: Profile, area: str, language: str = "nb") -> list[dict[str, str]]:
    """Name, definition (in `language`: nb or nn), source and direction for each indicator in an area."""
    return [
        {
            INDICATOR: r.indicator.name_in(language),
            DEFINITION: r.indicator.definition_in(language),
            SOURCE: catalog.source_label([r.indicator], language),
            DIRECTION: words.section("direction", language).get(r.indicator.better, ""),
        }
        for r in profile.by_area().get(area, [])
    ]


def area_title(area: str) -> str:
    return catalog.AREAS_NB.get(area, area)
