"""What every page shares: the cached database connection, the page language, the sample banner."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from tilstand import queries, store


@st.cache_resource
def _connection(path: str):
    return store.connect(path)


def connection():
    """One connection per server process (DuckDB allows one writer per file); queries use cursors."""
    return _connection(str(store.db_path().resolve()))


def data_version() -> int:
    """Changes whenever an import lands, so cached figures are rebuilt."""
    return int(queries.run(connection(), "data_version")["version"][0])


def set_page_language(lang: str = "nb") -> None:
    """Streamlit ships <html lang="en"> with no setting for it; WCAG 3.1.1 needs the real language."""
    components.html(
        f"<script>window.parent.document.documentElement.lang = '{lang}';</script>", height=0, width=0
    )


def sample_banner(sample: bool) -> None:
    if sample:
        st.warning("**Eksempeldata** – tallene er syntetiske og laget for å vise hvordan Tilstand virker. "
                   "De er ikke reelle tall for kommunen.", icon="⚠️")
