"""Errors meant for people, shown where the action that failed was, in Norwegian."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from tilstand import logs, store
from tilstand.errors import DatabaseLockedError, TilstandError
from tilstand.storage_errors import MESSAGES, storage_error
from tilstand.words import t

log = logging.getLogger(__name__)


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
    except Exception as e:
        mapped = storage_error(e, store.db_path())
        if mapped is None:
            raise
        _show_error(mapped, unsaved)
    else:
        return
    if stop:
        st.stop()


def _show_error(error: TilstandError, unsaved: str | None) -> None:
    log.warning("page action failed: %s", logs.said(error))  # type and message, quoted parts blanked
    # The lock message names the other process and the file, for the command line; a page shows no paths.
    message = MESSAGES["locked"] if isinstance(error, DatabaseLockedError) else str(error)
    st.error(message, icon=":material/error:")
    if unsaved:
        st.caption(t("ui.errors.unsaved"))
        st.code(unsaved, language=None, wrap_lines=True)
