"""Area pages' logic: each area names three to five headline figures; a headline's comparison with the
peers is the mean of their shown values only; the verdict is worded by the indicator's direction."""

from __future__ import annotations

import pytest

from tilstand import catalog, dashboard, profile
from tilstand.profile import Value

ALL = ("group", "county", "country", "peers")


def test_every_area_has_three_to_five_headline_figures_from_its_catalogue_areas():
    keys = [a.key for a in dashboard.areas()]
    assert keys == ["dekningsgrad", "kvalitet", "okonomi", "ansatte", "brukere", "bakgrunn"]
    inds = catalog.indicators()
    for a in dashboard.areas():
        assert 3 <= len(a.headline) <= 5, a.key
        assert all(inds[i].show for i in a.headline)
        assert [i.id for i in a.indicators()][: len(a.headline)] == list(a.headline)


def _public(con, regions, year, indicator):
    return con.execute(
        "SELECT region_code, value, status FROM observation_public_in(?, ?, ?) WHERE indicator_id = ?",
        [regions, year, year, indicator],
    ).fetchall()


def test_peer_mean_is_the_plain_mean_of_shown_values_and_skips_hidden_ones(demo):
    peer_set = ["5006", "5035", "5037", "5028"]
    demo.execute(
        "UPDATE observation SET status = 'x', value = NULL WHERE indicator_id = 'turnover_pct' "
        "AND region_code = '5006' AND year = 2024"
    )
    means = dashboard.peer_means(demo, peer_set, 2024, ["turnover_pct", "barn_tiltak_andel"])
    for ind in ("turnover_pct", "barn_tiltak_andel"):
        shown = [v for _, v, s in _public(demo, peer_set, 2024, ind) if v is not None and s not in ("x", ":")]
        assert means[ind].shown == len(shown) and means[ind].total == 4
        assert means[ind].value == pytest.approx(sum(shown) / len(shown))
    assert means["turnover_pct"].shown == 3


def test_a_mean_resting_on_fewer_than_half_the_peers_is_not_given(demo):
    demo.execute(
        "UPDATE observation SET status = 'x', value = NULL WHERE indicator_id = 'turnover_pct' "
        "AND region_code IN ('5006', '5035', '5037') AND year = 2024"
    )
    means = dashboard.peer_means(demo, ["5006", "5035", "5037", "5028"], 2024, ["turnover_pct"])
    assert means["turnover_pct"].value is None and means["turnover_pct"].shown == 1


def test_headlines_compare_with_each_chosen_role_and_word_the_verdict_by_direction(demo):
    p = profile.build(demo, "5001", 2024)
    area = dashboard.area("ansatte")
    means = dashboard.peer_means(demo, ["5006", "5035"], 2024, area.headline)
    items = dashboard.headlines(p, area, compare=ALL, peers=means)
    assert [h.indicator.id for h in items] == list(area.headline)
    rows = {r.indicator.id: r for r in p.rows}
    for h in items:
        assert h.own == rows[h.indicator.id].own
        roles = [c.role for c in h.comparisons]
        assert "peers" in roles and set(roles) <= set(ALL)
        peer = next(c for c in h.comparisons if c.role == "peers")
        if peer.value.shown and h.own.shown:
            own, other = h.own.value, peer.value.value
            lower_better = h.indicator.better == "lower"
            expected = (
                "same" if round(own, 1) == round(other, 1) else ("better" if (own < other) == lower_better else "worse")
            )
            assert peer.verdict == expected
    only_group = dashboard.headlines(p, area, compare=("group",), peers=means)
    assert all(c.role == "group" for h in only_group for c in h.comparisons)


def test_neutral_indicators_say_higher_or_lower_never_better_or_worse(demo):
    p = profile.build(demo, "5001", 2024)
    items = dashboard.headlines(p, dashboard.area("okonomi"), compare=("group", "county", "country"))
    text = " ".join(h.verdict_text() for h in items)
    assert "enn" in text and "bedre" not in text.lower() and "dårligere" not in text.lower()
    text = dashboard.summary(p.region_name, 2024, items, ("group",))
    assert "ingen «riktig» retning" in text and "bedre" not in text


def test_change_is_taken_between_the_rounded_values_a_reader_sees():
    ind = catalog.indicators()["bu_tilgjengelighet"]
    h = dashboard.Headline(ind, Value(4.8664, None), Value(4.8265, None), ())
    assert (h.value_text, h.previous.text(ind.unit)) == ("4,9", "4,8")
    assert h.change_text(2024) == "+0,1 fra 2023 (bedre)"


def test_hidden_value_explains_itself_instead_of_comparing(demo):
    ind = catalog.indicators()["turnover_pct"]
    h = dashboard.Headline(ind, Value(None, "x"), Value(12.0, None), ())
    assert h.value_text == ":" and "personvern" in h.verdict_text() and h.change_text(2024) == ""


def test_summary_counts_better_and_worse_against_the_first_chosen_comparison(demo):
    p = profile.build(demo, "5001", 2024)
    area = dashboard.area("kvalitet")
    items = dashboard.headlines(p, area, compare=("county",))
    text = dashboard.summary(p.region_name, 2024, items, ("county",))
    directed = [h for h in items if h.own.shown and h.indicator.better != "neutral"]
    better = sum(1 for h in directed if h.comparisons and h.comparisons[0].verdict == "better")
    worse = sum(1 for h in directed if h.comparisons and h.comparisons[0].verdict == "worse")
    assert f"Mot fylket er {p.region_name} bedre på {better} og dårligere på {worse} av {len(directed)} " in text
    assert "Fra 2023 til 2024 ble" in text


def test_every_sample_municipality_has_each_headline_figure_or_a_stated_reason(demo):
    """The issue's Done-when: no gap on an area page that is not explained."""
    from tilstand import peers

    codes = [
        c
        for (c,) in demo.execute(
            "SELECT code FROM region WHERE kind = 'municipality' AND code IN "
            "(SELECT region_code FROM observation WHERE year = 2024) ORDER BY code"
        ).fetchall()
    ]
    assert len(codes) >= 38
    compared = 0
    for code in codes:
        p = profile.build(demo, code, 2024)
        peer_set = peers.current(demo, code, 2024).peers
        for area in dashboard.areas():
            means = dashboard.peer_means(demo, peer_set, 2024, area.headline)
            items = dashboard.headlines(p, area, compare=ALL, peers=means)
            assert [h.indicator.id for h in items] == list(area.headline), (code, area.key)
            for h in items:
                if not h.own.shown:  # a status says why, or the page says nothing was imported
                    assert h.own.status is not None or h.verdict_text().startswith("Ingen tall importert"), (
                        code,
                        h.indicator.id,
                    )
                assert h.verdict_text() not in ("", "–")
                compared += any(c.value.shown for c in h.comparisons)
            assert dashboard.summary(p.region_name, 2024, items, ALL)
    assert compared > 0.7 * len(codes) * sum(len(a.headline) for a in dashboard.areas())
