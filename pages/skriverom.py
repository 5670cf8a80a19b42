"""Skriverom: write each chapter beside its key figures, saved as you type, with history and conflicts."""

from __future__ import annotations

import functools
import html
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from tilstand import narrative, pdf, publish, review, store, suggest, words
from tilstand import report as council_doc
from tilstand.errors import TilstandError
from tilstand.markdown_html import literal
from tilstand.narrative import ChapterChange, StaleVersionError
from tilstand.words import t
from ui import comments
from ui.chapter import area_link, chapter_charts, chapter_text, key_figures
from ui.data import connection, data_version, sample_banner, service_profile
from ui.editor import editor
from ui.errors import page_action
from ui.guard import page_guard, require_page
from ui.report_choice import choose_report

page_guard()
actor = require_page("skriverom")

ss = st.session_state
ss.setdefault("own_saves", {})  # section id -> (version n, seq) this browser session saved last
ss.setdefault("done_seq", 0)
ss.setdefault("editor_reset", 0)
ss.setdefault("conflict", None)
ss.setdefault("not_saved", None)  # a save that failed for another reason than a version clash: text kept
ss.setdefault("insert", None)


def _export(con, region: str, year: int, language: str, suffix: str) -> bytes:
    """The report file, made when the button is clicked (Streamlit runs this off the page's thread)."""
    with tempfile.TemporaryDirectory(prefix="tilstand-export-") as tmp:
        out = Path(tmp) / f"rapport.{suffix}"
        build = council_doc.render_pdf if suffix == "pdf" else council_doc.render
        build(con, region, year, language, out=out)
        return out.read_bytes()


def _downloads(con, region: str, name: str, year: int, language: str) -> None:
    d1, d2, _ = st.columns([1, 1, 2])
    d1.download_button(
        t("ui.skriverom.download_docx"),
        data=functools.partial(_export, con, region, year, language, "docx"),
        file_name=council_doc.file_name(region, name, year, language, "docx"),
        on_click="ignore",
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="download_docx",
        help=t("ui.skriverom.download_docx_help"),
    )
    if pdf.available():
        d2.download_button(
            t("ui.skriverom.download_pdf"),
            data=functools.partial(_export, con, region, year, language, "pdf"),
            file_name=council_doc.file_name(region, name, year, language, "pdf"),
            on_click="ignore",
            mime="application/pdf",
            key="download_pdf",
            icon=":material/download:",
            help=t("ui.skriverom.download_pdf_help"),
        )
    else:
        d2.button(
            t("ui.skriverom.download_pdf"),
            disabled=True,
            key="download_pdf_missing",
            help=t("ui.skriverom.no_libreoffice_help"),
        )
        d2.caption(t("ui.skriverom.no_libreoffice"))


def _report_state(con, report, actor) -> None:
    """Where the report stands (utkast → til gjennomgang → ferdig → publisert) and the next step."""
    if ss.get("flash"):
        st.success(ss.pop("flash"), icon=":material/check:")
    history = review.state_history(con, report.id)
    last = history[-1]
    st.markdown(
        t(
            "ui.skriverom.report_state",
            state=review.STATE_NB[report.state],
            when=words.when(last.changed_at),
            by=literal(last.by_user),
        )
    )
    labels = words.section("move")  # the moves the writing room offers, by from_to (review.MOVES has them all)
    row = st.container(horizontal=True)  # buttons as wide as their words, side by side
    for before, state in review.MOVES:
        label = labels.get(f"{before}_{state}")
        if before != report.state or label is None:
            continue
        forward = review.STATES.index(state) > review.STATES.index(before)
        if row.button(label, type="primary" if forward else "secondary", key=f"state_{state}"):
            with page_action():
                review.set_state(con, actor, report.id, state)
                st.rerun()
    if report.state == "done":
        if row.button(t("ui.skriverom.publish"), type="primary", key="publish", help=t("ui.skriverom.publish_help")):
            with st.spinner(t("ui.skriverom.publishing")), page_action():
                info = publish.publish(con, actor, report.id)
                ss.flash = t("ui.skriverom.published", when=words.when(info.published_at))
                st.rerun()


def _comments(con, sec, actor) -> None:
    """The saksordfører's comments beside the text: answer or close them without leaving the chapter."""
    open_comments = review.comments(con, sec.id)
    done = review.reviewed(con, sec.report_id).get(sec.id)
    if done:
        by, at, version = done
        moved = " " + t("ui.skriverom.changed_since", n=sec.version) if version != sec.version else ""
        st.caption(t("ui.skriverom.reviewed_by", by=literal(by), when=words.when(at.date()), n=version) + moved)
    with st.expander(t("ui.skriverom.review_comments", n=len(open_comments)), expanded=bool(open_comments)):
        if not open_comments:
            st.write(t("ui.skriverom.no_open_comments"))
        comments.thread(con, actor, open_comments, language, answering=True)


def _save_draft(draft, actor) -> None:
    """Save what the browser sent, from the version this session last saved if the person typed on."""
    base = draft.base
    own = ss.own_saves.get(draft.section)
    if own and draft.seq > own[1] and base < own[0]:
        base = own[0]  # typed on while our own previous save was on its way back
    _save(draft.section, draft.text, base, draft.seq, actor)


def _save(section_id: int, text: str, base: int, seq: int, actor) -> bool:
    """Save a chapter's text. Only a real version clash becomes a conflict shown with both texts; any other
    failure (a full disk) leaves the text in the editor (no reset), says why, and offers to try again."""
    if (ss.not_saved or {}).get("section") == section_id:
        ss.not_saved = None  # this attempt's outcome replaces the last one
    try:
        v = narrative.save(connection(), section_id, text, base_version=base, actor=actor)
    except StaleVersionError as e:
        ss.conflict = {
            "section": section_id,
            "mine": text,
            "theirs": e.current.body,
            "theirs_n": e.current.n,
            "message": str(e),
        }
        return False
    except TilstandError as e:
        ss.not_saved = {"section": section_id, "text": text, "base": base, "seq": seq, "message": str(e)}
        return False
    ss.own_saves[section_id] = (v.n, seq)
    return True


st.title(t("ui.nav.skriverom"))
choice = choose_report(actor, "write_text", "sr", empty=t("ui.skriverom.no_access"))
region, year, language = choice.region, choice.year, choice.language

con = connection()
report = narrative.find_report(con, region, year, language)
if report is None:
    st.subheader(t("ui.skriverom.heading", year=year, region=literal(choice.label)))
    previous = narrative.find_report(con, region, year - 1, language)
    st.write(t("ui.skriverom.not_started"))
    carry = False
    if previous:
        carry = st.checkbox(t("ui.skriverom.carry_over", year=year - 1), value=True)
    if st.button(t("ui.skriverom.start"), type="primary", key="start_report"):
        with page_action():
            narrative.create_report(con, region, year, language, actor=actor, carry_over=carry)
            st.rerun()
    st.stop()

p = service_profile(region, year)
st.subheader(
    t("ui.skriverom.heading", year=year, region=literal(choice.label))
    + (f" ({words.t('language.nn')})" if language == "nn" else "")
)
sample_banner(p.sample)

with st.expander(t("ui.skriverom.customise")):
    every = narrative.sections(con, report.id)
    NR, TITLE, HIDDEN = t("ui.common.col_number"), t("ui.skriverom.col_title"), t("ui.skriverom.col_hidden")
    edited = st.data_editor(
        pd.DataFrame([{NR: s.position, TITLE: s.title, HIDDEN: s.hidden} for s in every]),
        hide_index=True,
        width="stretch",
        key=f"structure_{report.id}",
        column_config={
            NR: st.column_config.NumberColumn(min_value=1, step=1, help=t("ui.skriverom.order_help")),
            TITLE: st.column_config.TextColumn(required=True, max_chars=120),
        },
    )
    if st.button(t("ui.skriverom.save_chapters")):
        with page_action():  # all rows or none: a blank title leaves every chapter as it was
            narrative.update_chapters(
                con,
                [
                    ChapterChange(
                        s_old.id,
                        title="" if pd.isna(new[TITLE]) else str(new[TITLE]),
                        position=0 if pd.isna(new[NR]) else int(new[NR]),
                        hidden=bool(new[HIDDEN]),
                    )
                    for s_old, (_, new) in zip(every, edited.iterrows(), strict=False)
                ],
                actor=actor,
            )
            st.rerun()
    new_title = st.text_input(t("ui.skriverom.new_chapter"), placeholder=t("ui.skriverom.new_chapter_placeholder"))
    if st.button(t("ui.skriverom.add_chapter")) and new_title.strip():
        with page_action():
            narrative.add_section(con, report.id, new_title, after_position=max(s.position for s in every), actor=actor)
            st.rerun()
sections = narrative.sections(con, report.id, include_hidden=False)
done = sum(s.status == "written" for s in sections)
st.caption(t("ui.skriverom.written", done=done, total=len(sections)))
_downloads(con, region, p.region_name, year, language)
_report_state(con, report, actor)
keys = [s.key for s in sections]
# The labels carry each chapter's status, so the widget is recreated when a status changes; the chosen
# chapter is therefore kept in session state, not in the widget.
current = ss.get("sr_chapter") if ss.get("sr_chapter") in keys else keys[0]
chosen_key = st.radio(
    t("ui.common.chapter"),
    keys,
    index=keys.index(current),
    horizontal=True,
    format_func=lambda k: next(
        f"{literal(s.title)} ({narrative.STATUS_NB[s.status].lower()})" for s in sections if s.key == k
    ),
)
ss.sr_chapter = chosen_key
sec = next(s for s in sections if s.key == chosen_key)

left, right = st.columns([3, 2], gap="large")
with left:
    st.header(literal(sec.title))
    st.caption(narrative.chapter_guidance(sec.key))
    area_link(sec.key, region, year)
    key_figures(p, sec.title, sec.indicators)
    chapter_charts(sec.indicators, region, year, language, data_version(), str(store.db_path()))

with right:
    draft_box = st.empty()
    status = ""
    not_saved = ss.not_saved if (ss.not_saved or {}).get("section") == sec.id else None
    if not_saved or (ss.conflict or {}).get("section") == sec.id:
        status = t("ui.skriverom.not_saved")
    elif sec.version:
        status = t("ui.skriverom.saved_version", n=sec.version) + (
            " · " + t("ui.skriverom.carried_over") if sec.carried_over else ""
        )
    draft = editor(
        key=f"editor_{report.id}",
        label=t("ui.skriverom.text_label", title=sec.title),
        section=sec.id,
        body=sec.body,
        base=sec.version,
        reset=ss.editor_reset,
        status=status,
        insert=ss.insert,
        lang=language,
    )
    if draft and draft.seq > ss.done_seq:
        ss.done_seq = draft.seq
        _save_draft(draft, actor)
        st.rerun()

    if not_saved:
        st.error(not_saved["message"], icon=":material/error:")
        if st.button(t("ui.skriverom.retry"), type="primary", key="retry_save"):
            _save(sec.id, not_saved["text"], not_saved["base"], not_saved["seq"], actor)
            st.rerun()

    if ss.conflict and ss.conflict["section"] == sec.id:
        c = ss.conflict
        st.error(c["message"])
        a, b = st.columns(2)
        a.markdown(t("ui.skriverom.mine"))
        a.code(c["mine"], language=None, wrap_lines=True)
        b.markdown(t("ui.skriverom.theirs", n=c["theirs_n"]))
        b.code(c["theirs"], language=None, wrap_lines=True)
        k1, k2 = st.columns(2)
        if k1.button(t("ui.skriverom.keep_mine"), key="keep_mine"):
            ss.conflict = None
            if _save(sec.id, c["mine"], c["theirs_n"], ss.done_seq, actor):
                ss.editor_reset += 1
            st.rerun()  # saved, or a new conflict / the reason it was not saved
        if k2.button(t("ui.skriverom.take_theirs"), key="take_theirs"):
            ss.conflict, ss.editor_reset = None, ss.editor_reset + 1
            st.rerun()

    status_key = f"status_{sec.id}"
    ss[status_key] = sec.status  # the stored status is the truth; the control only changes it on a click

    @page_action()
    def _set_status(section_id: int = sec.id, key: str = status_key) -> None:
        if ss.get(key):
            narrative.set_status(connection(), section_id, ss[key], actor=actor)

    st.segmented_control(
        t("ui.skriverom.chapter_status"),
        list(narrative.STATUSES),
        format_func=narrative.STATUS_NB.get,
        key=status_key,
        on_change=_set_status,
    )

    suggestions = suggest.for_indicators(con, region, year, sec.indicators, language)
    if suggestions:
        with st.expander(t("ui.skriverom.suggestions", n=len(suggestions)), expanded=not sec.body):
            st.caption(t("ui.skriverom.suggestions_help"))
            for i, sug in enumerate(suggestions):
                text_col, button_col = st.columns([5, 1])
                text_col.markdown(literal(sug.text))  # as it will be inserted, never Markdown-rendered
                if button_col.button(
                    t("ui.skriverom.insert"), key=f"insert_{sec.id}_{i}", help=t("ui.skriverom.insert_help")
                ):
                    ss.insert = {"id": (ss.insert or {}).get("id", 0) + 1, "text": sug.text}
                    st.rerun()

    _comments(con, sec, actor)

    with st.expander(t("ui.skriverom.preview")):
        chapter_text(sec.body, base_level=2, empty=t("ui.skriverom.no_text_yet"))

    with st.expander(t("ui.skriverom.versions", n=sec.version)):
        versions = narrative.history(con, sec.id)
        if not versions:
            st.write(t("ui.skriverom.no_versions"))
        for v in versions[:20]:
            note = f" – {v.note}" if v.note else ""
            st.markdown(
                f"**{t('ui.common.version', n=v.n)}** · {literal(v.author)} · "
                f"{words.when(v.saved_at, seconds=True)}{literal(note)}"
            )
        if len(versions) >= 2:
            numbers = [v.n for v in versions]
            x, y = st.columns(2)
            old_n = x.selectbox(t("ui.skriverom.compare_version"), numbers, index=1, key=f"cmp_a_{sec.id}")
            new_n = y.selectbox(t("ui.skriverom.with_version"), numbers, index=0, key=f"cmp_b_{sec.id}")
            diff = narrative.compare(
                narrative.version(con, sec.id, old_n).body, narrative.version(con, sec.id, new_n).body
            )
            marks = {"same": "{}", "removed": "<del>{}</del>", "added": "<ins>{}</ins>"}
            st.html(
                "<p style='white-space:pre-wrap'>"
                + "".join(marks[op].format(html.escape(text)) for op, text in diff)
                + "</p>"
            )
            restore_n = st.selectbox(t("ui.skriverom.restore_version"), numbers[1:], key=f"restore_{sec.id}")
            if st.button(t("ui.skriverom.restore", n=restore_n), key=f"restore_btn_{sec.id}"):
                with page_action():
                    v = narrative.restore(con, sec.id, restore_n, actor=actor, base_version=sec.version)
                    ss.own_saves[sec.id] = (v.n, ss.done_seq)
                    ss.editor_reset += 1
                    st.rerun()
