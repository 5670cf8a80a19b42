"""Who someone is: built-in accounts with argon2id passwords, lock-out, single sign-on mapping, user admin.

`access` decides what an Actor may do; this module turns a username and password (or an identity from the
municipality's OIDC provider, via Streamlit's st.login) into an Actor, and lets administrators manage the
accounts. Every write checks `access.require` first and writes its audit row in the same transaction.

Sign-in messages never say whether a username exists; the exceptions are a locked account (the person
needs to know when to try again) and a disabled account once the right password was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tilstand import store
from tilstand.access import ALL_REGIONS, ROLES, Actor, PermissionDenied, record, require
from tilstand.errors import TilstandError

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=60)  # expire after an hour without activity
SESSION_MAX = timedelta(hours=12)  # and at the latest after 12 hours
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # hashing megabytes of "password" is a cheap way to tie up the server

GENERIC_FAILURE = "Feil brukernavn eller passord."
UNKNOWN_SSO = "Du er ikke registrert i Tilstand. Be administratoren legge deg til med e-postadressen din."
DISABLED = "Kontoen er deaktivert. Kontakt administratoren hvis du trenger tilgang."

# Passwords people pick first; length alone lets them through.
_COMMON_PASSWORDS = frozenset({
    "passord123", "passord1234", "password12", "password123", "password1234", "1234567890", "0123456789",
    "qwertyuiop", "asdfghjkl1", "sommer2024", "sommer2025", "vinter2024", "vinter2025", "barnevern1",
    "barnevern123", "tilstand123", "velkommen1", "velkommen123", "administrator",
})
_USERNAME = re.compile(r"^[\w.@+-]{1,100}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_RETRIES = 5  # concurrent sign-ins on one account conflict in DuckDB; retry so every failure is counted

_hasher = PasswordHasher()  # argon2id, the library's defaults (RFC 9106 "second recommended" profile)


class SignInError(TilstandError):
    """Sign-in refused; the message is safe to show to whoever typed the username."""


class WeakPasswordError(TilstandError):
    """The new password breaks the password rules; nothing was written."""


class UserError(TilstandError):
    """A user-admin request that cannot be carried out (unknown user, role or region, name taken, the
    last administrator); nothing was written."""


class FirstAdminExists(PermissionDenied):
    """create_first_admin after the first user exists: the first-run step is closed for good."""

    def __init__(self, username: str):
        self.actor, self.action, self.region = Actor(username, username), "manage_users", ALL_REGIONS
        TilstandError.__init__(self, "Tilstand er allerede satt opp med en administrator. "
                                     "Be administratoren legge deg til som bruker.")


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
        raise UserError(f"Brukernavnet «{name[:100]}» kan bare ha bokstaver, tall og . _ - @ + (ingen mellomrom), "
                        "høyst 100 tegn.")
    return name


def _display_name(display_name: str) -> str:
    name = (display_name or "").strip()
    if not name:
        raise UserError("Fullt navn mangler.")
    if len(name) > 200:
        raise UserError("Navnet kan ha høyst 200 tegn.")
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
    if cur.execute("SELECT 1 FROM region WHERE code = ? UNION ALL SELECT 1 FROM service WHERE id = ?",
                   [region, region]).fetchone():
        return region
    raise UserError(f"Ukjent kommune eller tjeneste «{region}». Bruk kommunenummeret (f.eks. 5001), "
                    "id-en til en interkommunal tjeneste (f.eks. varnesregionen) eller * for alle.")


def grantable_regions(con: duckdb.DuckDBPyConnection, actor: Actor) -> list[tuple[str, str]]:
    """(code, label) of the municipalities and intermunicipal services where the actor may give roles,
    with ('*', 'Alle kommuner') first for an administrator of all; for the user-admin page's picker."""
    rows = con.cursor().execute(
        "SELECT code, code || ' ' || name FROM region WHERE kind = 'municipality' AND valid_to IS NULL "
        "UNION ALL SELECT id, name || ' (interkommunal)' FROM service ORDER BY 1").fetchall()
    allowed = actor.regions("manage_users")
    if allowed is None:
        return [(ALL_REGIONS, "Alle kommuner"), *rows]
    return [(code, label) for code, label in rows if code in allowed]


# --- reading -------------------------------------------------------------------------------------------

_USER_COLUMNS = ("id, username, display_name, email, disabled, locked_until, last_sign_in, "
                 "password_hash IS NOT NULL, oidc_subject IS NOT NULL")


def _info(cur: duckdb.DuckDBPyConnection, row: tuple) -> UserInfo:
    user_id, username, display_name, email, disabled, locked_until, last_sign_in, has_pw, bound = row
    grants = cur.execute("SELECT region_code, role FROM role_grant WHERE user_id = ? ORDER BY region_code, role",
                         [user_id]).fetchall()
    return UserInfo(username, display_name, email, tuple((r, g) for r, g in grants), bool(disabled),
                    locked_until, last_sign_in, bool(has_pw), bool(bound))


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
        created_by = cur.execute("SELECT created_by FROM app_user WHERE id = ?", [row[0]]).fetchone()[0]
        info = _info(cur, row)
        if not _visible(actor, info, created_by, _members(cur)):
            regions = [r for r, _ in info.grants]
            require(con, actor, "manage_users", regions[0] if regions else ALL_REGIONS, target=f"user:{name}")
        return info
    return _info(cur, row)


def needs_first_admin(con: duckdb.DuckDBPyConnection) -> bool:
    """True until the first user exists: the app then offers the first-run step."""
    return con.cursor().execute("SELECT count(*) FROM app_user").fetchone()[0] == 0


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
    row = cur.execute("SELECT id, username, display_name, disabled FROM app_user WHERE username = ?",
                      [(username or "").strip().lower()]).fetchone()
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
            if cur.execute("SELECT count(*) FROM app_user").fetchone()[0]:
                raise FirstAdminExists(name)
            # Two first-run forms submitted at once would each see no users; this row makes the second
            # transaction fail at commit (same primary key), so only one administrator is created.
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('first_admin', ?)", [name])
            user_id = cur.execute(
                "INSERT INTO app_user (username, display_name, password_hash, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id", [name, shown, password_hash, now, name]).fetchone()[0]
            cur.execute("INSERT INTO role_grant VALUES (?, ?, 'admin', ?, ?)", [user_id, ALL_REGIONS, now, name])
            record(cur, name, "create_first_admin", region=ALL_REGIONS, target=f"user:{name}")
            cur.execute("UPDATE app_user SET last_sign_in = ? WHERE id = ?", [now, user_id])
            record(cur, name, "sign_in", target=f"user:{name}", detail="første oppstart")
    except FirstAdminExists:
        record(con.cursor(), name, "create_first_admin", region=ALL_REGIONS, target=f"user:{name}",
               detail="nektet: brukere finnes", allowed=False)
        raise
    except (duckdb.TransactionException, duckdb.ConstraintException):
        raise FirstAdminExists(name) from None
    return load_actor(con, name)


# --- sign-in ---------------------------------------------------------------------------------------------

def _lock_message(locked_until: datetime) -> str:
    return f"For mange mislykkede forsøk. Kontoen er låst til kl. {locked_until:%H:%M}."


def sign_in(con: duckdb.DuckDBPyConnection, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """A built-in account's sign-in. Every attempt is audited (never the password); MAX_FAILED_ATTEMPTS
    wrong passwords in a row lock the account for LOCKOUT, during which even the right one is refused."""
    now = now or datetime.now()
    name = (username or "").strip().lower()[:100]
    cur = con.cursor()
    row = cur.execute("SELECT id, password_hash, locked_until FROM app_user WHERE username = ?", [name]).fetchone()
    if row is None or row[1] is None:
        verify_password(_dummy_hash(), password or "")  # same time as a wrong password
        record(cur, name or "(tomt)", "sign_in_failed", target=f"user:{name}",
               detail="ukjent bruker" if row is None else "bare innlogging via kommunen (SSO)", allowed=False)
        raise SignInError(GENERIC_FAILURE)
    user_id, stored_hash, locked_until = row
    if locked_until is not None and now < locked_until:
        record(cur, name, "sign_in_failed", target=f"user:{name}", detail="kontoen er låst", allowed=False)
        raise SignInError(_lock_message(locked_until))
    ok = verify_password(stored_hash, password or "")

    for attempt in range(_RETRIES):
        try:
            with store.transaction(con) as tx:
                # Re-read inside the transaction: another attempt may have locked the account meanwhile.
                failed, locked_until, disabled = tx.execute(
                    "SELECT failed_attempts, locked_until, disabled FROM app_user WHERE id = ?", [user_id]).fetchone()
                if locked_until is not None and now < locked_until:
                    record(tx, name, "sign_in_failed", target=f"user:{name}", detail="kontoen er låst",
                           allowed=False)
                    error = SignInError(_lock_message(locked_until))
                elif ok and disabled:
                    record(tx, name, "sign_in_failed", target=f"user:{name}", detail="kontoen er deaktivert",
                           allowed=False)
                    error = SignInError(DISABLED)
                elif ok:
                    new_hash = hash_password(password) if _hasher.check_needs_rehash(stored_hash) else stored_hash
                    tx.execute("UPDATE app_user SET failed_attempts = 0, locked_until = NULL, last_sign_in = ?, "
                               "password_hash = ? WHERE id = ?", [now, new_hash, user_id])
                    record(tx, name, "sign_in", target=f"user:{name}")
                    error = None
                elif failed + 1 >= MAX_FAILED_ATTEMPTS:
                    until = now + LOCKOUT
                    # The counter starts again after the lock, so the next lock needs another full series.
                    tx.execute("UPDATE app_user SET failed_attempts = 0, locked_until = ? WHERE id = ?",
                               [until, user_id])
                    record(tx, name, "sign_in_failed", target=f"user:{name}",
                           detail=f"feil passord ({failed + 1}. på rad), låst til {until:%H:%M}", allowed=False)
                    error = SignInError(_lock_message(until))
                else:
                    tx.execute("UPDATE app_user SET failed_attempts = ?, locked_until = NULL WHERE id = ?",
                               [failed + 1, user_id])
                    record(tx, name, "sign_in_failed", target=f"user:{name}",
                           detail=f"feil passord ({failed + 1}. på rad)", allowed=False)
                    error = SignInError(GENERIC_FAILURE)
            break
        except duckdb.TransactionException:
            if attempt == _RETRIES - 1:
                raise
    if error is not None:
        raise error
    return load_actor(con, name)


def sign_in_sso(con: duckdb.DuckDBPyConnection, *, email: str | None, subject: str,
                name: str | None = None) -> Actor:
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
        raise SignInError(UNKNOWN_SSO)
    row = cur.execute("SELECT id, username, disabled, oidc_subject FROM app_user WHERE oidc_subject = ?",
                      [subject]).fetchone()
    bind = False
    if row is None and mail:
        rows = cur.execute(
            "SELECT id, username, disabled, oidc_subject FROM app_user WHERE username = ? OR lower(email) = ? "
            "ORDER BY username = ? DESC, id", [mail, mail, mail]).fetchall()
        if len(rows) > 1 and rows[0][1] != mail:
            record(cur, who, "sign_in_failed", detail="SSO: e-postadressen hører til flere brukere",
                   allowed=False)
            raise SignInError("E-postadressen din er registrert på flere brukere i Tilstand. "
                              "Be administratoren rydde opp.")
        if rows:
            row, bind = rows[0], True
            if row[3] is not None:
                record(cur, row[1], "sign_in_failed", target=f"user:{row[1]}",
                       detail="SSO: brukeren er knyttet til en annen identitet", allowed=False)
                raise SignInError("Brukeren med denne e-postadressen er allerede knyttet til en annen "
                                  "innlogging. Be administratoren om hjelp.")
    if row is None:
        record(cur, who, "sign_in_failed", detail="ukjent SSO-identitet" + (f" ({name})" if name else ""),
               allowed=False)
        raise SignInError(UNKNOWN_SSO)
    user_id, username, disabled, _ = row
    if disabled:
        record(cur, username, "sign_in_failed", target=f"user:{username}", detail="SSO: kontoen er deaktivert",
               allowed=False)
        raise SignInError(DISABLED)
    with store.transaction(con) as tx:
        if bind:
            tx.execute("UPDATE app_user SET oidc_subject = ?, last_sign_in = ? WHERE id = ?",
                       [subject, datetime.now(), user_id])
        else:
            tx.execute("UPDATE app_user SET last_sign_in = ? WHERE id = ?", [datetime.now(), user_id])
        record(tx, username, "sign_in_sso", target=f"user:{username}",
               detail=f"koblet til {mail} ved første innlogging" if bind else None)
    return load_actor(con, username)


# --- administration ----------------------------------------------------------------------------------------

def _raw_regions(cur: duckdb.DuckDBPyConnection, user_id: int) -> list[str]:
    return [r for (r,) in cur.execute("SELECT DISTINCT region_code FROM role_grant WHERE user_id = ? ORDER BY 1",
                                      [user_id]).fetchall()]


def _require_over(con: duckdb.DuckDBPyConnection, actor: Actor, cur: duckdb.DuckDBPyConnection, user_id: int,
                  username: str, action: str) -> None:
    """An administrator may change a user only where they administer every region the user holds a role in,
    so an admin of one municipality cannot take over an admin of all. A user without roles: any admin."""
    for region in _raw_regions(cur, user_id) or [None]:
        require(con, actor, action, region, target=f"user:{username}")


def _visible(actor: Actor, info: UserInfo, created_by: str, members: dict[str, list[str]]) -> bool:
    """Whether `users` lists this user for this administrator."""
    regions = actor.regions("manage_users")
    if regions is None:
        return True
    held = set(_expanded(list(info.grants), members))
    return bool(held & set(regions)) or (not held and created_by == actor.username)


def _active_global_admins(cur: duckdb.DuckDBPyConnection) -> int:
    return cur.execute("SELECT count(DISTINCT u.id) FROM app_user u JOIN role_grant g ON g.user_id = u.id "
                       "WHERE g.region_code = '*' AND g.role = 'admin' AND NOT u.disabled").fetchone()[0]


def _is_global_admin(cur: duckdb.DuckDBPyConnection, user_id: int) -> bool:
    return cur.execute("SELECT count(*) FROM role_grant WHERE user_id = ? AND region_code = '*' AND role = 'admin'",
                       [user_id]).fetchone()[0] > 0


def add_user(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, display_name: str, *,
             password: str | None = None, email: str | None = None) -> UserInfo:
    """A new user without roles (give them with `grant`). Without a password the user can only sign in
    through the municipality's single sign-on, matched by username or e-mail."""
    name = normalize_username(username)
    require(con, actor, "manage_users", target=f"user:{name}")
    shown, mail = _display_name(display_name), _email(email)
    if password is not None:
        check_password(password, username=name, display_name=shown)
    password_hash = hash_password(password) if password is not None else None
    with store.transaction(con) as cur:
        if cur.execute("SELECT 1 FROM app_user WHERE username = ?", [name]).fetchone():
            raise UserError(f"Brukernavnet «{name}» finnes allerede.")
        for address in {a for a in (mail, name if "@" in name else None) if a}:
            taken = cur.execute("SELECT username FROM app_user WHERE username = ? OR lower(email) = ?",
                                [address, address]).fetchone()
            if taken:
                raise UserError(f"E-postadressen {address} er allerede brukt av «{taken[0]}»; "
                                "innlogging via kommunen ville ikke vite hvem som er hvem.")
        cur.execute("INSERT INTO app_user (username, display_name, password_hash, email, created_at, created_by) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [name, shown, password_hash, mail, datetime.now(), actor.username])
        record(cur, actor, "add_user", target=f"user:{name}",
               detail="med passord" if password is not None else "bare innlogging via kommunen")
        return _info(cur, _user_row(cur, name))


def grant(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, role: str, region: str) -> None:
    """Give a role in a municipality, an intermunicipal service or '*' (all). Granting one already held
    changes nothing."""
    name = normalize_username(username)
    region = validate_grant(con, role, region)
    require(con, actor, "manage_users", region, target=f"user:{name}")
    with store.transaction(con) as cur:
        user_id = _user_row(cur, name)[0]
        if cur.execute("SELECT 1 FROM role_grant WHERE user_id = ? AND region_code = ? AND role = ?",
                       [user_id, region, role]).fetchone():
            return
        cur.execute("INSERT INTO role_grant VALUES (?, ?, ?, ?, ?)", [user_id, region, role, datetime.now(),
                                                                     actor.username])
        record(cur, actor, "grant", region=region, target=f"user:{name}", detail=role)


def revoke(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, role: str, region: str) -> None:
    name = normalize_username(username)
    region = (region or "").strip()
    if role not in ROLES:
        raise UserError(f"Ukjent rolle «{role}». Gyldige roller: {', '.join(ROLES)}.")
    require(con, actor, "manage_users", region, target=f"user:{name}")
    with store.transaction(con) as cur:
        user_id = _user_row(cur, name)[0]
        if not cur.execute("SELECT 1 FROM role_grant WHERE user_id = ? AND region_code = ? AND role = ?",
                           [user_id, region, role]).fetchone():
            raise UserError(f"«{name}» har ikke rollen {role} i {region}.")
        cur.execute("DELETE FROM role_grant WHERE user_id = ? AND region_code = ? AND role = ?",
                    [user_id, region, role])
        if role == "admin" and region == ALL_REGIONS and _active_global_admins(cur) == 0:
            raise UserError("Dette er den siste administratoren for alle kommuner; gi rollen til en annen først.")
        record(cur, actor, "revoke", region=region, target=f"user:{name}", detail=role)


def set_password(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, password: str) -> None:
    """A new password, set by the user themself or by an administrator over all the user's regions. Also
    lifts a lock-out. The caller (the page) is responsible for asking for the current password first."""
    name = normalize_username(username)
    cur = con.cursor()
    user_id, _, display_name, *_ = _user_row(cur, name)
    own = actor.username == name and not actor.system
    if not own:
        _require_over(con, actor, cur, user_id, name, "manage_users")
    check_password(password, username=name, display_name=display_name)
    password_hash = hash_password(password)
    with store.transaction(con) as tx:
        tx.execute("UPDATE app_user SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?",
                   [password_hash, user_id])
        record(tx, actor, "set_password", target=f"user:{name}", detail="eget passord" if own else None)


def unlock(con: duckdb.DuckDBPyConnection, actor: Actor, username: str) -> None:
    name = normalize_username(username)
    cur = con.cursor()
    user_id = _user_row(cur, name)[0]
    _require_over(con, actor, cur, user_id, name, "manage_users")
    with store.transaction(con) as tx:
        tx.execute("UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = ?", [user_id])
        record(tx, actor, "unlock", target=f"user:{name}")


def set_disabled(con: duckdb.DuckDBPyConnection, actor: Actor, username: str, disabled: bool) -> None:
    """Disable (or enable again) an account: a disabled user cannot sign in, and open sessions end on the
    next page load (load_actor refuses them)."""
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
        record(tx, actor, "disable_user" if disabled else "enable_user", target=f"user:{name}")


def users(con: duckdb.DuckDBPyConnection, actor: Actor) -> list[UserInfo]:
    """The users an administrator may manage: all for an administrator of '*' (and the command line);
    else those with a role in one of the administrator's regions, and users without roles they created."""
    require(con, actor, "manage_users")
    cur = con.cursor()
    members = _members(cur)
    rows = cur.execute(f"SELECT {_USER_COLUMNS}, created_by FROM app_user ORDER BY username").fetchall()
    infos = ((_info(cur, row[:-1]), row[-1]) for row in rows)
    return [info for info, created_by in infos if _visible(actor, info, created_by, members)]
