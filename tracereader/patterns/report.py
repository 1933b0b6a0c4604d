"""Everything the patterns command and screen show, built once: patterns, signals, rates.

The JSON document of `tracereader patterns --json` is `PatternReport.as_dict()`; the plain
table is `table_lines()`. Labels are reviewer-typed text, so every line is sanitized.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracereader.config import Settings
from tracereader.patterns import calibration
from tracereader.patterns.finding import Pattern, find_patterns, reviewed_count
from tracereader.patterns.saturation import Saturation, saturation
from tracereader.sanitize import one_line
from tracereader.stats import Proportion, percent, percent_range
from tracereader.store import Store


@dataclass(frozen=True)
class PatternReport:
    """Patterns ranked by ci_low, signal calibration, satisfaction and pass rate."""

    patterns: list[Pattern]
    signals: list[calibration.SignalCalibration]
    satisfaction: calibration.Satisfaction
    pass_rate: Proportion
    baseline_bad: Proportion
    reviewed: int
    threshold: int
    saturation: Saturation | None = None
    """New patterns per 20 reviewed traces (`tracereader.patterns.saturation`)."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON document: patterns, signals, satisfaction, pass_rate, threshold, reviewed."""
        return {
            "patterns": [p.as_dict() for p in self.patterns],
            "signals": [s.as_dict() for s in self.signals],
            "baseline_bad": self.baseline_bad.as_dict(),
            "satisfaction": self.satisfaction.as_dict(),
            "pass_rate": self.pass_rate.as_dict(),
            "reviewed": self.reviewed,
            "threshold": self.threshold,
            "actionable": sum(p.actionable for p in self.patterns),
            "saturation": self.saturation.as_dict() if self.saturation else None,
        }


def build_report(store: Store, settings: Settings, *, min_count: int = 1) -> PatternReport:
    """Compute the whole report; patterns with fewer than `min_count` traces are left out."""
    found = find_patterns(store, settings)
    patterns = [p for p in found if p.count >= min_count]
    return PatternReport(
        patterns=patterns,
        signals=calibration.calibrate(store),
        satisfaction=calibration.satisfaction(store),
        pass_rate=calibration.pass_rate(store),
        baseline_bad=calibration.baseline_bad_rate(store),
        reviewed=reviewed_count(store),
        threshold=settings.actionable_threshold,
        saturation=saturation(store, found),
    )


def status_text(pattern: Pattern) -> str:
    """`actionable`, or `3 of 5 needed`; `· 2 automatic` when some traces await confirmation."""
    text = "actionable" if pattern.actionable else f"{pattern.count} of {pattern.threshold} needed"
    if pattern.automatic_ids:
        text += f" · {len(pattern.automatic_ids)} automatic"
    return text


def interval_text(pattern: Pattern) -> str:
    """The 95% interval as percentages, e.g. `12–31%`, `0.9–7.4%` (see `stats.percent`)."""
    return percent_range(pattern.ci_low, pattern.ci_high)


def table_lines(report: PatternReport, *, label_width: int = 40) -> list[str]:
    """The readable table: rank, label, k/n, rate, 95% CI, actionable or `k of 5 needed`."""
    lines = [f"{report.reviewed} reviewed traces; actionable at {report.threshold}+ traces."]
    if not report.patterns:
        lines.append("No patterns yet: tag or annotate traces in `tracereader review`.")
    else:
        header = (
            f"{'#':>3}  {'pattern':<{label_width}}  {'k/n':>9}  {'rate':>5}  {'95% CI':>9}  status"
        )
        lines += [header, "-" * len(header)]
        for rank, p in enumerate(report.patterns, 1):
            label = one_line(p.label, label_width)
            lines.append(
                f"{rank:>3}  {label:<{label_width}}  {f'{p.count}/{p.reviewed}':>9}  "
                f"{percent(p.rate):>5}  {interval_text(p):>9}  {status_text(p)}"
            )
    if report.saturation is not None:
        series = " ".join(str(n) for n in report.saturation.series[-12:])
        lines.append(f"new patterns per {report.saturation.window} traces: {series or '-'}")
        lines.append(report.saturation.message)
    lines.append("")
    lines.append(calibration.proportion_sentence("satisfaction", report.satisfaction.rate))
    lines.append(calibration.proportion_sentence("reviewer pass rate", report.pass_rate))
    if report.signals:
        lines.append("signals (how often the reviewer judged traces carrying them bad):")
        lines.append(
            "  "
            + calibration.proportion_sentence(
                "baseline: all judged traces → judged bad in", report.baseline_bad
            )
        )
        lines += [f"  {one_line(s.sentence)}" for s in report.signals]
    return lines


def interval_bar(low: float, rate: float, high: float, scale: float, width: int = 24) -> str:
    """The interval drawn with plain characters on a common scale, e.g. `  ├──●────┤   `.

    `scale` is the rate at the right edge (the same for every row, so bars compare); the
    whiskers mark the Wilson interval and `●` the observed rate.
    """
    if width < 3:
        raise ValueError("an interval bar needs at least 3 columns")
    top = scale if scale > 0 else 1.0

    def col(value: float) -> int:
        return max(0, min(width - 1, round(min(value, top) / top * (width - 1))))

    left, mid, right = col(low), col(rate), col(high)
    cells = [" "] * width
    for i in range(left, right + 1):
        cells[i] = "─"
    cells[left] = "├"
    cells[right] = "┤"
    cells[mid] = "●"
    return "".join(cells)


def common_scale(patterns: list[Pattern]) -> float:
    """The right edge shared by every bar: the largest upper bound, rounded up to 10%."""
    highest = max((p.ci_high for p in patterns), default=1.0)
    return min(1.0, max(0.1, -(-highest * 10 // 1) / 10))


def interval_axis(scale: float, width: int = 24) -> str:
    """The bars' axis as a column header: `0%` at the left edge, the scale at the right."""
    right = f"{100 * scale:.0f}%"
    if width < len(right) + 3:
        return right.rjust(width)
    return "0%" + " " * (width - 2 - len(right)) + right
