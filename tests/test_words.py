"""The message catalogs (tilstand/messages/*.toml) and their one accessor, tilstand.words.

Both målformer must say the same things: the same keys, the same {placeholders} per key. Every key the code
asks for must exist (a typo fails here, not in front of a council), and every key must be asked for
somewhere (a text nobody reads drifts unnoticed)."""

from __future__ import annotations

import ast
import string
from datetime import date, datetime
from pathlib import Path

import pytest

from tilstand import words

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    *sorted((ROOT / "tilstand").rglob("*.py")),
    *sorted((ROOT / "pages").rglob("*.py")),
    *sorted((ROOT / "ui").rglob("*.py")),
    ROOT / "app.py",
    *sorted((ROOT / "report_templates").glob("*.py")),
]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _imported_from_words(tree: ast.Module) -> set[str]:
    """Names a module takes from tilstand.words (`from tilstand.words import t`): only those count bare."""
    return {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module == "tilstand.words"
        for a in n.names
    }


def _is_words_call(node: ast.Call, name: str, bare: set[str]) -> bool:
    f = node.func
    return (isinstance(f, ast.Name) and f.id == name and name in bare) or (
        isinstance(f, ast.Attribute) and f.attr == name and isinstance(f.value, ast.Name) and f.value.id == "words"
    )


def _used() -> tuple[dict[str, str], dict[str, str]]:
    """Keys asked for by name, and namespaces asked for as a whole (section(), or t(f"ns.{x}")), each with where."""
    keys: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for path in SOURCES:
        if not path.is_file():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        bare = _imported_from_words(tree) | ({"t", "section"} if path == ROOT / "tilstand" / "words.py" else set())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            arg, where = node.args[0], f"{path.relative_to(ROOT)}:{node.lineno}"
            if _is_words_call(node, "t", bare):
                for branch in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):  # t("a" if x else "b")
                    if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                        keys[branch.value] = where
                if isinstance(arg, ast.Name):
                    raise AssertionError(f"{where}: a key in a variable cannot be checked; write it out in t(...)")
                elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                    head = str(arg.values[0].value)
                    prefixes[head.rsplit(".", 1)[0] if "." in head else head] = where
            elif _is_words_call(node, "section", bare) and isinstance(arg, ast.Constant):
                prefixes[str(arg.value)] = where
    return keys, prefixes


def test_bokmal_and_nynorsk_have_the_same_keys():
    nb, nn = words.catalog("nb"), words.catalog("nn")
    assert sorted(set(nb) - set(nn)) == [], "in nb.toml, not in nn.toml"
    assert sorted(set(nn) - set(nb)) == [], "in nn.toml, not in nb.toml"


def test_bokmal_and_nynorsk_have_the_same_placeholders_per_key():
    nb, nn = words.catalog("nb"), words.catalog("nn")
    differ = {
        k: (_placeholders(nb[k]), _placeholders(nn[k])) for k in nb if _placeholders(nb[k]) != _placeholders(nn[k])
    }
    assert differ == {}


def test_no_message_is_empty_or_padded():
    for lang in words.LANGUAGES:
        bad = [k for k, v in words.catalog(lang).items() if not v.strip() or v != v.strip()]
        assert bad == [], lang


def test_every_key_the_code_asks_for_exists():
    keys, prefixes = _used()
    known = words.catalog("nb")
    assert keys, "the scan found no t(...) call: the scanner is broken"
    assert {k: w for k, w in keys.items() if k not in known} == {}
    assert {p: w for p, w in prefixes.items() if not any(k.startswith(p + ".") for k in known)} == {}


def test_no_key_is_unused():
    keys, prefixes = _used()
    unused = [k for k in words.catalog("nb") if k not in keys and not any(k.startswith(p + ".") for p in prefixes)]
    assert unused == []


def test_an_unknown_key_raises_instead_of_printing_nothing():
    with pytest.raises(words.UnknownMessage):
        words.t("comparison.kostra_gruppe", "nb")
    with pytest.raises(words.UnknownMessage):
        words.section("no_such_namespace", "nn")
    with pytest.raises(ValueError):
        words.t("comparison.group", "en")


def test_a_missing_field_raises():
    with pytest.raises(KeyError):
        words.t("table.change", "nb", title="x")


def test_messages_are_filled_in_the_language_asked_for():
    assert words.t("comparison.group", "nb") == "KOSTRA-gruppen"
    assert words.t("comparison.group", "nn") == "KOSTRA-gruppa"
    assert words.t("table.change", "nn", year=2023) == "Endring frå 2023"
    assert words.section("direction", "nn") == {
        "higher": "Høgare er betre",
        "lower": "Lågare er betre",
        "neutral": "Inga retning",
    }


@pytest.mark.parametrize("lang", words.LANGUAGES)
def test_lists_are_joined_with_og(lang):
    assert words.join([], lang) == ""
    assert words.join(["landet"], lang) == "landet"
    assert words.join(["fylket", "landet"], lang) == "fylket og landet"
    assert words.join(["KOSTRA-gruppen", "fylket", "landet"], lang) == "KOSTRA-gruppen, fylket og landet"


@pytest.mark.parametrize("lang", words.LANGUAGES)
def test_months_and_dates_are_written_the_norwegian_way(lang):
    assert [words.month(n, lang) for n in (1, 5, 12)] == ["januar", "mai", "desember"]
    assert words.date(date(2031, 1, 1), lang) == "1. januar 2031"
    assert words.date(date(2024, 12, 3), lang) == "3. desember 2024"


@pytest.mark.parametrize("lang", words.LANGUAGES)
def test_a_moment_is_written_one_way_everywhere(lang):
    moment = datetime(2026, 3, 4, 9, 5, 7)
    assert words.when(moment, lang) == "04.03.2026 09:05"
    assert words.when(moment, lang, seconds=True) == "04.03.2026 09:05:07"
    assert words.when(moment, lang, at=True) == "04.03.2026 kl. 09:05"
    assert words.when(moment.date(), lang) == "04.03.2026"


def test_no_module_writes_a_moment_by_hand():
    """The day.month.year format lives in words.when only (it was written out in fifteen places). A cell's own
    date echoed back from an imported sheet is the file's content, not a moment Tilstand writes."""
    allowed = {"tilstand/words.py", "tilstand/ingest/sheet.py", "tilstand/ingest/bufdir.py"}
    found = [
        str(p.relative_to(ROOT))
        for p in SOURCES
        if p.is_file() and "%d.%m.%Y" in p.read_text(encoding="utf-8") and str(p.relative_to(ROOT)) not in allowed
    ]
    assert found == []
