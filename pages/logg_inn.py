"""Logg inn: built-in accounts (and the municipality's single sign-on when configured); on the very first
start, the step that creates the administrator."""

from __future__ import annotations

import streamlit as st

from tilstand import auth
from tilstand.errors import TilstandError
from tilstand.markdown_html import literal
from tilstand.words import t
from ui.data import connection
from ui.guard import page_guard
from ui.session import client_address, sso_configured, start_session

page_guard()


con = connection()
st.title(t("ui.app.name"))
st.markdown(t("ui.logg_inn.intro"))

if auth.needs_first_admin(con):
    st.header(t("ui.logg_inn.first_admin"))
    st.write(t("ui.logg_inn.first_admin_help"))
    with st.form("first_admin"):
        username = st.text_input(t("ui.logg_inn.username_new"), autocomplete="username")
        display_name = st.text_input(t("ui.common.full_name"), autocomplete="name")
        password = st.text_input(
            t("ui.logg_inn.password_new", n=auth.MIN_PASSWORD_LENGTH), type="password", autocomplete="new-password"
        )
        again = st.text_input(t("ui.logg_inn.password_again"), type="password", autocomplete="new-password")
        if st.form_submit_button(t("ui.logg_inn.create_admin"), type="primary"):
            if password != again:
                st.error(t("ui.logg_inn.passwords_differ"))
            else:
                try:
                    start_session(auth.create_first_admin(con, username, display_name, password))
                except TilstandError as e:  # may quote what was typed
                    st.error(literal(str(e)))
    st.stop()

if sso_configured():
    if getattr(st.user, "is_logged_in", False):
        try:
            start_session(
                auth.sign_in_sso(
                    con, email=st.user.get("email"), subject=str(st.user.get("sub") or ""), name=st.user.get("name")
                )
            )
        except TilstandError as e:
            st.error(str(e))
            st.button(t("ui.logg_inn.sso_sign_out"), on_click=st.logout)
    else:
        st.button(t("ui.logg_inn.sso_sign_in"), type="primary", on_click=st.login, icon=":material/key:")
    st.caption(t("ui.logg_inn.or_password"))

with st.form("sign_in"):
    st.subheader(t("ui.nav.logg_inn"))
    username = st.text_input(t("ui.common.username"), autocomplete="username")
    password = st.text_input(t("ui.logg_inn.password"), type="password", autocomplete="current-password")
    if st.form_submit_button(t("ui.nav.logg_inn"), type="primary"):
        try:
            start_session(auth.sign_in(con, username, password, address=client_address()))
        except TilstandError as e:
            st.error(str(e), icon=":material/error:")
st.caption(
    t(
        "ui.logg_inn.lockout",
        attempts=auth.MAX_FAILED_ATTEMPTS,
        lockout=int(auth.LOCKOUT.total_seconds() // 60),
        idle=int(auth.SESSION_IDLE.total_seconds() // 60),
    )
)
