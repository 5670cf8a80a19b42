"""Administrasjon: users, their roles per municipality (or intermunicipal service), and the audit log.

Tables go through export.safe_frame: their download button writes CSV, and names and log rows hold text
others typed (display names, file names)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tilstand import access, auth, export, words
from tilstand.errors import TilstandError
from tilstand.markdown_html import literal
from ui.data import connection
from ui.guard import page_guard, require_page

page_guard()
actor = require_page("administrasjon")
con = connection()


def _regions() -> dict[str, str]:
    """Where this admin may grant roles: municipalities and services they administer ('*' admins: all)."""
    return dict(auth.grantable_regions(con, actor))


def _run(fn, *args, ok: str, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except TilstandError as e:  # messages quote what was typed (usernames, addresses)
        st.error(literal(str(e)))
    else:
        st.success(ok)


st.title("Administrasjon")
if st.session_state.get("admin_flash"):
    st.success(st.session_state.pop("admin_flash"), icon=":material/check:")
regions = _regions()
users = auth.users(con, actor)
st.header("Brukere og roller")
st.dataframe(export.safe_frame(pd.DataFrame([{
    "Brukernavn": u.username, "Navn": u.display_name, "E-post": u.email or "",
    "Roller": "; ".join(f"{access.ROLE_NB[role]} ({'alle' if r == '*' else r})" for r, role in u.grants),
    "Innlogging": ("passord" if u.has_password else "") + (" + SSO" if u.sso_bound else ""),
    "Låst til": words.when(u.locked_until) if u.locked_until else "",
    "Deaktivert": "ja" if u.disabled else "",
    "Sist innlogget": words.when(u.last_sign_in) if u.last_sign_in else "",
} for u in users])), hide_index=True, width="stretch", alt="Brukere med roller, innloggingsmåte og status.")

tab_add, tab_role, tab_account, tab_audit = st.tabs(["Ny bruker", "Roller", "Konto", "Revisjonslogg"])
with tab_add, st.form("add_user", clear_on_submit=True):
    username = st.text_input("Brukernavn (e-postadressen ved innlogging med kommunens SSO)")
    display_name = st.text_input("Fullt navn")
    email = st.text_input("E-post (valgfritt)")
    password = st.text_input(f"Passord (minst {auth.MIN_PASSWORD_LENGTH} tegn; tomt = bare SSO)", type="password",
                             autocomplete="new-password")
    role = st.selectbox("Rolle", access.ROLES, format_func=access.ROLE_NB.get, index=1)
    region = st.selectbox("Kommune", list(regions), format_func=regions.get)
    if st.form_submit_button("Legg til brukeren", type="primary"):
        try:
            auth.validate_grant(con, role, region)  # before the user exists, so a bad choice leaves nothing behind
            auth.add_user(con, actor, username, display_name, password=password or None, email=email or None)
            auth.grant(con, actor, username, role, region)
        except TilstandError as e:
            st.error(literal(str(e)))
        else:
            st.session_state.admin_flash = (f"{literal(display_name.strip())} er lagt til som "
                                            f"{access.ROLE_NB[role].lower()}.")
            st.rerun()

names = [u.username for u in users]
with tab_role:
    if names:
        who = st.selectbox("Bruker", names, key="role_user")
        role = st.selectbox("Rolle", access.ROLES, format_func=access.ROLE_NB.get, key="role_role")
        region = st.selectbox("Kommune", list(regions), format_func=regions.get, key="role_region")
        g, r = st.columns(2)
        if g.button("Gi rollen", key="grant"):
            _run(auth.grant, con, actor, who, role, region, ok="Rollen er gitt.")
        if r.button("Ta bort rollen", key="revoke"):
            _run(auth.revoke, con, actor, who, role, region, ok="Rollen er tatt bort.")
with tab_account:
    if names:
        who = st.selectbox("Bruker", names, key="account_user")
        new_password = st.text_input("Nytt passord", type="password", key="new_password", autocomplete="new-password")
        a, b, c, d = st.columns(4)
        if a.button("Sett passord", key="set_password") and new_password:
            _run(auth.set_password, con, actor, who, new_password, keep_session=st.session_state.get("session_token"),
                 ok="Passordet ditt er endret, og du er logget ut på alle andre maskiner." if who == actor.username
                 else "Passordet er endret, og brukeren er logget ut overalt.")
        if b.button("Lås opp", key="unlock"):
            _run(auth.unlock, con, actor, who, ok="Kontoen er låst opp.")
        if c.button("Deaktiver", key="disable"):
            _run(auth.set_disabled, con, actor, who, True, ok="Kontoen er deaktivert, og brukeren er logget ut.")
        if d.button("Aktiver", key="enable"):
            _run(auth.set_disabled, con, actor, who, False, ok="Kontoen er aktivert.")
with tab_audit:
    if actor.can("view_audit"):
        if actor.regions("view_audit") is not None:
            st.caption("Du ser loggen for kommunene du administrerer: det som skjedde der, og innlogginger og "
                       "kontoendringer for brukere som bare har roller der.")
        rows = access.audit_log(con, actor, limit=500)
        st.dataframe(export.safe_frame(pd.DataFrame([{
            "Tid": words.when(r['logged_at'], seconds=True), "Bruker": r["username"], "Handling": r["action"],
            "Kommune": r["region_code"] or "", "Gjelder": r["target"] or "", "Detaljer": r["detail"] or "",
            "Tillatt": "ja" if r["allowed"] else "NEKTET"} for r in rows])), hide_index=True, width="stretch",
            alt="Revisjonslogg: hver innlogging og hver endring, nyeste først.")
