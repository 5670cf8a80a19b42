"""Tilstand: entry point. Builds the sample database on first run, signs people in, routes by role."""

from __future__ import annotations

import streamlit as st

from pages.a11y import norwegian_chrome
from pages.common import (connection, current_actor, data_version, may_open, page_action, set_page_language,
                          settle_memory, uses_sample_data, write_cookie)
from tilstand import demo, sessions
from tilstand.access import ROLE_NB
from tilstand.markdown_html import literal

st.set_page_config(page_title="Tilstand – tilstandsrapport for barnevernet", page_icon=":material/monitoring:", layout="wide")
set_page_language("nb")
norwegian_chrome()  # Streamlit's own English labels in Norwegian, caption contrast

if not demo.ensure_exists():
    with st.spinner("Bygger eksempeldatabasen fra sample_data/ (første oppstart) …"), page_action(stop=True):
        demo.ensure()
connection()  # a database that cannot be opened stops here with a Norwegian message

ALL_PAGES = {
    "forside": st.Page("pages/forside.py", title="Forside", icon=":material/home:", default=True),
    "tjenesteprofil": st.Page("pages/tjenesteprofil.py", title="Tjenesteprofil", icon=":material/monitoring:",
                              url_path="tjenesteprofil"),
    "dekningsgrad": st.Page("pages/dekningsgrad.py", title="Dekningsgrad og kapasitet", icon=":material/groups:",
                            url_path="dekningsgrad"),
    "kvalitet": st.Page("pages/kvalitet.py", title="Kvalitet og frister", icon=":material/verified:",
                        url_path="kvalitet"),
    "okonomi": st.Page("pages/okonomi.py", title="Økonomi", icon=":material/payments:", url_path="okonomi"),
    "ansatte": st.Page("pages/ansatte.py", title="Ansatte og 10-FAKTOR", icon=":material/badge:",
                       url_path="ansatte"),
    "brukere": st.Page("pages/brukere.py", title="Brukerundersøkelser", icon=":material/forum:", url_path="brukere"),
    "bakgrunn": st.Page("pages/bakgrunn.py", title="Bakgrunn", icon=":material/family_restroom:",
                        url_path="bakgrunn"),
    "skriverom": st.Page("pages/skriverom.py", title="Skriverom", icon=":material/edit_note:", url_path="skriverom"),
    "importer": st.Page("pages/importer.py", title="Importer tall", icon=":material/upload_file:", url_path="import"),
    "gjennomgang": st.Page("pages/gjennomgang.py", title="Gjennomgang", icon=":material/rate_review:",
                           url_path="gjennomgang"),
    "publisert": st.Page("pages/publisert.py", title="Publiserte rapporter", icon=":material/gavel:",
                         url_path="publisert"),
    "indikatorer": st.Page("pages/indikatorer.py", title="Indikatorer og kilder", icon=":material/menu_book:",
                           url_path="indikatorer"),
    "administrasjon": st.Page("pages/administrasjon.py", title="Administrasjon", icon=":material/manage_accounts:",
                              url_path="administrasjon"),
}
AREA_KEYS = ("dekningsgrad", "kvalitet", "okonomi", "ansatte", "brukere", "bakgrunn")
LOGIN = st.Page("pages/logg_inn.py", title="Logg inn", icon=":material/login:", url_path="logg-inn", default=True)


def _sign_out(actor, *, everywhere: bool = False) -> None:
    """End this session, or with `everywhere` every session of the person (other browsers, other machines)."""
    if everywhere:
        sessions.end_everywhere(connection(), actor)
    else:
        sessions.end(connection(), st.session_state.get("session_token"), actor)
    st.session_state.clear()
    st.session_state.signed_out = True


actor = current_actor()
# Only the pages this person's roles allow are in the navigation: any other URL runs the default page.
pages = [LOGIN] if actor is None else [p for key, p in ALL_PAGES.items() if may_open(actor, key)]
page = st.navigation(pages, position="hidden")
with st.sidebar:
    st.markdown("**Tilstand**")
    st.caption("Tilstandsrapport for barnevernstjenesten")
    keys = {id(p): key for key, p in ALL_PAGES.items()}
    for p in pages:
        key = keys.get(id(p))
        if key == AREA_KEYS[0]:
            st.caption("Områder")
        st.page_link(p)
        if key == AREA_KEYS[-1]:
            st.caption("Rapporten")
    if actor is not None:
        st.divider()
        roles = sorted({(r, role) for r, rs in actor.grants.items() for role in rs})
        st.markdown(f"Innlogget som **{literal(actor.display_name)}**")
        st.caption("; ".join(f"{ROLE_NB[role]} ({'alle' if r == '*' else r})" for r, role in roles) or "Ingen roller")
        if st.button("Logg ut", icon=":material/logout:", key="sign_out"):
            _sign_out(actor)
            st.rerun()
        if st.button("Logg ut overalt", icon=":material/devices:", key="sign_out_everywhere",
                     help="Avslutter innloggingen din i alle nettlesere og på alle maskiner, også denne."):
            _sign_out(actor, everywhere=True)
            st.rerun()
    if uses_sample_data(data_version()):
        st.warning("**Eksempeldata**: syntetiske tall, ikke reelle.", icon=":material/warning:")
if actor is not None and st.session_state.get("session_token") != st.context.cookies.get(sessions.COOKIE):
    write_cookie(st.session_state.get("session_token"))
if actor is None and st.session_state.get("signed_out"):
    write_cookie(None)
with page_action():  # the last net: an error meant for people that a page did not catch itself
    page.run()
settle_memory()
