"""Every module imports on its own in a fresh interpreter: an import cycle that only bites in one order
(the app's order, not the tests') broke the app's start once."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

MODULES = (
    sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "tilstand").rglob("*.py")
        if p.name not in ("__init__.py", "lo_convert.py")
    )
    + ["tilstand", "tilstand.ingest"]
    + sorted(f"ui.{p.stem}" for p in (ROOT / "ui").glob("*.py") if p.name != "__init__.py")
)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone(module):
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
