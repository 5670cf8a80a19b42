"""The first lines of every page: run inside app.py's navigation, and only for a person whose role opens it."""

from __future__ import annotations

import streamlit as st

from tilstand.access import Actor
from tilstand.words import t
from ui.navigation import may_open
from ui.session import current_actor


def page_guard() -> None:
    """Make every page run inside app.py's navigation, never on its own.

    Streamlit treats a folder named pages/ as an old-style page list until app.py has called
    st.navigation once in the server's life. A deep link (/tjenesteprofil) to a freshly started server
    would then run the page file alone: no app shell, no checks (see the README, «Layout»). This turns
    that mode off and reruns, so app.py routes the request. Only screens live in pages/, so no helper
    module can show up there as a page.
    """
    from streamlit.runtime.pages_manager import PagesManager  # noqa: PLC0415 (Streamlit internals, read only here)

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def require_page(page: str) -> Actor:
    """First line of every page after page_guard: a person without the page's role sees a plain message and
    nothing else of the page runs (no editor, no import code), whatever URL they typed."""
    actor = current_actor()
    if not may_open(actor, page):
        st.title(t("ui.guard.title"))
        st.error(t("ui.guard.message"), icon=":material/lock:")
        st.stop()
    return actor  # type: ignore[return-value]


def regions_for(actor: Actor, action: str, available: list[str]) -> list[str]:
    """The municipalities in `available` where the actor may do `action`, in the same order."""
    allowed = actor.regions(action)
    return available if allowed is None else [c for c in available if c in allowed]
