"""Administrasjon: users, their roles per municipality (or intermunicipal service), and the audit log.

Tables go through export.safe_frame: their download button writes CSV, and names and log rows hold text
others typed (display names, file names)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tilstand import access, auth, export, words
from tilstand.errors import TilstandError
from tilstand.markdown_html import literal
from tilstand.words import t
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


st.title(t("ui.nav.administrasjon"))
if st.session_state.get("admin_flash"):
    st.success(st.session_state.pop("admin_flash"), icon=":material/check:")
regions = _regions()
users = auth.users(con, actor)
EVERYONE = t("ui.common.all_regions")
st.header(t("ui.administrasjon.users_roles"))
st.dataframe(
    export.safe_frame(
        pd.DataFrame(
            [
                {
                    t("ui.common.username"): u.username,
                    t("ui.administrasjon.col_name"): u.display_name,
                    t("ui.administrasjon.col_email"): u.email or "",
                    t("ui.administrasjon.col_roles"): "; ".join(
                        f"{access.ROLE_NB[role]} ({EVERYONE if r == '*' else r})" for r, role in u.grants
                    ),
                    t("ui.administrasjon.col_sign_in"): (
                        t("ui.administrasjon.password_method") if u.has_password else ""
                    )
                    + (" + SSO" if u.sso_bound else ""),
                    t("ui.administrasjon.col_locked"): words.when(u.locked_until) if u.locked_until else "",
                    t("ui.administrasjon.col_disabled"): t("ui.common.yes") if u.disabled else "",
                    t("ui.administrasjon.col_last_sign_in"): words.when(u.last_sign_in) if u.last_sign_in else "",
                }
                for u in users
            ]
        )
    ),
    hide_index=True,
    width="stretch",
    alt=t("ui.administrasjon.users_alt"),
)

tab_add, tab_role, tab_account, tab_audit = st.tabs(
    [
        t("ui.administrasjon.tab_add"),
        t("ui.administrasjon.tab_roles"),
        t("ui.administrasjon.tab_account"),
        t("ui.administrasjon.tab_audit"),
    ]
)
with tab_add, st.form("add_user", clear_on_submit=True):
    username = st.text_input(t("ui.administrasjon.username_sso"))
    display_name = st.text_input(t("ui.common.full_name"))
    email = st.text_input(t("ui.administrasjon.email_optional"))
    password = st.text_input(
        t("ui.administrasjon.password_sso", n=auth.MIN_PASSWORD_LENGTH), type="password", autocomplete="new-password"
    )
    role = st.selectbox(t("ui.common.role"), access.ROLES, format_func=access.ROLE_NB.get, index=1)
    region = st.selectbox(t("ui.common.municipality"), list(regions), format_func=regions.get)
    if st.form_submit_button(t("ui.administrasjon.add_user"), type="primary"):
        try:
            auth.validate_grant(con, role, region)  # before the user exists, so a bad choice leaves nothing behind
            auth.add_user(con, actor, username, display_name, password=password or None, email=email or None)
            auth.grant(con, actor, username, role, region)
        except TilstandError as e:
            st.error(literal(str(e)))
        else:
            st.session_state.admin_flash = t(
                "ui.administrasjon.user_added", name=literal(display_name.strip()), role=access.ROLE_NB[role].lower()
            )
            st.rerun()

names = [u.username for u in users]
with tab_role:
    if names:
        who = st.selectbox(t("ui.common.user"), names, key="role_user")
        role = st.selectbox(t("ui.common.role"), access.ROLES, format_func=access.ROLE_NB.get, key="role_role")
        region = st.selectbox(t("ui.common.municipality"), list(regions), format_func=regions.get, key="role_region")
        g, r = st.columns(2)
        if g.button(t("ui.administrasjon.grant"), key="grant"):
            _run(auth.grant, con, actor, who, role, region, ok=t("ui.administrasjon.granted"))
        if r.button(t("ui.administrasjon.revoke"), key="revoke"):
            _run(auth.revoke, con, actor, who, role, region, ok=t("ui.administrasjon.revoked"))
with tab_account:
    if names:
        who = st.selectbox(t("ui.common.user"), names, key="account_user")
        new_password = st.text_input(
            t("ui.administrasjon.new_password"), type="password", key="new_password", autocomplete="new-password"
        )
        a, b, c, d = st.columns(4)
        if a.button(t("ui.administrasjon.set_password"), key="set_password") and new_password:
            _run(
                auth.set_password,
                con,
                actor,
                who,
                new_password,
                keep_session=st.session_state.get("session_token"),
                ok=t("ui.administrasjon.own_password_set")
                if who == actor.username
                else t("ui.administrasjon.password_set"),
            )
        if b.button(t("ui.administrasjon.unlock"), key="unlock"):
            _run(auth.unlock, con, actor, who, ok=t("ui.administrasjon.unlocked"))
        if c.button(t("ui.administrasjon.disable"), key="disable"):
            _run(auth.set_disabled, con, actor, who, True, ok=t("ui.administrasjon.disabled"))
        if d.button(t("ui.administrasjon.enable"), key="enable"):
            _run(auth.set_disabled, con, actor, who, False, ok=t("ui.administrasjon.enabled"))
with tab_audit:
    if actor.can("view_audit"):
        if actor.regions("view_audit") is not None:
            st.caption(t("ui.administrasjon.audit_scope"))
        rows = access.audit_log(con, actor, limit=500)
        st.dataframe(
            export.safe_frame(
                pd.DataFrame(
                    [
                        {
                            t("ui.administrasjon.col_time"): words.when(r["logged_at"], seconds=True),
                            t("ui.common.user"): r["username"],
                            t("ui.administrasjon.col_action"): r["action"],
                            t("ui.common.municipality"): r["region_code"] or "",
                            t("ui.administrasjon.col_target"): r["target"] or "",
                            t("ui.administrasjon.col_detail"): r["detail"] or "",
                            t("ui.administrasjon.col_allowed"): t("ui.common.yes")
                            if r["allowed"]
                            else t("ui.administrasjon.denied"),
                        }
                        for r in rows
                    ]
                )
            ),
            hide_index=True,
            width="stretch",
            alt=t("ui.administrasjon.audit_alt"),
        )
