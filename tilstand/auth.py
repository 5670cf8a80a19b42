"""Who someone is: built-in accounts with argon2id passwords, lock-out, single sign-on mapping, user admin.

`access` decides what an Actor may do; this module turns a username and password (or an identity from the
municipality's OIDC provider, via Streamlit's st.login) into an Actor, and lets administrators manage the
accounts. Every write checks `access.require` first and writes its audit row in the same transaction.

Sign-in messages never say whether a username exists; the one exception is a disabled account once the
right password was given. Wrong passwords are throttled per client address, never per account alone, so
nobody can lock someone else out from another machine (see `sign_in`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TypeVar

import duckdb
from argon2 import PasswordHasher
from argon2 import profiles as argon2_profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tilstand import session_rows, store
from tilstand.access import ALL_REGIONS, ROLES, Actor, PermissionDenied, record, require
from tilstand.errors import TilstandError

log = logging.getLogger(__name__)  # accounts by internal id only: never a username, a name or a password
MAX_FAILED_ATTEMPTS = 5  # wrong passwords for one username from one address, within LOCKOUT
ADDRESS_MAX_FAILURES = 20  # failed sign-ins from one address, whatever the username, within LOCKOUT
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=60)  # expire after an hour without activity
SESSION_MAX = timedelta(hours=12)  # and at the latest after 12 hours
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # hashing megabytes of "password" is a cheap way to tie up the server

GENERIC_FAILURE = "Feil brukernavn eller passord."
UNKNOWN_SSO = "Du er ikke registrert i Tilstand. Be administratoren legge deg til med e-postadressen din."
DISABLED = "Kontoen er deaktivert. Kontakt administratoren hvis du trenger tilgang."
NAME_UNAVAILABLE = (
    "Brukeren kan ikke legges til med dette brukernavnet eller denne e-postadressen. Velg et "
    "annet, eller be en administrator for alle kommuner om hjelp."
)
UNKNOWN_USER = "(ukjent)"  # what the audit log says for a username nobody has: people type passwords there

# Passwords people pick first; length alone lets them through.
_COMMON_PASSWORDS = frozenset(
    {
        "passord123",
        "passord1234",
        "password12",
        "password123",
        "password1234",
        "1234567890",
        "0123456789",
        "qwertyuiop",
        "asdfghjkl1",
        "sommer2024",
        "sommer2025",
        "vinter2024",
        "vinter2025",
        "barnevern1",
        "barnevern123",
        "tilstand123",
        "velkommen1",
        "velkommen123",
        "administrator",
    }
)
_USERNAME = re.compile(r"^[\w.@+-]{1,100}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# In a display name (shown on every page, in the audit log, in the report's history): C0/C1 control characters,
# bidi overrides and isolates (they make a name read backwards), byte-order marks, non-characters, as regions.py.
_NAME_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]")
_RETRIES = 5  # concurrent sign-ins on one account conflict in DuckDB; retry so every failure is counted

T = TypeVar("T")

_hasher = PasswordHasher()  # argon2id, the library's defaults (RFC 9106 "second recommended" profile)


def use_cheapest_hashing_in_tests() -> None:
    """Hash with argon2's cheapest parameters from now on in this process: only for a test suite.

    Hashing at RFC 9106 strength costs ~0.1 s and 64 MiB a password, and the tests hash thousands. There is
    no setting or environment variable for it, so a deployment cannot switch it on by accident; it refuses
    to run outside pytest. Hashes made this way still verify with the default hasher, and a sign-in
    rehashes them at full strength (`check_needs_rehash` in `_settle_attempt`)."""
    global _hasher
    if "pytest" not in sys.modules:
        raise RuntimeError("cheap password hashing is for the test suite only")
    _hasher = PasswordHasher.from_parameters(argon2_profiles.CHEAPEST)
    _dummy_hash.cache_clear()


class SignInError(TilstandError):
    """Sign-in refused; the message is safe to show to whoever typed the username."""


class WeakPasswordError(TilstandError):
    """The new password breaks the password rules; nothing was written."""


class UserError(TilstandError):
    """A user-admin request that cannot be carried out (unknown user, role or region, name taken, the
    last administrator); nothing was written."""


class NameUnavailable(UserError):
    """The username or e-mail address is taken by a user the administrator may not see; the message does not
    say so."""

    def __init__(self) -> None:
        super().__init__(NAME_UNAVAILABLE)


class FirstAdminExists(PermissionDenied):
    """create_first_admin after the first user exists: the first-run step is closed for good."""

    def __init__(self, username: str):
        self.actor, self.action, self.region = Actor(username, username), "manage_users", ALL_REGIONS
        TilstandError.__init__(
            self, "Tilstand er allerede satt opp med en administrator. Be administratoren legge deg til som bruker."
        )


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    email: str | None
    grants: tuple[tuple[str, str], ...]  # (region_code, role), as granted: a service id is not expanded
    disabled: bool
    locked_until: datetime | None
    last_sign_in: datetime | None
    has_password: bool
    sso_bound: bool

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and (now or datetime.now()) < self.locked_until


# --- passwords -------------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so that answer takes as long as a wrong password."""
    return _hasher.hash("ingen-bruker-har-dette-passordet")


def check_password(password: str, *, username: str = "", display_name: str = "") -> None:
    """Raise WeakPasswordError (Norwegian) unless the password follows the rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(f"Passordet kan ha høyst {MAX_PASSWORD_LENGTH} tegn.")
    folded = password.casefold()
    names = {n.strip().casefold() for n in (username, username.split("@")[0], display_name) if n.strip()}
    if folded in names or folded.replace(" ", "") in {n.replace(" ", "") for n in names}:
        raise WeakPasswordError("Passordet kan ikke være det samme som brukernavnet eller navnet.")
    if len(set(password)) <= 2:
        raise WeakPasswordError("Passordet kan ikke bestå av ett eller to tegn gjentatt.")
    if folded in _COMMON_PASSWORDS:
        raise WeakPasswordError("Passordet er for vanlig og lett å gjette. Velg et annet, gjerne flere ord.")


# --- names ---------------------------------------------------------------------------------------------


def normalize_username(username: str) -> str:
    """Usernames are stored stripped and lower-case; e-mail addresses make good usernames."""
    name = (username or "").strip().lower()
    if not name:
        raise UserError("Brukernavn mangler.")
    if not _USERNAME.match(name):
        raise UserError(
            f"Brukernavnet «{name[:100]}» kan bare ha bokstaver, tall og . _ - @ + (ingen mellomrom), høyst 100 tegn."
        )
    return name


def _display_name(display_name: str) -> str:
    name = (display_name or "").strip()
    if not name:
        raise UserError("Fullt navn mangler.")
    if len(name) > 200:
        raise UserError("Navnet kan ha høyst 200 tegn.")
    if _NAME_CONTROL.search(name):
        raise UserError("Navnet kan ikke ha kontrolltegn (usynlige tegn som linjeskift eller tabulator).")
    if "![" in name or "](" in name:
        raise UserError("Navnet kan ikke inneholde «![» eller «](», som blir bilder og lenker på sidene.")
    return name


def _email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    e = email.strip().lower()
    if not _EMAIL.match(e):
        raise UserError(f"«{email.strip()}» ser ikke ut som en e-postadresse.")
    return e


def validate_grant(con: duckdb.DuckDBPyConnection, role: str, region: str) -> str:
    """Check a role and a region (municipality code, intermunicipal service id, or '*'); returns the region
    as stored. Raises UserError in Norwegian."""
    if role not in ROLES:
        raise UserError(f"Ukjent rolle «{role}». Gyldige roller: {', '.join(ROLES)}.")
    region = (region or "").strip()
    if region == ALL_REGIONS:
        return region
    cur = con.cursor()
    if cur.execute(
        "SELECT 1 FROM region WHERE code = ? UNION ALL SELECT 1 FROM service WHERE id = ?", [region, region]
    ).fetchone():
        return region
    raise UserError(
        f"Ukjent kommune eller tjeneste «{region}». Bruk kommunenummeret (f.eks. 5001), "
        "id-en til en interkommunal tjeneste (f.eks. varnesregionen) eller * for alle."
    )


def grantable_regions(con: duckdb.DuckDBPyConnection, actor: Actor) -> list[tuple[str, str]]:
    """(code, label) of the municipalities and intermunicipal services where the actor may give roles,
    with ('*', 'Alle kommuner') first for an administrator of all; for the user-admin page's picker."""
    rows = (
        con.cursor()
        .execute(
            "SELECT code, code || ' ' || name FROM region WHERE kind = 'municipality' AND valid_to IS NULL "
            "UNION ALL SELECT id, name || ' (interkommunal)' FROM service ORDER BY 1"
        )
        .fetchall()
    )
    allowed = actor.regions("manage_users")
    if allowed is None:
        return [(ALL_REGIONS, "Alle kommuner"), *rows]
    return [(code, label) for code, label in rows if code in allowed]


# --- reading -------------------------------------------------------------------------------------------

_USER_COLUMNS = (
    "id, username, display_name, email, disabled, locked_until, last_sign_in, "
    "password_hash IS NOT NULL, oidc_subject IS NOT NULL"
)


def _info(cur: duckdb.DuckDBPyConnection, row: tuple) -> UserInfo:
    user_id, username, display_name, email, disabled, _, last_sign_in, has_pw, bound = row
    grants = cur.execute(
        "SELECT region_code, role FROM role_grant WHERE user_id = ? ORDER BY region_code, role", [user_id]
    ).fetchall()
    return UserInfo(
        username,
        display_name,
        email,
        tuple((r, g) for r, g in grants),
        bool(disabled),
        _account_locked_until(cur, user_id),
        last_sign_in,
        bool(has_pw),
        bool(bound),
    )


def _user_row(cur: duckdb.DuckDBPyConnection, username: str) -> tuple:
    row = cur.execute(f"SELECT {_USER_COLUMNS} FROM app_user WHERE username = ?", [username]).fetchone()
    if row is None:
        raise UserError(f"Brukeren «{username}» finnes ikke.")
    return row


def user_info(con: duckdb.DuckDBPyConnection, actor: Actor, username: str) -> UserInfo:
    """One user, for the user themself or an administrator who would see them in `users`."""
    name = normalize_username(username)
    cur = con.cursor()
    row = _user_row(cur, name)
    if actor.username != name or actor.system:
        require(con, actor, "manage_users", target=f"user:{name}")
        created_by = store.scalar(cur, "SELECT created_by FROM app_user WHERE id = ?", [row[0]])
        info = _info(cur, row)
        if not _visible(actor, info, created_by, _members(cur)):
            regions = [r for r, _ in info.grants]
            require(con, actor, "manage_users", regions[0] if regions else ALL_REGIONS, target=f"user:{name}")
        return info
    return _info(cur, row)


def needs_first_admin(con: duckdb.DuckDBPyConnection) -> bool:
    """True until the first user exists: the app then offers the first-run step."""
    return store.scalar(con.cursor(), "SELECT count(*) FROM app_user") == 0


def _members(cur: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Intermunicipal service id -> its member municipalities."""
    members: dict[str, list[str]] = {}
    for service_id, code in cur.execute("SELECT service_id, region_code FROM service_member").fetchall():
        members.setdefault(service_id, []).append(code)
    return members


def _expanded(grants: list[tuple[str, str]], members: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    """region -> roles, with a grant on an intermunicipal service copied to each member municipality."""
    out: dict[str, set[str]] = {}
    for region, role in grants:
        for r in [region, *members.get(region, [])]:
            out.setdefault(r, set()).add(role)
    return {r: frozenset(roles) for r, roles in out.items()}


def load_actor(con: duckdb.DuckDBPyConnection, username: str) -> Actor:
    """The Actor for a user, with grants read now (a revoked role takes effect on the next page load).
    Raises SignInError for an unknown or disabled user."""
    cur = con.cursor()
    row = cur.execute(
        "SELECT id, username, display_name, disabled FROM app_user WHERE username = ?",
        [(username or "").strip().lower()],
    ).fetchone()
    if row is None:
        raise SignInError(GENERIC_FAILURE)
    user_id, name, display_name, disabled = row
    if disabled:
        raise SignInError(DISABLED)
    grants = cur.execute("SELECT region_code, role FROM role_grant WHERE user_id = ?", [user_id]).fetchall()
    return Actor(name, display_name, _expanded(grants, _members(cur)))


def session_expired(signed_in_at: datetime, last_seen: datetime, now: datetime | None = None) -> bool:
    now = now or datetime.now()
    return now - last_seen >= SESSION_IDLE or now - signed_in_at >= SESSION_MAX


# --- first run -------------------------------------------------------------------------------------------


def create_first_admin(con: duckdb.DuckDBPyConnection, username: str, display_name: str, password: str) -> Actor:
    """The first-run step: the first user, administrator for every region. Refused once any user exists."""
    name, shown = normalize_username(username), _display_name(display_name)
    check_password(password, username=name, display_name=shown)
    password_hash = hash_password(password)
    now = datetime.now()
    try:
        with store.transaction(con) as cur:
            if store.scalar(cur, "SELECT count(*) FROM app_user"):
                raise FirstAdminExists(name)
            # Two first-run forms submitted at once would each see no users; this row makes the second
            # transaction fail at commit (same primary key), so only one administrator is created.
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('first_admin', ?)", [name])
            user_id = store.scalar(
                cur,
                "INSERT INTO app_user (username, display_name, password_hash, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                [name, shown, password_hash, now, name],
            )
            cur.execute("INSERT INTO role_grant VALUES (?, ?, 'admin', ?, ?)", [user_id, ALL_REGIONS, now, name])
            record(cur, name, "create_first_admin", region=ALL_REGIONS, target=f"user:{name}")
            cur.execute("UPDATE app_user SET last_sign_in = ? WHERE id = ?", [now, user_id])
            record(cur, name, "sign_in", target=f"user:{name}", detail="første oppstart")
    except FirstAdminExists:
        record(
            con.cursor(),
            name,
            "create_first_admin",
            region=ALL_REGIONS,
            target=f"user:{name}",
            detail="nektet: brukere finnes",
            allowed=False,
        )
        raise
    except (duckdb.TransactionException, duckdb.ConstraintException):
        raise FirstAdminExists(name) from None
    return load_actor(con, name)


# --- sign-in throttle -----------------------------------------------------------------------------------
#
# Failed sign-ins are counted per client address, in two ways: MAX_FAILED_ATTEMPTS wrong passwords for one
# username from one address make that address wait LOCKOUT for that username, and ADDRESS_MAX_FAILURES failures
# from one address, whatever the usernames, make it wait for every username. A person at another address is
# never held up, so nobody can lock someone else out (the administrator of all included). Unknown usernames
# are counted the same way as real ones, so the answer never tells whether an account exists. The table
# `sign_in_failure` holds keyed hashes only: of the address, and of a username nobody has (16 bits: enough to
# count, too few to recover anything typed there); a real user is counted by id.


def _sign_in_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """The database's own key for the hashes above, made on first use."""
    cur = con.cursor()
    row = cur.execute("SELECT value FROM meta WHERE key = 'sign_in_key'").fetchone()
    if row is not None:
        return bytes.fromhex(row[0])
    try:
        cur.execute("INSERT INTO meta VALUES ('sign_in_key', ?)", [secrets.token_hex(32)])
    except (duckdb.ConstraintException, duckdb.TransactionException):
        pass  # another sign-in made it at the same moment
    return bytes.fromhex(store.scalar(cur, "SELECT value FROM meta WHERE key = 'sign_in_key'"))


def _keyed(key: bytes, kind: str, text: str, hex_digits: int) -> str:
    return hmac.new(key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()[:hex_digits]


def client_address(peer: object, forwarded_for: object = None, *, behind_proxy: bool = False) -> str | None:
    """The address sign-ins are counted by. Behind a reverse proxy every connection comes from the proxy,
    so with `behind_proxy` the last X-Forwarded-For entry (the one the proxy itself added) counts; without
    it the header is ignored, because anyone can send one. Anything but text (no address, or a test
    harness's stand-in) counts as no address."""
    if behind_proxy and isinstance(forwarded_for, str) and forwarded_for.split(",")[-1].strip():
        return forwarded_for.split(",")[-1].strip()
    return peer if isinstance(peer, str) and peer else None


def _lock_end(times_newest_first: list[datetime], limit: int) -> datetime | None:
    """When `limit` failures within LOCKOUT stop counting: LOCKOUT after the `limit`-th newest one."""
    if len(times_newest_first) < limit or times_newest_first[0] - times_newest_first[limit - 1] >= LOCKOUT:
        return None
    return times_newest_first[limit - 1] + LOCKOUT


def _blocked_until(cur: duckdb.DuckDBPyConnection, account: str, address: str, now: datetime) -> datetime | None:
    """Until when this address must wait before trying this username again; None: it may try now."""
    since = now - LOCKOUT  # no upper bound: an attempt that started a moment later may have counted first
    mine = [
        t
        for (t,) in cur.execute(
            "SELECT failed_at FROM sign_in_failure WHERE address_key = ? AND account_key = ? AND failed_at > ? "
            "ORDER BY failed_at DESC",
            [address, account, since],
        ).fetchall()
    ]
    every = [
        t
        for (t,) in cur.execute(
            "SELECT failed_at FROM sign_in_failure WHERE address_key = ? AND failed_at > ? ORDER BY failed_at DESC",
            [address, since],
        ).fetchall()
    ]
    ends = [e for e in (_lock_end(mine, MAX_FAILED_ATTEMPTS), _lock_end(every, ADDRESS_MAX_FAILURES)) if e]
    return max(ends) if ends else None


def _account_locked_until(cur: duckdb.DuckDBPyConnection, user_id: int) -> datetime | None:
    """The latest time some address must wait until for this user: what the administrator sees as locked."""
    by_address: dict[str, list[datetime]] = {}
    for address, at in cur.execute(
        "SELECT address_key, failed_at FROM sign_in_failure WHERE account_key = ? ORDER BY failed_at DESC",
        [f"user:{user_id}"],
    ).fetchall():
        by_address.setdefault(address, []).append(at)
    ends = [e for times in by_address.values() if (e := _lock_end(times, MAX_FAILED_ATTEMPTS))]
    return max(ends) if ends else None


def _wait_message(until: datetime, now: datetime) -> str:
    """The same words for every username, known or not, and for a throttled address."""
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return f"For mange mislykkede forsøk. Prøv igjen om {minutes} {'minutt' if minutes == 1 else 'minutter'}."


def _clear_failures(cur: duckdb.DuckDBPyConnection, user_id: int) -> None:
    """An administrator's unlock (or a new password): every address may try this user again."""
    cur.execute("DELETE FROM sign_in_failure WHERE account_key = ?", [f"user:{user_id}"])
    cur.execute("UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = ?", [user_id])


# --- sign-in ---------------------------------------------------------------------------------------------


def sign_in(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> Actor:
    """A built-in account's sign-in from a client `address` (None when unknown, e.g. local use). Every attempt
    is audited, never the password, and never the text typed as a username nobody has (people type their
    password there); a real user is logged by their username. Failures are throttled per address (above).

    The attempt is counted as a failure before the password is checked and forgiven when it was right, so
    many attempts sent at once cannot slip past the limit while the (slow) check runs.
    """
    now = now or datetime.now()
    name = (username or "").strip().lower()[:100]
    key = _sign_in_key(con)
    address_key = _keyed(key, "address", address or "", 16)
    row = con.cursor().execute("SELECT id, password_hash FROM app_user WHERE username = ?", [name]).fetchone()
    account = f"user:{row[0]}" if row else "name:" + _keyed(key, "name", name, 4)
    who, target = (name, f"user:{name}") if row else (UNKNOWN_USER, None)

    user_id = row[0] if row else None
    until = _retrying(lambda: _count_attempt(con, account, address_key, who, target, now))
    if until is not None:  # no password is checked, for a real user or not: same answer, same time
        log.warning("sign-in refused: address locked out until %s (user id %s)", f"{until:%H:%M}", user_id)
        raise SignInError(_wait_message(until, now))
    if row is None or row[1] is None:
        verify_password(_dummy_hash(), password or "")  # as long as a wrong password takes
        ok = False
    else:
        ok = verify_password(row[1], password or "")
    error = _retrying(lambda: _settle_attempt(con, row, password, ok, account, address_key, who, target, now))
    if error is not None:
        reason = (
            "unknown user"
            if row is None
            else "SSO only"
            if row[1] is None
            else "account disabled"
            if ok
            else "wrong password"
        )
        locked = not ok and str(error) != GENERIC_FAILURE  # this failure made the address wait
        log.warning("sign-in failed: %s (user id %s)%s", reason, user_id, "; address locked out" if locked else "")
        raise error
    log.info("sign-in: user id %s", user_id)
    return load_actor(con, name)


_throttle = threading.Lock()  # one process writes the database: this makes check-and-count one step


def _retrying(step: Callable[[], T]) -> T:
    """Concurrent writes to the same rows conflict in DuckDB; retry so that every failure is counted."""
    for attempt in range(_RETRIES):
        try:
            return step()
        except duckdb.TransactionException:
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _count_attempt(
    con: duckdb.DuckDBPyConnection, account: str, address_key: str, who: str, target: str | None, now: datetime
) -> datetime | None:
    """Refuse (audited) when this address must wait, returning until when; else count the attempt as a
    failure for now and return None."""
    with _throttle, store.transaction(con) as tx:
        until = _blocked_until(tx, account, address_key, now)
        if until is not None:
            record(tx, who, "sign_in_failed", target=target, detail="for mange forsøk fra adressen", allowed=False)
            return until
        tx.execute("DELETE FROM sign_in_failure WHERE failed_at <= ?", [now - LOCKOUT])  # keep what still counts
        tx.execute("INSERT INTO sign_in_failure VALUES (?, ?, ?)", [now, address_key, account])
        return None


def _settle_attempt(
    con: duckdb.DuckDBPyConnection,
    row: tuple | None,
    password: str,
    ok: bool,
    account: str,
    address_key: str,
    who: str,
    target: str | None,
    now: datetime,
) -> SignInError | None:
    """After the password check: sign in (forgiving this address's failures for the user), or say why not."""
    with store.transaction(con) as tx:
        if ok:
            assert row is not None, "a password checks out only against a user's row"
            tx.execute("DELETE FROM sign_in_failure WHERE account_key = ? AND address_key = ?", [account, address_key])
            if store.scalar(tx, "SELECT disabled FROM app_user WHERE id = ?", [row[0]]):
                record(tx, who, "sign_in_failed", target=target, detail="kontoen er deaktivert", allowed=False)
                return SignInError(DISABLED)
            new_hash = hash_password(password) if _hasher.check_needs_rehash(row[1]) else row[1]
            tx.execute("UPDATE app_user SET last_sign_in = ?, password_hash = ? WHERE id = ?", [now, new_hash, row[0]])
            record(tx, who, "sign_in", target=target)
            return None
        until = _blocked_until(tx, account, address_key, now)
        reason = (
            "ukjent brukernavn"
            if row is None
            else "bare innlogging via kommunen (SSO)"
            if row[1] is None
            else "feil passord"
        )
        record(
            tx,
            who,
            "sign_in_failed",
            target=target,
            allowed=False,
            detail=reason + (f"; adressen må vente til {until:%H:%M}" if until else ""),
        )
        return SignInError(_wait_message(until, now)) if until else SignInError(GENERIC_FAILURE)


def sign_in_sso(con: duckdb.DuckDBPyConnection, *, email: str | None, subject: str, name: str | None = None) -> Actor:
    """Map an identity from the municipality's OIDC provider (Streamlit's st.user) to a user.

    First by the provider's `sub`; else by e-mail (the username or the e-mail column, any case), binding
    `sub` to the user on that first sign-in, so later sign-ins work even if the e-mail changes. A user
    already bound to another `sub` is not re-bound by e-mail. Password lock-out does not apply: the
    provider has checked who this is.
    """
    subject = (subject or "").strip()
    mail = (email or "").strip().lower() or None
    who = mail or (f"sso:{subject[:40]}" if subject else "(ukjent)")
    cur = con.cursor()
    if not subject or subject == "None":  # str(None) from a provider that sent no 'sub'
        record(cur, who, "sign_in_failed", detail="SSO uten sub", allowed=False)
        log.warning("SSO sign-in failed: the provider sent no subject")
        raise SignInError(UNKNOWN_SSO)
    row = cur.execute(
        "SELECT id, username, disabled, oidc_subject FROM app_user WHERE oidc_subject = ?", [subject]
    ).fetchone()
    bind = False
    if row is None and mail:
        rows = cur.execute(
            "SELECT id, username, disabled, oidc_subject FROM app_user WHERE username = ? OR lower(email) = ? "
            "ORDER BY username = ? DESC, id",
            [mail, mail, mail],
        ).fetchall()
        if len(rows) > 1 and rows[0][1] != mail:
            record(cur, who, "sign_in_failed", detail="SSO: e-postadressen hører til flere brukere", allowed=False)
            log.warning("SSO sign-in failed: the e-mail address belongs to %d users", len(rows))
            raise SignInError(
                "E-postadressen din er registrert på flere brukere i Tilstand. Be administratoren rydde opp."
            )
        if rows:
            row, bind = rows[0], True
            if row[3] is not None:
                record(
                    cur,
                    row[1],
                    "sign_in_failed",
                    target=f"user:{row[1]}",
                    detail="SSO: brukeren er knyttet til en annen identitet",
                    allowed=False,
                )
                log.warning("SSO sign-in failed: user id %s is bound to another identity", row[0])
                raise SignInError(
                    "Brukeren med denne e-postadressen er allerede knyttet til en annen "
                    "innlogging. Be administratoren om hjelp."
                )
    if row is None:
        record(
            cur, who, "sign_in_failed", detail="ukjent SSO-identitet" + (f" ({name})" if name else ""), allowed=False
        )
        log.warning("SSO sign-in failed: unknown identity")
        raise SignInError(UNKNOWN_SSO)
    user_id, username, disabled, _ = row
    if disabled:
        record(
            cur,
            username,
            "sign_in_failed",
            target=f"user:{username}",
            detail="SSO: kontoen er deaktivert",
            allowed=False,
        )
        log.warning("SSO sign-in failed: account disabled (user id %s)", user_id)
        raise SignInError(DISABLED)
    with store.transaction(con) as tx:
        if bind:
            tx.execute(
                "UPDATE app_user SET oidc_subject = ?, last_sign_in = ? WHERE id = ?",
                [subject, datetime.now(), user_id],
            )
        else:
            tx.execute("UPDATE app_user SET last_sign_in = ? WHERE id = ?", [datetime.now(), user_id])
        record(
            tx,
            username,
            "sign_in_sso",
            target=f"user:{username}",
            detail=f"koblet til {mail} ved første innlogging" if bind else None,
        )
    log.info("SSO sign-in: user id %s%s", user_id, " (bound to the identity now)" if bind else "")
    return load_actor(con, username)


# --- administration ----------------------------------------------------------------------------------------


def _raw_regions(cur: duckdb.DuckDBPyConnection, user_id: int) -> list[str]:
    return [
        r
        for (r,) in cur.execute(
            "SELECT DISTINCT region_code FROM role_grant WHERE user_id = ? ORDER BY 1", [user_id]
        ).fetchall()
    ]


def _require_over(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    cur: duckdb.DuckDBPyConnection,
    user_id: int,
    username: str,
    action: str,
) -> None:
    """An administrator may change a user only where they administer every region the user holds a role in,
    so an admin of one municipality cannot take over an admin of all. A user without roles: any admin."""
    held: list[str | None] = list(_raw_regions(cur, user_id))
    for region in held or [None]:
        require(con, actor, action, region, target=f"user:{username}")


def _visible(actor: Actor, info: UserInfo, created_by: str, members: dict[str, list[str]]) -> bool:
    """Whether `users` lists this user for this administrator."""
    regions = actor.regions("manage_users")
    if regions is None:
        return True
    held = set(_expanded(list(info.grants), members))
    return bool(held & set(regions)) or (not held and created_by == actor.username)


def _active_global_admins(cur: duckdb.DuckDBPyConnection) -> int:
    return store.scalar(
        cur,
        "SELECT count(DISTINCT u.id) FROM app_user u JOIN role_grant g ON g.user_id = u.id "
        "WHERE g.region_code = '*' AND g.role = 'admin' AND NOT u.disabled",
    )


def _is_global_admin(cur: duckdb.DuckDBPyConnection, user_id: int) -> bool:
    return (
        store.scalar(
            cur, "SELECT count(*) FROM role_grant WHERE user_id = ? AND region_code = '*' AND role = 'admin'", [user_id]
        )
        > 0
    )


def add_user(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    username: str,
    display_name: str,
    *,
    password: str | None = None,
    email: str | None = None,
) -> UserInfo:
    """A new user without roles (give them with `grant`). Without a password the user can only sign in
    through the municipality's single sign-on, matched by username or e-mail."""
    name = normalize_username(username)
    require(con, actor, "manage_users", target=f"user:{name}")
    shown, mail = _display_name(display_name), _email(email)
    if password is not None:
        check_password(password, username=name, display_name=shown)
    password_hash = hash_password(password) if password is not None else None
    try:
        with store.transaction(con) as cur:
            _require_name_free(cur, actor, name, mail)
            return _insert_user(cur, actor, name, shown, password_hash, mail, password is not None)
    except NameUnavailable:  # a refusal worth seeing for the administrator of all
        record(
            con.cursor(),
            actor,
            "add_user",
            target=f"user:{name}",
            allowed=False,
            detail="nektet: brukernavnet eller e-postadressen er i bruk i en annen kommune",
        )
        raise


def _require_name_free(cur: duckdb.DuckDBPyConnection, actor: Actor, name: str, mail: str | None) -> None:
    """Raise UserError when the username or e-mail address is taken. Only an administrator who would see the
    other user in `users` is told which; anyone else gets NAME_UNAVAILABLE, which does not say that an account
    exists in another municipality (nor whose it is)."""
    taken: list[tuple[str, str]] = []  # (other user, precise message)
    if cur.execute("SELECT 1 FROM app_user WHERE username = ?", [name]).fetchone():
        taken.append((name, f"Brukernavnet «{name}» finnes allerede."))
    for address in sorted({a for a in (mail, name if "@" in name else None) if a}):
        hit = cur.execute(
            "SELECT username FROM app_user WHERE username = ? OR lower(email) = ?", [address, address]
        ).fetchone()
        if hit:
            taken.append(
                (
                    hit[0],
                    f"E-postadressen {address} er allerede brukt av «{hit[0]}»; "
                    "innlogging via kommunen ville ikke vite hvem som er hvem.",
                )
            )
    if not taken:
        return
    other, precise = taken[0]
    row = _user_row(cur, other)
    created_by = store.scalar(cur, "SELECT created_by FROM app_user WHERE id = ?", [row[0]])
    if actor.regions("manage_users") is None or _visible(actor, _info(cur, row), created_by, _members(cur)):
        raise UserError(precise)
    raise NameUnavailable()


def _insert_user(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    name: str,
    shown: str,
    password_hash: str | None,
    mail: str | None,
    with_password: bool,
) -> UserInfo:
    cur.execute(
        "INSERT INTO app_user (username, display_name, password_hash, email, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [name, shown, password_hash, mail, datetime.now(), actor.username],
    )
    record(
        cur,
        actor,
        "add_user",
        target=f"user:{name}",
        detail="med passord" if with_password else "bare innlogging via kommunen",
    )
    return _info(cur, _user_row(cur, name))


def grant(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, role: str, region: str) -> None:
    """Give a role in a municipality, an intermunicipal service or '*' (all). Granting one already held
    changes nothing."""
    name = normalize_username(username)
    region = validate_grant(con, role, region)
    require(con, actor, "manage_users", region, target=f"user:{name}")
    with store.transaction(con) as cur:
        user_id = _user_row(cur, name)[0]
        if cur.execute(
            "SELECT 1 FROM role_grant WHERE user_id = ? AND region_code = ? AND role = ?", [user_id, region, role]
        ).fetchone():
            return
        cur.execute(
            "INSERT INTO role_grant VALUES (?, ?, ?, ?, ?)", [user_id, region, role, datetime.now(), actor.username]
        )
        record(cur, actor, "grant", region=region, target=f"user:{name}", detail=role)


def revoke(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, role: str, region: str) -> None:
    name = normalize_username(username)
    region = (region or "").strip()
    if role not in ROLES:
        raise UserError(f"Ukjent rolle «{role}». Gyldige roller: {', '.join(ROLES)}.")
    require(con, actor, "manage_users", region, target=f"user:{name}")
    with store.transaction(con) as cur:
        user_id = _user_row(cur, name)[0]
        if not cur.execute(
            "SELECT 1 FROM role_grant WHERE user_id = ? AND region_code = ? AND role = ?", [user_id, region, role]
        ).fetchone():
            raise UserError(f"«{name}» har ikke rollen {role} i {region}.")
        cur.execute(
            "DELETE FROM role_grant WHERE user_id = ? AND region_code = ? AND role = ?", [user_id, region, role]
        )
        if role == "admin" and region == ALL_REGIONS and _active_global_admins(cur) == 0:
            raise UserError("Dette er den siste administratoren for alle kommuner; gi rollen til en annen først.")
        ended = session_rows.end_all(cur, name)
        record(cur, actor, "revoke", region=region, target=f"user:{name}", detail=_detail(role, _ended(ended)))


def _detail(*parts: str | None) -> str | None:
    """An audit detail from the parts that say something."""
    return "; ".join(p for p in parts if p) or None


def _ended(sessions_ended: int) -> str | None:
    if not sessions_ended:
        return None
    return f"{sessions_ended} {'økt' if sessions_ended == 1 else 'økter'} avsluttet"


def set_password(
    con: duckdb.DuckDBPyConnection, actor: Actor, username: str, password: str, *, keep_session: str | None = None
) -> None:
    """A new password, set by the user themself or by an administrator over all the user's regions. Also
    lifts a lock-out, and ends every session of the user: whoever had the old password is signed out. A user
    changing their own password passes their own session token as `keep_session` to stay signed in there.
    The caller (the page) is responsible for asking for the current password first."""
    name = normalize_username(username)
    cur = con.cursor()
    user_id, _, display_name, *_ = _user_row(cur, name)
    own = actor.username == name and not actor.system
    if not own:
        _require_over(con, actor, cur, user_id, name, "manage_users")
    check_password(password, username=name, display_name=display_name)
    password_hash = hash_password(password)
    with store.transaction(con) as tx:
        tx.execute("UPDATE app_user SET password_hash = ? WHERE id = ?", [password_hash, user_id])
        _clear_failures(tx, user_id)
        ended = session_rows.end_all(tx, name, keep=keep_session if own else None)
        record(
            tx,
            actor,
            "set_password",
            target=f"user:{name}",
            detail=_detail("eget passord" if own else None, _ended(ended)),
        )


def unlock(con: duckdb.DuckDBPyConnection, actor: Actor, username: str) -> None:
    """Let every address try this user's password again (`tilstand user unlock` on the server, or an
    administrator over all the user's regions)."""
    name = normalize_username(username)
    cur = con.cursor()
    user_id = _user_row(cur, name)[0]
    _require_over(con, actor, cur, user_id, name, "manage_users")
    with store.transaction(con) as tx:
        _clear_failures(tx, user_id)
        record(tx, actor, "unlock", target=f"user:{name}")


def set_disabled(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, disabled: bool) -> None:
    """Disable (or enable again) an account: a disabled user cannot sign in, and their sessions end."""
    name = normalize_username(username)
    cur = con.cursor()
    user_id = _user_row(cur, name)[0]
    _require_over(con, actor, cur, user_id, name, "manage_users")
    if disabled and actor.username == name:
        raise UserError("Du kan ikke deaktivere din egen konto.")
    with store.transaction(con) as tx:
        tx.execute("UPDATE app_user SET disabled = ? WHERE id = ?", [disabled, user_id])
        if disabled and _is_global_admin(tx, user_id) and _active_global_admins(tx) == 0:
            raise UserError("Dette er den siste administratoren for alle kommuner; den kan ikke deaktiveres.")
        ended = session_rows.end_all(tx, name) if disabled else 0
        record(tx, actor, "disable_user" if disabled else "enable_user", target=f"user:{name}", detail=_ended(ended))


def users(con: duckdb.DuckDBPyConnection, actor: Actor) -> list[UserInfo]:
    """The users an administrator may manage: all for an administrator of '*' (and the command line);
    else those with a role in one of the administrator's regions, and users without roles they created."""
    require(con, actor, "manage_users")
    cur = con.cursor()
    members = _members(cur)
    rows = cur.execute(f"SELECT {_USER_COLUMNS}, created_by FROM app_user ORDER BY username").fetchall()
    infos = ((_info(cur, row[:-1]), row[-1]) for row in rows)
    return [info for info, created_by in infos if _visible(actor, info, created_by, members)]
