"""Profile rows as display tables: Norwegian formatted strings, verdict words, explanations.

Kept free of Streamlit so the same table feeds the page, the CLI and (later) the DOCX report.
"""

from __future__ import annotations

from tilstand import catalog, fmt
from tilstand.profile import Profile, ProfileRow

VERDICT_NB = {"better": "Bedre", "worse": "Dårligere", "same": "Likt", None: "–"}
DIRECTION_NB = {"higher": "Høyere er bedre", "lower": "Lavere er bedre", "neutral": "Verken bedre eller dårligere"}

COLUMNS = ("Indikator", "Verdi", "Endring fra året før", "KOSTRA-gruppe", "Fylket", "Landet",
           "Mot KOSTRA-gruppen", "Mot landet", "Utvikling", "Merknad")


def _note(row: ProfileRow) -> str:
    notes = []
    if not row.own.shown:
        notes.append(row.own.note or "ingen tall")
    elif row.own.status == "-":
        notes.append("null (SSB-symbol -)")
    if row.indicator.better == "neutral":
        notes.append("behovs- eller dekningstall: verken bedre eller dårligere i seg selv")
    return "; ".join(notes)


def profile_rows(profile: Profile, area: str) -> list[dict[str, object]]:
    """One dict per indicator in an area, ready for a table widget (values already formatted)."""
    out = []
    for row in profile.by_area().get(area, []):
        unit = row.indicator.unit
        out.append({
            "Indikator": row.indicator.name_nb,
            "Verdi": row.own.text(unit),
            "Endring fra året før": fmt.change(row.change, unit) if row.change is not None else "–",
            "KOSTRA-gruppe": row.group.text(unit),
            "Fylket": row.county.text(unit),
            "Landet": row.country.text(unit),
            "Mot KOSTRA-gruppen": VERDICT_NB[row.verdict("group")],
            "Mot landet": VERDICT_NB[row.verdict("country")],
            "Utvikling": [v for _, v in row.trend],
            "Merknad": _note(row),
        })
    return out


def definitions(profile: Profile, area: str) -> list[dict[str, str]]:
    return [
        {"Indikator": r.indicator.name_nb, "Definisjon": r.indicator.definition, "Kilde": r.indicator.source,
         "Retning": DIRECTION_NB.get(r.indicator.better, "")}
        for r in profile.by_area().get(area, [])
    ]


def area_title(area: str) -> str:
    return catalog.AREAS_NB.get(area, area)
