"""Moved to ui/ (ui.data, ui.errors, ui.guard, ui.session, ...): kept only until every page imports from there.

Not a screen: app.py's navigation never lists it, and run on its own it hands over to app.py.
"""

from __future__ import annotations

import streamlit as st

from ui.data import connection, data_version  # noqa: F401
from ui.guard import page_guard, require_page  # noqa: F401

if __name__ == "__main__":  # run as a page by Streamlit's folder mode: hand over to app.py
    page_guard()
    st.stop()
