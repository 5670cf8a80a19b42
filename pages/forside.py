"""Forside: what Tilstand is, what the data are, and where to start."""

from __future__ import annotations

import streamlit as st

from pages.common import connection, data_version, may_open, page_guard, require_page, sample_banner
from tilstand import queries

page_guard()
actor = require_page("forside")


@st.cache_data(show_spinner=False)
def _summary(version: int) -> dict:
    return queries.run(connection(), "store_summary").to_dicts()[0]


s = _summary(data_version())
st.title("Tilstand")
st.markdown("**Tilstandsrapport for barnevernstjenesten** – tallene kommunestyret skal ha hvert år "
            "(barnevernsloven § 15-3 femte ledd), samlet på ett sted og sammenlignet med lignende kommuner, "
            "fylket og landet.")
sample_banner(bool(s["sample_imports"]))
left, middle, right = st.columns(3)
left.metric("Kommuner med tall", s["municipalities"])
middle.metric("År", f"{s['first_year']}–{s['last_year']}" if s["first_year"] else "–")
right.metric("Indikatorer i katalogen", s["indicators"])
st.header("Kom i gang")
LINKS = [
    ("skriverom", "pages/skriverom.py", "Skriv rapporten kapittel for kapittel ved siden av tallene", ":material/edit_note:"),
    ("importer", "pages/importer.py", "Importer tall fra SSB", ":material/upload_file:"),
    ("gjennomgang", "pages/gjennomgang.py", "Gå gjennom utkastet og kommenter kapitlene", ":material/rate_review:"),
    ("tjenesteprofil", "pages/tjenesteprofil.py", "Se tjenesteprofilen for kommunen din", ":material/monitoring:"),
    ("publisert", "pages/publisert.py", "Les rapportene kommunestyret har fått", ":material/gavel:"),
    ("administrasjon", "pages/administrasjon.py", "Legg til brukere og gi roller", ":material/manage_accounts:"),
    ("indikatorer", "pages/indikatorer.py", "Les hva hver indikator betyr og hvor tallet kommer fra", ":material/menu_book:"),
]
for key, path, label, icon in LINKS:
    if may_open(actor, key):  # only pages this person's roles open
        st.page_link(path, label=label, icon=icon)
st.caption("Små tall (1–3 barn) vises aldri, verken her eller i rapporten, slik SSB og Bufdir gjør det.")
