"""Forside: what Tilstand is, what the data are, and where to start."""

from __future__ import annotations

import streamlit as st

from tilstand import queries
from ui.data import connection, data_version, sample_banner
from ui.guard import page_guard, require_page
from ui import navigation

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
LINKS = [  # page key (ui/navigation.py: file and icon) -> what to do there
    ("skriverom", "Skriv rapporten kapittel for kapittel ved siden av tallene"),
    ("importer", "Importer tall fra SSB"),
    ("gjennomgang", "Gå gjennom utkastet og kommenter kapitlene"),
    ("tjenesteprofil", "Se tjenesteprofilen for kommunen din"),
    ("publisert", "Les rapportene kommunestyret har fått"),
    ("administrasjon", "Legg til brukere og gi roller"),
    ("indikatorer", "Les hva hver indikator betyr og hvor tallet kommer fra"),
]
for key, label in LINKS:
    if navigation.may_open(actor, key):  # only pages this person's roles open
        row = navigation.page(key)
        st.page_link(row.path, label=label, icon=row.icon)
st.caption("Små tall (1–3 barn) vises aldri, verken her eller i rapporten, slik SSB og Bufdir gjør det.")
