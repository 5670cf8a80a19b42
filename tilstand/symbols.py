"""SSB's standard symbols for a cell that holds no number, and the footnotes that say why, in nb and nn.

Every table Tilstand prints (the service profile, the area pages, chart tables, the DOCX) writes a
value that is not shown as one of SSB's symbols (standardtegn i tabeller, as SSB prints them in the front
matter of its publications: «.» cannot occur, «..» missing, «...» not yet available, «:» not to be published,
«-» zero):

- ``:`` hidden for privacy. Tilstand's own suppression (status 'x') and SSB's ':' share the symbol;
  the footnote says who hid it («for få barn/ansatte/svar» for Tilstand's rule, «skjult av SSB»).
  Every cell Tilstand hides reads the same within an area, whatever rule hid it (README «Personvern»).
- ``..`` missing: the source publishes no number, SSB publishes it for counties and the country only,
  or none is imported into Tilstand; and Bufdir's own «..» (status 'x..', privacy.HIDDEN_OR_MISSING),
  which Bufdir writes both for a hidden count and for a missing one, with the footnote saying so.
- ``...`` not yet available (SSB's own symbol, kept).
- ``.`` not applicable: cannot occur (SSB), or a count set beside a county, KOSTRA group or the country,
  which Tilstand never does (a size is not compared with a total; the shares are).

A true zero is printed as the number, «0» or «0,0 %», never SSB's ``-``: a council member reads a dash
as «nothing there», a screen reader reads it as «minus», and the number keeps its unit. SSB's ``-``
is kept as the stored status (the profile says «Null (SSB-symbol -)» beside it).

`legend` gives a table's footnote: the symbols used in that table, each with the reasons present.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from tilstand import catalog, fmt, words

HIDDEN, MISSING, NOT_YET, NOT_APPLICABLE = ":", "..", "...", "."
SYMBOL_ORDER = (HIDDEN, MISSING, NOT_YET, NOT_APPLICABLE)
LANGUAGES = words.LANGUAGES
# Whose too-few a hidden value rests on, by catalogue area (the rest: children).
AREA_REASON = {"staff": "few_employees", "tenfactor": "few_answers", "user_survey": "few_answers"}
REASON_ORDER = (
    "few_children",
    "few_employees",
    "few_answers",
    "ssb_hidden",
    "bufdir_hidden_or_missing",
    "not_published",
    "county_only",
    "not_imported",
    "no_group",
    "few_peers",
    "not_yet",
    "not_applicable",
    "count_comparison",
)
BUFDIR_HIDDEN_OR_MISSING = "x.."  # privacy.HIDDEN_OR_MISSING: Bufdir's «..», hidden or missing

# The words (nb and nn) live in tilstand/messages/*.toml: a symbol's label under [symbol], a reason under
# [reason]. A reason reads after its symbol's label: «skjult av personvernhensyn: for få barn (…)». The part
# in brackets is the rule; `explain(short=True)` leaves it out (bar-chart notes, where space is short).
SYMBOL_KEY = {HIDDEN: "hidden", MISSING: "missing", NOT_YET: "not_yet", NOT_APPLICABLE: "not_applicable"}


def label(symbol: str, language: str = "nb") -> str:
    """«skjult av personvernhensyn» for «:»."""
    return words.t(f"symbol.{SYMBOL_KEY[symbol]}", language)


@dataclass(frozen=True)
class Mark:
    """What stands in a cell instead of a number, and why."""

    symbol: str
    reason: str


COUNT_COMPARISON = Mark(NOT_APPLICABLE, "count_comparison")
COUNTY_ONLY = Mark(MISSING, "county_only")
NOT_IMPORTED = Mark(MISSING, "not_imported")
NO_GROUP = Mark(MISSING, "no_group")  # a year before the first KOSTRA grouping loaded (tilstand fetch-klass)
FEW_PEERS = Mark(MISSING, "few_peers")


def mark(
    value: float | None, status: str | None, *, area: str | None = None, present: bool | None = None
) -> Mark | None:
    """The symbol and reason for a value that is not shown; None for a number to print.

    `present` says whether the store has a row at all; by default a value without number and status
    has none (the public view gives every row without a number a status)."""
    if status == "x":
        return Mark(HIDDEN, AREA_REASON.get(area or "", "few_children"))
    if status == ":":
        return Mark(HIDDEN, "ssb_hidden")
    if status == BUFDIR_HIDDEN_OR_MISSING:
        return Mark(MISSING, "bufdir_hidden_or_missing")
    if value is not None:
        return None
    if status == "...":
        return Mark(NOT_YET, "not_yet")
    if status == ".":
        return Mark(NOT_APPLICABLE, "not_applicable")
    if present is False or (present is None and status is None):
        return NOT_IMPORTED
    return Mark(MISSING, "not_published")


def cell(
    value: float | None, status: str | None, unit: str, *, area: str | None = None, present: bool | None = None
) -> str:
    """A table cell: the value in Norwegian format, or its symbol."""
    m = mark(value, status, area=area, present=present)
    return m.symbol if m else fmt.value(value, unit)


@cache
def _limits() -> dict[str, int]:
    """The catalogue's limits as a reader counts them: hidden 1–3 children; fewer than 5 employees or answers."""
    inds = catalog.indicators().values()

    def limit(areas: set[str] | None) -> int:
        counts = [
            i.min_count
            for i in inds
            if i.unit == "count"
            and i.min_count
            and (i.area in areas if areas is not None else i.area not in AREA_REASON)
        ]
        return max(counts, default=0)

    return {
        "children": limit(None),
        "employees": limit({"staff"}) + 1,
        "answers": limit({"tenfactor", "user_survey"}) + 1,
    }


def reason_text(reason: str, language: str = "nb", *, short: bool = False) -> str:
    text = words.t(f"reason.{reason}", language, **_limits())
    return text.split(" (")[0] if short else text


def explain(m: Mark, language: str = "nb", *, short: bool = False) -> str:
    """«skjult av personvernhensyn: for få barn (Tilstand skjuler 1–3 barn …)» — one cell's reason."""
    return f"{label(m.symbol, language)}: {reason_text(m.reason, language, short=short)}"


def legend(marks: Iterable[Mark | None], language: str = "nb") -> str:
    """The footnote for a table: each symbol used, with the reasons present in it ('' when none).

    «Tegnforklaring: «:» skjult av personvernhensyn: for få barn (…); skjult av SSB. «..» tall mangler:
    ikke importert i Tilstand.»"""
    by_symbol: dict[str, set[str]] = {}
    for m in marks:
        if m is not None:
            by_symbol.setdefault(m.symbol, set()).add(m.reason)
    if not by_symbol:
        return ""
    items = []
    for symbol in SYMBOL_ORDER:
        if symbol in by_symbol:
            reasons = sorted(by_symbol[symbol], key=REASON_ORDER.index)
            text = "; ".join(reason_text(r, language) for r in reasons)
            items.append(f"«{symbol}» {label(symbol, language)}: {text}.")
    return words.t("footnote.legend", language, items=" ".join(items))
