"""Built-in accounts, sign-in and lock-out, single sign-on mapping, user admin per region, `tilstand user`."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import duckdb
import pytest

from tilstand import auth, store
from tilstand.access import SYSTEM, PermissionDenied

PASSWORD = "korrekt hest batteri"
CLI = [sys.executable, "-m", "tilstand.cli"]


def audit(con, action: str | None = None) -> list[tuple]:
    sql = "SELECT username, action, region_code, target, detail, allowed FROM audit_log"
    rows = con.cursor().execute(sql + " ORDER BY id").fetchall()
    return [r for r in rows if action is None or r[1] == action]


def users_and_grants(con) -> tuple:
    cur = con.cursor()
    return (cur.execute("SELECT * FROM app_user ORDER BY id").fetchall(),
            cur.execute("SELECT * FROM role_grant ORDER BY ALL").fetchall())


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


@pytest.mark.parametrize("password, says", [
    ("kort", "minst 10 tegn"),
    ("kari@kommune.no", "samme som brukernavnet"),
    ("Kari Nordmann", "samme som brukernavnet eller navnet"),
    ("aaaaaaaaaaaa", "ett eller to tegn"),
    ("Passord123", "for vanlig"),
])
def test_a_weak_password_is_refused_in_norwegian_and_nothing_is_written(con, admin, password, says):
    before = users_and_grants(con)
    with pytest.raises(auth.WeakPasswordError, match=says):
        auth.add_user(con, admin, "kari@kommune.no", "Kari Nordmann", password=password)
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
    other.execute("INSERT INTO app_user (username, display_name, created_at, created_by) "
                  "VALUES ('eve', 'Eve', now(), 'eve')")
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
    assert [r[0] for r in failed] == ["anne", "ingen"] and all(r[-1] is False for r in failed)
    assert not any("feil passord her" in str(v) for r in audit(con) for v in r)


def test_a_user_without_a_password_cannot_sign_in_with_one(con, admin):
    auth.add_user(con, admin, "sso@kommune.no", "Bare SSO")
    with pytest.raises(auth.SignInError, match="^Feil brukernavn eller passord.$"):
        auth.sign_in(con, "sso@kommune.no", "")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one_until_the_lockout_ends(con, anne):
    t0 = datetime(2025, 3, 1, 9, 0)
    for i in range(auth.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(auth.SignInError, match="Feil brukernavn"):
            auth.sign_in(con, "anne", f"gjetning {i}", now=t0)
    with pytest.raises(auth.SignInError, match=r"Kontoen er låst til kl\. 09:15\.$"):
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
    with pytest.raises(auth.SignInError, match="^Feil brukernavn eller passord.$"):
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


# --- sessions ---

def test_a_session_expires_after_an_idle_hour_and_at_the_latest_after_twelve_hours():
    t0 = datetime(2025, 3, 1, 8, 0)
    assert not auth.session_expired(t0, t0, t0 + auth.SESSION_IDLE - timedelta(seconds=1))
    assert auth.session_expired(t0, t0, t0 + auth.SESSION_IDLE)
    busy_until = t0 + auth.SESSION_MAX - timedelta(minutes=1)
    assert not auth.session_expired(t0, busy_until, busy_until)
    assert auth.session_expired(t0, t0 + auth.SESSION_MAX, t0 + auth.SESSION_MAX)


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
        ("ada", "add_user", None, "user:anne"), ("ada", "grant", "5001", "user:anne"),
        ("ada", "grant", "5035", "user:anne"), ("ada", "revoke", "5035", "user:anne"),
        ("ada", "set_password", None, "user:anne"), ("ada", "unlock", None, "user:anne"),
        ("ada", "disable_user", None, "user:anne"), ("ada", "enable_user", None, "user:anne"),
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
    for change in (lambda: auth.set_password(con, trude, "ada", "trude eier deg nå"),
                   lambda: auth.set_disabled(con, trude, "ada", True), lambda: auth.unlock(con, trude, "ada"),
                   lambda: auth.grant(con, trude, "trude", "admin", "*")):
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
    out = tilstand("user", "add", "Kari@Kommune.no", "--role", "leder", "--region", "5001", "--password-stdin",
                   "--display-name", "Kari Nordmann", "--db", db_path, stdin="karis hemmelige passord\n")
    assert out.returncode == 0, out.stderr
    assert "karis hemmelige passord" not in out.stdout + out.stderr
    out = tilstand("user", "add", "kari@kommune.no", "--role", "saksordforer", "--region", "varnesregionen",
                   "--db", db_path)
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
    out = tilstand("user", "add", "kari", "--role", "leder", "--region", "5001", "--password-stdin",
                   "--db", db_path, stdin="kort\n")
    assert out.returncode == 2 and "minst 10 tegn" in out.stderr and "ingenting er endret" in out.stderr
    out = tilstand("user", "add", "kari", "--role", "leder", "--region", "0000", "--password-stdin",
                   "--db", db_path, stdin="et langt nok passord\n")
    assert out.returncode == 2 and "Ukjent kommune" in out.stderr
    con = store.connect(db_path)
    assert users_and_grants(con) == ([], [])
