"""The leader's peer municipalities: suggested before any choice, saved per report year, carried over to
later years, refused for the wrong role or bad codes with nothing written, and audited."""

from __future__ import annotations

import pytest

from tilstand import peers
from tilstand.access import Actor, PermissionDenied
from tilstand.peers import PeerSetError

LEDER = Actor("lea", "Lea Leder", {"5001": frozenset({"leder"})})
SAKSORDFORER = Actor("sverre", "Sverre Saksordfører", {"5001": frozenset({"saksordforer"})})
OTHER_LEDER = Actor("ola", "Ola Leder", {"5006": frozenset({"leder"})})


def _rows(con) -> list[tuple]:
    return con.execute("SELECT region_code, year, peers FROM peer_set ORDER BY ALL").fetchall()


def test_suggestion_before_any_choice_is_the_kostra_group_then_the_county(demo):
    got = peers.current(demo, "5001", 2024)
    assert got.origin == "suggested"
    assert 0 < len(got.peers) <= peers.SUGGESTED and "5001" not in got.peers
    group = demo.execute(
        "SELECT list(region_code) FROM kostra_membership WHERE group_code = (SELECT group_code FROM "
        "kostra_membership WHERE region_code = '5001' AND valid_from <= 2024 AND (valid_to IS NULL OR "
        "valid_to >= 2024))"
    ).fetchone()[0]
    county = {c for (c,) in demo.execute("SELECT code FROM region WHERE county_code = '50'").fetchall()}
    assert all(p in set(group) | county for p in got.peers)


def test_saved_set_is_in_force_for_its_year_and_carries_over_to_later_years(demo):
    saved = peers.save(demo, "5001", 2023, ["5006", "5035", "5006"], actor=LEDER)
    assert saved.peers == ("5006", "5035") and saved.origin == "saved"
    later = peers.current(demo, "5001", 2024)
    assert later.peers == ("5006", "5035") and later.origin == "carried" and later.saved_year == 2023
    assert "2023" in later.describe() and "Lea Leder" in later.describe()
    assert peers.current(demo, "5001", 2022).origin == "suggested"
    peers.save(demo, "5001", 2024, ["5037"], actor=LEDER)
    assert peers.current(demo, "5001", 2024).peers == ("5037",)
    assert peers.current(demo, "5001", 2023).peers == ("5006", "5035")


def test_saving_is_audited_in_the_same_transaction(demo):
    peers.save(demo, "5001", 2024, ["5006"], actor=LEDER)
    row = demo.execute(
        "SELECT username, action, region_code, target, detail, allowed FROM audit_log "
        "WHERE action = 'choose_peers' AND username = 'lea'"
    ).fetchall()
    assert row == [("lea", "choose_peers", "5001", "2024", "5006", True)]


@pytest.mark.parametrize("actor", [SAKSORDFORER, OTHER_LEDER], ids=["saksordforer", "leader_elsewhere"])
def test_only_the_municipalitys_leader_may_choose_peers(demo, actor):
    with pytest.raises(PermissionDenied, match="velge sammenligningskommuner"):
        peers.save(demo, "5001", 2024, ["5006"], actor=actor)
    assert _rows(demo) == []


@pytest.mark.parametrize(
    "chosen, message",
    [
        (["5001", "5006"], "seg selv"),
        (["5006", "9999"], "Ukjent kommunenummer i sammenligningskommunene: 9999"),
        (["50"], "Ukjent kommunenummer"),  # a county is not a peer municipality
        ([f"50{n:02d}" for n in range(1, 17)], "høyst 15"),
    ],
    ids=["itself", "unknown", "county", "too_many"],
)
def test_bad_peer_sets_are_refused_with_a_norwegian_reason_and_nothing_written(demo, chosen, message):
    with pytest.raises(PeerSetError, match=message):
        peers.save(demo, "5001", 2024, chosen, actor=LEDER)
    assert _rows(demo) == []


def test_report_charts_draw_the_saved_peers_and_never_a_mere_suggestion(demo):
    """The writing room, DOCX and snapshot share publish/report's chart choice: saved peers only."""
    from tilstand import narrative, publish

    rep = narrative.create_report(demo, "5001", 2024, "nb", actor=LEDER)

    def peer_lines() -> int:
        content = publish._content(demo, rep)
        return sum(
            "Sammenligningskommunene (snitt av" in c["figure_json"] for ch in content["chapters"] for c in ch["charts"]
        )

    assert peers.for_report(demo, "5001", 2024) == () and peer_lines() == 0
    peers.save(demo, "5001", 2024, ["5006", "5035", "5037"], actor=LEDER)
    assert peers.for_report(demo, "5001", 2024) == ("5006", "5035", "5037")
    assert peer_lines() > 5
