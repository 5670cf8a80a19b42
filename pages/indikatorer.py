"""Indikatorer og kilder: the catalogue, so a reader can see what each number means and where it is from."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tilstand import catalog, tables
from ui.guard import page_guard, require_page

page_guard()
require_page("indikatorer")

ORIGIN_NB = {
    "ssb": "SSB (KOSTRA m.fl.)", "ssb_derived": "Beregnet fra SSB-tall", "ssb_unmapped": "SSB (tabell ikke koblet ennå)",
    "bufdir": "Bufdir / kommunenes halvårsrapportering", "ks_10faktor": "KS 10-FAKTOR",
    "survey": "Brukerundersøkelse", "local": "Kommunens egne tall",
}

st.title("Indikatorer og kilder")
st.markdown("Alle indikatorene Tilstand kjenner, med definisjon, retning og kilde. Tall under "
            "personverngrensen vises aldri; grensen står per indikator.")
for area in catalog.AREA_ORDER:
    rows = [i for i in catalog.indicators().values() if i.area == area and i.show]
    if not rows:
        continue
    st.header(tables.area_title(area), divider="gray")
    st.dataframe(pd.DataFrame([{
        "Indikator": i.name_nb, "Nynorsk": i.name_nn, "Definisjon": i.definition_in("nb"),
        "Retning": tables.DIRECTION_NB.get(i.better, ""), "Kilde": catalog.source_label([i]),
        "Opphav": ORIGIN_NB.get(i.origin, i.origin),
        "Skjules når antall er": f"1–{i.min_count}" if i.min_count else "–",
    } for i in rows]), hide_index=True, width="stretch",
        alt=f"Indikatorene i området {tables.area_title(area)} med definisjon, retning og kilde.")
