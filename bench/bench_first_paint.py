"""Benchmark: first paint of every page in a real browser, from `page.goto` to a finished page.

Starts `streamlit run app.py` on the sample database (and, with --db, on a database built by
bench_pages.py --keep), signs a barnevernleder in with Playwright and Debian's Chromium, reads the pages
from the sidebar (new pages are measured without editing this file) and for each loads the page N times:
the clock runs from `page.goto` until Streamlit is connected and idle, the page's main heading is visible
and every plotly chart has drawn its SVG. A page that follows a municipality (writes `kommune=` into its
URL) is also measured for a small one. Prints first, median and max per page and flags a page whose
slowest load is over 2 s; the median time to the heading alone shows how much of it is the charts. The
first load of each page is the one with cold server caches. data/ is never touched.

    uv run python bench/bench_first_paint.py [--runs 5] [--db PATH] [--no-sample]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

TARGET_S = 2.0
SMALL = "5026"  # Holtålen: in the sample data and in the national database
USER = "bench-leder"
HEADING_JS = (
    "() => { const h = document.querySelector('[data-testid=stMain] h1'); return !!(h && h.getClientRects().length); }"
)
# Streamlit connected and idle, a main heading, every plotly chart drawn: what a person sees as "done".
PAINTED_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED' || app.dataset.testScriptState !== 'notRunning')
    return false;
  if (document.querySelector('[data-testid=stStatusWidgetRunningIcon]')) return false;
  const h1 = document.querySelector('[data-testid=stMain] h1');
  if (!h1 || !h1.getClientRects().length) return false;
  return [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
    .every(c => c.querySelector('.js-plotly-plot .main-svg'));
}"""


def sample_db(folder: Path) -> Path:
    """The sample database as `tilstand demo` builds it, plus the benchmark's barnevernleder."""
    from tilstand import demo

    path = folder / "sample.duckdb"
    demo.build(path)
    add_leader(path)
    return path


def add_leader(path: Path) -> None:
    from tests.conftest import TEST_PASSWORD
    from tilstand import auth, store
    from tilstand.access import SYSTEM

    con = store.connect(path)
    if not con.cursor().execute("SELECT 1 FROM app_user WHERE username = ?", [USER]).fetchall():
        auth.add_user(con, SYSTEM, USER, "Benk Leder", password=TEST_PASSWORD)
        auth.grant(con, SYSTEM, USER, "leder", "*")
    store.close(path)


def load_seconds(page, url: str) -> tuple[float, float]:
    """Seconds from goto to the main heading, and to the finished page (charts drawn, Streamlit idle)."""
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(HEADING_JS, polling="raf", timeout=60_000)
    heading = time.perf_counter() - t0
    page.wait_for_function(PAINTED_JS, polling="raf", timeout=60_000)
    return heading, time.perf_counter() - t0


def line(label: str, loads: list[tuple[float, float]]) -> str:
    secs = [done for _, done in loads]
    flag = "   OVER TARGET" if max(secs) > TARGET_S else ""
    return (
        f"  {label:<30} first {secs[0]:5.2f}  median {statistics.median(secs):5.2f}  "
        f"max {max(secs):5.2f} s   (heading at {statistics.median(h for h, _ in loads):4.2f}){flag}"
    )


def measure(db: Path, label: str, runs: int, log: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server, sign_in
    from tests.e2e.test_accessibility import navigation

    srv = Server(db, log).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO").new_page()
            sign_in(page, srv.url, USER)
            print(f"\n{label}: first paint per page, {runs} loads each (s), target ≤ {TARGET_S:.0f} s")
            for _, path in navigation(page):
                url = f"{srv.url}/{path}"
                secs = [load_seconds(page, url) for _ in range(runs)]
                follows = "kommune=" in page.url
                print(line(f"{path or 'forside'}{' 5001' if follows else ''}", secs))
                if follows:
                    secs = [load_seconds(page, f"{url}?kommune={SMALL}") for _ in range(runs)]
                    print(line(f"{path} {SMALL}", secs))
            browser.close()
    finally:
        srv.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db", type=Path, help="also measure on this database (bench_pages.py --keep DIR)")
    ap.add_argument("--no-sample", action="store_true", help="skip the sample database")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tilstand-bench-paint-") as d:
        folder = Path(d)
        if not args.no_sample:
            t0 = time.perf_counter()
            db = sample_db(folder)
            print(f"sample database built in {time.perf_counter() - t0:.1f} s")
            measure(db, "sample database", args.runs, folder / "sample.log")
        if args.db:
            copy = folder / "national.duckdb"  # the server holds the write lock; never the caller's file
            shutil.copy(args.db, copy)
            add_leader(copy)
            measure(copy, f"national database ({args.db.name})", args.runs, folder / "national.log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
