"""The layers import downwards only: pages/ (screens) compose ui/ (Streamlit helpers) and tilstand/ (the
library); ui/ never imports a screen, and the library imports neither Streamlit nor ui/ nor pages/. Read with
ast, so an import hidden inside a function counts as much as one at the top of the module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT


def imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports, at any depth (functions, conditionals, try blocks)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _offenders(folder: str, forbidden: set[str]) -> dict[str, list[str]]:
    out = {}
    for path in _files(folder):
        bad = sorted(m for m in imported_modules(path) if _top(m) in forbidden)
        if bad:
            out[str(path.relative_to(ROOT))] = bad
    return out


def test_no_ui_helper_imports_a_screen():
    assert _offenders("ui", {"pages"}) == {}


def test_the_library_imports_no_streamlit_no_ui_and_no_screen():
    assert _offenders("tilstand", {"streamlit", "ui", "pages"}) == {}


def test_no_screen_imports_another_screen():
    """A page composes ui/ and tilstand/; what two pages share belongs in ui/."""
    assert _offenders("pages", {"pages"}) == {}


def test_pages_holds_only_screens_in_the_navigation():
    """Streamlit's folder mode lists every file in pages/ as a page: a helper there would show up as one."""
    from ui import navigation

    screens = {p.key for p in navigation.PAGES} | {navigation.SIGN_IN.key}
    assert {p.stem for p in _files("pages") if p.name != "__init__.py"} == screens


@pytest.mark.parametrize("source, expected", [
    ("import pages.x", {"pages.x"}),
    ("def f():\n    from pages.common import connection\n", {"pages.common", "pages.common.connection"}),
    ("if True:\n    import streamlit as st\n", {"streamlit"}),
    ("from . import sibling\n", set()),
])
def test_the_reader_finds_imports_at_any_depth(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert imported_modules(path) == expected
