"""What every page shares: the cached database connection, the page language, the sample banner."""

from __future__ import annotations

import streamlit as st

from tilstand import queries, store


def page_guard() -> None:
    """Make every page run inside app.py's navigation, never on its own.

    Streamlit treats a folder named pages/ as an old-style page list until app.py has called
    st.navigation once in the server's life. A deep link (/tjenesteprofil) to a freshly started server
    would then run the page file alone: no app shell, no checks, and pages/common.py as a page of its
    own (see ../shared/STACK.md). This turns that mode off and reruns, so app.py routes the request.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource
def _connection(path: str):
    return store.connect(path)


def connection():
    """One connection per server process (DuckDB allows one writer per file); queries use cursors."""
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


def sample_banner(sample: bool) -> None:
    if sample:
        st.warning("**Eksempeldata** – tallene er syntetiske og laget for å vise hvordan Tilstand virker. "
                   "De er ikke reelle tall for kommunen.", icon=":material/warning:")


if __name__ == "__main__":  # run as a page by Streamlit's folder mode: hand over to app.py
    page_guard()
    st.stop()
