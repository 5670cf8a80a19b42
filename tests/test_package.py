"""Tilstand as a user installs it: the wheel carries what the library reads at run time, a wheel installed into
a fresh virtualenv (from the committed lock) builds the sample database and the council DOCX from any
directory, and the lock pins exactly what pyproject.toml resolves to.

These tests run real `uv` (build, venv, pip install from the package index; uv's cache makes a second run
fast). Without uv they skip on a developer machine and fail in CI (TILSTAND_REQUIRE_BROWSER=1, which means
"require the real tools").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import ROOT, env_flag
from tilstand import demo, resources

pytestmark = pytest.mark.slow  # builds the wheel and installs it from the lock into a new virtualenv

LOCK = ROOT / "requirements.lock"
# The command that made requirements.lock (README, «Installing from a wheel»); its header repeats it.
EXPORT = ["export", "--format", "requirements.txt", "--frozen", "--no-emit-project", "--no-dev"]
WHEEL_BUDGET = 2_000_000  # bytes; the wheel is ≈ 0.9 MB with the sample data


def _uv() -> str:
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in $UV
    if not uv:
        if env_flag("TILSTAND_REQUIRE_BROWSER"):
            pytest.fail("uv is required to build and install the wheel (TILSTAND_REQUIRE_BROWSER=1)")
        pytest.skip("uv is not installed")
    return uv


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would put the checkout or its virtualenv on the path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    return {**env, "NO_COLOR": "1", **extra}


def _run(args: list[str], *, cwd: Path, timeout: int = 600, env: dict[str, str] | None = None):
    out = subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env or _clean_env())
    assert out.returncode == 0, f"{' '.join(map(str, args))} exited {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([_uv(), "build", "--wheel", "--out-dir", str(out), str(ROOT)], cwd=out)
    (built,) = out.glob("tilstand-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with the committed lock installed, then the wheel (which must need nothing more)."""
    uv = _uv()
    where = tmp_path_factory.mktemp("venv") / "venv"
    _run([uv, "venv", "--python", sys.executable, str(where)], cwd=where.parent)
    python = str(where / "bin" / "python")
    _run([uv, "pip", "install", "--python", python, "-r", str(LOCK)], cwd=where.parent)
    installed = _run([uv, "pip", "install", "--python", python, str(wheel)], cwd=where.parent)
    changes = [line.strip() for line in installed.stderr.splitlines() if line.strip()[:2] in ("+ ", "- ", "~ ")]
    assert changes and all(c.startswith("+ tilstand==") for c in changes), (
        "the wheel needs packages the lock does not pin (regenerate requirements.lock):\n" + installed.stderr
    )
    return where


def test_the_wheel_carries_every_file_the_library_reads_at_run_time_and_no_generator(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "tilstand").rglob("*")
        if p.is_file() and p.suffix in (".py", ".csv") and "__pycache__" not in p.parts
    }
    wanted |= {f"tilstand/queries/{p.name}" for p in resources.QUERIES.glob("*.sql")}
    wanted |= {
        f"tilstand/report_templates/{p.relative_to(resources.REPORT_TEMPLATES).as_posix()}"
        for p in resources.REPORT_TEMPLATES.rglob("*")
        if p.suffix in (".docx", ".j2")
    }
    # what `tilstand demo` imports, and the empty templates the import page offers for download
    read = [*demo.sample_files(), *(resources.SAMPLE_DATA / "templates").glob("*.xlsx")]
    wanted |= {f"tilstand/sample_data/{p.relative_to(resources.SAMPLE_DATA).as_posix()}" for p in read}
    assert "tilstand/lo_convert.py" in wanted and len(wanted) > 80
    assert wanted - names == set()
    outside = {n for n in names if not n.startswith(("tilstand/", "tilstand-"))}
    assert outside == set(), "only the library goes into the wheel (not app.py, pages/, ui/ or tests/)"
    generators = {
        n for n in names if n.endswith(".py") and n.startswith(("tilstand/sample_data/", "tilstand/report_templates/"))
    }
    assert generators == set()
    assert wheel.stat().st_size < WHEEL_BUDGET, f"the wheel is {wheel.stat().st_size:,} bytes"


def test_an_installed_wheel_builds_the_sample_database_and_the_council_docx_from_any_directory(venv, tmp_path):
    work = tmp_path / "elsewhere"
    work.mkdir()
    tilstand = str(venv / "bin" / "tilstand")
    env = _clean_env(TILSTAND_DB=str(work / "unused.duckdb"))
    built = _run([tilstand, "demo", "--db", "x.duckdb"], cwd=work, env=env)
    assert "Eksempeldata" in built.stdout and (work / "x.duckdb").is_file()
    _run(
        [tilstand, "report", "--region", "5001", "--year", "2024", "--out", "r.docx", "--db", "x.duckdb"],
        cwd=work,
        env=env,
    )

    doc = Document(str(work / "r.docx"))
    first = [p.text for p in doc.paragraphs[:8]]
    assert "Tilstandsrapport for barnevernstjenesten" in first and "Trondheim - Tråante" in first
    captions = [t._tbl.tblPr.find(qn("w:tblCaption")) for t in doc.tables]
    key = [
        t
        for t, c in zip(doc.tables, captions, strict=True)
        if t.rows[0].cells[0].text == "Indikator"
        and c is not None
        and re.match(r"Tabell \d+\. Nøkkeltall: ", c.get(qn("w:val")))
    ]
    assert key, "the report has no key-figure table"
    assert key[0].rows[0].cells[1].text == "Trondheim - Tråante"
    assert any(re.search(r"\d", c.text) for row in key[0].rows[1:] for c in row.cells[1:])


def test_an_installed_package_reads_its_folders_from_site_packages_not_the_checkout(venv, tmp_path):
    probe = (
        "import json, sysconfig, tilstand, tilstand.resources as r; print(json.dumps({"
        "'package': tilstand.__file__, 'purelib': sysconfig.get_paths()['purelib'], "
        "'folders': [str(r.QUERIES), str(r.REPORT_TEMPLATES), str(r.SAMPLE_DATA)]}))"
    )
    found = json.loads(_run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path).stdout)
    site = Path(found["purelib"]).resolve()
    assert Path(found["package"]).resolve().is_relative_to(site / "tilstand")
    for folder in map(Path, found["folders"]):
        assert folder.is_relative_to(site / "tilstand") and folder.is_dir(), folder
        assert not folder.resolve().is_relative_to(ROOT)


def test_a_checkout_reads_the_top_level_folders():
    """`uv run` in the checkout (an editable install): one home for each folder, no copies inside tilstand/."""
    assert (resources.QUERIES, resources.REPORT_TEMPLATES, resources.SAMPLE_DATA) == (
        ROOT / "queries",
        ROOT / "report_templates",
        ROOT / "sample_data",
    )
    assert not any((ROOT / "tilstand" / name).exists() for name in resources.NAMES)


def test_requirements_lock_pins_exactly_what_pyproject_resolves_to(tmp_path):
    """The committed lock is current: resolving pyproject.toml's dependencies (for every platform and Python)
    within the lock's pins gives exactly the lock's packages and versions, no more, no fewer."""
    text = LOCK.read_text(encoding="utf-8")
    assert text.startswith(
        f"# This file was autogenerated by uv via the following command:\n#    uv {' '.join(EXPORT)}\n"
    )
    assert "--index-url" not in text and "://" not in text, "the lock names no package index"
    pins = re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", text, re.M)
    assert all(re.search(rf"^{re.escape(n)}==\S+ (; .+ )?\\\n    --hash=sha256:", text, re.M) for n, _ in pins)
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(text, encoding="utf-8")
    resolved = _run(
        [
            _uv(),
            "pip",
            "compile",
            str(ROOT / "pyproject.toml"),
            "--universal",
            "--no-header",
            "--no-annotate",
            "--constraint",
            str(constraints),
        ],
        cwd=tmp_path,
    )
    again = re.findall(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", resolved.stdout, re.M)
    assert sorted(again) == sorted(pins), "regenerate requirements.lock (README, «Installing from a wheel»)"
