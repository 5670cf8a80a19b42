"""Profile rows as display tables: Norwegian formatted strings, verdict words, explanations.

Kept free of Streamlit so the same table feeds the page, the CLI and (later) the DOCX report.
"""

from __future__ import annotations

from tilstand import catalog, fmt
from tilstand.profile import COUNT_UNITS, Profile, ProfileRow

DIRECTION_NB = {"higher": "Høyere er bedre", "lower": "Lavere er bedre", "neutral": "Verken bedre eller dårligere"}
COMPARISON_NB = {"group": "KOSTRA-gruppen", "county": "fylket", "country": "landet"}

COLUMNS = ("Indikator", "Verdi", "Endring", "KOSTRA-gruppe", "Fylket", "Landet",
           "Vurdering", "Utvikling")


def assessment(row: ProfileRow) -> str:
    """'Bedre enn KOSTRA-gruppen og fylket; dårligere enn landet' — words, not colour alone (WCAG 1.4.1)."""
    if row.indicator.better == "neutral":
        return "Ingen retning"
    if row.indicator.unit in COUNT_UNITS:
        return "Antall: sammenlign andelene"
    verdicts = {c: row.verdict(c) for c in COMPARISON_NB}
    parts = []
    for word, key in (("Bedre enn", "better"), ("Dårligere enn", "worse"), ("Likt med", "same")):
        names = [COMPARISON_NB[c] for c, v in verdicts.items() if v == key]
        if names:
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]
            parts.append(f"{word} {joined}")
    if not parts:
        return "–"
    text = "; ".join(parts)
    return text[0].upper() + text[1:].lower().replace("kostra", "KOSTRA")


def _note(row: ProfileRow) -> str:
    """Why the value is not shown (or is SSB's zero); '' for a plain value."""
    if not row.indicator.applies_to("municipality") and not row.own.shown:
        return "SSB publiserer dette tallet bare for fylker og landet"
    if not row.own.shown:
        note = row.own.note or "ingen tall for året"
        return note[0].upper() + note[1:]
    if row.own.status == "-":
        return "Null (SSB-symbol -)"
    return ""


def profile_rows(profile: Profile, area: str) -> list[dict[str, object]]:
    """One dict per indicator in an area, ready for a table widget (values already formatted)."""
    out = []
    for row in profile.by_area().get(area, []):
        unit = row.indicator.unit
        out.append({
            "Indikator": row.indicator.name_nb,
            "Verdi": row.own.text(unit),
            "Endring": fmt.change(row.change, unit) if row.change is not None else "–",
            "KOSTRA-gruppe": row.group.text(unit),
            "Fylket": row.county.text(unit),
            "Landet": row.country.text(unit),
            "Vurdering": _note(row) or assessment(row),
            "Utvikling": [v for _, v in row.trend],
        })
    return out


def definitions(profile: Profile, area: str, language: str = "nb") -> list[dict[str, str]]:
    """Name, definition (in `language`: nb or nn), source and direction for each indicator in an area."""
    return [
        {"Indikator": r.indicator.name_nb, "Definisjon": r.indicator.definition_in(language),
         "Kilde": catalog.source_label([r.indicator], language),
         "Retning": DIRECTION_NB.get(r.indicator.better, "")}
        for r in profile.by_area().get(area, [])
    ]


def area_title(area: str) -> str:
    return catalog.AREAS_NB.get(area, area)
