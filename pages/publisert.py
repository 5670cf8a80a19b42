"""Publiserte rapporter: what the council was given, exactly as it was frozen at publishing.

Reads only publication snapshots (text, key figures, charts, documents stored at publishing), so a later
import or edit can never change what a council member sees here, and no draft or comment is reachable.
"""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import streamlit as st

from tilstand import publish, words
from tilstand import report as council_doc
from tilstand.markdown_html import literal
from tilstand.words import t
from ui.chapter import chapter_text
from ui.data import connection
from ui.guard import page_guard, require_page

page_guard()
actor = require_page("publisert")

con = connection()
st.title(t("ui.nav.publisert"))
items = publish.publications(con, actor)
if not items:
    st.info(t("ui.publisert.none"))
    st.stop()

labels = {
    i.id: t(
        "ui.publisert.item",
        region=i.region_name,
        year=i.year,
        language=words.t(f"language.{i.language}"),
        when=words.when(i.published_at),
    )
    for i in items
}
chosen = st.selectbox(
    t("ui.publisert.report"), list(labels), format_func=labels.get, key="pub_id", help=t("ui.publisert.report_help")
)
snap = publish.snapshot(con, actor, chosen)
info = snap.info
st.header(f"{t('report.title')} {info.year} – {literal(info.region_name)}")
st.caption(t("ui.publisert.published_by", when=words.when(info.published_at, at=True), by=literal(info.published_by)))
if snap.sample:
    st.warning(t("ui.common.sample_banner"), icon=":material/warning:")
d1, d2, _ = st.columns([1, 1, 2])
d1.download_button(
    t("ui.publisert.download_docx"),
    data=publish.document(con, actor, info.id, "docx"),
    file_name=council_doc.file_name(info.region_code, info.region_name, info.year, info.language, "docx"),
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    icon=":material/download:",
    on_click="ignore",
    key="pub_docx",
)
pdf_bytes = publish.document(con, actor, info.id, "pdf") if info.has_pdf else None
if pdf_bytes:
    d2.download_button(
        t("ui.publisert.download_pdf"),
        data=pdf_bytes,
        mime="application/pdf",
        icon=":material/download:",
        file_name=council_doc.file_name(info.region_code, info.region_name, info.year, info.language, "pdf"),
        on_click="ignore",
        key="pub_pdf",
    )
else:
    d2.caption(t("ui.publisert.no_pdf"))

titles = [literal(c.title) for c in snap.chapters]
index = st.radio(
    t("ui.common.chapter"), range(len(titles)), format_func=titles.__getitem__, horizontal=True, key="pub_chapter"
)
chapter = snap.chapters[index]
st.subheader(literal(chapter.title))
chapter_text(chapter.body, base_level=3, empty=t("ui.common.chapter_no_text"))
if chapter.key_figures:
    st.markdown(f"**{t('ui.common.key_figures')}**")
    st.dataframe(
        pd.DataFrame(list(chapter.key_figures), columns=list(chapter.key_figure_columns)),
        hide_index=True,
        width="stretch",
        alt=t("ui.publisert.key_figures_alt", title=chapter.title),
    )
    if chapter.key_figure_legend:  # the symbols in the table and why
        st.caption(chapter.key_figure_legend)
for frozen in chapter.charts:
    st.markdown(f"**{frozen.title}**")
    st.plotly_chart(
        pio.from_json(frozen.figure_json),
        alt=frozen.alt,
        theme=None,
        key=f"pub_chart_{frozen.id}",
        config={"displaylogo": False},
    )
    st.caption(f"{frozen.source} {frozen.legend}" if frozen.legend else frozen.source)  # and why a value is missing
with st.expander(t("ui.publisert.definitions")):
    if snap.definitions:
        st.dataframe(
            pd.DataFrame(list(snap.definitions)),
            hide_index=True,
            width="stretch",
            alt=t("ui.publisert.definitions_alt"),
        )
