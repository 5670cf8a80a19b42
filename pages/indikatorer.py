"""Indikatorer og kilder: the catalogue, so a reader can see what each number means and where it is from."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tilstand import catalog, tables, words
from tilstand.words import t
from ui.guard import page_guard, require_page

page_guard()
require_page("indikatorer")

ORIGINS = words.section("source.origin")  # the same names as the charts' and the DOCX's source lines

st.title(t("ui.nav.indikatorer"))
st.markdown(t("ui.indikatorer.intro"))
for area in catalog.AREA_ORDER:
    rows = [i for i in catalog.indicators().values() if i.area == area and i.show]
    if not rows:
        continue
    st.header(tables.area_title(area), divider="gray")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("ui.common.col_indicator"): i.name_nb,
                    t("ui.indikatorer.col_nynorsk"): i.name_nn,
                    t("ui.indikatorer.col_definition"): i.definition_in("nb"),
                    t("ui.indikatorer.col_direction"): tables.DIRECTION_NB.get(i.better, ""),
                    t("ui.indikatorer.col_source"): catalog.source_label([i]),
                    t("ui.indikatorer.col_origin"): words.capital(ORIGINS.get(i.origin, i.origin)),
                    t("ui.indikatorer.col_hidden"): f"1–{i.min_count}" if i.min_count else "–",
                }
                for i in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        alt=t("ui.indikatorer.alt", area=tables.area_title(area)),
    )
