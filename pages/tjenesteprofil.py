"""Tjenesteprofil: every indicator for one municipality and year against KOSTRA group, county, country."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tilstand import profile, tables, words
from tilstand.markdown_html import literal
from tilstand.words import t
from ui.data import municipalities as shared_municipalities
from ui.data import sample_banner, service_profile
from ui.guard import page_guard, regions_for, require_page

page_guard()
actor = require_page("tjenesteprofil")

GOOD, BAD = "background-color: #d8f0dc; color: #0b3d17", "background-color: #fbe0dc; color: #5c1008"


def _verdict_style(text: str) -> str:
    if text.startswith("Bedre") and "årligere" not in text:
        return GOOD
    if text.startswith("Dårligere") and "Bedre" not in text:
        return BAD
    return ""


st.title(t("ui.nav.tjenesteprofil"))
municipalities = shared_municipalities()
if municipalities.is_empty():
    st.info(t("ui.tjenesteprofil.no_municipalities"))
    st.stop()

labels = {code: f"{code} {name}" for code, name in municipalities.select("code", "name").iter_rows()}
codes = regions_for(actor, "read_draft", list(labels))
if not codes:
    st.info(t("ui.tjenesteprofil.no_access"))
    st.stop()
wanted = st.query_params.get("kommune", "5001")
left, right = st.columns([3, 1])
region = left.selectbox(
    t("ui.common.municipality"),
    codes,
    index=codes.index(wanted) if wanted in codes else 0,
    format_func=labels.get,
    key="kommune",
)
row = municipalities.filter(municipalities["code"] == region).row(0, named=True)
years = list(range(row["last_year"], row["first_year"] - 1, -1))
wanted_year = int(st.query_params.get("ar", years[0])) if str(st.query_params.get("ar", "")).isdigit() else years[0]
year = right.selectbox(
    t("ui.common.col_year"), years, index=years.index(wanted_year) if wanted_year in years else 0, key="ar"
)
st.query_params.update({"kommune": region, "ar": str(year)})

p = service_profile(region, year)
sample_banner(p.sample)
st.subheader(f"{literal(p.region_name)} {year}")
county, country = literal(p.names["county"] or t("comparison.county")), literal(p.names["country"])
compared = (
    t("ui.tjenesteprofil.compared_group", group=literal(p.names["group"]), county=county, country=country)
    if p.kostra_group
    else t("ui.tjenesteprofil.compared_no_group", county=county, country=country, year=year)
)
st.markdown(t("ui.tjenesteprofil.explanation", compared=compared))
if p.boundary_note:
    st.info(literal(p.boundary_note))  # names the municipality
if p.group_estimated:
    st.info(profile.GROUP_ESTIMATED_NOTE)

for area in p.by_area():
    st.header(tables.area_title(area), divider="gray")
    frame = pd.DataFrame(tables.profile_rows(p, area), columns=tables.COLUMNS)
    styled = frame.style.map(_verdict_style, subset=[tables.ASSESSMENT])
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=35 * (len(frame) + 1) + 3,
        alt=words.t("profile.table_alt", area=tables.area_title(area), region=p.region_name, year=year),
        column_config={
            tables.INDICATOR: st.column_config.TextColumn(width="medium"),
            **{c: st.column_config.TextColumn(width="small") for c in tables.COLUMNS[1:6]},  # the numbers
            tables.ASSESSMENT: st.column_config.TextColumn(width="medium"),
            tables.TREND: st.column_config.LineChartColumn(
                words.t("profile.trend_heading", first=year - profile.TREND_YEARS + 1, year=year), width="small"
            ),
        },
    )
    if legend := tables.area_legend(p, area):  # the symbols in this table and the reasons present
        st.caption(legend)
    with st.expander(t("ui.tjenesteprofil.definitions", area=tables.area_title(area))):
        st.table(pd.DataFrame(tables.definitions(p, area)))

missing = p.missing_areas()
if missing:
    st.caption(t("ui.tjenesteprofil.missing", areas=", ".join(missing)))
