"""Importer tall: upload files, see what they would change, confirm; every import listed with its
provenance, and any import can be undone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from tilstand import catalog, export, fmt, ingest, resources, symbols, words
from tilstand.errors import InputError, TilstandError
from tilstand.ingest import fetch, load
from tilstand.markdown_html import literal
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

st.title("Importer tall")
st.markdown("Last opp filene slik du laster dem ned: fra SSB (JSON-stat2 fra API-et eller CSV fra Statistikkbanken), "
            "fra Bufdirs kommunemonitor (Excel eller CSV) og KS 10-FAKTOR-resultater i malen under. Du ser hva filene "
            "vil endre før noe lagres, og hver fil lagres helt eller ikke i det hele tatt.")
with st.expander("Maler for tall som ikke har et fast format"):
    st.write("Fyll ut malen (arket «Veiledning» forklarer kolonnene), lagre den og last den opp her. Samme kolonner "
             "som CSV (semikolon) går også.")
    for stem, label in (("10faktor", "10-FAKTOR"), ("ansatte", "personaltall"),
                        ("brukerundersokelse", "brukerundersøkelse")):
        if (template := TEMPLATES / f"{stem}.xlsx").is_file():
            st.download_button(f"Last ned malen for {label} (Excel)", data=template.read_bytes(),
                               file_name=f"{stem}_mal.xlsx", icon=":material/download:", on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
if ss.get("import_messages"):
    for message in ss.pop("import_messages"):
        st.success(literal(message), icon=":material/check:")  # file names are the uploader's
if ss.get("fetch_failures"):  # the tables a fetch from SSB could not import, beside those it did
    head, *lines = ss.pop("fetch_failures")
    st.error("\n".join([literal(head), ""] + [f"- {literal(line)}" for line in lines]), icon=":material/error:")

files = st.file_uploader("Velg én eller flere filer", type=["json", "csv", "xlsx"], accept_multiple_files=True,
                         key=f"upload_{ss.upload_round}")
st.caption(f"Største filstørrelse er {ingest.MAX_BYTES // 2**20} MB per fil. En SSB-tabell for alle landets kommuner "
           "over ti år er noen få MB.")


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
    st.error(f"Feil i filen: {literal(e.render())}", icon=":material/error:")
for p, pv, refused in uploads:
    if p is None:
        continue
    if refused:  # e.g. another municipality's own figures: not even previewed
        st.error(literal(f"{p.path.name}: {refused}"), icon=":material/block:")
        problems.append(refused)
        continue
    with st.container(border=True):
        table = f", tabell {literal(p.parsed.table)}" if p.parsed.table else ""
        st.markdown(f"**{literal(p.path.name)}** · {p.describe()}{table}"
                    + (" · *Eksempeldata*" if p.parsed.sample else ""))
        if pv.already_imported:
            n, when = pv.already_imported
            st.info(f"Denne filen er allerede importert (nr. {n}, {words.when(when)}). Den endrer ingenting.")
        (a, b, c), (d, e, _) = st.columns(3), st.columns(3)  # two rows: the labels stay whole at iPad width
        a.metric("Nye verdier", fmt.number(pv.inserted))
        b.metric("Endrede verdier", fmt.number(pv.updated))
        c.metric("Uendret", fmt.number(pv.unchanged))
        d.metric("Skjult i dag", fmt.number(pv.hidden),
                 help="Tall som i dag er skjult av personvernhensyn, sammenlignes ikke med filen: om de endres, "
                      "ville ellers røpe dem.")
        e.metric("Kommuner og andre regioner", fmt.number(len(pv.regions)))
        st.caption(f"År: {pv.years[0]}–{pv.years[-1]}. Indikatorer: "
                   + ", ".join(names.get(i, i) for i in pv.indicators) if pv.years else "Ingen verdier.")
        if p.parsed.skipped_cells:
            st.caption(f"{p.parsed.skipped_cells} celler uten kobling til katalogen hoppes over.")
        for note in p.parsed.notes:  # e.g. staff: sick leave weighted equally without dagsverk
            st.caption(literal(f"Merk: {note}"))
        if pv.changes:
            st.dataframe(export.safe_frame(pd.DataFrame([{
                "Indikator": names.get(i, i), "Region": r, "År": y, "Nå": _shown(i, old, old_status),
                "Blir": _shown(i, new, new_status)} for i, r, y, old, old_status, new, new_status in pv.changes])),
                         hide_index=True, width="stretch",
                         alt=f"Verdier som endres av {p.path.name}: indikator, region, år, nå og etter import.")

if problems:
    st.warning("Ingenting importeres før alle filene er feilfrie. Rett filen og last den opp på nytt.")
elif prepared and st.button(f"Importer {len(prepared)} fil{'er' if len(prepared) > 1 else ''}", type="primary",
                            key="confirm_import"):
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

st.header("Hent fra SSB")
st.markdown("Henter tabellene katalogen trenger rett fra SSBs API (PxWebApi), for kommunene dine med KOSTRA-gruppe, "
            "fylke og landet. Alt hentes og kontrolleres før noe lagres, og hver tabell lagres helt eller ikke i det "
            "hele tatt: en tabell som feiler, stopper ikke de andre.")
with st.form("fetch_ssb"):
    try:
        mine = fetch.own_regions(con, actor)
    except TilstandError:  # a '*' grant on a database without reports or municipal roles: the person types them
        mine = []
    wanted = st.text_input("Kommuner (kommunenummer, kommaseparert)", value=", ".join(mine[:20]),
                           help="Tomt: kommunene du har rapporter eller roller for.")
    tables = st.multiselect("Tabeller", fetch.tables_needed(), default=fetch.tables_needed())
    first, last = st.columns(2)
    year_from = first.number_input("Fra år", min_value=2010, max_value=2100, value=2015, step=1)
    year_to = last.number_input("Til år", min_value=2010, max_value=2100, value=2024, step=1)
    if st.form_submit_button("Hent fra SSB", icon=":material/cloud_download:"):
        bar = st.progress(0.0, text="Kobler til SSB …")
        try:
            codes = fetch.parse_regions(con, actor, wanted.strip() or "own")
            outcome = fetch.fetch_tables(con, actor, tables, codes, (int(year_from), int(year_to)),
                                         progress=lambda share, text: bar.progress(min(share, 1.0), text=text))
        except TilstandError as e:
            st.error(str(e), icon=":material/cloud_off:")
        else:
            ss.import_messages = [r.summary_nb() for r in outcome.results]
            ss.fetch_failures = outcome.failures_nb()  # shown after the rerun, beside what was imported
            st.rerun()

st.header("Importer så langt")
history = load.history(con, actor)
if not history:
    st.write("Ingen importer som gjelder kommunene dine ennå.")
else:
    st.dataframe(export.safe_frame(pd.DataFrame([{  # file names are the uploader's: no formula in the CSV
        "Nr.": h.id, "Fil": h.file_name, "Tabell": h.ssb_table or "", "Verdier": h.rows, "Endret": h.changed,
        "Importert": words.when(h.imported_at), "Av": h.imported_by,
        "Eksempeldata": "ja" if h.sample else "",
        "Angret": f"{words.when(h.undone_at)} av {h.undone_by}" if h.undone_at else "",
        "SHA-256": h.sha256[:12]} for h in history])), hide_index=True, width="stretch",
        alt="Alle importer med fil, tabell, antall verdier, tidspunkt, hvem, og om importen er angret.")
    active = [h for h in history if h.undone_at is None]
    if active:
        with st.expander("Angre en import"):
            choice = st.selectbox("Import", [h.id for h in active], key="undo_choice",
                                  format_func=lambda i: next(f"Nr. {h.id}: {h.file_name} ({words.when(h.imported_at.date())})"
                                                             for h in active if h.id == i))
            st.caption("Tallene importen endret, settes tilbake til det de var før; tall den la til, fjernes. "
                       "En import som endret tall for andre kommuner enn dine, kan bare angres av en "
                       "barnevernleder med importrett i alle de kommunene.")
            if st.button("Angre importen", key="undo_import"):
                try:
                    ss.import_messages = [load.undo(con, choice, actor=actor).summary_nb()]
                except TilstandError as e:
                    st.error(literal(str(e)))
                else:
                    st.rerun()
