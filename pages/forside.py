"""Forside: what Tilstand is, what the data are, and where to start."""

from __future__ import annotations

import streamlit as st

from tilstand import queries
from tilstand.words import t
from ui import navigation
from ui.data import connection, data_version, sample_banner
from ui.guard import page_guard, require_page

page_guard()
actor = require_page("forside")


@st.cache_data(show_spinner=False)
def _summary(version: int) -> dict:
    return queries.run(connection(), "store_summary").to_dicts()[0]


s = _summary(data_version())
st.title(t("ui.app.name"))
st.markdown(t("ui.forside.intro"))
sample_banner(bool(s["sample_imports"]))
left, middle, right = st.columns(3)
left.metric(t("ui.forside.municipalities"), s["municipalities"])
middle.metric(t("ui.forside.years"), f"{s['first_year']}–{s['last_year']}" if s["first_year"] else "–")
right.metric(t("ui.forside.indicators"), s["indicators"])
st.header(t("ui.forside.start"))
LINKS = [  # page key (ui/navigation.py: file and icon) -> what to do there
    ("skriverom", t("ui.forside.link_skriverom")),
    ("importer", t("ui.forside.link_importer")),
    ("gjennomgang", t("ui.forside.link_gjennomgang")),
    ("tjenesteprofil", t("ui.forside.link_tjenesteprofil")),
    ("publisert", t("ui.forside.link_publisert")),
    ("administrasjon", t("ui.forside.link_administrasjon")),
    ("indikatorer", t("ui.forside.link_indikatorer")),
]
for key, label in LINKS:
    if navigation.may_open(actor, key):  # only pages this person's roles open
        row = navigation.page(key)
        st.page_link(row.path, label=label, icon=row.icon)
st.caption(t("ui.forside.small_numbers"))
