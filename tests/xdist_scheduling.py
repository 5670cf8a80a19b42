"""How `pytest -n 2 --dist loadgroup` shares the tests out: one test at a time, except that every test of a module
that builds a costly module- or class-scoped fixture (a published database, a wheel and its virtualenv, a national
store, nginx in front of the app) goes to one worker, so the fixture is built once and not once per worker.

xdist's own `xdist_group` marks travel as a suffix on the test's node id, which pytest 9.2 no longer lets a
plugin change (pytest-dev/pytest-xdist#1386): the marks are silently ignored. This scheduler runs in the
controller, which sees node ids only, so it decides by reading the test modules themselves; a node id that does
carry a group (a fixed xdist) is still grouped by it.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from xdist.scheduler import LoadGroupScheduling

SHARED_FIXTURE = re.compile(r"""@pytest\.fixture\([^)]*scope=["'](module|class|package)["']|xdist_group""")


def modules_with_shared_fixtures(root: Path) -> frozenset[str]:
    """Node-id paths ('tests/test_publish.py') of the test modules whose tests must stay together."""
    return frozenset(
        path.relative_to(root).as_posix()
        for path in (root / "tests").rglob("test_*.py")
        if SHARED_FIXTURE.search(path.read_text(encoding="utf-8"))
    )


class SharedFixtureScheduling(LoadGroupScheduling):
    @cached_property
    def _together(self) -> frozenset[str]:
        return modules_with_shared_fixtures(Path(self.config.rootpath))

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.rfind("@") > nodeid.rfind("]"):
            return super()._split_scope(nodeid)
        module = nodeid.split("::", 1)[0]
        return module if module in self._together else nodeid
