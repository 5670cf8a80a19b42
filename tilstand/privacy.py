"""Small-number suppression (prikking), the way SSB and Bufdir do it, and how it is explained.

Numbers leave the store only through its `observation_public` view (tilstand/migrations.py), so the
app, the CLI and the report can only ever read suppressed numbers. Which cells it hides beyond the
cell-by-cell rule below — the complements, rates and comparison values that would give a small count
back — is decided in tilstand/suppression.py and listed in the `suppression` table. Cell by cell:
- a count of children from 1 to the indicator's `min_count` (Bufdir's monitor: 1–3) is hidden;
- SSB's own ':' (confidential) is kept as ':' and never shown as a number;
- a rate, ratio or amount per child whose underlying count (`count_indicator`) is hidden is hidden too,
  since the rate and the population would give the count back.
- staff shares and rates (competence shares, turnover, sick leave) resting on fewer than 5 people are
  stored hidden by the staff importer and hidden through their base count as well («for få ansatte»).
Statuses: None (a value), 'x' (hidden by Tilstand), SSB's symbols, and 'x..' (Bufdir's «..»: hidden or
missing, Bufdir does not tell them apart). `explain` words the reason; given the indicator's area it names
what there were too few of (children, answers, employees).
"""

from __future__ import annotations

from functools import cache

from tilstand import catalog

SUPPRESSED = "x"
# Bufdir blanks counts 1–3 and then writes every empty cell as «..», so a Bufdir «..» is hidden or missing and
# nobody can tell which. Stored as its own status, treated as hidden (it may be a small count), and kept in
# the public view so the reader learns exactly that.
HIDDEN_OR_MISSING = "x.."
HIDDEN_STATUSES = (SUPPRESSED, ":", HIDDEN_OR_MISSING)


# What SSB's symbols mean, in SSB's words (the importers store them as a cell's status).
SYMBOL_MEANING_NB = {
    ".": "tall kan ikke forekomme",
    "..": "tall mangler",
    "...": "tall mangler foreløpig",
    ":": "skjult av SSB av personvernhensyn",
    "-": "null",
}


@cache
def _explanations() -> dict[str, str]:
    return {
        SUPPRESSED: "skjult av personvernhensyn: tallet bygger på svært få barn, svar eller ansatte, eller "
        "kunne sammen med tallene ved siden av avsløre et slikt tall",
        ":": "skjult av SSB av personvernhensyn",
        HIDDEN_OR_MISSING: "skjult eller mangler (Bufdir skiller ikke mellom dem): Bufdir skjuler tall fra 1 til 3 "
        "av personvernhensyn og skriver «..» både for dem og for tall som mangler",
        **{k: v for k, v in SYMBOL_MEANING_NB.items() if k != ":"},
    }


def is_hidden(status: str | None) -> bool:
    return status in HIDDEN_STATUSES


def anonymity_limit(base_count: str) -> int:
    """Fewest people a published mean, share or rate may rest on: one more than its base count's `min_count` in the
    catalogue (5 for answers and employees). The one home of the rule, so the staff, survey and 10-FAKTOR importers,
    their templates and the charts cannot drift apart; the catalogue decides the number."""
    return catalog.indicators()[base_count].min_count + 1


# What a hidden value rested on too few of, by catalogue area: the reader learns why, not just that.
HIDDEN_BY_AREA = {
    "staff": "skjult av personvernhensyn: for få ansatte (færre enn 5), tallet kunne pekt ut enkeltpersoner",
    "tenfactor": "skjult av personvernhensyn: for få svar (færre enn 5)",
    "user_survey": "skjult av personvernhensyn: for få svar (færre enn 5)",
}


def explain(status: str | None, area: str | None = None) -> str:
    """Norwegian explanation of why a value is not shown ('' for a plain value); `area` (the indicator's
    catalogue area) makes the reason for our own suppression specific, e.g. «for få ansatte»."""
    if status is None:
        return ""
    if status == SUPPRESSED and area in HIDDEN_BY_AREA:
        return HIDDEN_BY_AREA[area]
    return _explanations().get(status, f"ukjent status «{status}»")
