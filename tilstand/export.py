"""Cells the app hands out as CSV or Excel, made safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and a leading tab or
carriage return can hide such a start), so text someone else typed — a display name, an uploaded file's
name, a username from the audit log — could open a link or run a command on the administrator's machine
(CSV/formula injection, OWASP). Every table the app offers for download passes through `safe_cell`,
which prefixes such text with `'`, the spreadsheet's own "this is text" mark. Numbers stay numbers.

Streamlit's tables (st.dataframe, st.data_editor) have a download button that writes the cells as shown,
so a page shows a table with user-written text through `safe_frame`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number ('-12', '+1,5', '-3.2e4'; Norwegian or English separators) is no formula.
_NUMBER = re.compile(r"[+-]?\d[\d\u00a0 ]*([.,]\d+)?([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would run as a formula turned into plain text. Leading
    spaces are looked through (some spreadsheets trim them before deciding), and a carriage return inside
    the text becomes a line feed: Streamlit's CSV download quotes a cell with a line feed but not one with
    only a carriage return, where a spreadsheet would start a new row — and a new, unchecked cell."""
    if not isinstance(value, str):
        return value
    start = value.lstrip(" \u00a0")
    if start.startswith(FORMULA_START) and not _NUMBER.fullmatch(start):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def safe_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Table rows (dicts) with every cell through `safe_cell`."""
    return [{key: safe_cell(value) for key, value in row.items()} for row in rows]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a pandas table with every text cell (and the column names) through `safe_cell`."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out
