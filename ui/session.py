"""Who is signed in: the session in Streamlit's state, kept across reloads by a cookie; starting and ending it,
and what the sign-in page needs to know about the request (client address, single sign-on)."""

from __future__ import annotations

import json
import os

import streamlit as st

from tilstand import auth, sessions
from tilstand.access import Actor
from tilstand.words import t
from ui.data import connection
from ui.errors import page_action


def current_actor() -> Actor | None:
    """The signed-in person, from this session or the session cookie; None when signed out or expired."""
    ss = st.session_state
    token = ss.get("session_token") or st.context.cookies.get(sessions.COOKIE)
    with page_action(stop=True):  # e.g. two tabs of one session writing last_seen in the same instant
        actor = sessions.resume(connection(), token if isinstance(token, str) else None)
    if actor is None:
        ss.pop("session_token", None)
        return None
    ss.session_token = token
    return actor


def write_cookie(token: str | None) -> None:
    """Keep the sign-in across page reloads (Streamlit has no API to set a cookie)."""
    value = json.dumps(token or "")
    age = 12 * 3600 if token else 0
    st.iframe(
        "<script>const p = window.parent; const secure = p.location.protocol === 'https:' ? '; Secure' : '';"
        f"p.document.cookie = '{sessions.COOKIE}=' + {value} + '; path=/; max-age={age}; SameSite=Strict' + secure;"
        "</script>",
        height=1,
        alt=t("ui.chrome.session_alt"),
    )


def start_session(actor: Actor) -> None:
    """Sign the person in for this browser session (the cookie follows on the next run) and go on."""
    st.session_state.session_token = sessions.start(connection(), actor)
    st.session_state.pop("signed_out", None)
    st.rerun()


def end_session(actor: Actor, *, everywhere: bool = False) -> None:
    """End this session, or with `everywhere` every session of the person (other browsers, other machines)."""
    if everywhere:
        sessions.end_everywhere(connection(), actor)
    else:
        sessions.end(connection(), st.session_state.get("session_token"), actor)
    st.session_state.clear()
    st.session_state.signed_out = True


def client_address() -> str | None:
    """Who is knocking, for the sign-in throttle; behind a reverse proxy (TILSTAND_BEHIND_PROXY=1) the
    address the proxy saw."""
    behind_proxy = os.environ.get("TILSTAND_BEHIND_PROXY", "") not in ("", "0", "false")
    return auth.client_address(
        st.context.ip_address, st.context.headers.get("X-Forwarded-For"), behind_proxy=behind_proxy
    )


def sso_configured() -> bool:
    """Single sign-on is on when .streamlit/secrets.toml has an [auth] section."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False
