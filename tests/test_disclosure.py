"""No hidden count can be worked out from the numbers shown beside it.

The attack (tests/attack.py, written apart from tilstand/suppression.py) reads only the public view and
tries every recovery a reader with access to all municipalities could: part and whole, a share and its
complement, a rate times its base, county/KOSTRA group/country/service totals minus their members, and
the bounds of hidden counts. It runs on the sample database and on a national-size one.
"""

from __future__ import annotations

import pytest

from tests import national
from tests.attack import attack
from tilstand import store, suppression
from tilstand.access import SYSTEM
from tilstand.ingest import load


def _public(con, indicator, region, year):
    return (
        con.cursor()
        .execute(
            "SELECT value, status FROM observation_public WHERE indicator_id = ? AND region_code = ? AND year = ?",
            [indicator, region, year],
        )
        .fetchone()
    )


def _protected_recoveries(con, result):
    """Determined cells that were hidden to protect a count (a comparison total rebuilt from members shown
    is not a hidden count: it is withheld only because it is never compared)."""
    rules = {(i, r, y): rule for i, r, y, rule in con.cursor().execute("SELECT * FROM suppression").fetchall()}
    return [d for d in result.determined if rules.get(d[:3]) != "comparison"]


def _report(name, con, result):
    rules = dict(con.cursor().execute("SELECT rule, count(*) FROM suppression GROUP BY 1").fetchall())
    print(
        f"\n{name}: hidden per rule {rules}; attack: {result.hidden} hidden counts, {result.ties} ties tried, "
        f"{len(result.determined)} determined, {len(_protected_recoveries(con, result))} of them protected"
    )


def test_no_hidden_count_in_the_sample_database_can_be_worked_out(demo):
    result = attack(demo)
    _report("sample", demo, result)
    assert result.hidden > 500 and result.ties > 1000
    assert _protected_recoveries(demo, result) == []


@pytest.fixture(scope="module")
def national_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("national") / "national.duckdb"
    national.build(path)
    store.close(path)
    return path


@pytest.fixture
def national_db(national_path):
    return store.connect(national_path)


@pytest.mark.slow
def test_no_hidden_count_in_a_national_database_can_be_worked_out(national_db):
    result = attack(national_db, complete=True)
    _report("national", national_db, result)
    assert result.hidden > 3000
    assert _protected_recoveries(national_db, result) == []


def test_without_complementary_suppression_the_attack_finds_the_hidden_counts(national_db):
    """The attack is real: with only the cell-by-cell rule of before, it recovers placed children exactly."""
    cur = national_db.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute("DELETE FROM suppression")
        result = attack(national_db, complete=True, years=[2024])
    finally:
        cur.execute("ROLLBACK")
    found = {d[0] for d in result.recovered}
    assert {"barn_tiltak_252_antall", "barn_tiltak_251_antall"} <= found


# --- the cases the review reproduced, one by one ------------------------------------------------------------


def test_osen_placed_children_no_longer_follow_from_the_total_and_the_in_home_share(demo):
    """Osen 2024: 5 children with measures, 80,0 % in-home gave 1 placed child."""
    assert _public(demo, "barn_tiltak_252_antall", "5020", 2024) == (None, "x")
    assert _public(demo, "barn_tiltak_antall", "5020", 2024) == (5, None)
    assert _public(demo, "barn_tiltak_251_antall", "5020", 2024) == (None, "x")
    assert _public(demo, "barn_hjelpetiltak_hjemme_andel", "5020", 2024) == (None, "x")


def test_counts_of_children_are_not_shown_for_county_kostra_group_or_country(demo):
    shown = (
        demo.cursor()
        .execute(
            "SELECT count(*) FILTER (WHERE p.value IS NOT NULL), count(*) FROM observation_public p "
            "JOIN region r ON r.code = p.region_code JOIN indicator i ON i.id = p.indicator_id "
            "WHERE r.kind IN ('county', 'country', 'kostra_group') AND i.unit = 'count' AND i.min_count > 0"
        )
        .fetchone()
    )
    assert shown[0] == 0 and shown[1] > 500
    for region in ("50", "EAK"):
        value, status = _public(demo, "barn_tiltak_andel", region, 2024)
        assert value is not None and status is None  # the comparable share stays


def _write(con, rows, name="t.csv"):
    return load.write(
        con,
        data=repr(rows).encode(),
        file_name=name,
        source="test",
        actor=SYSTEM,
        observations=[(i, r, 2024, float(v) if v is not None else None, None) for i, r, v in rows],
    )


def test_a_hidden_part_takes_the_smallest_sibling_above_the_limit_with_it(con):
    _write(
        con,
        [
            ("barn_tiltak_antall", "5001", 52),
            ("barn_tiltak_251_antall", "5001", 50),
            ("barn_tiltak_252_antall", "5001", 2),
        ],
    )
    assert _public(con, "barn_tiltak_252_antall", "5001", 2024) == (None, "x")
    assert _public(con, "barn_tiltak_251_antall", "5001", 2024) == (None, "x")
    assert _public(con, "barn_tiltak_antall", "5001", 2024) == (52, None)


def test_two_hidden_parts_that_add_up_to_their_minimum_hide_the_total_too(con):
    """1 + 1 = 2: two hidden counts of 1–3 adding up to 2 are both 1, so the total goes too."""
    _write(
        con,
        [
            ("barn_tiltak_antall", "5001", 2),
            ("barn_tiltak_251_antall", "5001", 1),
            ("barn_tiltak_252_antall", "5001", 1),
        ],
    )
    assert _public(con, "barn_tiltak_antall", "5001", 2024) == (None, "x")  # 2 is small itself
    _write(
        con,
        [
            ("barn_tiltak_antall", "5001", 6),
            ("barn_tiltak_251_antall", "5001", 3),
            ("barn_tiltak_252_antall", "5001", 3),
        ],
        "b.csv",
    )
    assert _public(con, "barn_tiltak_antall", "5001", 2024) == (None, "x")  # 3 + 3 = 6: both 3


def test_two_hidden_parts_with_room_between_them_keep_the_total(con):
    _write(
        con,
        [
            ("barn_tiltak_antall", "5001", 5),
            ("barn_tiltak_251_antall", "5001", 2),
            ("barn_tiltak_252_antall", "5001", 3),
        ],
    )
    assert _public(con, "barn_tiltak_antall", "5001", 2024) == (5, None)


def test_a_share_is_hidden_when_its_base_is_hidden_not_only_its_part(con):
    """Kinship foster homes ÷ all foster homes: with the kinship count shown, the share gives the hidden
    ordinary foster homes back."""
    _write(con, [("fosterhjem_familie_antall", "5001", 12), ("fosterhjem_ordinaer_antall", "5001", 2)])
    assert _public(con, "fosterhjem_familie_nettverk_andel", "5001", 2024) == (None, "x")


def test_a_service_total_is_hidden_when_one_member_is_hidden(con):
    members = ["5035", "5033", "5032", "5034", "5036"]  # Værnesregionen
    rows = [("undersokelser_avsluttet_halvar", m, v) for m, v in zip(members, (95, 2, 14, 11, 9), strict=True)]
    _write(
        con,
        rows
        + [
            ("undersokelser_avsluttet_halvar", "varnesregionen", 131),
            ("undersokelser_fristbrudd_andel", "varnesregionen", 12.2),
        ],
    )
    assert _public(con, "undersokelser_avsluttet_halvar", "varnesregionen", 2024) == (None, "x")
    assert _public(con, "undersokelser_fristbrudd_andel", "varnesregionen", 2024) == (None, "x")
    _write(con, [("undersokelser_avsluttet_halvar", "5033", 5)], "tydal.csv")  # no member hidden any more
    assert _public(con, "undersokelser_avsluttet_halvar", "varnesregionen", 2024) == (131, None)


def test_a_service_total_is_hidden_when_it_leaves_a_small_count_to_a_member_not_imported(con):
    members = ["5035", "5032", "5034", "5036"]  # Tydal not imported: the service total would give it
    _write(
        con,
        [("undersokelser_avsluttet_halvar", m, v) for m, v in zip(members, (95, 14, 11, 9), strict=True)]
        + [("undersokelser_avsluttet_halvar", "varnesregionen", 131)],
    )
    assert _public(con, "undersokelser_avsluttet_halvar", "varnesregionen", 2024) == (None, "x")


def test_a_district_hides_a_second_district_not_the_municipality(con):
    con.cursor().executemany(
        "INSERT INTO region (code, name, kind) VALUES (?, ?, ?)",
        [
            ["0301", "Oslo", "municipality"],
            ["030101", "Gamle Oslo", "district"],
            ["030102", "Grünerløkka", "district"],
            ["030103", "Sagene", "district"],
        ],
    )
    _write(
        con,
        [
            ("barn_tiltak_antall", "0301", 120),
            ("barn_tiltak_antall", "030101", 2),
            ("barn_tiltak_antall", "030102", 70),
            ("barn_tiltak_antall", "030103", 48),
        ],
    )
    assert _public(con, "barn_tiltak_antall", "0301", 2024) == (120, None)
    assert _public(con, "barn_tiltak_antall", "030103", 2024) == (None, "x")  # the smallest above 3
    assert _public(con, "barn_tiltak_antall", "030102", 2024) == (70, None)


def test_net_expenses_per_child_of_a_county_are_hidden_when_they_would_isolate_a_member(con):
    """County net expenses per child, to the krone, and the members' expenses give the county's children
    exactly; minus the members shown, that is the one hidden member."""
    members = {"5001": (400, 40_000), "5006": (60, 6_000), "5007": (2, 900)}
    rows = []
    for code, (children, expenses) in members.items():
        rows += [("barn_us_eller_tiltak_antall", code, children), ("netto_driftsutg_bv_1000kr", code, expenses)]
    con.cursor().execute("UPDATE region SET county_code = '99' WHERE kind = 'municipality'")
    con.cursor().execute("UPDATE region SET county_code = '50' WHERE code IN ('5001', '5006', '5007')")
    total_children, total_expenses = 462, 46_900
    rows += [
        ("barn_us_eller_tiltak_antall", "50", total_children),
        ("netto_driftsutg_bv_1000kr", "50", total_expenses),
        ("netto_driftsutg_per_barn_bv", "50", round(total_expenses * 1000 / total_children)),
    ]
    _write(con, rows)
    assert _public(con, "netto_driftsutg_per_barn_bv", "50", 2024) == (None, "x")


def test_every_hidden_cell_reads_the_same_whatever_rule_hid_it(demo):
    """Telling a primary from a complement would tell which of two hidden counts is the small one."""
    statuses = {
        r[0]
        for r in demo.cursor()
        .execute(
            "SELECT DISTINCT p.status FROM suppression s JOIN observation_public p USING (indicator_id, region_code, year)"
            " WHERE s.rule <> 'primary'"
        )
        .fetchall()
    }
    assert statuses == {"x"}


def test_undo_decides_again_what_may_be_shown(con):
    _write(
        con,
        [
            ("barn_tiltak_antall", "5001", 52),
            ("barn_tiltak_251_antall", "5001", 50),
            ("barn_tiltak_252_antall", "5001", 2),
        ],
    )
    fix = _write(con, [("barn_tiltak_252_antall", "5001", 12), ("barn_tiltak_antall", "5001", 62)], "fix.csv")
    assert _public(con, "barn_tiltak_251_antall", "5001", 2024) == (50, None)
    load.undo(con, fix.import_id, actor=SYSTEM)
    assert _public(con, "barn_tiltak_251_antall", "5001", 2024) == (None, "x")


def test_a_database_decides_again_when_the_rules_change(db_path):
    con = store.connect(db_path)
    _write(
        con,
        [
            ("barn_tiltak_antall", "5001", 52),
            ("barn_tiltak_251_antall", "5001", 50),
            ("barn_tiltak_252_antall", "5001", 2),
        ],
    )
    con.cursor().execute("DELETE FROM suppression")
    con.cursor().execute("UPDATE meta SET value = 'older rules' WHERE key = 'suppression_digest'")
    store.close(db_path)
    con = store.connect(db_path)
    assert _public(con, "barn_tiltak_251_antall", "5001", 2024) == (None, "x")
    assert suppression.VERSION >= 1


def test_osen_placed_children_appear_nowhere_a_council_member_looks(demo, tmp_path):
    """Profile, the DOCX key-figure tables and its text: the placed count, its in-home sibling and the in-home
    share of Osen 2024 are hidden everywhere, and the county's count of children with measures is not shown."""
    from docx import Document

    from tilstand import profile, report

    rows = {r.indicator.id: r for r in profile.build(demo, "5020", 2024).rows}
    for hidden in ("barn_plassert_andel", "barn_hjelpetiltak_hjemme_andel"):
        assert not rows[hidden].own.shown, hidden
    assert rows["barn_tiltak_andel"].own.shown and rows["barn_tiltak_andel"].county.shown
    if "barn_tiltak_antall" in rows:
        assert not rows["barn_tiltak_antall"].county.shown
    out = tmp_path / "osen.docx"
    report.render(demo, "5020", 2024, "nb", out=out, with_charts=False)
    doc = Document(out)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert "80,0" not in text  # the in-home share that gave 1 placed child
    in_home = [
        row
        for t in doc.tables
        for row in t.rows  # the key-figure tables: own value in the 2nd column
        if len(row.cells) >= 5 and "hjemme" in row.cells[0].text.lower()
    ]
    assert in_home and all(not any(ch.isdigit() for ch in row.cells[1].text) for row in in_home)


def _stored_decisions(cur) -> list[tuple]:
    return sorted(cur.execute("SELECT * FROM suppression").fetchall())


def _full_decisions(cur) -> list[tuple]:
    """What deciding every year and indicator again would store (rolled back: the store is left as it was)."""
    cur.execute("BEGIN TRANSACTION")
    try:
        suppression.refresh(cur)
        return _stored_decisions(cur)
    finally:
        cur.execute("ROLLBACK")


def test_an_import_decides_again_exactly_what_a_full_decision_would(demo):
    """Imports decide again only for the family of what they changed (speed); the result must be the same as
    deciding everything again."""
    cur = demo.cursor()
    _write(
        demo,
        [
            ("barn_tiltak_252_antall", "5001", 2),
            ("barn_tiltak_antall", "5001", 300),
            ("barn_tiltak_251_antall", "5001", 298),
            ("barn_melding_antall", "5035", 3),
            ("undersokelser_avsluttet_halvar", "5033", 2),
            ("befolkning_totalt", "5020", 1000),
        ],
        "mix.csv",
    )
    assert _stored_decisions(cur) == _full_decisions(cur)


def test_a_ten_year_file_with_one_year_changed_decides_that_year_again_and_the_result_is_a_full_decision(demo):
    """SSB adds the newest year and a leader fetches ten: only the year whose values changed is decided again,
    and what may be shown is the same as deciding everything again."""
    cur = demo.cursor()
    rows = cur.execute(
        "SELECT indicator_id, region_code, year, value, status FROM observation "
        "WHERE indicator_id IN ('barn_tiltak_antall', 'barn_tiltak_251_antall', 'barn_tiltak_252_antall') "
        "AND region_code IN ('5001', '5020') ORDER BY ALL"
    ).fetchall()
    changed = [
        (i, r, y, 2.0 if (i, r, y) == ("barn_tiltak_252_antall", "5001", 2024) else v, s) for i, r, y, v, s in rows
    ]
    changed = [
        (i, r, y, v + 2.0 if (i, r, y) == ("barn_tiltak_antall", "5001", 2024) else v, s) for i, r, y, v, s in changed
    ]
    result = load.write(
        demo, data=b"ten years", file_name="ti_aar.csv", source="test", actor=SYSTEM, observations=changed
    )
    years = {
        r[0]
        for r in cur.execute("SELECT DISTINCT year FROM observation WHERE import_id = ?", [result.import_id]).fetchall()
    }
    assert years == {2024} and len({r[2] for r in rows}) == 10
    assert _public(demo, "barn_tiltak_252_antall", "5001", 2024) == (None, "x")
    assert _stored_decisions(cur) == _full_decisions(cur)


def test_the_family_of_a_count_holds_its_siblings_and_rates_but_not_unrelated_figures():
    fam = suppression.family({"barn_tiltak_252_antall"})
    assert {
        "barn_tiltak_antall",
        "barn_tiltak_251_antall",
        "barn_plassert_andel",
        "barn_hjelpetiltak_hjemme_andel",
        "barn_tiltak_andel",
    } <= fam
    assert "barn_melding_andel" not in fam and "tf_mestringstro" not in fam
