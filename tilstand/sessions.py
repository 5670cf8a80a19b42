"""Browser sessions: a signed-in person stays signed in across a page reload, for a limited time.

Streamlit starts a new session on every reload, so the sign-in is kept as a random token in a cookie;
the database holds only its SHA-256, so a copy of the database file signs nobody in. Expiry follows
auth.session_expired (idle time and a maximum age); signing out or expiry deletes the row. Whatever might
mean someone else holds the account — a new password, a disabled account, a role taken away, or the person
choosing «Logg ut overalt» — ends every session of the user (`session_rows.end_all`), in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import duckdb

from tilstand import auth, store
from tilstand.access import Actor, record
from tilstand.session_rows import end_all, token_hash

COOKIE = "tilstand_session"
TOUCH_EVERY = timedelta(seconds=60)  # don't write on every rerun


def start(con: duckdb.DuckDBPyConnection, actor: Actor, *, now: datetime | None = None) -> str:
    """A new session for a signed-in actor; returns the token for the cookie."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    with store.transaction(con) as cur:
        cur.execute("INSERT INTO auth_session VALUES (?, ?, ?, ?)", [token_hash(token), actor.username, now, now])
    return token


def resume(con: duckdb.DuckDBPyConnection, token: str | None, *, now: datetime | None = None) -> Actor | None:
    """The actor behind a cookie, or None when unknown, expired or the user is disabled."""
    if not token:
        return None
    now = now or datetime.now()
    cur = con.cursor()
    row = cur.execute(
        "SELECT username, created_at, last_seen FROM auth_session WHERE token_hash = ?", [token_hash(token)]
    ).fetchone()
    if not row:
        return None
    username, created_at, last_seen = row
    if auth.session_expired(created_at, last_seen, now):
        cur.execute("DELETE FROM auth_session WHERE token_hash = ?", [token_hash(token)])
        return None
    try:
        actor = auth.load_actor(con, username)
    except auth.SignInError:
        return None
    if actor is None:
        return None
    if now - last_seen >= TOUCH_EVERY:
        try:
            cur.execute("UPDATE auth_session SET last_seen = ? WHERE token_hash = ?", [now, token_hash(token)])
        except duckdb.Error:
            pass  # best effort: a full disk or another tab touching the same row must not stop the page
    return actor


def end(con: duckdb.DuckDBPyConnection, token: str | None, actor: Actor | None = None) -> None:
    if token:
        with store.transaction(con) as cur:
            cur.execute("DELETE FROM auth_session WHERE token_hash = ?", [token_hash(token)])
            if actor is not None:
                record(cur, actor, "sign_out")


def end_everywhere(con: duckdb.DuckDBPyConnection, actor: Actor) -> int:
    """«Logg ut overalt»: end every session of the signed-in person, this one too (audited)."""
    with store.transaction(con) as cur:
        ended = end_all(cur, actor.username)
        record(
            cur,
            actor,
            "sign_out_everywhere",
            target=f"user:{actor.username}",
            detail=f"{ended} {'økt' if ended == 1 else 'økter'} avsluttet",
        )
    return ended
