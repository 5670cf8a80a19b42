"""The stored rows of browser sessions, below both accounts and sessions: `auth` ends a user's sessions when
the account changes hands (new password, disabled, roles taken away) and `sessions` starts, finds and ends
them, so the table's two shared operations live here rather than one of those modules importing the other."""

from __future__ import annotations

import hashlib

import duckdb


def token_hash(token: str) -> str:
    """Only the SHA-256 of a session token is stored: a copy of the database file signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def end_all(cur: duckdb.DuckDBPyConnection, username: str, *, keep: str | None = None) -> int:
    """End every session of a user except the one with token `keep`; returns how many ended. Pass the
    change's own cursor, so the sessions end exactly when the change commits."""
    return len(
        cur.execute(
            "DELETE FROM auth_session WHERE username = ? AND token_hash IS DISTINCT FROM ? RETURNING token_hash",
            [username, token_hash(keep) if keep else None],
        ).fetchall()
    )
