"""Patterns: reviewed tags and notes grouped, counted with Wilson intervals, edited, reported.

The entry points are `find_patterns` and `Pattern`, the report and view the CLI and the app
show (`build_report`, `load_view`), the taxonomy's promotions, saturation, rates per release
and the day chart. The app and the `patterns` command call the reviewer's edits by name
through the `edits` module. The note box's `suggestions` and the proposed `merge_proposals`
are imported by their module path when first needed: they load numpy and scipy, which
importing this package must not (the app opens, and `patterns --json` over cached clusters
runs, without them). Each entry point's module loads when the name is first asked for, so
the app's launch, which reads the taxonomy, loads neither the grouping nor the view.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracereader.patterns.charts import day_chart
    from tracereader.patterns.edits import PatternEditError
    from tracereader.patterns.finding import Pattern, find_patterns, pattern_by_key, reviewed_count
    from tracereader.patterns.release_rates import ReleaseRate, trend_bars
    from tracereader.patterns.report import (
        PatternReport,
        build_report,
        common_scale,
        interval_axis,
        interval_bar,
        interval_text,
        table_lines,
    )
    from tracereader.patterns.saturation import Saturation
    from tracereader.patterns.taxonomy import PromoteError, promote, promoted_text, with_promoted
    from tracereader.patterns.view import PatternsView, load_view, load_view_at

# entry point -> the module of this package that defines it
_ENTRY_POINTS = {
    "Pattern": "finding",
    "PatternEditError": "edits",
    "PatternReport": "report",
    "PatternsView": "view",
    "PromoteError": "taxonomy",
    "ReleaseRate": "release_rates",
    "Saturation": "saturation",
    "build_report": "report",
    "common_scale": "report",
    "day_chart": "charts",
    "find_patterns": "finding",
    "interval_axis": "report",
    "interval_bar": "report",
    "interval_text": "report",
    "load_view": "view",
    "load_view_at": "view",
    "pattern_by_key": "finding",
    "promote": "taxonomy",
    "promoted_text": "taxonomy",
    "reviewed_count": "finding",
    "table_lines": "report",
    "trend_bars": "release_rates",
    "with_promoted": "taxonomy",
}

__all__ = [
    "Pattern",
    "PatternEditError",
    "PatternReport",
    "PatternsView",
    "PromoteError",
    "ReleaseRate",
    "Saturation",
    "build_report",
    "common_scale",
    "day_chart",
    "find_patterns",
    "interval_axis",
    "interval_bar",
    "interval_text",
    "load_view",
    "load_view_at",
    "pattern_by_key",
    "promote",
    "promoted_text",
    "reviewed_count",
    "table_lines",
    "trend_bars",
    "with_promoted",
]


def __getattr__(name: str) -> Any:
    """Load an entry point's module on first use (PEP 562), keeping the package's import light."""
    module = _ENTRY_POINTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
