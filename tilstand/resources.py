"""Where the folders the library reads at run time are: queries/, report_templates/ and sample_data/.

They have one home, the top of the repository. The wheel ships them inside the package
(tilstand/queries/, tilstand/report_templates/, tilstand/sample_data/; see `sources` under
[tool.hatch.build.targets.wheel] in pyproject.toml), so an installed Tilstand finds them there; a checkout
(`uv run`, an editable install) has no such folders in tilstand/ and reads the top-level ones. Every reader
of these folders asks here.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
NAMES = ("queries", "report_templates", "sample_data")


def path(name: str) -> Path:
    """The folder `name` (one of NAMES): inside the installed package if it is there, else in the checkout."""
    if name not in NAMES:
        raise ValueError(f"unknown resource folder {name!r}; expected one of {NAMES}")
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else SOURCE_ROOT / name


QUERIES = path("queries")
REPORT_TEMPLATES = path("report_templates")
SAMPLE_DATA = path("sample_data")
