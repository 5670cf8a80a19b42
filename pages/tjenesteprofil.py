"""Tjenesteprofil: every indicator for one municipality and year against KOSTRA group, county, country."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tilstand import profile, tables
from tilstand.markdown_html import literal
from ui.data import municipalities as shared_municipalities, sample_banner, service_profile
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


st.title("Tjenesteprofil")
municipalities = shared_municipalities()
if municipalities.is_empty():
    st.info("Databasen har ingen kommuner med tall ennå. Kjør «tilstand demo» eller importer SSB-filer.")
    st.stop()

labels = {code: f"{code} {name}" for code, name in municipalities.select("code", "name").iter_rows()}
codes = regions_for(actor, "read_draft", list(labels))
if not codes:
    st.info("Du har ikke tilgang til tall for noen av kommunene i databasen.")
    st.stop()
wanted = st.query_params.get("kommune", "5001")
left, right = st.columns([3, 1])
region = left.selectbox("Kommune", codes, index=codes.index(wanted) if wanted in codes else 0,
                        format_func=labels.get, key="kommune")
row = municipalities.filter(municipalities["code"] == region).row(0, named=True)
years = list(range(row["last_year"], row["first_year"] - 1, -1))
wanted_year = int(st.query_params.get("ar", years[0])) if str(st.query_params.get("ar", "")).isdigit() else years[0]
year = right.selectbox("År", years, index=years.index(wanted_year) if wanted_year in years else 0, key="ar")
st.query_params.update({"kommune": region, "ar": str(year)})

p = service_profile(region, year)
sample_banner(p.sample)
st.subheader(f"{literal(p.region_name)} {year}")
compared = (f"**{literal(p.names['group'])}** (kommuner med lignende størrelse og økonomi), "
            f"**{literal(p.names['county'] or 'fylket')}** og **{literal(p.names['country'])}**" if p.kostra_group else
            f"**{literal(p.names['county'] or 'fylket')}** og **{literal(p.names['country'])}**; kommunen har ingen "
            f"KOSTRA-gruppe for {year} (SSBs gruppering fra 2020 gjelder fra 2020-tallene)")
st.markdown(
    f"Sammenlignet med {compared}. «Bedre» og "
    "«Dårligere» følger indikatorens retning; dekningstall har ingen retning. Antall og beløp sammenlignes ikke "
    "med større områder. Tallene følger SSBs standardtegn: «:» skjult av personvernhensyn, «..» tall mangler, "
    "«.» ikke aktuelt; under hver tabell står hvorfor, og kolonnen «Vurdering» sier det for kommunens tall."
)
if p.boundary_note:
    st.info(literal(p.boundary_note))  # names the municipality
if p.group_estimated:
    st.info(profile.GROUP_ESTIMATED_NOTE)

for area, rows in p.by_area().items():
    st.header(tables.area_title(area), divider="gray")
    frame = pd.DataFrame(tables.profile_rows(p, area), columns=tables.COLUMNS)
    styled = frame.style.map(_verdict_style, subset=["Vurdering"])
    st.dataframe(
        styled, hide_index=True, width="stretch", height=35 * (len(frame) + 1) + 3,
        alt=f"{tables.area_title(area)} for {p.region_name} {year}: verdi, endring fra året før, KOSTRA-gruppe, "
            "fylket, landet, vurdering og utvikling over ti år for hver indikator.",
        column_config={
            "Indikator": st.column_config.TextColumn(width="medium"),
            **{c: st.column_config.TextColumn(width="small") for c in ("Verdi", "Endring", "KOSTRA-gruppe",
                                                                        "Fylket", "Landet")},
            "Vurdering": st.column_config.TextColumn(width="medium"),
            "Utvikling": st.column_config.LineChartColumn(f"Utvikling {year - profile.TREND_YEARS + 1}–{year}",
                                                          width="small"),
        },
    )
    if legend := tables.area_legend(p, area):  # the symbols in this table and the reasons present
        st.caption(legend)
    with st.expander(f"Definisjoner og kilder – {tables.area_title(area)}"):
        st.table(pd.DataFrame(tables.definitions(p, area)))

missing = p.missing_areas()
if missing:
    st.caption("Ingen tall importert ennå for: " + ", ".join(missing) + ".")
