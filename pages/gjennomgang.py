"""Gjennomgang: the saksordfører reads each chapter with its numbers and charts, comments on the chapter or a
chart, and marks chapters reviewed; the leader answers beside the text in the writing room."""

from __future__ import annotations

import streamlit as st

from tilstand import narrative, review, store
from tilstand.charts import ChartDef
from tilstand.markdown_html import literal
from ui import comments
from ui.chapter import area_link, chapter_charts, chapter_text, key_figures
from ui.data import connection, data_version, sample_banner, service_profile
from ui.errors import page_action
from ui.guard import page_guard, require_page
from ui.report_choice import choose_report

page_guard()
actor = require_page("gjennomgang")


con = connection()
st.title("Gjennomgang")
choice = choose_report(actor, "comment", "gj", empty="Du har ikke tilgang til å gå gjennom rapporten for noen kommune.")
region, year, language = choice.region, choice.year, choice.language
report = narrative.find_report(con, region, year, language)
if report is None:
    st.info(f"Barnevernlederen har ikke startet tilstandsrapporten for {year} ennå.")
    st.stop()

p = service_profile(region, year)
sample_banner(p.sample)
history = review.state_history(con, report.id)
st.markdown(f"**Rapporten:** {review.STATE_NB[report.state]} · sist endret {history[-1].changed_at:%d.%m.%Y %H:%M} "
            f"av {literal(history[-1].by_user)}")
if report.state == "review" and actor.can("finish_review", region):
    if st.button("Merk rapporten som ferdig gjennomgått", type="primary", key="finish_review"):
        with page_action():  # e.g. the leader took the report back to utkast a moment ago
            review.set_state(con, actor, report.id, "done")
            st.rerun()

sections = narrative.sections(con, report.id, include_hidden=False)
open_counts = review.open_counts(con, report.id)
done = review.reviewed(con, report.id)


def _label(key: str) -> str:
    s = next(s for s in sections if s.key == key)
    marks = []
    if s.id in done:
        marks.append("gjennomgått" if done[s.id][2] == s.version else "endret etter gjennomgang")
    if open_counts.get(s.id):
        marks.append(f"{open_counts[s.id]} åpne kommentarer")
    return f"{literal(s.title)} ({', '.join(marks)})" if marks else literal(s.title)


keys = [s.key for s in sections]
current = st.session_state.get("gj_chapter") if st.session_state.get("gj_chapter") in keys else keys[0]
chosen = st.radio("Kapittel", keys, index=keys.index(current), horizontal=True, format_func=_label)
st.session_state.gj_chapter = chosen
sec = next(s for s in sections if s.key == chosen)


def _comment_on_chart(definition: ChartDef) -> None:
    comments.chart_comment(con, actor, sec.id, definition)


left, right = st.columns([3, 2], gap="large")
with left:
    st.header(literal(sec.title))
    if sec.body.strip():
        with st.container(border=True):
            chapter_text(sec.body, base_level=2, empty="Kapittelet har ingen tekst.")
        st.caption(f"Versjon {sec.version}" + (" · overført fra i fjor, ikke oppdatert" if sec.carried_over else ""))
    else:
        st.info("Barnevernlederen har ikke skrevet dette kapittelet ennå.")
    area_link(sec.key, region, year)
    key_figures(p, sec.title, sec.indicators)
    chapter_charts(sec.indicators, region, year, language, data_version(), str(store.db_path()),
                   below=_comment_on_chart if actor.can("comment", region) else None)

with right:
    st.subheader("Kommentarer")
    if actor.can("mark_reviewed", region):
        if sec.id in done and done[sec.id][2] == sec.version:
            st.success(f"Denne versjonen er gjennomgått av {literal(done[sec.id][0])} "
                       f"({done[sec.id][1]:%d.%m.%Y %H:%M}).", icon=":material/check:")
        elif st.button("Merk kapittelet som gjennomgått", key=f"reviewed_{sec.id}", disabled=not sec.version):
            with page_action():
                review.mark_reviewed(con, actor, sec.id)
                st.rerun()
    comments.new_comment(con, actor, sec.id)
    show_all = st.toggle("Vis også lukkede kommentarer", key="gj_all")
    comments.thread(con, actor, review.comments(con, sec.id, include_resolved=show_all), language, key="gj_")
