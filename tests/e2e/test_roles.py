"""Four people, four roles, one report: each sees exactly the pages and controls their role allows, and the
council member can reach no draft by any URL."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

AREAS = [
    "Dekningsgrad og kapasitet",
    "Kvalitet og frister",
    "Økonomi",
    "Ansatte og 10-FAKTOR",
    "Brukerundersøkelser",
    "Bakgrunn",
]
PAGES = {
    "admin": ["Forside", *AREAS, "Publiserte rapporter", "Indikatorer og kilder", "Administrasjon"],
    "leder": [
        "Forside",
        "Tjenesteprofil",
        *AREAS,
        "Skriverom",
        "Importer tall",
        "Gjennomgang",
        "Publiserte rapporter",
        "Indikatorer og kilder",
    ],
    "saksordforer": [
        "Forside",
        "Tjenesteprofil",
        *AREAS,
        "Gjennomgang",
        "Publiserte rapporter",
        "Indikatorer og kilder",
    ],
    "lesar": ["Forside", *AREAS, "Publiserte rapporter", "Indikatorer og kilder"],
}
URLS = [
    "",
    "skriverom",
    "import",
    "gjennomgang",
    "tjenesteprofil",
    "administrasjon",
    "publisert",
    "indikatorer",
    "logg-inn",
    "skriverom?kommune=5001",
    "finnes-ikke",
    "dekningsgrad?kommune=5001",
]


@pytest.fixture
def person(browser, server):
    contexts = []

    def open_as(username: str):
        context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="nb-NO", accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, server, username)
        return page

    yield open_as
    for c in contexts:
        c.close()


def _sidebar_links(page) -> list[str]:
    links = page.get_by_test_id("stSidebar").get_by_role("link")
    expect(links.first).to_be_visible()
    return [t.strip().splitlines()[-1] for t in links.all_inner_texts()]  # the icon name comes first


@pytest.mark.parametrize("role", list(PAGES))
def test_each_role_sees_exactly_its_pages(person, role):
    page = person(role)
    assert _sidebar_links(page) == PAGES[role]
    screenshot(page, f"rolle_{role}")


def test_a_council_member_opening_every_url_gets_no_editing_control(person, server):
    page = person("lesar")
    for path in URLS:
        page.goto(f"{server}/{path}")
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("Innlogget som")).to_be_visible()
        page.wait_for_timeout(500)
        assert page.locator("textarea").count() == 0, path
        assert page.locator("input[type=file]").count() == 0, path
        for label in (
            "Start rapporten",
            "Send kommentaren",
            "Publiser for kommunestyret",
            "Legg til brukeren",
            "Merk kapittelet som gjennomgått",
            "Send til gjennomgang hos saksordføreren",
            "Lagre for rapporten 2024",
        ):
            assert page.get_by_role("button", name=label).count() == 0, (path, label)
        assert (
            page.get_by_role(
                "heading", name=re.compile("^(Skriverom|Gjennomgang|Administrasjon|Tjenesteprofil)$")
            ).count()
            == 0
        ), path


def test_wrong_password_says_so_without_telling_whether_the_user_exists(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(server)
    for username in ("leder", "ingen-slik-bruker"):
        page.get_by_label("Brukernavn").fill(username)
        page.get_by_label("Passord").fill("feil-passord-123")
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_text("Feil brukernavn eller passord")).to_be_visible()
    assert page.get_by_text("Innlogget som").count() == 0
    context.close()


def test_leader_writes_saksordforer_reviews_leader_publishes_council_reads_the_frozen_report(person, server, tmp_path):
    leader = person("leder")
    leader.goto(f"{server}/skriverom")
    expect(leader.get_by_role("heading", name="Skriverom")).to_be_visible()
    start = leader.get_by_role("button", name="Start rapporten")
    editor = leader.locator("textarea")
    expect(start.or_(editor)).to_be_visible()
    if start.is_visible():
        start.click()
    leader.get_by_text("Kort oppsummering", exact=False).first.click()
    editor.click()
    leader.keyboard.type("Tjenesten i Trondheim holder fristene.")
    expect(leader.get_by_text(re.compile(r"Lagret versjon \d+"))).to_be_visible(timeout=15_000)
    leader.get_by_role("button", name="Send til gjennomgang hos saksordføreren").click()
    expect(leader.get_by_text(re.compile(r"Rapporten:\s*Til gjennomgang"))).to_be_visible()

    reviewer = person("saksordforer")
    reviewer.goto(f"{server}/gjennomgang")
    expect(reviewer.get_by_role("heading", name="Gjennomgang")).to_be_visible()
    expect(reviewer.get_by_text("Tjenesten i Trondheim holder fristene.")).to_be_visible()
    assert reviewer.locator("textarea[id=tekst]").count() == 0  # no chapter editor for the reviewer
    reviewer.get_by_label("Ny kommentar til kapittelet").fill("Kan dere si noe om ventetiden?")
    reviewer.get_by_role("button", name="Send kommentaren").click()
    expect(reviewer.get_by_text("Kan dere si noe om ventetiden?")).to_be_visible()
    reviewer.get_by_role("button", name="Merk kapittelet som gjennomgått").click()
    expect(reviewer.get_by_text("Denne versjonen er gjennomgått av Sverre Saksordfører")).to_be_visible()
    reviewer.get_by_role("button", name="Merk rapporten som ferdig gjennomgått").click()
    expect(reviewer.get_by_text(re.compile(r"Rapporten:\s*Ferdig"))).to_be_visible()
    reviewer.wait_for_timeout(1000)  # let the rerun settle before the picture
    screenshot(reviewer, "gjennomgang")

    leader.reload()
    expect(leader.get_by_role("heading", name="Skriverom")).to_be_visible()
    expect(leader.get_by_text("Kan dere si noe om ventetiden?")).to_be_visible()
    screenshot(leader, "skriverom_kommentarer")
    leader.get_by_label("Svar").first.fill("Ventetiden kommer i neste versjon.")
    leader.get_by_role("button", name="Send svar").first.click()
    expect(leader.get_by_text("Ventetiden kommer i neste versjon.")).to_be_visible()
    leader.get_by_role("button", name="Lukk kommentaren").first.click()
    expect(leader.get_by_text("Kommentarer fra gjennomgangen (0 åpne)")).to_be_visible()
    leader.get_by_role("button", name="Publiser for kommunestyret").click()
    expect(leader.get_by_text(re.compile(r"Rapporten:\s*Publisert"))).to_be_visible(timeout=90_000)

    council = person("lesar")
    council.goto(f"{server}/publisert")
    expect(
        council.get_by_role("heading", name=re.compile("Tilstandsrapport for barnevernstjenesten 2024"))
    ).to_be_visible()
    expect(council.get_by_text("Tjenesten i Trondheim holder fristene.")).to_be_visible()
    assert council.get_by_text("Kan dere si noe om ventetiden?").count() == 0  # no comments for the council
    with council.expect_download() as info:
        council.get_by_role("button", name="Last ned (DOCX)").click()
    info.value.save_as(tmp_path / "publisert.docx")
    from docx import Document

    assert "Tjenesten i Trondheim holder fristene." in [
        p.text for p in Document(tmp_path / "publisert.docx").paragraphs
    ]
    screenshot(council, "publisert")

    # The leader edits after publishing: the council still sees what it was given.
    leader.goto(f"{server}/skriverom")
    leader.get_by_role("button", name=re.compile("Start en ny runde")).click()
    leader.get_by_text("Kort oppsummering", exact=False).first.click()
    editor = leader.locator("textarea")
    editor.click()
    leader.keyboard.press("End")
    leader.keyboard.type(" Endret etter publisering.")
    expect(leader.get_by_text(re.compile(r"Lagret versjon \d+"))).to_be_visible(timeout=15_000)
    council.reload()
    expect(council.get_by_text("Tjenesten i Trondheim holder fristene.")).to_be_visible()
    assert council.get_by_text("Endret etter publisering.").count() == 0


def test_sign_in_survives_a_reload_and_sign_out_ends_it(person, server):
    page = person("saksordforer")
    page.reload()
    expect(page.get_by_text("Innlogget som")).to_be_visible()
    page.get_by_role("button", name="Logg ut", exact=True).click()
    expect(page.get_by_role("button", name="Logg inn")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="Logg inn")).to_be_visible()
    assert TEST_PASSWORD not in page.content()


def test_first_start_creates_the_administrator_who_adds_a_leader_who_signs_in(browser, first_start_db, tmp_path):
    """A new municipality: the sample database has no users, so the first visitor creates the administrator."""
    from tests.e2e.conftest import Server

    db = tmp_path / "ny.duckdb"
    shutil.copy(first_start_db, db)
    srv = Server(db, tmp_path / "streamlit.log").start()
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.goto(srv.url)
        expect(page.get_by_role("heading", name="Første oppstart: opprett administrator")).to_be_visible(
            timeout=30_000
        )  # the app's first run on a busy machine, as in test_accessibility
        page.get_by_label("Brukernavn (f.eks. e-postadressen)").fill("postmottak@malvik.kommune.no")
        page.get_by_label("Fullt navn").fill("Mona Malvik")
        page.get_by_label(re.compile("^Passord")).fill("et-langt-passord-2024")
        page.get_by_label("Gjenta passordet").fill("et-langt-passord-2024")
        page.get_by_role("button", name="Opprett administrator").click()
        expect(page.get_by_text("Innlogget som")).to_be_visible()
        page.get_by_role("link", name="Administrasjon").click()
        expect(page.get_by_role("heading", name="Brukere og roller")).to_be_visible()
        page.get_by_label(re.compile("^Brukernavn")).fill("leder@malvik.kommune.no")
        page.get_by_label("Fullt navn").fill("Lars Leder")
        page.get_by_label(re.compile("^Passord")).fill("lars-sitt-passord-1")
        page.get_by_role("button", name="Legg til brukeren").click()
        expect(page.get_by_text("Lars Leder er lagt til som barnevernleder.")).to_be_visible()
        page.get_by_role("tab", name="Revisjonslogg").click()
        log = page.get_by_test_id("stDataFrame").last
        log.scroll_into_view_if_needed()
        page.wait_for_function("g => g.querySelectorAll('td').length > 0", arg=log.element_handle())
        cells = log.evaluate("g => [...g.querySelectorAll('td')].map(c => c.textContent)")
        assert "add_user" in cells and "grant" in cells and "create_first_admin" in cells
        screenshot(page, "administrasjon")
        context.close()

        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = context.new_page()
        page.goto(srv.url)
        page.get_by_label("Brukernavn").fill("leder@malvik.kommune.no")
        page.get_by_label("Passord").fill("lars-sitt-passord-1")
        page.get_by_role("button", name="Logg inn").click()
        expect(page.get_by_text("Innlogget som")).to_be_visible()
        assert "Skriverom" in _sidebar_links(page) and "Administrasjon" not in _sidebar_links(page)
        context.close()
    finally:
        srv.stop()
