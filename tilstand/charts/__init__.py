"""Charts: one definition table (tilstand/data/charts.csv), one module per chart kind, alt text, a table of
the same numbers and an «about» line (definition, source, last updated) in the report language.

The public surface is what pages, the report and the tests outside this package use; the rest is private:
`_model` (what a chart is), `_data` (reads from the store), `_words` (every user-facing word), `_layout`
(the shared look), `kinds/` (one module per kind) and `_registry` (the kinds in one table). Imports point
one way: kinds -> model, data, words, layout; registry -> kinds; this package -> registry. PNG images are
`tilstand.charts.render`, imported only by callers that make images.
"""

from tilstand.charts._layout import without_title
from tilstand.charts._model import (
    COMPARE_ALL,
    COMPARE_DEFAULT,
    Chart,
    ChartDef,
    ChartTable,
    for_area,
    for_indicators,
    registry,
)
from tilstand.charts._registry import (
    KINDS,
    Kind,
    build,
    build_many,
    for_screen,
    headline_charts,
    kind,
    kinds_on,
    page_heading,
)

__all__ = [
    "COMPARE_ALL",
    "COMPARE_DEFAULT",
    "KINDS",
    "Chart",
    "ChartDef",
    "ChartTable",
    "Kind",
    "build",
    "build_many",
    "for_area",
    "for_indicators",
    "for_screen",
    "headline_charts",
    "kind",
    "kinds_on",
    "page_heading",
    "registry",
    "without_title",
]
