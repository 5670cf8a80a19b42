"""Logg inn: built-in accounts (and the municipality's single sign-on when configured); on the very first
start, the step that creates the administrator."""

from __future__ import annotations

import streamlit as st

from tilstand import auth
from tilstand.errors import TilstandError
from tilstand.markdown_html import literal
from ui.data import connection
from ui.guard import page_guard
from ui.session import client_address, sso_configured, start_session

page_guard()


con = connection()
st.title("Tilstand")
st.markdown("**Tilstandsrapport for barnevernstjenesten.** Logg inn for å se tallene, skrive rapporten eller lese "
            "rapportene kommunestyret har fått.")

if auth.needs_first_admin(con):
    st.header("Første oppstart: opprett administrator")
    st.write("Ingen brukere finnes ennå. Den første brukeren blir administrator og kan legge til barnevernleder, "
             "saksordfører og kommunestyremedlemmer under «Administrasjon».")
    with st.form("first_admin"):
        username = st.text_input("Brukernavn (f.eks. e-postadressen)", autocomplete="username")
        display_name = st.text_input("Fullt navn", autocomplete="name")
        password = st.text_input(f"Passord (minst {auth.MIN_PASSWORD_LENGTH} tegn)", type="password",
                                 autocomplete="new-password")
        again = st.text_input("Gjenta passordet", type="password", autocomplete="new-password")
        if st.form_submit_button("Opprett administrator", type="primary"):
            if password != again:
                st.error("Passordene er ikke like.")
            else:
                try:
                    start_session(auth.create_first_admin(con, username, display_name, password))
                except TilstandError as e:  # may quote what was typed
                    st.error(literal(str(e)))
    st.stop()

if sso_configured():
    if getattr(st.user, "is_logged_in", False):
        try:
            start_session(auth.sign_in_sso(con, email=st.user.get("email"), subject=str(st.user.get("sub") or ""),
                                        name=st.user.get("name")))
        except TilstandError as e:
            st.error(str(e))
            st.button("Logg ut av kommunens innlogging", on_click=st.logout)
    else:
        st.button("Logg inn med kommunens innlogging", type="primary", on_click=st.login, icon=":material/key:")
    st.caption("Eller logg inn med brukernavn og passord:")

with st.form("sign_in"):
    st.subheader("Logg inn")
    username = st.text_input("Brukernavn", autocomplete="username")
    password = st.text_input("Passord", type="password", autocomplete="current-password")
    if st.form_submit_button("Logg inn", type="primary"):
        try:
            start_session(auth.sign_in(con, username, password, address=client_address()))
        except TilstandError as e:
            st.error(str(e), icon=":material/error:")
st.caption(f"Etter {auth.MAX_FAILED_ATTEMPTS} feil passord på rad må du vente "
           f"{int(auth.LOCKOUT.total_seconds() // 60)} minutter før du prøver igjen fra denne maskinen. Du logges ut "
           f"etter {int(auth.SESSION_IDLE.total_seconds() // 60)} minutter uten aktivitet.")
