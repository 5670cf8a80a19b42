"""Run the SQL files in queries/ (one question per file, $named parameters) and return Polars frames."""

from __future__ import annotations

from functools import cache
from typing import Any

import duckdb
import polars as pl

from tilstand import resources

QUERY_DIR = resources.QUERIES


@cache
def sql(name: str) -> str:
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """One query on its own cursor, so threads (Streamlit sessions) never share a busy connection."""
    return con.cursor().sql(sql(name), params=params or None).pl()
