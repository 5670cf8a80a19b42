"""Every page, as each role sees it, passes axe-core's WCAG 2.1 A/AA check with nothing serious or critical,
speaks Norwegian in Streamlit's own labels too, and gives every chart an accessible name.

The pages are read from the sidebar, so a page added to app.py is checked without touching this file. A
page that writes `kommune=` into its URL (it follows a municipality) is opened for a small and a large one.
Each visit leaves axe's full list (every impact) in tests/artifacts/axe/ and a full-page picture, 1280 px
wide, in tests/artifacts/screens/.
"""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_USERS
from tests.e2e.conftest import ARTIFACTS, Server, axe, screenshot, sign_in, wait_until_idle

pytestmark = pytest.mark.e2e

SMALL, LARGE = "5026", "5001"  # Holtålen, Trondheim: both have sample data
BLOCKING = ("serious", "critical")
VIEWPORT = {"width": 1280, "height": 900}
# English that Streamlit puts in labels and dialogs; ui/a11y.py must have turned all of it Norwegian.
ENGLISH_UI = re.compile(
    r"^(Help( for .*)?|Close|Open|Search(: .*)?|Show password|Hide password|Show/hide columns.*|"
    r"Download as CSV.*|Fullscreen.*|Remove .*|Clear all|Clear value|Collapse sidebar|"
    r"Expand sidebar|Selected values|Choose an option|Sidebar|file upload|Link to heading|"
    r"Page not found|Drag and drop files? here|Browse files|Limit \d+MB per file.*|Increment|"
    r"Decrement|Skip to main content)$"
)
_ENGLISH_JS = """re => {
  const rx = new RegExp(re), found = [];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder]'))
    for (const a of ['aria-label', 'title', 'placeholder'])
      if (el.hasAttribute(a) && rx.test(el.getAttribute(a).trim())) found.push(`${a}="${el.getAttribute(a)}"`);
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode())
    if (rx.test(n.nodeValue.trim())) found.push(`text "${n.nodeValue.trim()}"`);
  return found;
}"""
_UNNAMED_CHARTS_JS = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].filter(c => {
  const named = el => ['img', 'figure'].includes(el.getAttribute('role'))
    && ((el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby'));
  return !(named(c) || [...c.querySelectorAll('[role=img],[role=figure]')].some(named));
}).map(c => c.outerHTML.slice(0, 200))"""
_EXCEPTIONS_JS = """() => [...document.querySelectorAll('[data-testid=stExceptionMessage]')].map(e => e.textContent)"""


def english_ui(page) -> list[str]:
    """Streamlit's English labels and texts still on the page."""
    return page.evaluate(_ENGLISH_JS, ENGLISH_UI.pattern)


def unnamed_charts(page) -> list[str]:
    """Plotly charts without an accessible name: role img or figure with an aria-label (Streamlit puts the
    chart's alt text there) or aria-labelledby, on the chart's container or inside it."""
    return page.evaluate(_UNNAMED_CHARTS_JS)


def navigation(page) -> list[tuple[str, str]]:
    """(title, url path) of every page in the sidebar, in order."""
    links = page.get_by_test_id("stSidebar").get_by_role("link")
    expect(links.first).to_be_visible()
    out = []
    for i in range(links.count()):
        link = links.nth(i)
        title = link.inner_text().strip().splitlines()[-1]  # the icon's name comes first
        out.append((title, urlsplit(link.get_attribute("href") or "/").path.strip("/")))
    return out


def problems(page, name: str) -> list[str]:
    """Wait for the page, picture it, run axe; what must not be there, one line each."""
    wait_until_idle(page)
    screenshot(page, f"screens/{name}")
    result = axe(page)
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(
        json.dumps({"url": page.url, "violations": result["violations"]}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    print(
        f"{name}: axe {len(result['violations'])} violations "
        f"{sorted(v['impact'] or 'none' for v in result['violations'])}"
    )
    found = [
        f"{name}: {v['impact']} {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
    found += [f"{name}: English label {e}" for e in english_ui(page)]
    found += [f"{name}: the page raised {e}" for e in page.evaluate(_EXCEPTIONS_JS)]
    found += [f"{name}: chart without an accessible name {c}" for c in unnamed_charts(page)]
    return found


def _slug(path: str) -> str:
    return path.replace("/", "_") or "forside"


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT, locale="nb-NO")
    yield ctx
    ctx.close()


@pytest.mark.parametrize("role", list(TEST_USERS))
def test_every_page_in_a_roles_navigation_has_no_serious_accessibility_problem(context, server, role):
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, server, role)
    found: list[str] = []
    pages = navigation(page)
    assert pages, "no page in the sidebar"
    for _, path in pages:
        page.goto(f"{server}/{path}")
        wait_until_idle(page)
        if "kommune=" in page.url:  # the page follows a municipality: a small and a large one
            shown = set()
            for code in (SMALL, LARGE):
                page.goto(f"{server}/{path}?kommune={code}")
                wait_until_idle(page)
                code = parse_qs(urlsplit(page.url).query).get("kommune", [code])[0]  # a person may lack one
                if code not in shown:
                    shown.add(code)
                    found += problems(page, f"{role}_{_slug(path)}_{code}")
        else:
            found += problems(page, f"{role}_{_slug(path)}")
    print(f"{role}: {len(pages)} pages checked: {[title for title, _ in pages]}")
    assert not found, "\n".join(found)


def test_sign_in_page_has_no_serious_accessibility_problem(context, server):
    page = context.new_page()
    page.goto(server)
    expect(page.get_by_role("button", name="Logg inn")).to_be_visible(timeout=30_000)
    assert problems(page, "logg_inn") == []


def test_page_not_found_dialog_is_norwegian_and_accessible(context, server):
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, server, "lesar")
    page.goto(f"{server}/skriverom")  # outside the council member's navigation
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Fant ikke siden")).to_be_visible()
    expect(dialog.get_by_role("button", name="Lukk")).to_be_visible()
    assert problems(page, "lesar_side_finnes_ikke") == []


def test_first_run_administrator_page_has_no_serious_accessibility_problem(context, first_start_db, tmp_path):
    db = tmp_path / "ny.duckdb"
    shutil.copy(first_start_db, db)  # no users yet: the first visitor creates the administrator
    srv = Server(db, tmp_path / "streamlit.log").start()
    try:
        page = context.new_page()
        page.goto(srv.url)
        expect(page.get_by_role("heading", name="Første oppstart: opprett administrator")).to_be_visible(timeout=30_000)
        assert problems(page, "forste_oppstart") == []
    finally:
        srv.stop()
