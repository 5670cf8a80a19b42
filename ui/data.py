"""The database as the pages see it: one connection per process, the data version that keys every cache,
and the cached reads several screens share (municipalities, service profiles, whether it is sample data)."""

from __future__ import annotations

import streamlit as st

from tilstand import profile, queries, store
from tilstand.words import t
from ui.errors import page_action


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


def sample_banner(sample: bool) -> None:
    if sample:
        st.warning(t("ui.common.sample_banner"), icon=":material/warning:")


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
