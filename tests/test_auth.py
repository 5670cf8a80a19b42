"""Built-in accounts, sign-in and lock-out, single sign-on mapping, user admin per region, `tilstand user`."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta

import duckdb
import pytest

from tilstand import access, auth, narrative, sessions, store
from tilstand.access import SYSTEM, PermissionDenied

PASSWORD = "korrekt hest batteri"
CLI = [sys.executable, "-m", "tilstand.cli"]


def audit(con, action: str | None = None) -> list[tuple]:
    sql = "SELECT username, action, region_code, target, detail, allowed FROM audit_log"
    rows = con.cursor().execute(sql + " ORDER BY id").fetchall()
    return [r for r in rows if action is None or r[1] == action]


def users_and_grants(con) -> tuple:
    cur = con.cursor()
    return (
        cur.execute("SELECT * FROM app_user ORDER BY id").fetchall(),
        cur.execute("SELECT * FROM role_grant ORDER BY ALL").fetchall(),
    )


@pytest.fixture
def admin(con):
    return auth.create_first_admin(con, "ada", "Ada Admin", PASSWORD)


@pytest.fixture
def anne(con, admin):
    auth.add_user(con, admin, "anne", "Anne Leder", password="annes eget passord", email="Anne@Kommune.no")
    auth.grant(con, admin, "anne", "leder", "5001")
    return "anne"


# --- passwords ---


def test_passwords_are_hashed_with_argon2id_and_verify():
    h = auth.hash_password(PASSWORD)
    assert h.startswith("$argon2id$") and PASSWORD not in h
    assert auth.verify_password(h, PASSWORD)
    assert not auth.verify_password(h, PASSWORD + "x")
    assert not auth.verify_password("ikke en hash", PASSWORD)


def test_production_hashes_at_rfc_9106_strength_and_a_cheap_test_hash_is_rehashed_on_sign_in(con, monkeypatch):
    """The suite hashes with argon2's cheapest parameters (tests/conftest.py); the app as deployed never does.

    A fresh process (as the app and the CLI start) hashes with the library's RFC 9106 low-memory profile, and
    a hash made cheaply verifies and is replaced by a full-strength one at the next sign-in."""
    from argon2 import PasswordHasher, extract_parameters, profiles

    fresh = subprocess.run(
        [sys.executable, "-c", "from tilstand import auth; print(auth.hash_password('x' * 12))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert extract_parameters(fresh.stdout.strip()) == profiles.RFC_9106_LOW_MEMORY
    outside = subprocess.run(
        [sys.executable, "-c", "from tilstand import auth; auth.use_cheapest_hashing_in_tests()"],
        capture_output=True,
        text=True,
    )
    assert outside.returncode != 0 and "test suite only" in outside.stderr

    assert extract_parameters(auth.hash_password(PASSWORD)) == profiles.CHEAPEST  # this suite's setting
    auth.create_first_admin(con, "ada", "Ada Admin", PASSWORD)
    monkeypatch.setattr(auth, "_hasher", PasswordHasher())  # as in production
    auth.sign_in(con, "ada", PASSWORD)
    stored = con.cursor().execute("SELECT password_hash FROM app_user WHERE username = 'ada'").fetchone()[0]
    assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY
    assert auth.verify_password(stored, PASSWORD)


@pytest.mark.parametrize(
    "password, says",
    [
        ("kort", "minst 10 tegn"),
        ("kari@kommune.no", "samme som brukernavnet"),
        ("Kari Nordmann", "samme som brukernavnet eller navnet"),
        ("aaaaaaaaaaaa", "ett eller to tegn"),
        ("Passord123", "for vanlig"),
    ],
)
def test_a_weak_password_is_refused_in_norwegian_and_nothing_is_written(con, admin, password, says):
    before = users_and_grants(con)
    with pytest.raises(auth.WeakPasswordError, match=says):
        auth.add_user(con, admin, "kari@kommune.no", "Kari Nordmann", password=password)
    assert users_and_grants(con) == before
    assert not audit(con, "add_user")


@pytest.mark.parametrize(
    "name, says",
    [
        ("Eva ![n](https://evil.example/n.png)", "«![» eller «](», som blir bilder og lenker"),  # a tracking pixel
        ("[Eva](https://evil.example)", "«![» eller «](», som blir bilder og lenker"),
        ("Eva\nNordmann", "kontrolltegn"),
        ("Eva\x00", "kontrolltegn"),
        ("Eva \u202ennamdroN", "kontrolltegn"),  # a bidi override: the rest reads backwards
    ],
)
def test_a_display_name_that_would_be_an_image_a_link_or_hide_characters_is_refused(con, admin, name, says):
    """A display name is shown on every page, in the audit log and in the report's history."""
    before = users_and_grants(con)
    with pytest.raises(auth.UserError, match=re.escape(says)):
        auth.add_user(con, admin, "eva", name)
    assert users_and_grants(con) == before
    assert not audit(con, "add_user")


# --- first run ---


def test_the_first_admin_is_created_once_and_administers_every_region(con):
    assert auth.needs_first_admin(con)
    actor = auth.create_first_admin(con, "  Ada@Kommune.NO ", "Ada Admin", PASSWORD)
    assert actor.username == "ada@kommune.no"
    assert actor.can("manage_users", "5035") and actor.regions("manage_users") is None
    assert not auth.needs_first_admin(con)
    with pytest.raises(PermissionDenied, match="allerede satt opp"):
        auth.create_first_admin(con, "eve", "Eve", "et annet godt passord")
    assert [u.username for u in auth.users(con, actor)] == ["ada@kommune.no"]
    refused = audit(con, "create_first_admin")[-1]
    assert refused[0] == "eve" and refused[-1] is False


def test_two_first_run_forms_committing_at_once_create_one_admin(con):
    """The other form's transaction is open when ours commits: it has seen no users either, and fails."""
    other = con.cursor()
    other.execute("BEGIN TRANSACTION")
    assert other.execute("SELECT count(*) FROM app_user").fetchone()[0] == 0
    other.execute("INSERT OR REPLACE INTO meta VALUES ('first_admin', 'eve')")
    other.execute(
        "INSERT INTO app_user (username, display_name, created_at, created_by) VALUES ('eve', 'Eve', now(), 'eve')"
    )
    auth.create_first_admin(con, "ada", "Ada Admin", PASSWORD)
    with pytest.raises(duckdb.TransactionException):
        other.execute("COMMIT")
    assert [r[0] for r in con.cursor().execute("SELECT username FROM app_user").fetchall()] == ["ada"]


# --- sign-in ---


def test_sign_in_is_case_insensitive_and_returns_the_users_roles(con, anne):
    actor = auth.sign_in(con, "  ANNE ", "annes eget passord")
    assert actor.username == "anne" and actor.display_name == "Anne Leder"
    assert actor.can("write_text", "5001") and not actor.can("write_text", "5035")
    info = next(u for u in auth.users(con, SYSTEM) if u.username == "anne")
    assert info.last_sign_in is not None
    assert audit(con, "sign_in")[-1][:4] == ("anne", "sign_in", None, "user:anne")


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(con, anne):
    with pytest.raises(auth.SignInError) as wrong:
        auth.sign_in(con, "anne", "feil passord her")
    with pytest.raises(auth.SignInError) as unknown:
        auth.sign_in(con, "ingen", "feil passord her")
    assert str(wrong.value) == str(unknown.value) == "Feil brukernavn eller passord."
    failed = audit(con, "sign_in_failed")
    assert [r[0] for r in failed] == ["anne", "(ukjent)"] and all(r[-1] is False for r in failed)
    assert not any("feil passord her" in str(v) for r in audit(con) for v in r)


def test_a_user_without_a_password_cannot_sign_in_with_one(con, admin):
    auth.add_user(con, admin, "sso@kommune.no", "Bare SSO")
    with pytest.raises(auth.SignInError, match=r"^Feil brukernavn eller passord\.$"):
        auth.sign_in(con, "sso@kommune.no", "")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one_until_the_lockout_ends(con, anne):
    t0 = datetime(2025, 3, 1, 9, 0)
    for i in range(auth.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(auth.SignInError, match="Feil brukernavn"):
            auth.sign_in(con, "anne", f"gjetning {i}", now=t0)
    with pytest.raises(auth.SignInError, match=r"^For mange mislykkede forsøk\. Prøv igjen om 15 minutter\.$"):
        auth.sign_in(con, "anne", "gjetning 5", now=t0)
    with pytest.raises(auth.SignInError, match="For mange mislykkede forsøk"):
        auth.sign_in(con, "anne", "annes eget passord", now=t0 + auth.LOCKOUT - timedelta(seconds=1))
    assert next(u for u in auth.users(con, SYSTEM) if u.username == "anne").locked(t0)
    assert auth.sign_in(con, "anne", "annes eget passord", now=t0 + auth.LOCKOUT).username == "anne"
    # after the lock, a fresh series of attempts
    with pytest.raises(auth.SignInError, match="Feil brukernavn"):
        auth.sign_in(con, "anne", "gjetning 6", now=t0 + auth.LOCKOUT)


def test_a_successful_sign_in_resets_the_count_of_failures(con, anne):
    t0 = datetime(2025, 3, 1, 9, 0)
    for _ in range(2):
        for _ in range(auth.MAX_FAILED_ATTEMPTS - 1):
            with pytest.raises(auth.SignInError, match="Feil brukernavn"):
                auth.sign_in(con, "anne", "gjetning", now=t0)
        auth.sign_in(con, "anne", "annes eget passord", now=t0)


def test_a_disabled_account_is_refused_and_says_so_only_to_the_right_password(con, admin, anne):
    auth.set_disabled(con, admin, "anne", True)
    with pytest.raises(auth.SignInError, match="deaktivert"):
        auth.sign_in(con, "anne", "annes eget passord")
    with pytest.raises(auth.SignInError, match=r"^Feil brukernavn eller passord\.$"):
        auth.sign_in(con, "anne", "feil passord her")
    with pytest.raises(auth.SignInError):
        auth.load_actor(con, "anne")  # open sessions end on the next page load
    auth.set_disabled(con, admin, "anne", False)
    assert auth.sign_in(con, "anne", "annes eget passord").username == "anne"


def test_an_administrator_unlocks_an_account_and_a_new_password_lifts_the_lock_too(con, admin, anne):
    now = datetime.now()
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(auth.SignInError):
            auth.sign_in(con, "anne", "gjetning", now=now)
    auth.unlock(con, admin, "anne")
    auth.sign_in(con, "anne", "annes eget passord")
    auth.set_password(con, admin, "anne", "et helt nytt passord")
    auth.sign_in(con, "anne", "et helt nytt passord")


def test_a_user_may_change_their_own_password(con, anne):
    me = auth.sign_in(con, "anne", "annes eget passord")
    auth.set_password(con, me, "anne", "mitt nye lange passord")
    assert auth.sign_in(con, "anne", "mitt nye lange passord")
    assert audit(con, "set_password")[-1][4] == "eget passord"


# --- sign-in throttle: per client address, never per account alone ---

ATTACKER, ANNE_AT_WORK = "203.0.113.9", "198.51.100.7"


def fail(
    con, username: str, *, address: str | None = None, now: datetime | None = None, password: str = "gjetning"
) -> str:
    with pytest.raises(auth.SignInError) as refused:
        auth.sign_in(con, username, password, address=address, now=now)
    return str(refused.value)


def test_wrong_passwords_from_one_address_never_lock_the_account_for_another(con, admin):
    """The attack: anyone could lock any account, the administrator of all too, by typing wrong passwords."""
    t0 = datetime(2025, 3, 1, 9, 0)
    for i in range(3 * auth.MAX_FAILED_ATTEMPTS):
        fail(con, "ada", address=ATTACKER, now=t0 + timedelta(seconds=i))
    assert auth.sign_in(con, "ada", PASSWORD, address=ANNE_AT_WORK, now=t0 + timedelta(minutes=1)).username == "ada"
    assert "For mange" in fail(con, "ada", address=ATTACKER, password=PASSWORD, now=t0 + timedelta(minutes=1))


def test_the_wait_message_is_the_same_whether_the_username_exists_or_not(con, anne):
    """The attack: the lock message confirmed that the account exists."""
    t0 = datetime(2025, 3, 1, 9, 0)
    answers = {
        name: [fail(con, name, address=ATTACKER, now=t0) for _ in range(auth.MAX_FAILED_ATTEMPTS + 1)]
        for name in ("anne", "ingen-slik-bruker")
    }
    assert answers["anne"] == answers["ingen-slik-bruker"]
    assert answers["anne"][0] == "Feil brukernavn eller passord."
    assert answers["anne"][-1] == "For mange mislykkede forsøk. Prøv igjen om 15 minutter."
    assert not any("Kontoen" in a or "anne" in a for a in answers["anne"])


def test_one_address_trying_many_usernames_must_wait_for_every_username(con, anne):
    t0 = datetime(2025, 3, 1, 9, 0)
    for i in range(auth.ADDRESS_MAX_FAILURES):
        fail(con, f"gjett-{i}@kommune.no", address=ATTACKER, now=t0 + timedelta(seconds=i))
    later = t0 + timedelta(minutes=5)
    assert (
        fail(con, "anne", address=ATTACKER, password="annes eget passord", now=later)
        == "For mange mislykkede forsøk. Prøv igjen om 10 minutter."
    )
    assert auth.sign_in(con, "anne", "annes eget passord", address=ANNE_AT_WORK, now=later).username == "anne"
    assert (
        auth.sign_in(
            con,
            "anne",
            "annes eget passord",
            address=ATTACKER,
            now=t0 + auth.LOCKOUT + timedelta(seconds=auth.ADDRESS_MAX_FAILURES),
        ).username
        == "anne"
    )


def test_attempts_sent_at_once_cannot_slip_past_the_limit_while_passwords_are_checked(con, anne):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda i: fail(con, "anne", address=ATTACKER, password=f"gjetning {i}"), range(12)))
    checked = [r for r in audit(con, "sign_in_failed") if r[4].startswith("feil passord")]
    assert len(checked) == auth.MAX_FAILED_ATTEMPTS
    assert set(answers) <= {auth.GENERIC_FAILURE, "For mange mislykkede forsøk. Prøv igjen om 15 minutter."}


def test_the_throttle_keeps_no_address_and_no_typed_username(con, anne):
    fail(con, "anne", address=ATTACKER)
    fail(con, "Mitt-Hemmelige-Passord-123", address=ATTACKER)
    rows = con.cursor().execute("SELECT * FROM sign_in_failure").fetchall()
    assert len(rows) == 2
    text = repr(rows).lower()
    assert ATTACKER not in text and "hemmelige" not in text and "anne" not in text


def test_an_address_behind_a_reverse_proxy_is_the_one_the_proxy_saw():
    assert auth.client_address("10.0.0.2", "6.6.6.6, 203.0.113.9", behind_proxy=True) == "203.0.113.9"
    assert auth.client_address("203.0.113.9", "6.6.6.6") == "203.0.113.9"  # a header anyone can send
    assert auth.client_address(None, None, behind_proxy=True) is None
    assert auth.client_address(object()) is None  # not an address (AppTest hands a stand-in)


# --- what the audit log keeps of a failed sign-in ---


def test_a_username_nobody_has_is_not_stored_for_people_type_their_password_there(con, anne):
    """The attack: the typed text went verbatim into the audit log (and, from there, into a CSV export)."""
    typed = '=HYPERLINK("https://evil.example","annes eget passord")'
    fail(con, typed)
    fail(con, "  ANNE ")
    failed = audit(con, "sign_in_failed")
    assert [(r[0], r[3]) for r in failed] == [("(ukjent)", None), ("anne", "user:anne")]
    everything = repr(con.cursor().execute("SELECT * FROM audit_log").fetchall()).lower()
    assert "hyperlink" not in everything and "annes eget passord" not in everything


# --- sessions ---


def test_a_session_expires_after_an_idle_hour_and_at_the_latest_after_twelve_hours():
    t0 = datetime(2025, 3, 1, 8, 0)
    assert not auth.session_expired(t0, t0, t0 + auth.SESSION_IDLE - timedelta(seconds=1))
    assert auth.session_expired(t0, t0, t0 + auth.SESSION_IDLE)
    busy_until = t0 + auth.SESSION_MAX - timedelta(minutes=1)
    assert not auth.session_expired(t0, busy_until, busy_until)
    assert auth.session_expired(t0, t0 + auth.SESSION_MAX, t0 + auth.SESSION_MAX)


def test_a_new_password_set_by_an_administrator_ends_every_session_of_the_user(con, admin, anne):
    """The attack: whoever had the old password stayed signed in after the password was changed."""
    stolen, own = (sessions.start(con, auth.load_actor(con, "anne")) for _ in range(2))
    ada = sessions.start(con, admin)
    auth.set_password(con, admin, "anne", "et helt nytt passord")
    assert sessions.resume(con, stolen) is None and sessions.resume(con, own) is None
    assert sessions.resume(con, ada).username == "ada"
    assert audit(con, "set_password")[-1][4] == "2 økter avsluttet"


def test_changing_ones_own_password_keeps_only_the_session_it_was_changed_in(con, anne):
    stolen, here = (sessions.start(con, auth.load_actor(con, "anne")) for _ in range(2))
    auth.set_password(con, auth.load_actor(con, "anne"), "anne", "mitt nye lange passord", keep_session=here)
    assert sessions.resume(con, stolen) is None
    assert sessions.resume(con, here).username == "anne"


@pytest.mark.parametrize("change", ["disable", "revoke"])
def test_disabling_a_user_or_taking_away_a_role_ends_their_sessions(con, admin, anne, change):
    token = sessions.start(con, auth.load_actor(con, "anne"))
    auth.grant(con, admin, "anne", "lesar", "5001")
    if change == "disable":
        auth.set_disabled(con, admin, "anne", True)
        auth.set_disabled(con, admin, "anne", False)  # enabling again does not bring the session back
    else:
        auth.revoke(con, admin, "anne", "lesar", "5001")
    assert sessions.resume(con, token) is None
    assert con.cursor().execute("SELECT count(*) FROM auth_session WHERE username = 'anne'").fetchone()[0] == 0


def test_sign_out_everywhere_ends_every_session_of_the_person_only_and_is_audited(con, admin, anne):
    me = auth.load_actor(con, "anne")
    mine = [sessions.start(con, me) for _ in range(3)]
    ada = sessions.start(con, admin)
    assert sessions.end_everywhere(con, me) == 3
    assert all(sessions.resume(con, t) is None for t in mine)
    assert sessions.resume(con, ada).username == "ada"
    assert audit(con, "sign_out_everywhere") == [
        ("anne", "sign_out_everywhere", None, "user:anne", "3 økter avsluttet", True)
    ]


def test_an_unlock_from_the_command_line_lets_every_address_try_again(db_path):
    con = store.connect(db_path)
    auth.create_first_admin(con, "ada", "Ada Admin", PASSWORD)
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        fail(con, "ada")
    assert "For mange" in fail(con, "ada", password=PASSWORD)
    assert next(u for u in auth.users(con, SYSTEM) if u.username == "ada").locked()
    store.close(db_path)
    out = tilstand("user", "unlock", "ADA", "--db", db_path)
    assert out.returncode == 0, out.stderr
    assert "ada" in out.stdout
    con = store.connect(db_path)
    assert auth.sign_in(con, "ada", PASSWORD).username == "ada"
    assert audit(con, "unlock")[-1][:4] == ("kommandolinje", "unlock", None, "user:ada")
    store.close(db_path)
    out = tilstand("user", "unlock", "ingen", "--db", db_path)
    assert out.returncode == 2 and "finnes ikke" in out.stderr


# --- roles and administration ---


def test_every_administrative_write_is_audited_with_who_and_where(con, admin, anne):
    auth.grant(con, admin, "anne", "saksordforer", "5035")
    auth.revoke(con, admin, "anne", "saksordforer", "5035")
    auth.set_password(con, admin, "anne", "et helt nytt passord")
    auth.unlock(con, admin, "anne")
    auth.set_disabled(con, admin, "anne", True)
    auth.set_disabled(con, admin, "anne", False)
    rows = [r for r in audit(con) if r[1] not in ("sign_in", "create_first_admin")]
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("ada", "add_user", None, "user:anne"),
        ("ada", "grant", "5001", "user:anne"),
        ("ada", "grant", "5035", "user:anne"),
        ("ada", "revoke", "5035", "user:anne"),
        ("ada", "set_password", None, "user:anne"),
        ("ada", "unlock", None, "user:anne"),
        ("ada", "disable_user", None, "user:anne"),
        ("ada", "enable_user", None, "user:anne"),
    ]
    assert all(r[-1] is True for r in rows)


def test_an_admin_of_one_municipality_cannot_grant_in_another_while_an_admin_of_all_can(con, admin):
    auth.add_user(con, admin, "trude", "Trude Trondheim", password="trudes passord!")
    auth.grant(con, admin, "trude", "admin", "5001")
    trude = auth.load_actor(con, "trude")
    auth.add_user(con, trude, "ola", "Ola Leder", password="olas passord!!")
    auth.grant(con, trude, "ola", "leder", "5001")
    with pytest.raises(PermissionDenied, match="administrere brukere for 5035"):
        auth.grant(con, trude, "ola", "leder", "5035")
    assert audit(con, "manage_users")[-1][:3] == ("trude", "manage_users", "5035")
    assert audit(con, "manage_users")[-1][-1] is False
    auth.grant(con, admin, "ola", "leder", "5035")
    assert auth.load_actor(con, "ola").can("write_text", "5035")


def test_an_admin_of_one_municipality_cannot_take_over_an_admin_of_all(con, admin):
    auth.add_user(con, admin, "trude", "Trude Trondheim", password="trudes passord!")
    auth.grant(con, admin, "trude", "admin", "5001")
    auth.grant(con, admin, "ada", "leder", "5001")
    trude = auth.load_actor(con, "trude")
    for change in (
        lambda: auth.set_password(con, trude, "ada", "trude eier deg nå"),
        lambda: auth.set_disabled(con, trude, "ada", True),
        lambda: auth.unlock(con, trude, "ada"),
        lambda: auth.grant(con, trude, "trude", "admin", "*"),
    ):
        with pytest.raises(PermissionDenied):
            change()
    assert auth.sign_in(con, "ada", PASSWORD)


def test_a_leder_cannot_add_users_and_nothing_is_written(con, anne):
    leder = auth.load_actor(con, "anne")
    before = users_and_grants(con)
    with pytest.raises(PermissionDenied, match="administrere brukere"):
        auth.add_user(con, leder, "ny", "Ny Bruker", password="et godt passord")
    assert users_and_grants(con) == before


def test_a_regional_admin_sees_only_users_with_roles_in_their_regions(con, admin, anne):
    auth.add_user(con, admin, "stjordal", "Stjørdal-admin", password="stjørdal passord")
    auth.grant(con, admin, "stjordal", "admin", "5035")
    auth.add_user(con, admin, "vaernes", "Værnes-leder", password="værnes passord!")
    auth.grant(con, admin, "vaernes", "leder", "varnesregionen")
    regional = auth.load_actor(con, "stjordal")
    auth.add_user(con, regional, "ny", "Ny uten roller ennå")
    assert [u.username for u in auth.users(con, regional)] == ["ny", "stjordal", "vaernes"]
    assert [u.username for u in auth.users(con, admin)] == ["ada", "anne", "ny", "stjordal", "vaernes"]
    assert auth.user_info(con, regional, "vaernes").grants == (("varnesregionen", "leder"),)
    with pytest.raises(PermissionDenied):
        auth.user_info(con, regional, "ada")
    assert auth.user_info(con, auth.load_actor(con, "anne"), "anne").email == "anne@kommune.no"
    assert [c for c, _ in auth.grantable_regions(con, regional)] == ["5035"]
    assert auth.grantable_regions(con, admin)[0] == ("*", "Alle kommuner")


def test_a_role_on_an_intermunicipal_service_covers_every_member_municipality(con, admin):
    service = next(r for r in store._reference_rows("services.csv") if r["id"] == "varnesregionen")
    auth.add_user(con, admin, "vaernes", "Værnes-leder", password="værnes passord!")
    auth.grant(con, admin, "vaernes", "leder", service["id"])
    actor = auth.load_actor(con, "vaernes")
    for member in service["members"].split():
        assert actor.can("write_text", member)
    assert actor.can("write_text", "varnesregionen") and not actor.can("write_text", "5001")
    assert auth.users(con, admin)[-1].grants == (("varnesregionen", "leder"),)


def test_grants_name_a_known_role_and_a_known_region(con, admin, anne):
    with pytest.raises(auth.UserError, match="Ukjent rolle «sjef»"):
        auth.grant(con, admin, "anne", "sjef", "5001")
    with pytest.raises(auth.UserError, match="Ukjent kommune eller tjeneste «9999»"):
        auth.grant(con, admin, "anne", "leder", "9999")
    with pytest.raises(auth.UserError, match="finnes ikke"):
        auth.grant(con, admin, "ingen", "leder", "5001")
    with pytest.raises(auth.UserError, match="har ikke rollen"):
        auth.revoke(con, admin, "anne", "lesar", "5001")


def test_the_last_administrator_of_all_cannot_be_removed_or_disabled(con, admin, anne):
    with pytest.raises(auth.UserError, match="siste administratoren"):
        auth.revoke(con, admin, "ada", "admin", "*")
    with pytest.raises(auth.UserError, match="egen konto"):
        auth.set_disabled(con, admin, "ada", True)
    assert auth.load_actor(con, "ada").regions("manage_users") is None


def test_usernames_and_email_addresses_are_unique_whatever_the_case(con, admin, anne):
    with pytest.raises(auth.UserError, match="finnes allerede"):
        auth.add_user(con, admin, " ANNE ", "Anne igjen")
    with pytest.raises(auth.UserError, match="allerede brukt av «anne»"):
        auth.add_user(con, admin, "anne2", "Anne to", email="anne@kommune.NO")
    with pytest.raises(auth.UserError, match="Fullt navn mangler"):
        auth.add_user(con, admin, "noname", "  ")


def test_adding_a_name_taken_in_another_municipality_does_not_confirm_the_account(con, admin, anne):
    """The attack: «Ny bruker» told a municipal administrator which usernames and e-mail addresses exist
    elsewhere, and whose they are."""
    auth.add_user(con, admin, "ola", "Ola Stjørdal", password="olas passord!!", email="ola@stjordal.kommune.no")
    auth.grant(con, admin, "ola", "leder", "5035")
    auth.add_user(con, admin, "trude", "Trude Trondheim", password="trudes passord!")
    auth.grant(con, admin, "trude", "admin", "5001")
    trude = auth.load_actor(con, "trude")
    before = users_and_grants(con)
    answers = []
    for username, email in (("ola", None), ("ola2", "OLA@stjordal.kommune.no"), ("ola@stjordal.kommune.no", None)):
        with pytest.raises(auth.UserError) as refused:
            auth.add_user(con, trude, username, "Noen", email=email)
        answers.append(str(refused.value))
    assert answers == [auth.NAME_UNAVAILABLE] * 3
    assert "finnes" not in auth.NAME_UNAVAILABLE and "ola" not in auth.NAME_UNAVAILABLE
    assert users_and_grants(con) == before
    with pytest.raises(auth.UserError, match="allerede brukt av «anne»"):  # anne is in trude's municipality
        auth.add_user(con, trude, "anne2", "Anne to", email="anne@kommune.no")
    with pytest.raises(auth.UserError, match="«ola» finnes allerede"):  # the administrator of all is told
        auth.add_user(con, admin, "ola", "Ola igjen")
    assert [r[0] for r in audit(con, "add_user") if r[-1] is False] == ["trude"] * 3


def test_a_municipal_administrator_reads_only_the_audit_rows_of_their_municipalities(con, admin, anne):
    """The attack: an administrator of one municipality read every municipality's audit log."""
    auth.add_user(con, admin, "ola", "Ola Stjørdal", password="olas passord!!")
    auth.grant(con, admin, "ola", "leder", "5035")
    auth.add_user(con, admin, "trude", "Trude Trondheim", password="trudes passord!")
    auth.grant(con, admin, "trude", "admin", "5001")
    auth.add_user(con, admin, "begge", "Begge Kommuner", password="begges passord!")
    auth.grant(con, admin, "begge", "lesar", "5001")
    auth.grant(con, admin, "begge", "lesar", "5035")
    for name, password in (("anne", "annes eget passord"), ("ola", "olas passord!!"), ("begge", "begges passord!")):
        auth.sign_in(con, name, password)
    fail(con, "ola")
    fail(con, "ukjent-navn")
    narrative.create_report(con, "5035", 2024, "nb", actor=auth.load_actor(con, "ola"))
    narrative.create_report(con, "5001", 2024, "nb", actor=auth.load_actor(con, "anne"))
    trude = auth.load_actor(con, "trude")

    rows = access.audit_log(con, trude)
    assert {r["region_code"] for r in rows} == {None, "5001"}
    about = {r["target"] or r["username"] for r in rows if r["region_code"] is None}
    assert about == {"user:anne", "user:trude"}  # sign-ins, additions, passwords of users wholly in 5001
    assert ("anne", "create_report", "5001") in {(r["username"], r["action"], r["region_code"]) for r in rows}
    assert "ola" not in repr(rows) and "(ukjent)" not in repr(rows)
    # begge also reads 5035: the grant in 5001 is about 5001, but begge's sign-in is not trude's to see
    assert [(r["action"], r["region_code"]) for r in rows if "begge" in repr(r)] == [("grant", "5001")]
    everything = access.audit_log(con, admin)
    assert len(everything) == len(audit(con)) and {"5035", "*"} <= {r["region_code"] for r in everything}
    assert [r["action"] for r in access.audit_log(con, trude, action="sign_in")] == ["sign_in"]


# --- single sign-on ---


def test_sso_maps_by_email_binds_the_subject_and_then_follows_the_subject(con, admin, anne):
    actor = auth.sign_in_sso(con, email="ANNE@kommune.no", subject="sub-123", name="Anne L.")
    assert actor.username == "anne" and actor.can("write_text", "5001")
    assert next(u for u in auth.users(con, admin) if u.username == "anne").sso_bound
    assert auth.sign_in_sso(con, email="anne.leder@ny-kommune.no", subject="sub-123").username == "anne"
    assert [r[0] for r in audit(con, "sign_in_sso")] == ["anne", "anne"]


def test_sso_maps_by_username_when_it_is_the_email_address(con, admin):
    auth.add_user(con, admin, "Per@Kommune.no", "Per Saksordfører")
    assert auth.sign_in_sso(con, email="per@kommune.no", subject="sub-per").username == "per@kommune.no"


def test_sso_refuses_an_unknown_identity_and_says_what_to_do(con, admin, anne):
    with pytest.raises(auth.SignInError, match="Du er ikke registrert i Tilstand"):
        auth.sign_in_sso(con, email="ukjent@kommune.no", subject="sub-x")
    with pytest.raises(auth.SignInError, match="Du er ikke registrert"):
        auth.sign_in_sso(con, email=None, subject="sub-x")
    with pytest.raises(auth.SignInError, match="Du er ikke registrert"):
        auth.sign_in_sso(con, email="anne@kommune.no", subject="None")  # str(None): no 'sub' at all
    assert [r[0] for r in audit(con, "sign_in_failed")] == ["ukjent@kommune.no", "sso:sub-x", "anne@kommune.no"]


def test_sso_does_not_rebind_a_user_to_another_identity_with_the_same_email(con, admin, anne):
    auth.sign_in_sso(con, email="anne@kommune.no", subject="sub-123")
    with pytest.raises(auth.SignInError, match="knyttet til en annen innlogging"):
        auth.sign_in_sso(con, email="anne@kommune.no", subject="sub-impostor")


def test_sso_refuses_a_disabled_user(con, admin, anne):
    auth.set_disabled(con, admin, "anne", True)
    with pytest.raises(auth.SignInError, match="deaktivert"):
        auth.sign_in_sso(con, email="anne@kommune.no", subject="sub-123")


# --- command line ---


def tilstand(*args, stdin: str | None = None):
    return subprocess.run([*CLI, *map(str, args)], input=stdin, capture_output=True, text=True, timeout=120)


def test_cli_adds_a_user_with_a_password_from_stdin_lists_it_and_the_password_signs_in(db_path):
    out = tilstand(
        "user",
        "add",
        "Kari@Kommune.no",
        "--role",
        "leder",
        "--region",
        "5001",
        "--password-stdin",
        "--display-name",
        "Kari Nordmann",
        "--db",
        db_path,
        stdin="karis hemmelige passord\n",
    )
    assert out.returncode == 0, out.stderr
    assert "karis hemmelige passord" not in out.stdout + out.stderr
    out = tilstand(
        "user", "add", "kari@kommune.no", "--role", "saksordforer", "--region", "varnesregionen", "--db", db_path
    )
    assert out.returncode == 0, out.stderr
    out = tilstand("user", "list", "--db", db_path)
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("kari@kommune.no"))
    assert "Kari Nordmann" in line and "leder@5001" in line and "saksordforer@varnesregionen" in line
    assert "aldri" in line
    con = store.connect(db_path)
    actor = auth.sign_in(con, "kari@kommune.no", "karis hemmelige passord")
    assert actor.can("write_text", "5001") and actor.can("mark_reviewed", "5035")
    assert [r[0] for r in audit(con, "add_user")] == ["kommandolinje"]


def test_cli_refuses_a_weak_password_or_an_unknown_region_with_exit_2_and_writes_nothing(db_path):
    out = tilstand(
        "user",
        "add",
        "kari",
        "--role",
        "leder",
        "--region",
        "5001",
        "--password-stdin",
        "--db",
        db_path,
        stdin="kort\n",
    )
    assert out.returncode == 2 and "minst 10 tegn" in out.stderr and "ingenting er endret" in out.stderr
    out = tilstand(
        "user",
        "add",
        "kari",
        "--role",
        "leder",
        "--region",
        "0000",
        "--password-stdin",
        "--db",
        db_path,
        stdin="et langt nok passord\n",
    )
    assert out.returncode == 2 and "Ukjent kommune" in out.stderr
    con = store.connect(db_path)
    assert users_and_grants(con) == ([], [])


# --- the pages: sign-in, «Logg ut overalt», the administrator's tables ---


@pytest.fixture
def app(demo_db, tmp_path, monkeypatch):
    """The app on a private copy of the sample database (these tests write sessions and audit rows), in
    navigation mode as a live server is after its first run (see tests/test_app.py)."""
    import shutil

    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    original_init = PagesManager.__init__

    def init_in_navigation_mode(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_in_navigation_mode)
    db = tmp_path / "app.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), store.connect(db)
    st.cache_resource.clear()
    store.close(db)


def test_the_sign_in_page_gives_the_same_words_for_a_wrong_password_and_then_asks_to_wait(app):
    from tests.conftest import TEST_PASSWORD

    at, con = app
    at.run()
    answers = []
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        at.text_input[0].input("leder")
        at.text_input[1].input("ikke passordet")
        at.button(key="FormSubmitter:sign_in-Logg inn").click().run()
        answers.append(at.error[0].value)
    assert answers[0] == "Feil brukernavn eller passord."
    assert answers[-1] == "For mange mislykkede forsøk. Prøv igjen om 15 minutter."
    assert audit(con, "sign_in_failed")[-1][:2] == ("leder", "sign_in_failed")
    at.text_input[1].input(TEST_PASSWORD)
    at.button(key="FormSubmitter:sign_in-Logg inn").click().run()
    assert at.error[0].value.startswith("For mange")  # the right password waits too, from this machine


def test_sign_out_everywhere_in_the_sidebar_ends_the_persons_other_sessions_too(app):
    at, con = app
    other_browser = sessions.start(con, auth.load_actor(con, "leder"))
    at.session_state["session_token"] = sessions.start(con, auth.load_actor(con, "leder"))
    at.run()
    at.sidebar.button(key="sign_out_everywhere").click().run()
    assert not at.exception
    assert at.button(key="FormSubmitter:sign_in-Logg inn") is not None
    assert sessions.resume(con, other_browser) is None
    assert audit(con, "sign_out_everywhere")[-1][:2] == ("leder", "sign_out_everywhere")


def test_the_administrators_tables_download_no_formula_someone_else_typed(app):
    at, con = app
    auth.add_user(con, SYSTEM, "formel", '=HYPERLINK("https://evil.example","Klikk")')
    auth.grant(con, SYSTEM, "formel", "lesar", "5001")
    with pytest.raises(auth.SignInError):
        auth.sign_in_sso(con, email="=1+1@evil.example", subject="sub-evil")
    at.session_state["session_token"] = sessions.start(con, auth.load_actor(con, "admin"))
    at.run()
    at.switch_page("pages/administrasjon.py").run()
    assert not at.exception
    users, log = at.dataframe[0].value, at.dataframe[1].value
    assert users.set_index("Brukernavn").loc["formel", "Navn"] == '\'=HYPERLINK("https://evil.example","Klikk")'
    assert "'=1+1@evil.example" in set(log["Bruker"])
    cells = [str(v) for frame in (users, log) for v in frame.to_numpy().ravel()]
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]


def test_a_municipal_administrators_page_shows_only_their_municipalitys_log(app):
    at, con = app
    auth.add_user(con, SYSTEM, "trude", "Trude Trondheim", password="trudes passord!")
    auth.grant(con, SYSTEM, "trude", "admin", "5001")
    auth.sign_in(con, "leder", "riktig-hest-batteri-42")  # leder holds '*': not trude's to see
    at.session_state["session_token"] = sessions.start(con, auth.load_actor(con, "trude"))
    at.run()
    at.switch_page("pages/administrasjon.py").run()
    assert not at.exception
    log = at.dataframe[1].value
    assert set(log["Kommune"]) <= {"", "5001"} and len(log) > 0
    # the '*' leader's sign-in is not Trondheim's; what she did in Trondheim (e.g. saving peers) is
    assert all(k == "5001" for b, k in zip(log["Bruker"], log["Kommune"], strict=True) if b == "leder")
    assert "user:leder" not in set(log["Gjelder"])
    assert any("kommunene du administrerer" in c.value for c in at.caption)
