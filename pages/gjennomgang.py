"""Gjennomgang: the saksordfører reads each chapter with its numbers and charts, comments on the chapter or a
chart, and marks chapters reviewed; the leader answers beside the text in the writing room."""

from __future__ import annotations

import streamlit as st

from tilstand import narrative, review, store, words
from tilstand.charts import ChartDef
from tilstand.markdown_html import literal
from tilstand.words import t
from ui import comments
from ui.chapter import area_link, chapter_charts, chapter_text, key_figures
from ui.data import connection, data_version, sample_banner, service_profile
from ui.errors import page_action
from ui.guard import page_guard, require_page
from ui.report_choice import choose_report

page_guard()
actor = require_page("gjennomgang")


con = connection()
st.title(t("ui.nav.gjennomgang"))
choice = choose_report(actor, "comment", "gj", empty=t("ui.gjennomgang.no_access"))
region, year, language = choice.region, choice.year, choice.language
report = narrative.find_report(con, region, year, language)
if report is None:
    st.info(t("ui.gjennomgang.not_started", year=year))
    st.stop()

p = service_profile(region, year)
sample_banner(p.sample)
history = review.state_history(con, report.id)
st.markdown(
    t(
        "ui.gjennomgang.report_state",
        state=review.STATE_NB[report.state],
        when=words.when(history[-1].changed_at),
        by=literal(history[-1].by_user),
    )
)
if report.state == "review" and actor.can("finish_review", region):
    if st.button(t("ui.gjennomgang.finish_review"), type="primary", key="finish_review"):
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
        marks.append(t("ui.gjennomgang.reviewed") if done[s.id][2] == s.version else t("ui.gjennomgang.changed_since"))
    if open_counts.get(s.id):
        marks.append(t("ui.gjennomgang.open_comments", n=open_counts[s.id]))
    return f"{literal(s.title)} ({', '.join(marks)})" if marks else literal(s.title)


keys = [s.key for s in sections]
current = st.session_state.get("gj_chapter") if st.session_state.get("gj_chapter") in keys else keys[0]
chosen = st.radio(t("ui.common.chapter"), keys, index=keys.index(current), horizontal=True, format_func=_label)
st.session_state.gj_chapter = chosen
sec = next(s for s in sections if s.key == chosen)


def _comment_on_chart(definition: ChartDef) -> None:
    comments.chart_comment(con, actor, sec.id, definition)


left, right = st.columns([3, 2], gap="large")
with left:
    st.header(literal(sec.title))
    if sec.body.strip():
        with st.container(border=True):
            chapter_text(sec.body, base_level=2, empty=t("ui.common.chapter_no_text"))
        carried = " · " + t("ui.gjennomgang.carried_over") if sec.carried_over else ""
        st.caption(t("ui.common.version", n=sec.version) + carried)
    else:
        st.info(t("ui.gjennomgang.not_written"))
    area_link(sec.key, region, year)
    key_figures(p, sec.title, sec.indicators)
    chapter_charts(
        sec.indicators,
        region,
        year,
        language,
        data_version(),
        str(store.db_path()),
        below=_comment_on_chart if actor.can("comment", region) else None,
    )

with right:
    st.subheader(t("ui.gjennomgang.comments"))
    if actor.can("mark_reviewed", region):
        if sec.id in done and done[sec.id][2] == sec.version:
            st.success(
                t("ui.gjennomgang.version_reviewed", by=literal(done[sec.id][0]), when=words.when(done[sec.id][1])),
                icon=":material/check:",
            )
        elif st.button(t("ui.gjennomgang.mark_reviewed"), key=f"reviewed_{sec.id}", disabled=not sec.version):
            with page_action():
                review.mark_reviewed(con, actor, sec.id)
                st.rerun()
    comments.new_comment(con, actor, sec.id)
    show_all = st.toggle(t("ui.gjennomgang.show_closed"), key="gj_all")
    comments.thread(con, actor, review.comments(con, sec.id, include_resolved=show_all), language, key="gj_")
