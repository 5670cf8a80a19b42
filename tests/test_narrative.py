"""Chapter text: versions, stale saves refused with both texts, restore, carry-over, structure as data."""

import pytest

from tests.conftest import leader
from tests.storage_faults import full_disk
from tilstand import narrative
from tilstand.narrative import StaleVersionError, StructureError, TextNotSavedError


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
    narrative.save(
        con, carried.id, "Vi samarbeider med skolene og helsestasjonen.", base_version=1, actor=leader("leder")
    )
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


def test_a_save_that_fails_on_a_full_disk_is_not_a_conflict_says_why_and_writes_nothing(con, db_path, report):
    """The disk is really full for the database (its write-ahead log is /dev/full, see storage_faults)."""
    s = _sec(con, report, "kvalitet")
    narrative.save(con, s.id, "Første versjon.", base_version=0, actor=leader("leder"))
    with full_disk(con, db_path), pytest.raises(TextNotSavedError) as e:
        narrative.save(con, s.id, "Andre versjon, som ikke får plass.", base_version=1, actor=leader("leder"))
    assert not isinstance(e.value, StaleVersionError)
    message = str(e.value)
    assert message.startswith("Teksten er ikke lagret.") and "ikke mer plass på disken" in message
    assert "endret av" not in message and "redigeringsfeltet" in message
    assert "No space" not in message and str(db_path) not in message
    assert e.value.body == "Andre versjon, som ikke får plass."
    assert [v.body for v in narrative.history(con, s.id)] == ["Første versjon."]


def test_a_clash_on_the_chapter_row_without_a_newer_version_is_not_a_conflict_and_a_retry_saves(con, report):
    """Another session holds an uncommitted change to the same chapter row (a real DuckDB write conflict)."""
    s = _sec(con, report, "kvalitet")
    narrative.save(con, s.id, "Første versjon.", base_version=0, actor=leader("leder"))
    other = con.cursor()
    other.execute("BEGIN TRANSACTION")
    other.execute("UPDATE section SET status = 'written' WHERE id = ?", [s.id])
    with pytest.raises(TextNotSavedError, match="Noen andre endret det samme i samme øyeblikk"):
        narrative.save(con, s.id, "Andre versjon.", base_version=1, actor=leader("leder"))
    other.execute("ROLLBACK")
    assert narrative.save(con, s.id, "Andre versjon.", base_version=1, actor=leader("leder")).n == 2


class _AnotherSessionSavesFirst:
    """A connection on which another session commits a version of the chapter at the worst moment: after
    our save has read the latest version and just before it inserts the next one (two browsers saving the
    same chapter at once). The fault is injected at the lowest level, the cursor's execute; the other
    session's save and ours are the real narrative.save on the real database."""

    def __init__(self, con, section_id: int):
        self._con, self._section_id, self.fired = con, section_id, False

    def cursor(self):
        return _InterleavingCursor(self, self._con.cursor())

    def __getattr__(self, name):
        return getattr(self._con, name)

    def other_session_saves(self, base_version: int) -> None:
        self.fired = True
        narrative.save(self._con, self._section_id, "Annes tekst.", base_version=base_version, actor=leader("anne"))


class _InterleavingCursor:
    def __init__(self, owner: _AnotherSessionSavesFirst, cur):
        self._owner, self._cur = owner, cur

    def execute(self, sql, params=None):
        if not self._owner.fired and sql.startswith("INSERT INTO section_version"):
            self._owner.other_session_saves(base_version=params[1] - 1)
        return self._cur.execute(sql) if params is None else self._cur.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._cur, name)


def test_a_version_another_session_commits_during_our_save_is_a_conflict_with_both_texts(con, report):
    s = _sec(con, report, "kvalitet")
    narrative.save(con, s.id, "Første versjon.", base_version=0, actor=leader("leder"))
    racing = _AnotherSessionSavesFirst(con, s.id)
    with pytest.raises(StaleVersionError) as e:
        narrative.save(racing, s.id, "Bjørns tekst.", base_version=1, actor=leader("bjorn"))
    assert racing.fired
    assert (e.value.current.n, e.value.current.body, e.value.current.author) == (2, "Annes tekst.", "anne")
    assert e.value.attempted_body == "Bjørns tekst."
    assert [v.body for v in narrative.history(con, s.id)] == ["Annes tekst.", "Første versjon."]


def _audit_rows(con) -> int:
    return con.cursor().execute("SELECT count(*) FROM audit_log WHERE action = 'edit_structure'").fetchone()[0]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"title": "   "}, "mangler tittel"),
        ({"title": "x" * 121}, "tittelen er for lang"),
        ({"position": 0}, "må ha et nummer fra 1 og oppover"),
    ],
)
def test_a_bad_row_in_the_structure_table_changes_no_chapter_at_all(con, report, bad, message):
    every = narrative.sections(con, report.id)
    changes = [
        narrative.ChapterChange(s.id, title=f"Nytt navn {i}", position=s.position, hidden=False)
        for i, s in enumerate(every)
    ]
    changes[4] = narrative.ChapterChange(every[4].id, **{"title": every[4].title, "position": 5, **bad})
    before = _audit_rows(con)
    with pytest.raises(StructureError, match=message) as e:
        narrative.update_chapters(con, changes, actor=leader())
    assert f"«{every[4].title}»" in str(e.value) and "Ingen kapitler er endret" in str(e.value)
    assert [s.title for s in narrative.sections(con, report.id)] == [s.title for s in every]
    assert _audit_rows(con) == before


def test_the_structure_table_writes_only_the_chapters_that_changed(con, report):
    every = narrative.sections(con, report.id)
    changes = [narrative.ChapterChange(s.id, title=s.title, position=s.position, hidden=s.hidden) for s in every]
    changes[1] = narrative.ChapterChange(every[1].id, title="  Om  tjenesten ", position=2, hidden=True)
    before = _audit_rows(con)
    assert narrative.update_chapters(con, changes, actor=leader()) == 1
    changed = narrative.section(con, every[1].id)
    assert (changed.title, changed.hidden) == ("Om tjenesten", True)
    assert _audit_rows(con) == before + 1


def test_a_new_chapter_needs_a_title(con, report):
    with pytest.raises(StructureError, match="Det nye kapittelet mangler tittel"):
        narrative.add_section(con, report.id, " \t ", after_position=12, actor=leader())
    assert len(narrative.sections(con, report.id)) == 12
