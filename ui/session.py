"""Who is signed in: the session in Streamlit's state, kept across reloads by a cookie."""

from __future__ import annotations

import json

import streamlit as st

from tilstand import sessions
from tilstand.access import Actor
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
        "</script>", height=1, alt="Husker innloggingen",
    )
