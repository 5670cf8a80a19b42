"""Forside: what Tilstand is, what the data are, and where to start."""

from __future__ import annotations

import streamlit as st

from pages.common import connection, data_version, page_guard, sample_banner
from tilstand import queries

page_guard()


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
st.page_link("pages/tjenesteprofil.py", label="Se tjenesteprofilen for kommunen din", icon=":material/monitoring:")
st.page_link("pages/indikatorer.py", label="Les hva hver indikator betyr og hvor tallet kommer fra", icon=":material/menu_book:")
st.caption("Små tall (1–3 barn) vises aldri, verken her eller i rapporten, slik SSB og Bufdir gjør det.")
