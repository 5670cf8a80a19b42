"""What every page shares: the database connection, who is signed in, the page rule, the page language."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dataclasses import dataclass

from tilstand import profile, queries, sessions, store
from tilstand.access import Actor
from tilstand.errors import DatabaseLockedError, TilstandError
from tilstand.storage_errors import MESSAGES, storage_error

# page file -> the access action a person needs in at least one region to open it (None: any signed-in user)
PAGE_ACTION: dict[str, str | None] = {
    "forside": None,
    "tjenesteprofil": "read_draft",
    "skriverom": "write_text",
    "importer": "import",
    "gjennomgang": "comment",
    "publisert": "read_published",
    "indikatorer": None,
    # The area pages show public statistics (suppressed) to everyone with a role in the municipality.
    "dekningsgrad": "read_published",
    "kvalitet": "read_published",
    "okonomi": "read_published",
    "ansatte": "read_published",
    "brukere": "read_published",
    "bakgrunn": "read_published",
    "administrasjon": "manage_users",
}


def page_guard() -> None:
    """Make every page run inside app.py's navigation, never on its own.

    Streamlit treats a folder named pages/ as an old-style page list until app.py has called
    st.navigation once in the server's life. A deep link (/tjenesteprofil) to a freshly started server
    would then run the page file alone: no app shell, no checks, and pages/common.py as a page of its
    own (see the README, «Layout»). This turns that mode off and reruns, so app.py routes the request.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@contextmanager
def page_action(*, unsaved: str | None = None, stop: bool = False) -> Iterator[None]:
    """Around every action a person starts on a page (a click, a save, opening the database): an error
    meant for people (TilstandError), or a database failure we recognise (full disk, damaged file, a
    clash with someone else's change), is shown as a Norwegian st.error where the action was, instead
    of Streamlit's English traceback. `unsaved` is text the person typed that the failed action did not
    keep (a comment in a form that clears itself): it is shown so that it can be copied, never lost.
    `stop` ends the page after the message (nothing else can run without a database).

    Works as `with page_action(): ...` and as the decorator `@page_action()` on a callback. Other
    exceptions (programming errors) are left to Streamlit, which keeps their details to the server log.
    """
    try:
        yield
    except TilstandError as e:
        _show_error(e, unsaved)
    except Exception as e:  # noqa: BLE001 - only storage failures are shown here, the rest is re-raised
        mapped = storage_error(e, store.db_path())
        if mapped is None:
            raise
        _show_error(mapped, unsaved)
    else:
        return
    if stop:
        st.stop()


def _show_error(error: TilstandError, unsaved: str | None) -> None:
    # The lock message names the other process and the file, for the command line; a page shows no paths.
    message = MESSAGES["locked"] if isinstance(error, DatabaseLockedError) else str(error)
    st.error(message, icon=":material/error:")
    if unsaved:
        st.caption("Teksten din er ikke lagret. Kopier den herfra:")
        st.code(unsaved, language=None, wrap_lines=True)


@st.cache_resource
def _connection(path: str):
    return store.connect(path)


def connection():
    """One connection per server process (DuckDB allows one writer per file); queries use cursors.

    A database that cannot be opened (damaged, not a DuckDB file, no access, locked) stops the page with
    a Norwegian message: without it nothing else can run, and DuckDB's own message names server paths.
    """
    with page_action(stop=True):
        return _connection(str(store.db_path().resolve()))


def data_version() -> int:
    """Changes whenever an import lands, so cached figures are rebuilt."""
    return int(queries.run(connection(), "data_version")["version"][0])


@st.cache_data(show_spinner=False)
def uses_sample_data(version: int) -> bool:
    """Any number in the store from a synthetic sample file: then every screen says Eksempeldata."""
    return bool(queries.run(connection(), "store_summary")["sample_imports"][0])


def set_page_language(lang: str = "nb") -> None:
    """Streamlit ships <html lang="en"> with no setting for it; WCAG 3.1.1 needs the real language."""
    st.iframe(
        "<script>const d = window.parent.document.documentElement;"
        f"const set = () => {{ if (d.lang !== '{lang}') d.lang = '{lang}'; }};"
        "set(); new MutationObserver(set).observe(d, {attributes: true, attributeFilter: ['lang']});</script>",
        height=1, alt="Setter sidespråket til norsk",
    )


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


def may_open(actor: Actor | None, page: str) -> bool:
    if actor is None or page not in PAGE_ACTION:
        return False
    action = PAGE_ACTION[page]
    return action is None or actor.regions(action) != []


def require_page(page: str) -> Actor:
    """First line of every page after page_guard: a person without the page's role sees a plain message and
    nothing else of the page runs (no editor, no import code), whatever URL they typed."""
    actor = current_actor()
    if not may_open(actor, page):
        st.title("Ingen tilgang")
        st.error("Du har ikke tilgang til denne siden. Logg inn med en bruker som har riktig rolle, eller be "
                 "administratoren om tilgang.", icon=":material/lock:")
        st.stop()
    return actor  # type: ignore[return-value]


def regions_for(actor: Actor, action: str, available: list[str]) -> list[str]:
    """The municipalities in `available` where the actor may do `action`, in the same order."""
    allowed = actor.regions(action)
    return available if allowed is None else [c for c in available if c in allowed]


def write_cookie(token: str | None) -> None:
    """Keep the sign-in across page reloads (Streamlit has no API to set a cookie)."""
    value = json.dumps(token or "")
    age = 12 * 3600 if token else 0
    st.iframe(
        "<script>const p = window.parent; const secure = p.location.protocol === 'https:' ? '; Secure' : '';"
        f"p.document.cookie = '{sessions.COOKIE}=' + {value} + '; path=/; max-age={age}; SameSite=Strict' + secure;"
        "</script>", height=1, alt="Husker innloggingen",
    )


@st.cache_data(show_spinner=False)
def _municipalities(version: int, db: str):
    return profile.municipalities(connection())


@st.cache_data(show_spinner=False, max_entries=100)
def _profile(region: str, year: int, version: int, db: str) -> profile.Profile:
    return profile.build(connection(), region, year)


def municipalities():
    """Municipalities with numbers (code, name, first and last year), rebuilt when an import lands."""
    return _municipalities(data_version(), str(store.db_path()))


def service_profile(region: str, year: int) -> profile.Profile:
    return _profile(region, year, data_version(), str(store.db_path()))


@dataclass(frozen=True)
class ReportChoice:
    region: str
    label: str  # "5001 Trondheim - Tråante"
    year: int
    language: str


def choose_report(actor: Actor, action: str, prefix: str, *, empty: str) -> ReportChoice:
    """Municipality (those the actor may `action` in), year and målform, side by side; stops with `empty`
    when there is no municipality to choose."""
    rows = municipalities()
    labels = {code: f"{code} {name}" for code, name in rows.select("code", "name").iter_rows()}
    codes = regions_for(actor, action, list(labels))
    if not codes:
        st.info(empty)
        st.stop()
    c1, c2, c3 = st.columns([3, 1, 1])
    region = c1.selectbox("Kommune", codes, index=codes.index("5001") if "5001" in codes else 0,
                          format_func=labels.get, key=f"{prefix}_kommune")
    row = rows.filter(rows["code"] == region).row(0, named=True)
    year = c2.selectbox("År", list(range(row["last_year"], row["first_year"] - 1, -1)), key=f"{prefix}_ar")
    language = c3.selectbox("Målform", ["nb", "nn"], format_func={"nb": "Bokmål", "nn": "Nynorsk"}.get,
                            key=f"{prefix}_lang")
    return ReportChoice(region, labels[region], year, language)


@st.cache_resource
def _runs() -> dict[str, int]:
    return {"n": 0}


def settle_memory() -> None:
    """After warm-up, take the long-lived objects (modules, catalogue, cached figures) out of the garbage
    collector's sight. Otherwise a full collection walks them all on some random rerun, 60–150 ms on this
    machine — the whole p95 budget (bench/bench_pages.py). Cyclic garbage is collected first; objects
    cached later are still collected normally."""
    runs = _runs()
    runs["n"] += 1
    if runs["n"] in (5, 50, 500):
        gc.collect()
        gc.freeze()


def sample_banner(sample: bool) -> None:
    if sample:
        st.warning("**Eksempeldata** – tallene er syntetiske og laget for å vise hvordan Tilstand virker. "
                   "De er ikke reelle tall for kommunen.", icon=":material/warning:")


if __name__ == "__main__":  # run as a page by Streamlit's folder mode: hand over to app.py
    page_guard()
    st.stop()
