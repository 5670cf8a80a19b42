"""A chapter as the writing room and the review page show it: its text, key figures, then charts.

One place, so the leader and the saksordfører look at exactly the same figures (and the council's published
view shows the text the same way).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import streamlit as st

from tilstand import charts, markdown_html, narrative, peers, profile, tables
from tilstand.words import t
from ui import navigation
from ui.data import connection


@st.cache_data(show_spinner=False, max_entries=300)
def chart(
    chart_id: str, region: str, year: int, language: str, version: int, db: str, peer_set: tuple[str, ...] = ()
) -> charts.Chart:
    """Built once per data version and peer set; `db` keys the cache to the database file in use."""
    definition = next(c for c in charts.registry() if c.id == chart_id)
    compare = charts.COMPARE_ALL if peer_set else charts.COMPARE_DEFAULT
    return charts.build(connection(), definition, region, year, language, compare=compare, peers=peer_set)


def chapter_text(body: str, *, base_level: int, empty: str) -> None:
    """A chapter's text as the DOCX has it: the parsed Markdown subset written as escaped HTML
    (tilstand/markdown_html.py), never st.markdown, which would load images from any address in every
    reader's browser. `base_level` is the level of the chapter's own heading (2: st.header, 3: st.subheader)."""
    shown = markdown_html.render(body, base_level=base_level)
    if shown:
        st.html(shown)
    else:
        st.caption(empty)


def key_figures(p: profile.Profile, title: str, indicators: tuple[str, ...]) -> None:
    chapter = tables.chapter_rows(p, indicators)  # as the DOCX: a figure not imported is a row of «..»
    rows = [tables.display_row(r) for r in chapter]
    if not rows:
        st.info(t("ui.chapter.no_figures"))
        return
    st.subheader(t("ui.common.key_figures"))
    frame = pd.DataFrame(rows, columns=tables.COLUMNS)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=35 * (len(frame) + 1) + 3,
        column_config={
            tables.INDICATOR: st.column_config.TextColumn(width="medium"),
            tables.ASSESSMENT: st.column_config.TextColumn(width="medium"),
            tables.TREND: st.column_config.LineChartColumn(tables.TREND),
        },
        alt=t("ui.chapter.key_figures_alt", title=title),
    )
    if legend := tables.legend(chapter):  # symbols used and why
        st.caption(legend)


def chapter_charts(
    indicators: tuple[str, ...],
    region: str,
    year: int,
    language: str,
    version: int,
    db: str,
    below: Callable[[charts.ChartDef], None] | None = None,
) -> None:
    """Every chart of the chapter with data; `below` adds something under each (e.g. a comment button).

    The peer line is the one the report will carry: the leader's saved peers, never a suggestion."""
    peer_set = peers.for_report(connection(), region, year)
    for definition in charts.for_indicators(indicators):
        c = chart(definition.id, region, year, language, version, db, peer_set)
        if c.empty:
            continue
        st.markdown(f"**{html.escape(definition.title(language))}**")
        st.plotly_chart(
            charts.without_title(c.figure),
            alt=c.alt,
            key=f"chart_{definition.id}",
            theme=None,
            config={"displaylogo": False},
        )
        st.caption(f"{c.source} {c.table.legend}" if c.table and c.table.legend else c.source)  # gaps and why
        if below:
            below(definition)


def area_link(chapter_key: str, region: str, year: int) -> None:
    """The chapter's area page: peers, positions and every figure of the area, one click away."""
    if (area := narrative.area_of_chapter(chapter_key)) is not None:
        st.page_link(
            navigation.page(area).path,
            icon=":material/monitoring:",
            label=t("ui.chapter.area_link"),
            query_params={"kommune": region, "ar": str(year)},
        )
