"""A real `streamlit run app.py` on a free loopback port, and Debian's Chromium driven by Playwright.

`playwright install` cannot work here (no browser downloads): we launch /usr/bin/chromium. Without it
the browser tests skip locally, and fail in CI (TILSTAND_REQUIRE_BROWSER=1) so a green run means they ran.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, TEST_PASSWORD, env_flag

CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if env_flag("TILSTAND_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Server:
    """`streamlit run app.py` as a user starts it, on a given database file and a free loopback port."""

    def __init__(self, db: Path, log: Path):
        self.db, self.log_path = db, log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        for _ in range(3):
            if self._launch():
                return self
            # It exited before answering: with tests in parallel, another worker's server may have taken the
            # port between _free_port and our bind. A new port, once or twice.
            self._log.close()
            self.port = _free_port()
            self.url = f"http://127.0.0.1:{self.port}"
        pytest.fail(f"streamlit exited before answering, three times (see {self.log_path})")

    def _launch(self) -> bool:
        """Start the process; True once it answers /_stcore/health, False if it exited first."""
        env = {**os.environ, "TILSTAND_DB": str(self.db)}
        self._log = open(self.log_path, "a")  # noqa: SIM115 - the server writes to it until stop() closes it
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).status == 200:
                    return True
            except OSError:
                time.sleep(0.3)
        self.kill()
        pytest.fail("streamlit did not answer /_stcore/health within 60 s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush; what was committed must survive."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=20)
        self._log.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def server(demo_db, tmp_path_factory):
    """The app on a copy of the sample database (the server holds the write lock)."""
    folder = tmp_path_factory.mktemp("e2e")
    db = folder / "tilstand.duckdb"
    shutil.copy(demo_db, db)
    srv = Server(db, folder / "streamlit.log").start()
    yield srv.url
    srv.stop()


@pytest.fixture
def own_server(demo_db, tmp_path):
    """A server of the test's own, which the test may kill and restart."""
    db = tmp_path / "tilstand.duckdb"
    shutil.copy(demo_db, db)
    srv = Server(db, tmp_path / "streamlit.log")
    yield srv
    srv.stop()


def sign_in(page, url: str, username: str = "leder") -> None:
    """Through the real sign-in form; the session cookie then keeps the context signed in across reloads."""
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text("Innlogget som")).to_be_visible(timeout=20_000)
    deadline = time.monotonic() + 15  # the session cookie is written by a script just after the page shows
    while not any(c["name"] == "tilstand_session" for c in page.context.cookies()):
        if time.monotonic() > deadline:
            pytest.fail("the sign-in cookie was never set")
        page.wait_for_timeout(100)


@pytest.fixture
def page(browser, server):
    """A browser tab signed in as the leder (barnevernleder)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    sign_in(pg, server)
    yield pg
    context.close()


def screenshot(page, name: str) -> Path:
    """A full-page PNG under tests/artifacts/; `name` may hold a subfolder ("screens/leder_forside").

    Streamlit scrolls inside its main block, not the document, so Playwright's full_page alone stops at the
    window's edge: the window is made as tall as the content for the picture, then put back."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stSidebarContent]')].map(e => e.scrollHeight), 0)"
    )
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, 16_000)})
        page.wait_for_timeout(300)  # charts redraw for the new size
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if size and height > size["height"]:
            page.set_viewport_size(size)
    return path


AXE_JS = ROOT / "tests" / "e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def wait_until_idle(page, timeout_ms: int = 30_000) -> None:
    """Until Streamlit has finished the script run and drawn it: connected, script not running, a main
    heading, and every plotly chart with its SVG. A short settle follows, since a finished run may still
    trigger a rerun (query parameters written back, the cookie script)."""
    from playwright.sync_api import expect

    idle = "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"
    for _ in range(2):
        page.wait_for_selector(idle, state="attached", timeout=timeout_ms)
        expect(page.locator("[data-testid=stStatusWidget] [data-testid=stStatusWidgetRunningIcon]")).to_have_count(
            0, timeout=timeout_ms
        )
        expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible(timeout=timeout_ms)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
            ".every(c => c.querySelector('.js-plotly-plot .main-svg'))",
            timeout=timeout_ms,
        )
        page.wait_for_timeout(300)


def axe(page) -> dict:
    """axe-core's WCAG 2.1 A/AA results for the page as it is now (run `npm ci --prefix tests/e2e/axe`).

    axe.min.js goes into every frame first, so the frames Streamlit draws (our small script iframes) are
    checked too rather than waited on."""
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing: run `npm ci --prefix tests/e2e/axe`"
        if env_flag("TILSTAND_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    for frame in page.frames:
        try:
            if not frame.evaluate("() => typeof window.axe === 'object'"):
                frame.add_script_tag(path=str(AXE_JS))
        except Exception:  # noqa: BLE001 - a frame gone or navigating away meanwhile: axe reports it if it matters
            pass
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_21_AA
    )
