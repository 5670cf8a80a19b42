"""An area page (Dekningsgrad, Kvalitet, Økonomi, Ansatte, Brukerundersøkelser, Bakgrunn).

The page answers two questions for a council member in ten seconds: are we better or worse than
similar municipalities, and is it improving? It opens with a two-sentence summary and the area's
headline figures (value, change from last year, comparison in words), then for each headline figure its
trend and its position among the peers, as a chart or as a table of the same numbers. The municipality,
year, comparisons and view are shared by all area pages, so moving between areas keeps the choice.
"""

from __future__ import annotations

import functools
import html
from typing import Literal

import pandas as pd
import streamlit as st

from tilstand import catalog, charts, dashboard, fmt, peers, store, tables, words
from tilstand.access import Actor, PermissionDenied
from tilstand.markdown_html import literal
from tilstand.peers import PeerSetError
from tilstand.profile import GROUP_ESTIMATED_NOTE
from tilstand.words import t
from ui.data import connection, data_version, municipalities, sample_banner, service_profile
from ui.guard import page_guard, regions_for, require_page

VIEWS = (t("ui.area.view_chart"), t("ui.area.view_table"))
# Screen readers read this block; it is invisible on screen (the chart shows the same).
SR_ONLY = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


# --- cached building blocks (pure for a data version) --------------------------------------------


@functools.cache
def page_charts(area: dashboard.Area) -> dict[str, list[charts.ChartDef]]:
    """Which charts the page shows, by section: per headline figure its trend and position, the area's own
    kinds (10-FAKTOR, survey), and the intermunicipal members."""
    out: dict[str, list[charts.ChartDef]] = {ind: charts.headline_charts(ind) for ind in area.headline}
    ids = {i.id for i in catalog.indicators().values() if i.area in area.catalog_areas} | set(area.headline)
    out["extra"] = charts.for_area(ids, kinds=charts.kinds_on("extra"))
    out["members"] = charts.for_area(set(area.headline), kinds=charts.kinds_on("service"))
    return out


@st.cache_resource(show_spinner=False, max_entries=300, ttl=3600)
def _built(
    area_key: str, region: str, year: int, compare: tuple[str, ...], peer_set: tuple[str, ...], version: int, db: str
) -> dict[str, charts.Chart]:
    """All of a page's figures in one read of the database (charts.build_many), once per (choice, data
    version), shared read-only between sessions."""
    defs = [d for group in page_charts(dashboard.area(area_key)).values() for d in group]
    built = charts.build_many(connection(), defs, region, year, "nb", compare=compare, peers=peer_set)
    return {d.id: charts.for_screen(c) for d, c in zip(defs, built, strict=False)}


@st.cache_data(show_spinner=False, max_entries=300)
def _peer_means(
    peer_set: tuple[str, ...], year: int, indicators: tuple[str, ...], version: int, db: str
) -> dict[str, dashboard.PeerMean]:
    return dashboard.peer_means(connection(), peer_set, year, indicators)


@st.cache_data(show_spinner=False, max_entries=500)
def _peer_set(region: str, year: int, db: str) -> peers.PeerSet:
    """Cleared whenever a leader saves peers (below); two queries per rerun otherwise."""
    return peers.current(connection(), region, year)


def _shared(name: str, widget_key: str, default):
    """Put the value shared by all area pages into this page's widget before it is drawn."""
    value = st.session_state.setdefault(f"area_{name}", default)
    st.session_state[widget_key] = value
    return value


def _remember(name: str, widget_key: str) -> None:
    st.session_state[f"area_{name}"] = st.session_state[widget_key]


def _compare_label(compare: str) -> str:
    """A comparison's pill: «KOSTRA-gruppen», «Fylket» — the catalog's running-text name, first letter raised."""
    return words.capital(words.t(f"comparison.{compare}"))


# --- the page ------------------------------------------------------------------------------------


def show(key: str) -> None:
    page_guard()
    actor = require_page(key)
    area = dashboard.area(key)
    st.title(area.title)
    st.markdown(area.question)

    region, year, labels = _choose_region(actor, key)
    compare, view = _choose_comparison(key)
    peer_set = _peer_panel(actor, key, region, year, labels)

    profile = service_profile(region, year)
    compare = tuple(dashboard.available(profile, compare))  # no KOSTRA group before the first grouping loaded
    sample_banner(profile.sample)
    version, db = data_version(), str(store.db_path())
    means = _peer_means(peer_set.peers, year, area.headline, version, db) if "peers" in compare else {}
    items = dashboard.headlines(profile, area, compare=compare, peers=means)

    st.header(f"{literal(profile.region_name)} {year}", divider="gray")
    st.markdown(literal(dashboard.summary(profile.region_name, year, items, compare)))  # names from imports
    if profile.group_estimated and "group" in compare:
        st.caption(GROUP_ESTIMATED_NOTE)
    _headline_metrics(items, year)
    built = _built(key, region, year, compare, peer_set.peers, version, db)
    sections = page_charts(area)
    for item in items:
        st.subheader(item.indicator.name_nb)
        for d in sections.get(item.indicator.id, []):
            _show_chart(built[d.id], view, charts.page_heading(d, year, built[d.id]))
    _extra_charts(sections["extra"], built, view, year)
    _members(sections["members"], built, view, year)
    _all_figures(area, profile)


def _choose_region(actor: Actor, key: str) -> tuple[str, int, dict[str, str]]:
    rows = municipalities()
    labels = {code: f"{code} {name}" for code, name in rows.select("code", "name").iter_rows()}
    codes = regions_for(actor, "read_published", list(labels))
    if not codes:
        st.info(t("ui.area.no_access"))
        st.stop()
    wanted = _deep_link("kommune")
    if wanted in codes:
        st.session_state["area_region"] = wanted
    elif st.session_state.get("area_region") not in codes:
        st.session_state["area_region"] = "5001" if "5001" in codes else codes[0]
    left, right = st.columns([3, 1])
    _shared("region", f"{key}_kommune", codes[0])
    region = left.selectbox(
        t("ui.common.municipality"),
        codes,
        format_func=lambda code: labels.get(code, code),
        key=f"{key}_kommune",
        on_change=_remember,
        args=("region", f"{key}_kommune"),
    )
    assert region is not None  # codes is not empty and the session holds one of them: always a choice
    row = rows.filter(rows["code"] == region).row(0, named=True)
    years = list(range(row["last_year"], row["first_year"] - 1, -1))
    asked = _deep_link("ar") or ""
    if asked.isdigit() and int(asked) in years:
        st.session_state["area_year"] = int(asked)
    elif st.session_state.get("area_year") not in years:
        st.session_state["area_year"] = years[0]
    _shared("year", f"{key}_ar", years[0])
    year = right.selectbox(
        t("ui.common.col_year"), years, key=f"{key}_ar", on_change=_remember, args=("year", f"{key}_ar")
    )
    st.query_params.update({"kommune": region, "ar": str(year)})
    st.session_state["area_written"] = {"kommune": region, "ar": str(year)}
    return region, int(year), labels


def _deep_link(name: str) -> str | None:
    """A query parameter the person brought (a shared link), not the one this page wrote last run."""
    value = st.query_params.get(name)
    return None if value == st.session_state.get("area_written", {}).get(name) else value


def _choose_comparison(key: str) -> tuple[tuple[str, ...], str]:
    left, right = st.columns([3, 1])
    _shared("compare", f"{key}_compare", list(charts.COMPARE_ALL))
    chosen = left.pills(
        t("ui.area.compare_with"),
        list(charts.COMPARE_ALL),
        selection_mode="multi",
        format_func=_compare_label,
        key=f"{key}_compare",
        on_change=_remember,
        args=("compare", f"{key}_compare"),
    )
    _shared("view", f"{key}_view", VIEWS[0])
    view = right.segmented_control(
        t("ui.area.show_as"), VIEWS, key=f"{key}_view", on_change=_remember, args=("view", f"{key}_view")
    )
    order = [c for c in charts.COMPARE_ALL if c in (chosen or [])]
    return tuple(order), view or VIEWS[0]


def _peer_panel(actor: Actor, key: str, region: str, year: int, labels: dict[str, str]) -> peers.PeerSet:
    current = _peer_set(region, year, str(store.db_path()))
    names = ", ".join(labels.get(p, p).split(" ", 1)[-1] for p in current.peers) or t("ui.area.none_chosen")
    with st.expander(t("ui.area.peers", names=literal(names))):
        st.caption(current.describe())
        if not actor.can("choose_peers", region):
            st.caption(t("ui.area.leader_chooses"))
            return current
        options = [c for c in labels if c != region]
        with st.form(f"{key}_peers_form", border=False):
            chosen = st.multiselect(
                t("ui.area.choose_peers"),
                options,
                default=[p for p in current.peers if p in options],
                format_func=lambda code: labels.get(code, code),
                max_selections=peers.MAX_PEERS,
                placeholder=t("ui.area.choose_placeholder"),
            )
            saved = st.form_submit_button(t("ui.area.save_for", year=year), icon=":material/save:")
        if saved:
            try:
                peers.save(connection(), region, year, chosen, actor=actor)
            except (PeerSetError, PermissionDenied) as e:
                st.error(str(e))
                return current
            finally:
                _peer_set.clear()
            st.session_state["area_flash"] = t("ui.area.peers_saved")
            st.rerun()
    if flash := st.session_state.pop("area_flash", None):
        st.success(flash, icon=":material/check:")
    return current


def _headline_metrics(items: list[dashboard.Headline], year: int) -> None:
    if not items:
        return
    st.subheader(t("ui.common.key_figures"))
    columns = st.columns(len(items))
    for col, h in zip(columns, items, strict=False):
        with col.container(border=True):
            st.markdown(f"**{html.escape(h.indicator.name_nb)}**")
            delta = _delta(h)
            colour: Literal["normal", "inverse", "off"] = (
                "normal" if h.indicator.better == "higher" else "inverse" if h.indicator.better == "lower" else "off"
            )
            if h.change_verdict == "same":  # no arrow, no colour for "unchanged"
                colour, delta = "off", delta and delta.lstrip("+")
            word = {
                "better": f" ({t('ui.area.better')})",
                "worse": f" ({t('ui.area.worse')})",
                "same": f" ({t('ui.area.same')})",
            }.get(h.change_verdict or "", "")
            st.metric(
                h.indicator.name_nb,
                h.value_text,
                delta=delta,
                label_visibility="collapsed",
                delta_color=colour if delta else "off",
                delta_arrow="auto" if delta and h.change_verdict != "same" else "off",
                delta_description=t("ui.area.from_year", year=year - 1) + word if delta else None,
            )
            if h.own.shown and h.change is None:
                st.caption(h.change_text(year))
            st.caption(h.verdict_text())
            if text := h.comparison_text():  # names the KOSTRA group and county as imported
                st.caption(literal(text))


def _delta(h: dashboard.Headline) -> str | None:
    """Streamlit picks the arrow from a leading '-'; our numbers use the real minus sign."""
    if h.change is None:
        return None
    return (fmt.change(h.change, h.unit) or fmt.value(0, h.unit)).replace("−", "-", 1)


def _show_chart(c: charts.Chart, view: str, heading: str) -> None:
    st.markdown(f"**{html.escape(heading)}**")
    if c.empty:
        st.info(f"{t('ui.common.no_figures_for_year')} {literal(c.alt)}")
        return
    if view == VIEWS[1] and c.table is not None:
        st.table(pd.DataFrame(list(c.table.rows), columns=list(c.table.columns)), hide_index=True, alt=c.table.caption)
        if c.table.legend:  # the symbols in the table and the reasons present
            st.caption(c.table.legend)
    else:
        st.plotly_chart(
            c.figure,
            alt=c.alt,
            theme=None,
            key=f"chart_{c.definition.id}",
            config={"displaylogo": False, "responsive": True},
        )
        # One line of raw HTML, so Markdown never reads the text: a blank line (in a name) would end the block.
        st.markdown(f'<div style="{SR_ONLY}">{html.escape(" ".join(c.alt.split()))}</div>', unsafe_allow_html=True)
    st.caption(c.about or c.source)


def _extra_charts(defs: list[charts.ChartDef], built: dict[str, charts.Chart], view: str, year: int) -> None:
    """The area's own kinds: 10-FAKTOR's ten factors, the survey answer distributions."""
    for d in defs:
        st.subheader(d.title("nb"))
        _show_chart(built[d.id], view, charts.page_heading(d, year, built[d.id]))


def _members(defs: list[charts.ChartDef], built: dict[str, charts.Chart], view: str, year: int) -> None:
    """An intermunicipal service: the service as a whole and each member, for the headline figures."""
    shown = [built[d.id] for d in defs if not built[d.id].empty]
    if not shown:
        return
    st.header(t("ui.area.intermunicipal"), divider="gray")
    st.markdown(t("ui.area.intermunicipal_intro"))
    for c in shown:
        _show_chart(c, view, charts.page_heading(c.definition, year))


def _all_figures(area: dashboard.Area, profile) -> None:
    with st.expander(t("ui.area.all_figures")):
        for catalog_area in area.catalog_areas:
            rows = tables.profile_rows(profile, catalog_area)
            if not rows:
                st.caption(t("ui.area.none_imported", area=tables.area_title(catalog_area)))
                continue
            frame = pd.DataFrame(rows, columns=tables.COLUMNS).drop(columns=[tables.TREND])
            st.table(frame, hide_index=True, alt=t("ui.area.all_indicators_alt", area=tables.area_title(catalog_area)))
            if legend := tables.area_legend(profile, catalog_area):  # the symbols used and why
                st.caption(legend)
            st.table(
                pd.DataFrame(tables.definitions(profile, catalog_area)),
                hide_index=True,
                alt=t("ui.area.definitions_alt", area=tables.area_title(catalog_area)),
            )
