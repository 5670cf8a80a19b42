"""The charts package keeps its shape: one table of kinds that matches charts.csv, imports that point one way,
no import hidden inside a function to dodge a cycle, and screens that ask the registry instead of naming kinds.

These hold the promise that adding a chart kind is its own module, one registry line and one CSV row.
"""

from __future__ import annotations

import ast
import csv
from importlib.resources import files
from pathlib import Path

from tilstand import charts, words
from tilstand.charts import _registry

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tilstand" / "charts"
# The lower layers, in the order they may import each other (each only from those before it).
LOWER = ("_model", "_data", "_words", "_layout")
# The one import inside a function that is allowed, and why: kaleido starts logging and checks versions at
# import, and only a caller that really renders an image should pay for that (render.py says so too).
LAZY_ALLOWED = {("render.py", "kaleido")}


def modules() -> dict[str, ast.Module]:
    """Every module of the package by its path relative to the package (kinds/trend.py, _model.py, ...)."""
    return {
        p.relative_to(PACKAGE).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def imported(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(module, names) for every `import` and `from … import` in the module, wherever it stands."""
    out: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            out.append((node.module or "", [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
    return out


def test_every_kind_in_the_csv_is_registered_and_every_registered_kind_is_used():
    text = files("tilstand.data").joinpath("charts.csv").read_text(encoding="utf-8")
    used = {r["kind"] for r in csv.DictReader(text.splitlines())}
    assert used == set(charts.KINDS)
    assert {c.kind for c in charts.registry()} == set(_registry.KINDS_TABLE)


def test_every_kind_is_one_module_of_its_own_in_kinds():
    kinds = {p.stem for p in (PACKAGE / "kinds").glob("*.py") if not p.stem.startswith("_")}
    assert kinds == set(charts.KINDS)
    for name in charts.KINDS:
        assert charts.kind(name).build.__module__ == f"tilstand.charts.kinds.{name}"


def test_no_module_of_the_package_imports_inside_a_function():
    found = []
    for path, tree in modules().items():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                    found += [(path, n) for n in names if (path, n) not in LAZY_ALLOWED]
    assert found == []


def test_no_module_imports_a_private_name_except_from_the_private_shared_modules():
    """`from x import _y` only where x is itself private (_model, _data, kinds/_bars, ...): a kind never
    reaches into another kind's or the registry's internals."""
    found = []
    for path, tree in modules().items():
        for module, names in imported(tree):
            private = [n for n in names if n.startswith("_")]
            if private and not module.rsplit(".", 1)[-1].startswith("_"):
                found.append((path, module, private))
    assert found == []


def test_imports_point_one_way_kinds_to_the_lower_layers_registry_to_kinds_package_to_registry():
    for path, tree in modules().items():
        targets = [m for m, _ in imported(tree) if m.startswith("tilstand.charts")]
        name = path.removesuffix(".py")
        if name in LOWER:  # only layers before it, never a kind, the registry or the renderer
            allowed = {f"tilstand.charts.{x}" for x in LOWER[: LOWER.index(name)]}
            assert set(targets) <= allowed, (path, targets)
        elif path.startswith("kinds/"):
            assert all(
                t.removeprefix("tilstand.charts.") in LOWER or t.startswith("tilstand.charts.kinds._") for t in targets
            ), (path, targets)
        elif path == "render.py":
            assert set(targets) <= {"tilstand.charts._layout", "tilstand.charts._words"}, targets
        elif path == "_registry.py":
            assert "tilstand.charts" not in targets and "tilstand.charts._registry" not in targets
        # no module of the package imports the package itself (that is the cycle this layout removes)
        assert "tilstand.charts" not in targets or path == "__init__.py", (path, targets)


def test_the_area_page_never_branches_on_a_chart_kind():
    """ui/area.py asks the registry (kinds_on, headline_charts, for_screen, page_heading) instead of reading a
    chart's kind and comparing it with a name, so a new kind needs no change there."""
    tree = ast.parse((ROOT / "ui" / "area.py").read_text(encoding="utf-8"))
    reads_kind = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "kind"]
    choices = [n for n in ast.walk(tree) if isinstance(n, ast.Compare)]
    choices += [k.value for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg == "kinds"]
    named = {c.value for n in choices for c in ast.walk(n) if isinstance(c, ast.Constant) and c.value in charts.KINDS}
    assert reads_kind == [] and named == set()


def test_an_area_page_shows_per_headline_figure_its_trend_halves_and_position_in_that_order():
    by_kind = {c.kind: c for c in charts.headline_charts("undersokelser_fristbrudd_andel")}
    assert list(by_kind) == [k for k in charts.kinds_on("headline") if k in by_kind]
    assert {"trend", "position"} <= set(by_kind)
    halves = [c for c in charts.registry() if c.kind == "halves"]
    assert halves and [c.kind for c in charts.headline_charts(halves[0].indicators[-1])] == [
        "trend",
        "halves",
        "position",
    ]
    assert charts.kinds_on("extra") == ("tenfactor", "survey") and charts.kinds_on("service") == ("members",)


def test_the_chart_package_holds_no_words_of_its_own_by_language():
    """The chart words live in the message catalogs ([chart] and its subtables; tests/test_words.py checks that
    bokmål and nynorsk have the same keys and placeholders): no module of the package keeps a table keyed by
    language, and none picks a word by comparing the language to "nn"."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and {"nb", "nn"} <= {
                k.value for k in node.keys if isinstance(k, ast.Constant)
            }:
                found.append(f"{path.name}:{node.lineno} table by language")
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value == "nn" for c in node.comparators
            ):
                found.append(f"{path.name}:{node.lineno} compares the language")
    assert found == []
    assert words.section("chart", "nn")["line_chart"] == "Linjediagram"
