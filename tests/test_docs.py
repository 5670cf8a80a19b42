"""The README documents what a person can run: every CLI command, the two set-up commands, CI."""

import re
import tomllib

from tests.conftest import ROOT
from tilstand import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented():
    for command in cli.COMMANDS:
        assert re.search(rf"^tilstand {command}\b", README, re.M), f"README lacks `tilstand {command}`"


def readme_test_command() -> str:
    """The whole suite as the README tells a person to run it (after `pip install uv && `)."""
    found = re.search(r"^pip install uv && (uv run pytest[^\n]*)$", README, re.M)
    assert found, "README lacks `pip install uv && uv run pytest …`"
    return found.group(1)


def test_readme_gives_the_two_setup_commands():
    assert "pip install uv && uv run streamlit run app.py" in README
    assert readme_test_command().startswith("uv run pytest")


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"\n{readme_test_command()}\n" in ci


def test_the_everyday_loop_in_the_readme_leaves_out_exactly_the_browser_and_libreoffice_tests():
    assert 'uv run pytest -n 2 -m "not browser and not libreoffice"' in README
    markers = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert {m.split(":")[0] for m in markers["markers"]} >= {"browser", "libreoffice", "slow"}


def test_ci_lints_and_type_checks_before_the_tests_as_the_everyday_loop_does():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lint, form, types, tests = (
        ci.find(f"\n{c}\n")
        for c in ("uv run ruff check .", "uv run ruff format --check .", "uv run mypy", readme_test_command())
    )
    assert -1 < lint < tests and -1 < form < tests and -1 < types < tests, (
        "CI must lint, format-check and type-check first"
    )
    assert "set -euo pipefail" in ci  # a finding stops the run
    loop = README.split("**The everyday loop**", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("  #")[0].strip() for line in loop.strip().splitlines()[:3]] == [
        "uv run ruff check .",
        "uv run ruff format --check .",
        "uv run mypy",
    ]
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert config["mypy"]["packages"] == ["tilstand", "ui"] and config["ruff"]["line-length"] == 120


def test_no_lock_file_with_registry_addresses_is_committed():
    assert not (ROOT / "uv.lock").exists() or "uv.lock" in (ROOT / ".gitignore").read_text()


def test_library_never_imports_streamlit():
    for path in (ROOT / "tilstand").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from) streamlit", text, re.M), path


def test_pages_hold_no_sql():
    for path in (ROOT / "pages").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "SELECT " not in text and "duckdb.connect" not in text, path


def test_every_query_file_says_what_question_it_answers():
    for path in (ROOT / "queries").glob("*.sql"):
        assert path.read_text(encoding="utf-8").startswith("-- Question:"), path


def _architecture() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Architecture", 1)[1].split("\n## ", 1)[0]


def test_every_path_the_architecture_section_names_exists():
    """The section says where a change goes: a path it names that moved would send the next person astray."""
    named = set(re.findall(r"`((?:tilstand|pages|ui|queries|report_templates)/[^`*<>{} ]+)`", _architecture()))
    assert len(named) >= 15
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_the_architecture_section_names_the_three_layers_in_import_order():
    section = _architecture()
    assert [section.index(f"\n{layer}") for layer in ("pages/", "ui/", "tilstand/")] == sorted(
        section.index(f"\n{layer}") for layer in ("pages/", "ui/", "tilstand/")
    )
