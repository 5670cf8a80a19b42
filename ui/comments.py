"""The review's comment thread, one component for the review page and the writing room.

What people wrote is shown exactly as typed, on both screens: a comment's body and its answers through
st.text (never Markdown or HTML), names and chart titles through `literal`, so `<script>`, a Markdown image
or a template tag such as `{{ 7*7 }}` is text on the screen and never markup. The saksordfører writes and
closes comments on the review page; the leader answers and closes them beside the text in the writing room.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import streamlit as st

from tilstand import charts, review, words
from tilstand.access import Actor
from tilstand.markdown_html import literal
from tilstand.review import Comment
from tilstand.words import t
from ui.errors import page_action


def thread(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    comments: Sequence[Comment],
    language: str,
    *,
    answering: bool = False,
    key: str = "",
) -> None:
    """Each comment with who, when, the chart it is about and who closed it, then its answers; an open one
    can be closed, and with `answering` be answered in place. `key` keeps two screens' buttons apart."""
    titles = {c.id: c.title(language) for c in charts.registry()}
    for c in comments:
        with st.container(border=True):
            chart = literal(titles.get(c.chart_id, c.chart_id)) if c.chart_id else ""
            about = " · " + t("ui.comments.about_chart", title=chart) if c.chart_id else ""
            closed = " · " + t("ui.comments.closed_by", by=literal(c.resolved_by or "")) if c.resolved_at else ""
            st.markdown(f"**{literal(c.author)}** · {words.when(c.created_at)}{about}{closed}")
            st.text(c.body)
            for a in c.answers:
                st.caption(t("ui.comments.answer_from", by=literal(a.author), when=words.when(a.created_at)))
                st.text(a.body)
            if not c.resolved_at:
                _actions(con, actor, c, answering=answering, key=key)


def _actions(con: duckdb.DuckDBPyConnection, actor: Actor, comment: Comment, *, answering: bool, key: str) -> None:
    """Under an open comment: an answer (when `answering`) and closing it, the buttons side by side."""
    answer = (
        st.text_input(
            t("ui.comments.answer"), key=f"{key}answer_{comment.id}", placeholder=t("ui.comments.answer_placeholder")
        )
        if answering
        else ""
    )
    row = st.container(horizontal=True)
    # an empty answer is refused in Norwegian
    if answering and row.button(t("ui.comments.send_answer"), key=f"{key}send_answer_{comment.id}"):
        with page_action():
            review.add_comment(con, actor, comment.section_id, answer, parent_id=comment.id)
            st.rerun()
    if row.button(t("ui.comments.close"), key=f"{key}resolve_{comment.id}"):
        with page_action():
            review.resolve(con, actor, comment.id)
            st.rerun()


def new_comment(con: duckdb.DuckDBPyConnection, actor: Actor, section_id: int) -> None:
    """A new comment on the chapter's text; the form clears itself, so a comment that failed is shown to copy."""
    with st.form(f"comment_{section_id}", clear_on_submit=True):
        text = st.text_area(t("ui.comments.new"), max_chars=4000)
        if st.form_submit_button(t("ui.comments.send"), type="primary"):  # an empty one is refused in Norwegian
            with page_action(unsaved=text):
                review.add_comment(con, actor, section_id, text)
                st.rerun()


def chart_comment(con: duckdb.DuckDBPyConnection, actor: Actor, section_id: int, definition: charts.ChartDef) -> None:
    """A comment on one chart of the chapter, from a button under the chart."""
    with st.popover(t("ui.comments.on_chart"), icon=":material/add_comment:"):
        text = st.text_area(t("ui.comments.chart_comment"), key=f"chart_comment_{section_id}_{definition.id}")
        # an empty comment is refused in Norwegian
        if st.button(t("ui.comments.send_short"), key=f"send_chart_comment_{section_id}_{definition.id}"):
            with page_action():
                review.add_comment(con, actor, section_id, text, chart_id=definition.id)
                st.rerun()
