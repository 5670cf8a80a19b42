"""Publishing freezes the report as the council got it: text, numbers, charts and the DOCX/PDF bytes stay
the same after later imports and edits; a council member reads only their own municipality's
publications; only the leader publishes, and only a report marked «Ferdig»."""

from __future__ import annotations

import hashlib
import io
import shutil
from datetime import date

import plotly.io
import pytest
from docx import Document

from tilstand import catalog, fmt, narrative, pdf, profile, publish, review, store
from tilstand.access import SYSTEM, Actor, PermissionDenied
from tilstand.ingest import load

pytestmark = pytest.mark.libreoffice  # publishing makes the PDF through LibreOffice (when it is there)
LEDER = Actor("lea", "Lea Leder", {"5001": frozenset({"leder"})})
SAKSORDFORER = Actor("sverre", "Sverre Saksordfører", {"5001": frozenset({"saksordforer", "lesar"})})
LESAR = Actor("live", "Live Lesar", {"5001": frozenset({"lesar"})})
ADMIN = Actor("ada", "Ada Administrator", {"*": frozenset({"admin"})})
STEINKJER_LEDER = Actor("ola", "Ola Leder", {"5006": frozenset({"leder"})})
STEINKJER_LESAR = Actor("stine", "Stine Lesar", {"5006": frozenset({"lesar"})})

SUMMARY = "Tjenesten har **god kapasitet**, men flere barn bor i familier med lavinntekt."
BACKGROUND = "Andelen barn i lavinntekt er omtrent som før."
EDITED = "Etter publisering: helt ny tekst som kommunestyret aldri fikk."
CHANGED = ("barn_lavinntekt_andel", "5001", 2024, 31.4, None)  # the sample database has 13.8
PUBLISH_DAY = date(2025, 3, 1)
TABLES = ("report", "section", "section_version", "report_state_log", "publication")


def _ready(con, region: str, actor: Actor, texts: dict[str, str], hide: tuple[str, ...] = ()) -> int:
    """A report with text, some chapters hidden, marked ferdig."""
    rep = narrative.create_report(con, region, 2024, "nb", actor=actor)
    for s in narrative.sections(con, rep.id):
        if s.key in texts:
            narrative.save(con, s.id, texts[s.key], base_version=s.version, actor=actor)
        if s.key in hide:
            narrative.update_structure(con, s.id, hidden=True, actor=actor)
    review.set_state(con, actor, rep.id, "review")
    review.set_state(con, actor, rep.id, "done")
    return rep.id


@pytest.fixture(scope="module")
def published_db(demo_db, tmp_path_factory):
    """Trondheim's and Steinkjer's reports, each published once (with a PDF when LibreOffice is there).

    Built once for the module; each test works on its own copy."""
    path = tmp_path_factory.mktemp("published") / "published.duckdb"
    shutil.copy(demo_db, path)
    con = store.connect(path)
    trondheim = _ready(
        con, "5001", LEDER, {"kort_oppsummering": SUMMARY, "om_barnevernet": BACKGROUND}, hide=("brukere",)
    )
    first, calls = _counting_calls(lambda: publish.publish(con, LEDER, trondheim, today=PUBLISH_DAY))
    steinkjer = publish.publish(con, STEINKJER_LEDER, _ready(con, "5006", STEINKJER_LEDER, {}), today=PUBLISH_DAY)
    store.close(path)
    return path, first, steinkjer, calls


def _counting_calls(run):
    """Run `run()` while counting the real (not replaced) calls to the two costly steps of publishing."""
    calls = {"report.render": 0, "pdf.to_pdf": 0}

    def counted(module, name):
        real = getattr(module, name)

        def call(*args, **kwargs):
            calls[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] += 1
            return real(*args, **kwargs)

        return call

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publish.report, "render", counted(publish.report, "render"))
        mp.setattr(pdf, "to_pdf", counted(pdf, "to_pdf"))
        return run(), calls


@pytest.fixture
def published(published_db, tmp_path):
    path, first, steinkjer, _ = published_db
    copy = tmp_path / "published.duckdb"
    shutil.copy(path, copy)
    con = store.connect(copy)
    yield con, first, steinkjer
    store.close(copy)


@pytest.fixture
def done(demo_db, tmp_path):
    """A fresh copy with Trondheim's report marked ferdig and nothing published."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = store.connect(path)
    yield con, _ready(con, "5001", LEDER, {"kort_oppsummering": SUMMARY})
    store.close(path)


def _digest(con) -> str:
    h = hashlib.sha256()
    for table in TABLES:
        h.update(repr(con.cursor().execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()).encode())
    return h.hexdigest()


def _chapter(snap: publish.Snapshot, key: str) -> publish.FrozenChapter:
    return next(c for c in snap.chapters if c.key == key)


def _key_figure(snap: publish.Snapshot, chapter: str, indicator: str) -> dict[str, str]:
    name = catalog.indicators()[indicator].name_nb
    (row,) = [r for r in _chapter(snap, chapter).key_figures if r["Indikator"] == name]
    return row


def _chart(snap: publish.Snapshot, chart_id: str) -> publish.FrozenChart:
    return next(f for c in snap.chapters for f in c.charts if f.id == chart_id)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _docx_value(data: bytes, indicator: str) -> str:
    """The municipality's value in the indicator's row of the DOCX key-figure table (the appendix's
    definition table, later in the document, names the indicator too)."""
    name = catalog.indicators()[indicator].name_nb
    return next(
        row.cells[1].text for t in Document(io.BytesIO(data)).tables for row in t.rows if row.cells[0].text == name
    )


def _no_pdf(monkeypatch) -> None:
    """Later publications in a test skip LibreOffice: the frozen bytes are what is under test, not the PDF."""
    monkeypatch.setattr(pdf, "available", lambda: False)


# --- what is frozen -----------------------------------------------------------------------------


def test_a_publication_is_unchanged_by_a_later_import_and_a_text_edit(published, monkeypatch):
    con, first, _ = published
    _no_pdf(monkeypatch)
    before = publish.snapshot(con, LESAR, first.id)
    docx_before = publish.document(con, LESAR, first.id, "docx")
    pdf_before = publish.document(con, LESAR, first.id, "pdf")
    frozen_value = _key_figure(before, "om_barnevernet", "barn_lavinntekt_andel")["Verdi"]
    assert frozen_value == "13,8\xa0%"

    result = load.write(
        con, data=b"endret lavinntekt", file_name="endring.csv", source="test", observations=[CHANGED], actor=SYSTEM
    )
    assert result.updated == 1
    rid = first.report_id
    background = next(s for s in narrative.sections(con, rid) if s.key == "om_barnevernet")
    narrative.save(con, background.id, EDITED, base_version=background.version, actor=LEDER)
    live = {r.indicator.id: r for r in profile.build(con, "5001", 2024).rows}["barn_lavinntekt_andel"]
    assert live.own.text("percent") == "31,4\xa0%", "the live numbers did change"

    after = publish.snapshot(con, LESAR, first.id)
    assert after == before
    assert publish.document(con, LESAR, first.id, "docx") == docx_before
    assert publish.document(con, LESAR, first.id, "pdf") == pdf_before
    assert _chapter(after, "om_barnevernet").body == BACKGROUND
    assert EDITED not in _docx_text(docx_before) and BACKGROUND in _docx_text(docx_before)
    assert _docx_value(docx_before, "barn_lavinntekt_andel") == "13,8\xa0%"

    # Publishing again makes a second, separate publication with today's text and numbers.
    for state in ("draft", "review", "done"):
        review.set_state(con, LEDER, rid, state)
    second = publish.publish(con, LEDER, rid, today=date(2025, 4, 1))
    assert second.id != first.id and second.published_at > first.published_at
    newer = publish.snapshot(con, LESAR, second.id)
    assert _chapter(newer, "om_barnevernet").body == EDITED
    assert _key_figure(newer, "om_barnevernet", "barn_lavinntekt_andel")["Verdi"] == "31,4\xa0%"
    assert (
        _chart(newer, "trend_barn_lavinntekt_andel").figure_json
        != _chart(before, "trend_barn_lavinntekt_andel").figure_json
    )
    docx_after = publish.document(con, LESAR, second.id, "docx")
    assert EDITED in _docx_text(docx_after) and _docx_value(docx_after, "barn_lavinntekt_andel") == "31,4\xa0%"
    assert publish.snapshot(con, LESAR, first.id) == before  # the first one is still as it was

    listed = publish.publications(con, LESAR)
    assert [(p.id, p.published_at) for p in listed] == [
        (second.id, second.published_at),
        (first.id, first.published_at),
    ]
    assert not listed[0].has_pdf and listed[1].has_pdf == first.has_pdf


def test_the_frozen_docx_opens_and_holds_the_chapter_text_as_published(published):
    con, first, _ = published
    data = publish.document(con, LESAR, first.id, "docx")
    text = _docx_text(data)
    assert "Tjenesten har god kapasitet, men flere barn bor i familier med lavinntekt." in text
    assert BACKGROUND in text and "1. mars 2025" in text
    snap = publish.snapshot(con, LESAR, first.id)
    headings = [p.text for p in Document(io.BytesIO(data)).paragraphs if p.style.name.startswith("Heading")]
    for chapter in snap.chapters:
        assert chapter.title in headings
    if first.has_pdf:
        assert publish.document(con, LESAR, first.id, "pdf").startswith(b"%PDF")
    else:
        assert publish.document(con, LESAR, first.id, "pdf") is None


def test_the_snapshot_holds_visible_chapters_with_charts_key_figures_and_definitions(published):
    con, first, _ = published
    snap = publish.snapshot(con, LESAR, first.id)
    rid = first.report_id
    visible = narrative.sections(con, rid, include_hidden=False)
    assert [c.key for c in snap.chapters] == [s.key for s in visible]
    assert "brukere" not in {c.key for c in snap.chapters}  # hidden chapters are not published
    assert _chapter(snap, "kort_oppsummering").body == SUMMARY
    assert _chapter(snap, "kort_oppsummering").version == 1

    frozen = [f for c in snap.chapters for f in c.charts]
    assert frozen and len({f.id for f in frozen}) == len(frozen)
    for f in frozen:
        figure = plotly.io.from_json(f.figure_json)
        assert figure.data and f.alt and f.source.startswith("Kilde")
    lines = plotly.io.from_json(_chart(snap, "trend_barn_lavinntekt_andel").figure_json).data
    assert lines[0].name == snap.info.region_name and {snap.names["county"], snap.names["country"]} <= {
        line.name for line in lines
    }  # interactive charts keep their comparisons

    rows = {r.indicator.id: r for r in profile.build(con, "5001", 2024).rows}
    for chapter in snap.chapters:
        assert chapter.key_figure_columns == publish.KEY_FIGURE_COLUMNS
        assert "Utvikling" not in chapter.key_figure_columns
        for row in chapter.key_figures:
            assert tuple(row) == chapter.key_figure_columns and all(isinstance(v, str) for v in row.values())
    # Nothing was imported since publishing, so the frozen rows are the profile's rows, in its order.
    wanted = set(next(s for s in visible if s.key == "om_barnevernet").indicators)
    expected = [(r.indicator.name_nb, r.own.text(r.indicator.unit)) for i, r in rows.items() if i in wanted]
    assert [(r["Indikator"], r["Verdi"]) for r in _chapter(snap, "om_barnevernet").key_figures] == expected

    assert snap.sample and snap.names["country"] and snap.names["county"] and snap.names["group"]
    assert snap.definitions and {tuple(d) for d in snap.definitions} == {publish.DEFINITION_COLUMNS}
    by_name = {i.name_nb: i for i in catalog.indicators().values()}
    assert all(d["Definisjon"] == by_name[d["Indikator"]].definition_nb for d in snap.definitions)
    assert snap.info.region_name.startswith("Trondheim") and snap.info.published_by == "Lea Leder"


def test_frozen_definitions_are_in_the_reports_malform(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    p = profile.build(store.connect(path), "5001", 2024)
    row = next(r for r in p.rows if r.indicator.id == "barn_tiltak_andel")
    nb, nn = publish._definition(p, row, "nb"), publish._definition(p, row, "nn")
    assert nb["Definisjon"] == row.indicator.definition_nb and nn["Definisjon"] == row.indicator.definition_nn
    assert nn["Indikator"] == row.indicator.name_nn
    store.close(path)


def test_a_rate_hidden_for_privacy_stays_hidden_in_key_figures_and_charts(demo_db, tmp_path, monkeypatch):
    """A municipality's share of children placed in 2024 that rests on a count below the privacy threshold
    (the sample has one: found in the store, not assumed) stays hidden in the snapshot and the DOCX."""
    _no_pdf(monkeypatch)
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = store.connect(path)
    region, raw = (
        con.cursor()
        .execute(
            "SELECT o.region_code, o.value FROM observation o JOIN observation_public p USING (indicator_id, region_code, year) "
            "JOIN region r ON r.code = o.region_code WHERE o.indicator_id = 'barn_plassert_andel' AND o.year = 2024 "
            "AND r.kind = 'municipality' AND o.value IS NOT NULL AND p.status = 'x' ORDER BY o.value DESC LIMIT 1"
        )
        .fetchone()
    )
    shown = fmt.value(raw, "percent")
    actor = Actor("ine", "Ine Leder", {region: frozenset({"leder"})})
    info = publish.publish(con, actor, _ready(con, region, actor, {}))
    snap = publish.snapshot(con, actor, info.id)
    row = _key_figure(snap, "dekningsgrad", "barn_plassert_andel")
    assert row["Verdi"] == ":" and shown not in " ".join(row.values())
    own = plotly.io.from_json(_chart(snap, "trend_barn_plassert_andel").figure_json).data[0]
    assert own.name == snap.info.region_name and own.y[-1] is None and raw not in own.y
    assert _docx_value(publish.document(con, actor, info.id), "barn_plassert_andel") == ":"
    store.close(path)


# --- who may publish and read -------------------------------------------------------------------


@pytest.mark.parametrize("actor", [SAKSORDFORER, LESAR, ADMIN, STEINKJER_LEDER], ids=lambda a: a.username)
def test_only_the_municipalitys_leder_publishes(done, actor):
    con, rid = done
    before = _digest(con)
    with pytest.raises(PermissionDenied, match="publisere"):
        publish.publish(con, actor, rid)
    assert _digest(con) == before
    assert con.cursor().execute(
        "SELECT action, allowed, target FROM audit_log WHERE username = ? ORDER BY id DESC", [actor.username]
    ).fetchone() == ("publish", False, f"report:{rid}")


@pytest.mark.parametrize("state", ["draft", "review"])
def test_a_report_must_be_ferdig_before_it_is_published(done, state):
    con, rid = done
    review.set_state(con, LEDER, rid, "draft")
    if state == "review":
        review.set_state(con, LEDER, rid, "review")
    before = _digest(con)
    with pytest.raises(review.StateError, match="må merkes som «Ferdig» før den kan publiseres"):
        publish.publish(con, LEDER, rid)
    assert _digest(con) == before


def test_publishing_sets_the_state_logs_who_and_audits(published):
    con, first, _ = published
    rid = first.report_id
    assert narrative.get_report(con, rid).state == "published"
    last = review.state_history(con, rid)[-1]
    assert (last.state, last.by_user) == ("published", "Lea Leder")
    (row,) = (
        con.cursor()
        .execute(
            "SELECT username, allowed, region_code, detail FROM audit_log WHERE action = 'publish' AND target = ?",
            [f"report:{rid}"],
        )
        .fetchall()
    )
    assert row[:3] == ("lea", True, "5001") and row[3].startswith(f"publikasjon {first.id}: 2024 nb")
    review.set_state(con, LEDER, rid, "draft")  # only a leder reopens a published report
    with pytest.raises(PermissionDenied):
        review.set_state(con, SAKSORDFORER, rid, "review")


def test_a_council_member_sees_only_their_municipalitys_publications(published):
    con, first, steinkjer = published
    assert [p.id for p in publish.publications(con, LESAR)] == [first.id]
    assert publish.publications(con, LESAR, "5006") == []
    assert [p.id for p in publish.publications(con, STEINKJER_LESAR)] == [steinkjer.id]
    assert {p.id for p in publish.publications(con, ADMIN)} == {first.id, steinkjer.id}
    assert [p.id for p in publish.publications(con, ADMIN, "5006")] == [steinkjer.id]
    assert publish.publications(con, Actor("ny", "Ny Bruker")) == []
    for read in (
        lambda: publish.snapshot(con, LESAR, steinkjer.id),
        lambda: publish.document(con, LESAR, steinkjer.id, "docx"),
        lambda: publish.document(con, LESAR, steinkjer.id, "pdf"),
    ):
        with pytest.raises(PermissionDenied):
            read()
    refused = (
        con.cursor()
        .execute("SELECT action, region_code, target FROM audit_log WHERE username = 'live' AND NOT allowed")
        .fetchall()
    )
    assert refused == [("read_published", "5006", f"publication:{steinkjer.id}")] * 3


def test_unknown_publication_and_kind(published):
    con, first, _ = published
    with pytest.raises(KeyError):
        publish.snapshot(con, ADMIN, 99999)
    with pytest.raises(ValueError):
        publish.document(con, ADMIN, first.id, "odt")


# --- publishing without LibreOffice, and while someone else writes -------------------------------


def test_without_libreoffice_the_publication_has_no_pdf(done, monkeypatch):
    con, rid = done
    _no_pdf(monkeypatch)
    info = publish.publish(con, LEDER, rid)
    assert not info.has_pdf and publish.document(con, LEDER, info.id, "pdf") is None
    assert publish.document(con, LEDER, info.id, "docx").startswith(b"PK")
    detail = con.cursor().execute("SELECT detail FROM audit_log WHERE action = 'publish'").fetchone()[0]
    assert "uten PDF" in detail


def test_a_text_saved_while_publishing_is_built_into_the_publication_not_lost(done, monkeypatch):
    con, rid = done
    _no_pdf(monkeypatch)
    summary = next(s for s in narrative.sections(con, rid) if s.key == "kort_oppsummering")
    real_build, builds = publish._build, []

    def build_while_someone_saves(*args, **kwargs):
        out = real_build(*args, **kwargs)
        if not builds:  # the leader's colleague saves during the first (slow) rendering
            narrative.save(con, summary.id, "Lagret underveis.", base_version=summary.version, actor=LEDER)
        builds.append(out)
        return out

    monkeypatch.setattr(publish, "_build", build_while_someone_saves)
    info = publish.publish(con, LEDER, rid)
    assert len(builds) == 2
    assert _chapter(publish.snapshot(con, LEDER, info.id), "kort_oppsummering").body == "Lagret underveis."
    assert "Lagret underveis." in _docx_text(publish.document(con, LEDER, info.id))
    assert con.cursor().execute("SELECT count(*) FROM publication").fetchone()[0] == 1


def test_publishing_renders_the_document_once_and_makes_the_pdf_from_that_very_docx(published_db):
    """What keeps publishing to seconds, pinned as behaviour rather than a wall-clock bound: one rendering
    of the DOCX and one LibreOffice run on it (when LibreOffice is there), no second pass."""
    *_, calls = published_db
    assert calls == {"report.render": 1, "pdf.to_pdf": 1 if pdf.available() else 0}
