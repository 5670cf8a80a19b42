"""Publiserte rapporter: what the council was given, exactly as it was frozen at publishing.

Reads only publication snapshots (text, key figures, charts, documents stored at publishing), so a later
import or edit can never change what a council member sees here, and no draft or comment is reachable.
"""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import streamlit as st

from tilstand import publish
from tilstand import report as council_doc
from tilstand.markdown_html import literal
from ui.chapter import chapter_text
from ui.data import connection
from ui.guard import page_guard, require_page

page_guard()
actor = require_page("publisert")

con = connection()
st.title("Publiserte rapporter")
items = publish.publications(con, actor)
if not items:
    st.info("Ingen tilstandsrapport er publisert for kommunen din ennå.")
    st.stop()

labels = {i.id: f"{i.region_name} – tilstandsrapport {i.year} ({'nynorsk' if i.language == 'nn' else 'bokmål'}), "
                f"publisert {i.published_at:%d.%m.%Y %H:%M}" for i in items}
chosen = st.selectbox("Rapport", list(labels), format_func=labels.get, key="pub_id",
                      help="Hver publisering er et eget, uforanderlig eksemplar. Den nyeste står først.")
snap = publish.snapshot(con, actor, chosen)
info = snap.info
st.header(f"Tilstandsrapport for barnevernstjenesten {info.year} – {literal(info.region_name)}")
st.caption(f"Publisert {info.published_at:%d.%m.%Y kl. %H:%M} av {literal(info.published_by)}. Innholdet under er slik "
           "kommunestyret fikk det.")
if snap.sample:
    st.warning("**Eksempeldata** – tallene er syntetiske og laget for å vise hvordan Tilstand virker. De er ikke "
               "reelle tall for kommunen.", icon=":material/warning:")
d1, d2, _ = st.columns([1, 1, 2])
d1.download_button("Last ned (DOCX)", data=publish.document(con, actor, info.id, "docx"),
                   file_name=council_doc.file_name(info.region_code, info.region_name, info.year, info.language,
                                                   "docx"),
                   mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   icon=":material/download:", on_click="ignore", key="pub_docx")
pdf_bytes = publish.document(con, actor, info.id, "pdf") if info.has_pdf else None
if pdf_bytes:
    d2.download_button("Last ned (PDF)", data=pdf_bytes, mime="application/pdf", icon=":material/download:",
                       file_name=council_doc.file_name(info.region_code, info.region_name, info.year, info.language,
                                                       "pdf"), on_click="ignore", key="pub_pdf")
else:
    d2.caption("PDF ble ikke laget ved publisering (LibreOffice manglet).")

titles = [literal(c.title) for c in snap.chapters]
index = st.radio("Kapittel", range(len(titles)), format_func=titles.__getitem__, horizontal=True, key="pub_chapter")
chapter = snap.chapters[index]
st.subheader(literal(chapter.title))
chapter_text(chapter.body, base_level=3, empty="Kapittelet har ingen tekst.")
if chapter.key_figures:
    st.markdown("**Nøkkeltall**")
    st.dataframe(pd.DataFrame(list(chapter.key_figures), columns=list(chapter.key_figure_columns)), hide_index=True,
                 width="stretch", alt=f"Nøkkeltall for kapittelet {chapter.title}, slik de var ved publisering.")
    if chapter.key_figure_legend:  # the symbols in the table and why
        st.caption(chapter.key_figure_legend)
for frozen in chapter.charts:
    st.markdown(f"**{frozen.title}**")
    st.plotly_chart(pio.from_json(frozen.figure_json), alt=frozen.alt, theme=None, key=f"pub_chart_{frozen.id}",
                    config={"displaylogo": False})
    st.caption(f"{frozen.source} {frozen.legend}" if frozen.legend else frozen.source)  # and why a value is missing
with st.expander("Definisjoner og kilder"):
    if snap.definitions:
        st.dataframe(pd.DataFrame(list(snap.definitions)), hide_index=True, width="stretch",
                     alt="Definisjon og kilde for hver indikator i rapporten.")
