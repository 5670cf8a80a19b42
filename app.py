"""Tilstand: entry point. Builds the sample database on first run, signs people in, routes by role."""

from __future__ import annotations

import streamlit as st

from tilstand import demo, logs, sessions
from tilstand.access import ROLE_NB
from tilstand.markdown_html import literal
from tilstand.words import t
from ui import navigation
from ui.a11y import norwegian_chrome, set_page_language
from ui.data import connection, data_version, uses_sample_data
from ui.errors import page_action
from ui.memory import settle_memory
from ui.session import current_actor, end_session, write_cookie

logs.configure()  # once per process: to stderr at $TILSTAND_LOG_LEVEL (default INFO)
st.set_page_config(page_title=t("ui.app.page_title"), page_icon=":material/monitoring:", layout="wide")
set_page_language("nb")
norwegian_chrome()  # Streamlit's own English labels in Norwegian, caption contrast

if not demo.ensure_exists():
    with st.spinner(t("ui.app.building_sample")), page_action(stop=True):
        demo.ensure()
connection()  # a database that cannot be opened stops here with a Norwegian message


def _page(row: navigation.NavPage) -> st.Page:
    return st.Page(row.path, title=row.title, icon=row.icon, url_path=row.url_path or None, default=row.default)


ALL_PAGES = {row.key: _page(row) for row in navigation.PAGES}  # the one table: ui/navigation.py
LOGIN = st.Page(
    navigation.SIGN_IN.path,
    title=navigation.SIGN_IN.title,
    icon=navigation.SIGN_IN.icon,
    url_path=navigation.SIGN_IN.url_path,
    default=True,
)


actor = current_actor()
# Only the pages this person's roles allow are in the navigation: any other URL runs the default page.
rows = [] if actor is None else navigation.pages_for(actor)
pages = [LOGIN] if actor is None else [ALL_PAGES[row.key] for row in rows]
page = st.navigation(pages, position="hidden")
with st.sidebar:
    st.markdown(f"**{t('ui.app.name')}**")
    st.caption(t("report.title"))
    section = ""
    for row in rows:
        if row.section != section:  # each section's caption above its first page
            section = row.section
            st.caption(section)
        st.page_link(ALL_PAGES[row.key])
    if actor is not None:
        st.divider()
        roles = sorted({(r, role) for r, rs in actor.grants.items() for role in rs})
        st.markdown(t("ui.app.signed_in_as", name=literal(actor.display_name)))
        everyone = t("ui.common.all_regions")
        st.caption(
            "; ".join(f"{ROLE_NB[role]} ({everyone if r == '*' else r})" for r, role in roles) or t("ui.app.no_roles")
        )
        if st.button(t("ui.app.sign_out"), icon=":material/logout:", key="sign_out"):
            end_session(actor)
            st.rerun()
        if st.button(
            t("ui.app.sign_out_everywhere"),
            icon=":material/devices:",
            key="sign_out_everywhere",
            help=t("ui.app.sign_out_everywhere_help"),
        ):
            end_session(actor, everywhere=True)
            st.rerun()
    if uses_sample_data(data_version()):
        st.warning(t("ui.app.sample_warning"), icon=":material/warning:")
if actor is not None and st.session_state.get("session_token") != st.context.cookies.get(sessions.COOKIE):
    write_cookie(st.session_state.get("session_token"))
if actor is None and st.session_state.get("signed_out"):
    write_cookie(None)
with page_action():  # the last net: an error meant for people that a page did not catch itself
    page.run()
settle_memory()
