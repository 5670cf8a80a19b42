"""The one navigation table: every screen's file, title, icon, the access it needs, and its sidebar section.

app.py builds the navigation from it, every page checks its row at its first line (ui.guard.require_page),
the front page links through it, and tests hold the README's «Pages per role» table and the browser tests'
expected sidebars to it. Adding a screen: its file in pages/ plus one row here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tilstand.access import ACTIONS, ROLES, Actor
from tilstand.words import t


@dataclass(frozen=True)
class NavPage:
    key: str  # the file pages/<key>.py
    title: str
    icon: str
    action: str | None  # the access action needed in at least one region (None: any signed-in user)
    section: str = ""  # the sidebar caption the page stands under ("" for the top)
    url: str | None = None  # the URL path when it is not the key; "" for the default page

    @property
    def path(self) -> str:
        """The page file, as st.Page and st.page_link name it (relative to app.py)."""
        return f"pages/{self.key}.py"

    @property
    def url_path(self) -> str:
        return self.key if self.url is None else self.url

    @property
    def default(self) -> bool:
        return self.url_path == ""

    @property
    def roles(self) -> frozenset[str]:
        """The roles that see the page (tilstand.access decides which roles may do its action)."""
        return frozenset(ROLES) if self.action is None else ACTIONS[self.action]


AREAS = t("ui.nav.areas")
REPORT = t("ui.nav.report")

# In sidebar order. The area pages show public statistics (suppressed) to everyone with a role in the
# municipality.
PAGES: tuple[NavPage, ...] = (
    NavPage("forside", t("ui.nav.forside"), ":material/home:", None, url=""),
    NavPage("tjenesteprofil", t("ui.nav.tjenesteprofil"), ":material/monitoring:", "read_draft"),
    NavPage("dekningsgrad", t("ui.nav.dekningsgrad"), ":material/groups:", "read_published", AREAS),
    NavPage("kvalitet", t("ui.nav.kvalitet"), ":material/verified:", "read_published", AREAS),
    NavPage("okonomi", t("ui.nav.okonomi"), ":material/payments:", "read_published", AREAS),
    NavPage("ansatte", t("ui.nav.ansatte"), ":material/badge:", "read_published", AREAS),
    NavPage("brukere", t("ui.nav.brukere"), ":material/forum:", "read_published", AREAS),
    NavPage("bakgrunn", t("ui.nav.bakgrunn"), ":material/family_restroom:", "read_published", AREAS),
    NavPage("skriverom", t("ui.nav.skriverom"), ":material/edit_note:", "write_text", REPORT),
    NavPage("importer", t("ui.nav.importer"), ":material/upload_file:", "import", REPORT, url="import"),
    NavPage("gjennomgang", t("ui.nav.gjennomgang"), ":material/rate_review:", "comment", REPORT),
    NavPage("publisert", t("ui.nav.publisert"), ":material/gavel:", "read_published", REPORT),
    NavPage("indikatorer", t("ui.nav.indikatorer"), ":material/menu_book:", None, REPORT),
    NavPage("administrasjon", t("ui.nav.administrasjon"), ":material/manage_accounts:", "manage_users", REPORT),
)
# The one page for someone not signed in (the only page then, so every URL shows it).
SIGN_IN = NavPage("logg_inn", t("ui.nav.logg_inn"), ":material/login:", None, url="logg-inn")

_BY_KEY = {p.key: p for p in PAGES}


def page(key: str) -> NavPage:
    """The row of a page in the navigation (KeyError for a screen that is not in it)."""
    return _BY_KEY[key]


def may_open(actor: Actor | None, key: str) -> bool:
    """Whether the page is in this person's navigation: signed in, and the page's action in some region."""
    if actor is None or key not in _BY_KEY:
        return False
    action = _BY_KEY[key].action
    return action is None or actor.regions(action) != []


def pages_for(actor: Actor | None) -> list[NavPage]:
    """The pages this person's roles open, in sidebar order."""
    return [p for p in PAGES if may_open(actor, p.key)]
