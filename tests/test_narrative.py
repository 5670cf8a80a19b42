"""Chapter text: versions, stale saves refused with both texts, restore, carry-over, structure as data."""

import pytest

from tests.conftest import leader

from tilstand import narrative
from tilstand.narrative import StaleVersionError


@pytest.fixture
def report(con):
    return narrative.create_report(con, "5001", 2024, "nb", actor=leader("leder"))


def _sec(con, report, key):
    return next(s for s in narrative.sections(con, report.id) if s.key == key)


def test_new_report_has_bufdirs_chapters_in_order(con, report):
    keys = [s.key for s in narrative.sections(con, report.id)]
    assert keys[:4] == ["kort_oppsummering", "om_barnevernet", "virksomheten", "temaomrader"]
    assert keys[-3:] == ["samarbeid", "utfordringsbildet", "innsats"]
    assert all(s.status == "empty" and s.version == 0 for s in narrative.sections(con, report.id))


def test_nynorsk_report_has_nynorsk_titles(con):
    r = narrative.create_report(con, "5001", 2024, "nn", actor=leader("leder"))
    assert _sec(con, r, "kort_oppsummering").title == "Kort samandrag"


def test_every_save_is_a_new_version_with_author(con, report):
    s = _sec(con, report, "kort_oppsummering")
    v1 = narrative.save(con, s.id, "Første utkast.", base_version=0, actor=leader("leder"))
    v2 = narrative.save(con, s.id, "Andre utkast.", base_version=1, actor=leader("leder"))
    assert (v1.n, v2.n) == (1, 2)
    assert [v.body for v in narrative.history(con, s.id)] == ["Andre utkast.", "Første utkast."]
    assert narrative.section(con, s.id).status == "draft"


def test_a_save_on_a_stale_version_is_refused_with_both_texts_and_nothing_written(con, report):
    s = _sec(con, report, "kvalitet")
    narrative.save(con, s.id, "Anne skrev dette.", base_version=0, actor=leader("anne"))
    with pytest.raises(StaleVersionError) as e:
        narrative.save(con, s.id, "Bjørn skrev noe annet.", base_version=0, actor=leader("bjorn"))
    assert e.value.current.body == "Anne skrev dette." and e.value.attempted_body == "Bjørn skrev noe annet."
    assert "anne" in str(e.value) and "versjon 1" in str(e.value)
    assert len(narrative.history(con, s.id)) == 1


def test_saving_the_same_text_again_adds_no_version(con, report):
    s = _sec(con, report, "kvalitet")
    narrative.save(con, s.id, "Tekst.", base_version=0, actor=leader("leder"))
    assert narrative.save(con, s.id, "Tekst.", base_version=1, actor=leader("leder")).n == 1


def test_restore_is_a_new_version(con, report):
    s = _sec(con, report, "okonomi")
    narrative.save(con, s.id, "A", base_version=0, actor=leader("leder"))
    narrative.save(con, s.id, "B", base_version=1, actor=leader("leder"))
    v = narrative.restore(con, s.id, 1, actor=leader("leder"), base_version=2)
    assert (v.n, v.body, v.note) == (3, "A", "gjenopprettet fra versjon 1")


def test_compare_marks_added_and_removed_words():
    diff = narrative.compare("Andelen var 87 %.", "Andelen var 92 %.")
    assert ("removed", "87") in diff and ("added", "92") in diff


def test_next_year_can_start_from_last_years_text_marked_as_carried_over(con, report):
    s = _sec(con, report, "samarbeid")
    narrative.save(con, s.id, "Vi samarbeider med skolene.", base_version=0, actor=leader("leder"))
    narrative.update_structure(con, _sec(con, report, "brukere").id, hidden=True, actor=leader())
    nxt = narrative.create_report(con, "5001", 2025, "nb", actor=leader("leder"), carry_over=True)
    carried = _sec(con, nxt, "samarbeid")
    assert carried.body == "Vi samarbeider med skolene." and carried.carried_over and carried.version == 1
    assert _sec(con, nxt, "brukere").hidden, "last year's structure comes along"
    narrative.save(con, carried.id, "Vi samarbeider med skolene og helsestasjonen.", base_version=1, actor=leader("leder"))
    assert not narrative.section(con, carried.id).carried_over


def test_chapters_can_be_renamed_moved_added_and_hidden(con, report):
    s = _sec(con, report, "samarbeid")
    narrative.update_structure(con, s.id, title="Samarbeid med skole og helse", position=2, actor=leader())
    added = narrative.add_section(con, report.id, "Tilsyn fra statsforvalteren", after_position=11, actor=leader())
    assert narrative.section(con, s.id).title == "Samarbeid med skole og helse"
    assert added.key == "tilsyn_fra_statsforvalteren" and added.position == 12
    narrative.update_structure(con, added.id, hidden=True, actor=leader())
    visible = [x.key for x in narrative.sections(con, report.id, include_hidden=False)]
    assert "tilsyn_fra_statsforvalteren" not in visible


def test_text_survives_closing_and_reopening_the_database(db_path):
    from tilstand import store

    con = store.connect(db_path)
    r = narrative.create_report(con, "5001", 2024, "nb", actor=leader("leder"))
    s = _sec(con, r, "kort_oppsummering")
    narrative.save(con, s.id, "Lagret tekst.", base_version=0, actor=leader("leder"))
    store.close(db_path)
    con = store.connect(db_path)
    assert narrative.section(con, s.id).body == "Lagret tekst."
