"""Benchmark: every page's server-side rerun on a national-size database, through Streamlit's AppTest.

Builds (or reuses, --db) the national database of bench_profile.py, signs a barnevernleder in, and for every
page in the leader's navigation (ui/navigation.py, so new pages are measured without editing this
file) runs app.py + the page: one cold run (Streamlit's caches emptied), then N warm reruns. A page that
follows a municipality (writes `kommune` into its query parameters) is measured for a large and a small
one. Prints p50/p95/max per page and flags p95 over the target; a flagged page gets a cProfile of its warm
reruns, our own functions only. AppTest's own cost is printed from an empty script, for reading the
figures. Prints figures only (no pass/fail). data/ is never touched.

    uv run python bench/bench_pages.py [--runs 30] [--keep DIR | --db PATH] [--pages forside,okonomi]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

TARGET_MS = 150.0
LARGE, SMALL = "5001", "5043"  # Trondheim, Røyrvik
USER = "bench-leder"


def prepare_db(path: Path, seed: int) -> None:
    """The national database of bench_profile.py plus one barnevernleder for all municipalities."""
    from bench_profile import build_db

    from tests.conftest import TEST_PASSWORD
    from tilstand import auth, store
    from tilstand.access import SYSTEM

    build_db(path, seed)
    con = store.connect(path)
    # The test password, so bench_first_paint.py signs in on this database through the form as well.
    auth.add_user(con, SYSTEM, USER, "Benk Leder", password=TEST_PASSWORD)
    auth.grant(con, SYSTEM, USER, "leder", "*")
    store.close(path)


def leader_pages(con) -> list[str]:
    """The page keys (= pages/<key>.py) in a barnevernleder's navigation, in app order."""
    from tilstand import auth
    from ui.navigation import pages_for

    actor = auth.load_actor(con, USER)
    return [p.key for p in pages_for(actor)]


def navigation_mode() -> None:
    """AppTest starts every run in Streamlit's old pages/ mode; a live server leaves it after app.py's first
    st.navigation. Without this, ui.guard.page_guard would rerun every run (see tests/test_app.py)."""
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init_in_navigation_mode(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_in_navigation_mode


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def signed_in_app(con, query: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    from tilstand import auth, sessions

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["session_token"] = sessions.start(con, auth.load_actor(con, USER))
    at.query_params.update(query)
    return at


def ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


class FullCollections:
    """Time spent in Python's full (generation 2) garbage collections while active: on a heap holding
    cached figures one takes tens of ms, and a few of them in 30 reruns are what lifts p95."""

    def __init__(self) -> None:
        self.count, self.ms, self._start = 0, 0.0, 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.count += 1
            self.ms += ms_since(self._start)

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self)


def line(label: str, cold: float | None, ms: list[float], full_gc: FullCollections) -> str:
    flag = "   OVER TARGET" if pct(ms, 95) > TARGET_MS else ""
    c = f"cold {cold:7.0f}  " if cold is not None else " " * 14
    return (
        f"  {label:<28} {c}p50 {statistics.median(ms):6.1f}  p95 {pct(ms, 95):6.1f}  max {max(ms):6.1f} ms"
        f"   full GC {full_gc.count}× {full_gc.ms:4.0f} ms{flag}"
    )


def measure_page(con, key: str, query: dict[str, str], runs: int):
    """Cold first run of app.py + the page, then `runs` warm reruns (ms), with the full garbage
    collections during the warm reruns. Returns the AppTest too."""
    at = signed_in_app(con, query)
    at.run()  # the default page (forside) first, as a person signing in sees it
    clear_caches()
    at.switch_page(f"pages/{key}.py")
    t0 = time.perf_counter()
    at.run()
    cold = ms_since(t0)
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    warm = []
    with FullCollections() as full_gc:
        for _ in range(runs):
            t0 = time.perf_counter()
            at.run()
            warm.append(ms_since(t0))
    return cold, warm, full_gc, at


def apptest_overhead(runs: int) -> list[float]:
    """Warm reruns of a script that draws one line: what AppTest itself costs per run."""
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as d:
        script = Path(d) / "empty.py"
        script.write_text("import streamlit as st\nst.title('Tom side')\n", encoding="utf-8")
        at = AppTest.from_file(str(script), default_timeout=60)
        at.run()
        out = []
        for _ in range(runs):
            t0 = time.perf_counter()
            at.run()
            out.append(ms_since(t0))
    return out


def profile_reruns(at, runs: int, top: int = 25) -> str:
    """cProfile of warm reruns; the functions of our own code (app.py, pages/, ui/, tilstand/) by time
    including callees. AppTest runs the script in a thread, so the profiler is switched on in there."""
    import threading

    at.run()  # warm again: measuring later pages emptied the caches
    profiler = cProfile.Profile()
    threading.setprofile(lambda *a: profiler.enable())  # the first event in each new thread starts it
    try:
        for _ in range(runs):
            at.run()
    finally:
        threading.setprofile(None)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    own = f"({ROOT}/(app|pages|ui|tilstand)|duckdb|polars|plotly|cache_utils)"
    stats.print_stats(own, top)
    return out.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--keep", type=Path, help="build into this directory and keep the database")
    ap.add_argument("--db", type=Path, help="use this database (built earlier with --keep)")
    ap.add_argument("--pages", help="comma-separated page keys (default: every page of the leader)")
    ap.add_argument("--target", type=float, default=TARGET_MS, help="p95 target in ms (default 150)")
    ap.add_argument("--no-profile", action="store_true", help="do not profile pages over the target")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="tilstand-bench-pages-") as d:
        if args.db:
            path = args.db
        else:
            directory = args.keep or Path(d)
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / "national.duckdb"
            path.unlink(missing_ok=True)
            prepare_db(path, args.seed)
        os.environ["TILSTAND_DB"] = str(path)
        os.environ.setdefault("TILSTAND_CACHE", str(Path(d) / "cache"))
        os.chdir(ROOT)
        return run(path, args)


def run(path: Path, args) -> int:
    from tilstand import store

    global TARGET_MS
    TARGET_MS = args.target
    logging.disable(logging.WARNING)  # AppTest outside a server warns about the missing runtime on every run
    navigation_mode()
    con = store.connect(path)
    keys = args.pages.split(",") if args.pages else leader_pages(con)
    empty = apptest_overhead(args.runs)
    print(
        f"\nAppTest on a one-line script (its own cost per run): p50 {statistics.median(empty):.1f}  "
        f"p95 {pct(empty, 95):.1f} ms"
    )
    print(
        f"\npages of a barnevernleder, app.py + page per run, {args.runs} warm reruns after one cold run (ms), "
        f"target p95 ≤ {TARGET_MS:.0f} ms"
    )
    over = []
    for key in keys:
        try:
            cold, warm, full_gc, at = measure_page(con, key, {}, args.runs)
        except RuntimeError as e:  # a page that raises is reported, and the others still measured
            print(f"  {key:<28} RAISED {e}")
            continue
        follows = "kommune" in at.query_params
        print(line(f"{key} {at.query_params['kommune']}" if follows else key, cold, warm, full_gc))
        if pct(warm, 95) > TARGET_MS:
            over.append((key, {}, at))
        if follows:
            cold, warm, full_gc, at = measure_page(con, key, {"kommune": SMALL}, args.runs)
            print(line(f"{key} {at.query_params.get('kommune')}", cold, warm, full_gc))
            if pct(warm, 95) > TARGET_MS:
                over.append((key, {"kommune": SMALL}, at))
    if over and not args.no_profile:
        print("\nwhere the time goes on pages over the target (cProfile, 10 warm reruns, cumulative):")
        for key, query, at in over:
            print(f"\n--- {key} {query.get('kommune', '')}")
            print(profile_reruns(at, 10))
    store.close(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
