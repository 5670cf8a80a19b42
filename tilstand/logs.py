"""How Tilstand's log is configured, and how an error is said in it without personal data.

The library logs through `logging.getLogger(__name__)` (imports, exports and publishing, sign-ins, errors
caught at a boundary) and never configures logging itself: the two entry points, the app (app.py) and the
command line (cli.main), call `configure` once. A record never holds personal data: no fødselsnummer, no
name, no username or password, no comment or chapter text, no row of a file. Accounts are named by their
internal id, and an error by its type and its Norwegian message with every quoted part blanked (`said`),
since the messages quote what a person typed or what a file held («Kari Nordmann» er ikke et tall).
"""

from __future__ import annotations

import logging
import os
import re
import sys

from tilstand.errors import TilstandError

LEVEL_ENV = "TILSTAND_LOG_LEVEL"
DEFAULT_LEVEL = logging.INFO
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_QUOTED = re.compile(r"«[^»]*»")
_LONG_NUMBER = re.compile(r"\d{6,}")  # no statistic needs six digits in a message; a fødselsnummer has eleven


def level(value: str | None = None) -> int:
    """The level named by $TILSTAND_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR or a number); INFO otherwise."""
    value = (os.environ.get(LEVEL_ENV, "") if value is None else value).strip().upper()
    if value.isdigit():
        return int(value)
    named = logging.getLevelNamesMapping().get(value)
    return named if isinstance(named, int) else DEFAULT_LEVEL


def configure() -> None:
    """Log to stderr at $TILSTAND_LOG_LEVEL. For the entry points only; a second call changes nothing
    (Streamlit runs app.py again on every click)."""
    logging.basicConfig(level=level(), stream=sys.stderr, format=FORMAT)


def said(error: BaseException) -> str:
    """An error as the log may hold it: its type, and for an error meant for a person its Norwegian message with
    every «quoted» part shown as «…» and any run of six or more digits as …. Any other error's message is left out: it may hold a value or a path."""
    kind = type(error).__name__
    if isinstance(error, TilstandError):
        return f"{kind}: {_LONG_NUMBER.sub('…', _QUOTED.sub('«…»', str(error)))}"
    return kind
