"""Tilstand: entry point. Builds the sample database on first run, then routes to the pages."""

from __future__ import annotations

import streamlit as st

from pages.common import connection, data_version, set_page_language, uses_sample_data
from tilstand import demo

st.set_page_config(page_title="Tilstand – tilstandsrapport for barnevernet", page_icon=":material/monitoring:", layout="wide")
set_page_language("nb")

if not demo.ensure_exists():
    with st.spinner("Bygger eksempeldatabasen fra sample_data/ (første oppstart) …"):
        demo.ensure()
connection()

PAGES = [
    st.Page("pages/forside.py", title="Forside", icon=":material/home:", default=True),
    st.Page("pages/tjenesteprofil.py", title="Tjenesteprofil", icon=":material/monitoring:", url_path="tjenesteprofil"),
    st.Page("pages/skriverom.py", title="Skriverom", icon=":material/edit_note:", url_path="skriverom"),
    st.Page("pages/indikatorer.py", title="Indikatorer og kilder", icon=":material/menu_book:", url_path="indikatorer"),
]
page = st.navigation(PAGES, position="hidden")
with st.sidebar:
    st.markdown("**Tilstand**")
    st.caption("Tilstandsrapport for barnevernstjenesten")
    for p in PAGES:
        st.page_link(p)
    if uses_sample_data(data_version()):
        st.warning("**Eksempeldata**: syntetiske tall, ikke reelle.", icon=":material/warning:")
page.run()
