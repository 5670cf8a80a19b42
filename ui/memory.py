"""Keeping the server's garbage collector from pausing a rerun."""

from __future__ import annotations

import gc

import streamlit as st


@st.cache_resource
def _runs() -> dict[str, int]:
    return {"n": 0}


def settle_memory() -> None:
    """After warm-up, take the long-lived objects (modules, catalogue, cached figures) out of the garbage
    collector's sight. Otherwise a full collection walks them all on some random rerun, 60–150 ms on this
    machine — the whole p95 budget (bench/bench_pages.py). Cyclic garbage is collected first; objects
    cached later are still collected normally."""
    runs = _runs()
    runs["n"] += 1
    if runs["n"] in (5, 50, 500):
        gc.collect()
        gc.freeze()
