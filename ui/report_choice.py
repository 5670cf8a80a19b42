"""Which report a page works on: municipality, year and målform, chosen side by side."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from tilstand import words
from tilstand.access import Actor
from ui.data import municipalities
from ui.guard import regions_for


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
    region = c1.selectbox(
        words.t("ui.common.municipality"),
        codes,
        index=codes.index("5001") if "5001" in codes else 0,
        format_func=lambda code: labels.get(code, code),
        key=f"{prefix}_kommune",
    )
    assert region is not None  # codes is not empty and an index is given: Streamlit always has a choice
    row = rows.filter(rows["code"] == region).row(0, named=True)
    year = c2.selectbox(
        words.t("ui.common.col_year"), list(range(row["last_year"], row["first_year"] - 1, -1)), key=f"{prefix}_ar"
    )
    language = c3.selectbox(
        words.t("ui.common.language_form"),
        ["nb", "nn"],
        format_func=lambda code: words.capital(words.t(f"language.{code}")),
        key=f"{prefix}_lang",
    )
    return ReportChoice(region, labels[region], year, language)
