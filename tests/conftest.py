"""Shared fixtures: a fresh DuckDB file per test, the shared format samples, a store snapshot."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tilstand import auth, store
from tilstand.access import Actor
from tilstand.catalog import MappingRow

# argon2 at RFC 9106 strength costs ~0.1 s a password and the suite hashes thousands; production keeps the
# library's defaults (tests/test_auth.py checks both, and that a cheap hash is rehashed at sign-in).
auth.use_cheapest_hashing_in_tests()

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FORMATS = DATA / "formats"  # copies of the shared format samples (tests/data/formats/README.md)
REAL = FORMATS / "real"
E2E = Path(__file__).resolve().parent / "e2e"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    """Every test under tests/e2e/ drives Chromium: marked `browser` before `-m` selects, so the everyday loop
    (`-m "not browser and not libreoffice"`, README) leaves them out."""
    for item in items:
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With `-n 2 --dist loadgroup` (README): tests one by one, a module with a costly shared fixture whole."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.xdist_scheduling import SharedFixtureScheduling  # only where pytest-xdist runs

    return SharedFixtureScheduling(config, log)


def run_folder(tmp_path_factory) -> Path:
    """A folder shared by every worker of this test run (pytest-xdist), and by nothing else.

    Under xdist each worker's base temp folder is `<run>/popen-gwN`; alone, the session's own base folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _run_lock(folder: Path, name: str):
    """Held by one worker at a time (an exclusive lock on a file in the run's shared folder)."""
    with open(folder / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """`build(path)` once per test run, whatever the number of workers; each worker gets its own copy, since
    DuckDB lets one process write a file and tests write into it."""
    shared = run_folder(tmp_path_factory)
    original = shared / "built" / name
    with _run_lock(shared, name):
        if not original.exists():
            original.parent.mkdir(exist_ok=True)
            part = original.with_name(f".{name}.{os.getpid()}.part")
            build(part)
            os.replace(part, original)
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return original
    mine = tmp_path_factory.mktemp(Path(name).stem) / name
    shutil.copy(original, mine)
    return mine


@pytest.fixture(scope="session")
def chart_cache(tmp_path_factory) -> Path:
    """One chart-image cache for the test run, shared by the workers (rendering is the slow part; images are
    written atomically, tilstand/charts), never data/cache/."""
    folder = run_folder(tmp_path_factory) / "chart-cache"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _never_touch_data_dir(tmp_path, monkeypatch, chart_cache):
    """Tests never touch data/: the default database points into the test's own folder."""
    monkeypatch.setenv("TILSTAND_DB", str(tmp_path / "default.duckdb"))
    monkeypatch.setenv("TILSTAND_CACHE", str(chart_cache))
    yield
    store.close()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "tilstand.duckdb"


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    """A new database as store.connect leaves it (migrated, reference data loaded), made once per test run:
    a copy opens in a fraction of the time migrating a new file takes, and hundreds of tests start from one."""

    def build(path: Path) -> None:
        store.connect(path)
        store.close(path)

    return built_once(tmp_path_factory, "empty.duckdb", build)


@pytest.fixture
def con(db_path, empty_db):
    """A connection to the test's own database, new and empty but for the reference data."""
    shutil.copy(empty_db, db_path)
    c = store.connect(db_path)
    yield c
    store.close(db_path)


def snapshot(con) -> str:
    """A digest of everything an import may change, to prove a failed import changed nothing."""
    h = hashlib.sha256()
    for table in ("observation", "import_log", "region"):
        rows = con.cursor().execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        h.update(repr(rows).encode())
    return h.hexdigest()


# The shared samples use an illustrative table 99999; this mapping lets the parser be tested on them.
SAMPLE_99999 = (
    MappingRow(
        "undersokelser_innen_3mnd_andel",
        "99999",
        "KOSbvundersokfrist0000",
        ("andel undersøkelser avsluttet innen 3 måneder (prosent)",),
        (),
        (),
        "",
        "test",
    ),
    MappingRow(
        "barn_tiltak_antall",
        "99999",
        "KOSbvbarntiltak0000",
        ("barn med barnevernstiltak i løpet av året (antall)",),
        (),
        (),
        "",
        "test",
    ),
)


def requires_sample_data() -> None:
    if not (ROOT / "sample_data" / "ssb").is_dir():
        pytest.fail("sample_data/ssb/ is missing: run `uv run python sample_data/generate.py`")


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")


@pytest.fixture(scope="session")
def first_start_db(tmp_path_factory) -> Path:
    """The sample database as `tilstand demo` leaves it, no users yet (the first visitor creates the
    administrator): built once per test run by the real importer; copy it before a server writes to it."""
    requires_sample_data()
    from tilstand import demo

    def build(path: Path) -> None:
        demo.build(path)
        store.close(path)

    return built_once(tmp_path_factory, "first-start.duckdb", build)


@pytest.fixture(scope="session")
def demo_db(first_start_db, tmp_path_factory) -> Path:
    """The sample database with the test users (TEST_USERS), built once per test run; a copy per worker."""

    def build(path: Path) -> None:
        shutil.copy(first_start_db, path)
        add_test_users(store.connect(path))
        store.close(path)

    return built_once(tmp_path_factory, "demo.duckdb", build)


@pytest.fixture
def demo(demo_db, tmp_path):
    """A private copy of the sample database (connection), so what a test writes never leaks into others."""
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = store.connect(path)
    yield con
    store.close(path)


# One user per role, for pages and browser tests. The leder may write for every municipality (the tests
# write in many); the saksordfører and the council member belong to Trondheim only.
TEST_PASSWORD = "riktig-hest-batteri-42"
TEST_USERS = {
    "admin": ("Ada Administrator", "admin", "*"),
    "leder": ("Lea Leder", "leder", "*"),
    "saksordforer": ("Sverre Saksordfører", "saksordforer", "5001"),
    "lesar": ("Live Lesar", "lesar", "5001"),
}


def add_test_users(con) -> None:
    from tilstand import auth
    from tilstand.access import SYSTEM

    for username, (name, role, region) in TEST_USERS.items():
        auth.add_user(con, SYSTEM, username, name, password=TEST_PASSWORD)
        auth.grant(con, SYSTEM, username, role, region)
        if role in ("saksordforer", "lesar"):
            auth.grant(con, SYSTEM, username, "lesar", region)


def leader(name: str = "leder", region: str = "*") -> Actor:
    """A barnevernleder as the library sees one: the role that may write text and import."""
    return Actor(name, name, {region: frozenset({"leder"})})


@pytest.fixture
def app(demo_db, monkeypatch):
    """app.py in Streamlit's AppTest on the sample database, signed in as the leder (tests/apptest.py).

    AppTest resets Streamlit's folder-mode flag before every run, so each run would start in the
    old pages/ mode and our page_guard would rerun it, dropping button clicks. A live server leaves that
    mode for good after app.py's first st.navigation; this makes AppTest do the same."""
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from tests.apptest import sign_in_as

    original_init = PagesManager.__init__

    def init_in_navigation_mode(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_in_navigation_mode)
    monkeypatch.setenv("TILSTAND_DB", str(demo_db))
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, "leder")
    yield at
    st.cache_resource.clear()
