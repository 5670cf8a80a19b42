"""Small-number suppression (prikking), the way SSB and Bufdir do it.

The rule lives in one place, the store's `observation_public` view (tilstand/migrations.py), so the
app, the CLI and the report can only ever read suppressed numbers:
- a count of children from 1 to the indicator's `min_count` (Bufdir's monitor: 1–3) is hidden;
- SSB's own ':' (confidential) is kept as ':' and never shown as a number;
- a rate, ratio or amount per child whose underlying count (`count_indicator`) is hidden is hidden too,
  since the rate and the population would give the count back.
Statuses: None (a value), 'x' (hidden by Tilstand), and SSB's symbols.
"""

from __future__ import annotations

from functools import cache

SUPPRESSED = "x"


@cache
def _explanations() -> dict[str, str]:
    # Imported here, not at the top: the importers use SUPPRESSED, and tilstand.ingest imports them all.
    from tilstand.ingest.cells import SYMBOL_MEANING_NB

    return {
        SUPPRESSED: "skjult av personvernhensyn: tallet bygger på svært få barn eller svar",
        ":": "skjult av SSB av personvernhensyn",
        **{k: v for k, v in SYMBOL_MEANING_NB.items() if k != ":"},
    }


def is_hidden(status: str | None) -> bool:
    return status in (SUPPRESSED, ":")


def explain(status: str | None) -> str:
    """Norwegian explanation of why a value is not shown ('' for a plain value)."""
    if status is None:
        return ""
    return _explanations().get(status, f"ukjent status «{status}»")
