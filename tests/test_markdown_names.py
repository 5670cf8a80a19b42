"""Names from the database (regions, people, uploaded files) reach Streamlit's Markdown on almost every page:
headings, summary sentences, captions, expander labels, messages, the sidebar. A name written like a Markdown
image would load the address in every reader's browser (a tracking pixel), so the pages show such names
literally (markdown_html.literal), and the doors names come in by refuse image and link syntax: the importers'
region names (regions.check_name) and display names (auth; tests/test_auth.py)."""

from __future__ import annotations

import re
import shutil

import pytest
import streamlit as st

from tests.apptest import sign_in_as
from tests.conftest import DATA
from tilstand import auth, regions, store
from tilstand.access import SYSTEM
from tilstand.errors import InputError
from tilstand.markdown_html import literal

EVIL_REGION = " ![r](https://evil.example/r.png)"  # appended to every region's name
EVIL_COUNTY = "\n\n![c](https://evil.example/c.png)"  # and to the county's: a blank line ends an HTML block
EVIL_NAME = "Eva ![n](https://evil.example/n.png)"
EVIL_FILE = "![f](evil.example-f.png).csv"  # a file name cannot hold '/', but a relative address loads too
SSB_CSV = DATA / "ssb_12286_excel_cp1252.csv"
UNESCAPED = re.compile(r"(?<!\\)!\[|(?<!\\)\]\(")  # an image or a link Markdown would make


def seen(markdown: str) -> str:
    """What a reader sees of text the page passed through literal(): the backslash escapes gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


@pytest.fixture
def evil(app, demo_db, tmp_path, monkeypatch):
    """A private database where every region's name and a person's display name were stored as Markdown images
    (before the importers and add_user refused them)."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("TILSTAND_DB", str(db))
    st.cache_resource.clear()
    st.cache_data.clear()
    con = store.connect(db)
    con.cursor().execute("UPDATE region SET name = name || ?", [EVIL_REGION])
    con.cursor().execute("UPDATE region SET name = name || ? WHERE code = '50'", [EVIL_COUNTY])
    auth.add_user(con, SYSTEM, "eva", "Eva")
    con.cursor().execute("UPDATE app_user SET display_name = ? WHERE username = 'eva'", [EVIL_NAME])
    auth.grant(con, SYSTEM, "eva", "leder", "5001")
    return con


def _markdown_shown(at) -> list[str]:
    """Every text on the page that Streamlit renders as Markdown, as the page gave it. A one-line HTML block
    (the charts' text for screen readers) is not read as Markdown: it must stay one line with no tag in it."""
    texts = []
    for e in [
        *at.markdown,
        *at.caption,
        *at.success,
        *at.info,
        *at.warning,
        *at.error,
        *at.title,
        *at.header,
        *at.subheader,
    ]:
        if getattr(e.proto, "allow_html", False) and re.fullmatch(r"<div [^<>]*>[^<>\n]*</div>", e.value):
            continue
        texts.append(e.value)
    texts += [e.label for e in [*at.expander, *at.tabs, *at.metric]]
    texts += [str(option) for radio in at.radio for option in radio.options]
    return texts


def _assert_no_image_or_link(at) -> list[str]:
    assert not at.exception, at.exception
    shown = _markdown_shown(at)
    for text in shown:
        assert not UNESCAPED.search(text), text
    return shown


def _open(at, page: str, username: str):
    sign_in_as(at, username)
    at.run()
    at.switch_page(page).run()
    return at


# --- the doors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Trondheim ![x](https://evil.example/p.png)", "[Trondheim](https://evil.example)", "Trondheim ![x]"]
)
def test_an_imported_region_name_written_as_a_markdown_image_or_link_refuses_the_file(name):
    with pytest.raises(InputError) as refused:
        regions.check_name(name, "tabell.json", 5, "region")
    shown = name[:40] + ("…" if len(name) > 40 else "")
    assert str(refused.value) == (
        f"fil «tabell.json», rad 5, felt «region»: regionnavnet «{shown}» inneholder «![» "
        "eller «](», som blir bilder og lenker på sidene. Rett navnet i filen."
    )


@pytest.mark.parametrize("name", ["Porsanger - Porsáŋgu - Porsanki", "Nes (Akershus)", "Hamarøy! [ny]"])
def test_region_names_with_brackets_or_parentheses_alone_are_still_names(name):
    assert regions.name_problem(name) is None


# --- the pages ------------------------------------------------------------------------------------


def test_an_area_page_shows_imported_region_names_literally(app, evil):
    _open(app, "pages/dekningsgrad.py", "eva")
    shown = _assert_no_image_or_link(app)
    trondheim = literal("Trondheim - Tråante" + EVIL_REGION)
    assert app.header[0].value == f"{trondheim} 2024"
    assert any(trondheim in m.value and "nøkkeltall" in m.value for m in app.markdown), "the summary sentences"
    assert any(e.label.startswith("Sammenligningskommuner: ") and r"\!\[r\]" in e.label for e in app.expander)
    assert any(literal("KOSTRA-gruppe 12" + EVIL_REGION) in c.value for c in app.caption), "the comparisons"
    assert sum(r"\!\[r\]\(https\:\/\/evil\.example\/r\.png\)" in t for t in shown) >= 4


def test_the_service_profile_shows_imported_region_names_literally(app, evil):
    _open(app, "pages/tjenesteprofil.py", "eva")
    _assert_no_image_or_link(app)
    assert app.subheader[0].value == literal("Trondheim - Tråante" + EVIL_REGION) + " 2024"
    (compared,) = [m.value for m in app.markdown if m.value.startswith("Sammenlignet med")]
    for name in (
        "KOSTRA-gruppe 12" + EVIL_REGION,
        "Trøndelag - Trööndelage" + EVIL_REGION + EVIL_COUNTY,
        "Landet" + EVIL_REGION,
    ):
        assert f"**{literal(name)}**" in compared
    assert any(
        i.value.startswith(literal("Trondheim - Tråante" + EVIL_REGION) + r" fikk dagens grenser") for i in app.info
    ), "the boundary note"


def test_the_sidebar_names_the_signed_in_person_literally(app, evil):
    _open(app, "pages/forside.py", "eva")
    _assert_no_image_or_link(app)
    assert f"Innlogget som **{literal(EVIL_NAME)}**" in [m.value for m in app.markdown]


def test_the_admin_page_refuses_an_image_as_a_name_and_shows_an_added_name_literally(app, evil):
    def add(name: str):
        for label, value in (
            ("Brukernavn (e-postadressen ved innlogging med kommunens SSO)", "kari"),
            ("Fullt navn", name),
        ):
            next(t for t in app.text_input if t.label == label).input(value)
        next(b for b in app.button if b.label == "Legg til brukeren").click().run()

    _open(app, "pages/administrasjon.py", "admin")
    add("Kari ![k](https://evil.example/k.png)")
    _assert_no_image_or_link(app)
    assert any(e.value.startswith("Navnet kan ikke inneholde") for e in app.error)
    assert not evil.cursor().execute("SELECT 1 FROM app_user WHERE username = 'kari'").fetchall()
    add("Kari :red[Nordmann] $x^2$")  # still a name; on the page neither colour nor formula
    _assert_no_image_or_link(app)
    assert any(s.value.startswith(r"Kari \:red\[Nordmann\] \$x\^2\$ er lagt til som ") for s in app.success)


def test_the_import_page_shows_uploaded_file_names_literally(app, evil):
    _open(app, "pages/importer.py", "leder")
    name = literal(EVIL_FILE)
    app.file_uploader[0].set_value((EVIL_FILE, SSB_CSV.read_bytes().replace(b"2,6", b"2,6abc"), "text/csv"))
    app.run()
    _assert_no_image_or_link(app)
    assert any(e.value.startswith(f"Feil i filen: {literal('fil «' + EVIL_FILE + '»')}") for e in app.error)
    app.file_uploader[0].set_value((EVIL_FILE, SSB_CSV.read_bytes(), "text/csv"))
    app.run()
    _assert_no_image_or_link(app)
    assert any(m.value.startswith(f"**{name}** · SSB") for m in app.markdown), "the preview's heading"
    app.button(key="confirm_import").click().run()
    _assert_no_image_or_link(app)
    assert any(s.value.startswith(name) and seen(s.value).startswith(f"{EVIL_FILE}: ") for s in app.success)


def test_the_first_run_step_refuses_an_image_as_the_administrators_name_and_shows_the_refusal_as_text(app, evil):
    cur = evil.cursor()
    for table in ("auth_session", "sign_in_failure", "role_grant", "app_user"):  # a database with no user yet
        cur.execute(f"DELETE FROM {table}")
    app.run()
    for label, value in (
        ("Brukernavn (f.eks. e-postadressen)", "ada"),
        ("Fullt navn", EVIL_NAME),
        ("Passord (minst 10 tegn)", "et langt godt passord"),
        ("Gjenta passordet", "et langt godt passord"),
    ):
        next(t for t in app.text_input if t.label == label).input(value)
    next(b for b in app.button if b.label == "Opprett administrator").click().run()
    _assert_no_image_or_link(app)
    assert [e.value for e in app.error] == [
        literal("Navnet kan ikke inneholde «![» eller «](», som blir bilder og lenker på sidene.")
    ]
    assert auth.needs_first_admin(evil)
