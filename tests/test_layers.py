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


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import pages.x", {"pages.x"}),
        ("def f():\n    from pages.common import connection\n", {"pages.common", "pages.common.connection"}),
        ("if True:\n    import streamlit as st\n", {"streamlit"}),
        ("from . import sibling\n", set()),
    ],
)
def test_the_reader_finds_imports_at_any_depth(tmp_path, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert imported_modules(path) == expected


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (at any depth, relative imports resolved); `from a import b`
    counts as importing the module a.b when there is one, else a."""
    paths = {_module_name(p): p for folder in ("tilstand", "ui", "pages") for p in _files(folder)}

    def resolve(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        deps: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                deps.update(resolve(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                deps.update(resolve(f"{base}.{alias.name}") for alias in node.names)
        graph[module] = {d for d in deps if d and d != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_anywhere():
    """Modules import one way (a function-level import counts: hiding a cycle inside a function is still a
    cycle). A package's own __init__ importing its modules is not one: that is how a package shows its surface."""
    graph = import_graph()
    assert "tilstand.ingest.load" in graph and "tilstand.charts" in graph["ui.area"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
