"""Importer tall: upload files, see what they would change, confirm; every import listed with its
provenance, and any import can be undone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from tilstand import catalog, export, fmt, ingest, resources, symbols, words
from tilstand.errors import TilstandError
from tilstand.ingest import fetch, load
from tilstand.markdown_html import literal
from tilstand.words import t
from ui.data import connection, data_version
from ui.guard import page_guard, require_page

page_guard()
actor = require_page("importer")
ss = st.session_state
ss.setdefault("upload_round", 0)
con = connection()
names = {i.id: i.name_nb for i in catalog.indicators().values()}
UNITS = {i.id: i.unit for i in catalog.indicators().values()}
AREAS = {i.id: i.area for i in catalog.indicators().values()}


def _shown(indicator: str, value: float | None, status: str | None) -> str:
    """As everywhere in the app: a value not shown is SSB's symbol with the reason, never the number."""
    if m := symbols.mark(value, status, area=AREAS.get(indicator)):
        return f"{m.symbol} ({symbols.explain(m)})"
    return fmt.value(value, UNITS.get(indicator, "count"))


TEMPLATES = resources.SAMPLE_DATA / "templates"

st.title(t("ui.nav.importer"))
st.markdown(t("ui.importer.intro"))
with st.expander(t("ui.importer.templates")):
    st.write(t("ui.importer.templates_help"))
    for stem, label in (
        ("10faktor", t("ui.importer.template_10faktor")),
        ("ansatte", t("ui.importer.template_ansatte")),
        ("brukerundersokelse", t("ui.importer.template_brukerundersokelse")),
    ):
        if (template := TEMPLATES / f"{stem}.xlsx").is_file():
            st.download_button(
                label,
                data=template.read_bytes(),
                file_name=f"{stem}_mal.xlsx",
                icon=":material/download:",
                on_click="ignore",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
if ss.get("import_messages"):
    for message in ss.pop("import_messages"):
        st.success(literal(message), icon=":material/check:")  # file names are the uploader's
if ss.get("fetch_failures"):  # the tables a fetch from SSB could not import, beside those it did
    head, *lines = ss.pop("fetch_failures")
    st.error("\n".join([literal(head), ""] + [f"- {literal(line)}" for line in lines]), icon=":material/error:")

files = st.file_uploader(
    t("ui.importer.choose_files"),
    type=["json", "csv", "xlsx"],
    accept_multiple_files=True,
    key=f"upload_{ss.upload_round}",
)
st.caption(t("ui.importer.max_size", mb=ingest.MAX_BYTES // 2**20))


def _read(name: str, data: bytes, version: int) -> tuple:
    """(file read, preview, error), once per upload and data version: every click on the page reruns it, and a
    big file must not be parsed again each time. Kept in this session only, for the files now chosen."""
    key = (name, hashlib.sha256(data).hexdigest(), version)
    if key not in ss.import_cache:
        p = pv = error = None
        try:
            p = ingest.read(Path(name), data=data)
            pv = ingest.preview(con, p, actor=actor)
        except TilstandError as e:  # a bad file, or another municipality's own figures: not even previewed
            error = e
        ss.import_cache[key] = (p, pv, error)
    return key


version = data_version()
ss.import_cache = {k: v for k, v in ss.get("import_cache", {}).items() if k[2] == version}
uploads = [ss.import_cache[_read(f.name, f.getvalue(), version)] for f in files or []]
ss.import_cache = {k: v for k, v in ss.import_cache.items() if any(v is u for u in uploads)}  # only files chosen
prepared = [p for p, _, _ in uploads if p is not None]
problems = [e for p, _, e in uploads if p is None]
for e in problems:
    st.error(t("ui.importer.file_error", error=literal(e.render())), icon=":material/error:")
for p, pv, refused in uploads:
    if p is None:
        continue
    if refused:  # e.g. another municipality's own figures: not even previewed
        st.error(literal(f"{p.path.name}: {refused}"), icon=":material/block:")
        problems.append(refused)
        continue
    with st.container(border=True):
        table = t("ui.importer.table", table=literal(p.parsed.table)) if p.parsed.table else ""
        st.markdown(
            f"**{literal(p.path.name)}** · {p.describe()}{table}"
            + (f" · *{t('ui.common.sample_data')}*" if p.parsed.sample else "")
        )
        if pv.already_imported:
            n, when = pv.already_imported
            st.info(t("ui.importer.already_imported", n=n, when=words.when(when)))
        (a, b, c), (d, e, _) = st.columns(3), st.columns(3)  # two rows: the labels stay whole at iPad width
        a.metric(t("ui.importer.new_values"), fmt.number(pv.inserted))
        b.metric(t("ui.importer.changed_values"), fmt.number(pv.updated))
        c.metric(t("ui.importer.unchanged"), fmt.number(pv.unchanged))
        d.metric(t("ui.importer.hidden"), fmt.number(pv.hidden), help=t("ui.importer.hidden_help"))
        e.metric(t("ui.importer.regions"), fmt.number(len(pv.regions)))
        st.caption(
            t(
                "ui.importer.years_indicators",
                first=pv.years[0],
                last=pv.years[-1],
                indicators=", ".join(names.get(i, i) for i in pv.indicators),
            )
            if pv.years
            else t("ui.importer.no_values")
        )
        if p.parsed.skipped_cells:
            st.caption(t("ui.importer.skipped", n=p.parsed.skipped_cells))
        for note in p.parsed.notes:  # e.g. staff: sick leave weighted equally without dagsverk
            st.caption(literal(t("ui.importer.note", note=note)))
        if pv.changes:
            st.dataframe(
                export.safe_frame(
                    pd.DataFrame(
                        [
                            {
                                t("ui.common.col_indicator"): names.get(i, i),
                                t("ui.importer.col_region"): r,
                                t("ui.common.col_year"): y,
                                t("ui.importer.col_now"): _shown(i, old, old_status),
                                t("ui.importer.col_becomes"): _shown(i, new, new_status),
                            }
                            for i, r, y, old, old_status, new, new_status in pv.changes
                        ]
                    )
                ),
                hide_index=True,
                width="stretch",
                alt=t("ui.importer.changes_alt", file=p.path.name),
            )

if problems:
    st.warning(t("ui.importer.fix_first"))
elif prepared and st.button(
    t("ui.importer.import_many", n=len(prepared)) if len(prepared) > 1 else t("ui.importer.import_one"),
    type="primary",
    key="confirm_import",
):
    messages = []
    try:
        for p in prepared:
            messages.append(ingest.write(con, p, actor=actor).summary_nb())
    except TilstandError as e:
        st.error(literal(str(e)))
    else:
        ss.import_messages = messages
        ss.upload_round += 1  # a fresh, empty uploader
        st.rerun()

st.header(t("ui.importer.fetch"))
st.markdown(t("ui.importer.fetch_intro"))
with st.form("fetch_ssb"):
    try:
        mine = fetch.own_regions(con, actor)
    except TilstandError:  # a '*' grant on a database without reports or municipal roles: the person types them
        mine = []
    wanted = st.text_input(
        t("ui.importer.regions_input"), value=", ".join(mine[:20]), help=t("ui.importer.regions_help")
    )
    tables = st.multiselect(t("ui.importer.tables"), fetch.tables_needed(), default=fetch.tables_needed())
    first, last = st.columns(2)
    year_from = first.number_input(t("ui.importer.year_from"), min_value=2010, max_value=2100, value=2015, step=1)
    year_to = last.number_input(t("ui.importer.year_to"), min_value=2010, max_value=2100, value=2024, step=1)
    if st.form_submit_button(t("ui.importer.fetch"), icon=":material/cloud_download:"):
        bar = st.progress(0.0, text=t("ui.importer.connecting"))
        try:
            codes = fetch.parse_regions(con, actor, wanted.strip() or "own")
            outcome = fetch.fetch_tables(
                con,
                actor,
                tables,
                codes,
                (int(year_from), int(year_to)),
                progress=lambda share, text: bar.progress(min(share, 1.0), text=text),
            )
        except TilstandError as e:
            st.error(str(e), icon=":material/cloud_off:")
        else:
            ss.import_messages = [r.summary_nb() for r in outcome.results]
            ss.fetch_failures = outcome.failures_nb()  # shown after the rerun, beside what was imported
            st.rerun()

st.header(t("ui.importer.history"))
history = load.history(con, actor)
if not history:
    st.write(t("ui.importer.no_history"))
else:
    st.dataframe(
        export.safe_frame(
            pd.DataFrame(
                [
                    {  # file names are the uploader's: no formula in the CSV
                        t("ui.common.col_number"): h.id,
                        t("ui.importer.col_file"): h.file_name,
                        t("ui.importer.col_table"): h.ssb_table or "",
                        t("ui.importer.col_values"): h.rows,
                        t("ui.importer.col_changed"): h.changed,
                        t("ui.importer.col_imported"): words.when(h.imported_at),
                        t("ui.importer.col_by"): h.imported_by,
                        t("ui.common.sample_data"): t("ui.common.yes") if h.sample else "",
                        t("ui.importer.col_undone"): t(
                            "ui.importer.undone_by", when=words.when(h.undone_at), by=h.undone_by
                        )
                        if h.undone_at
                        else "",
                        "SHA-256": h.sha256[:12],
                    }
                    for h in history
                ]
            )
        ),
        hide_index=True,
        width="stretch",
        alt=t("ui.importer.history_alt"),
    )
    active = [h for h in history if h.undone_at is None]
    if active:
        with st.expander(t("ui.importer.undo")):
            choice = st.selectbox(
                t("ui.importer.undo_choice"),
                [h.id for h in active],
                key="undo_choice",
                format_func=lambda i: next(
                    t("ui.importer.undo_label", id=h.id, file=h.file_name, when=words.when(h.imported_at.date()))
                    for h in active
                    if h.id == i
                ),
            )
            st.caption(t("ui.importer.undo_help"))
            if st.button(t("ui.importer.undo_button"), key="undo_import"):
                try:
                    ss.import_messages = [load.undo(con, choice, actor=actor).summary_nb()]
                except TilstandError as e:
                    st.error(literal(str(e)))
                else:
                    st.rerun()
