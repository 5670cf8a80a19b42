"""Helpers for the page tests that run app.py through Streamlit's AppTest (the `app` fixture is in conftest)."""

from __future__ import annotations

import os

from streamlit.testing.v1 import AppTest


def sign_in_as(at: AppTest, username: str) -> None:
    """A session as the sign-in page makes one (the token the cookie would carry)."""
    from tilstand import auth, sessions, store

    con = store.connect(os.environ["TILSTAND_DB"])
    at.session_state["session_token"] = sessions.start(con, auth.load_actor(con, username))
