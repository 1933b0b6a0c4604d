"""Honest statistics for small counts: Wilson intervals and the right 2x2 proportions test.

The Wilson score interval stays inside [0, 1] and keeps its coverage at n = 10, where the
normal approximation fails. For a before/after comparison, Pearson's chi-squared is only
trusted when every expected count is at least 5; below that Fisher's exact test is used.

Importing this module costs nothing: the normal quantile comes from the standard library's
`statistics.NormalDist` (the same Wichura AS241 quantile as `scipy.special.ndtri`, equal to
1e-15; a test pins it), because numpy and scipy.special alone take 0.35 s to import, twice
what the whole `status --json` command takes. `scipy.stats` (0.4-1.8 s to import) is loaded
only inside `two_proportion_test`, where a test actually runs.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Any, Literal

MIN_EXPECTED_FOR_CHI2 = 5.0


@lru_cache(maxsize=16)
def normal_quantile(p: float) -> float:
    """The standard normal quantile: the z below which a share `p` of the distribution lies."""
    return NormalDist().inv_cdf(p)


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return normal_quantile(1.0 - (1.0 - confidence) / 2.0)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for `successes` out of `n`.

    With n = 0 nothing is known and the interval is the whole range, (0.0, 1.0).
    The edges are exact: 0 of n gives a low of exactly 0.0, n of n a high of exactly 1.0.
    Matches statsmodels' `proportion_confint(method="wilson")`.
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return (0.0, 1.0)
    z = _z(confidence)
    z2 = z * z
    p = successes / n
    denom = 1.0 + z2 / n
    center = (p + z2 / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == n else min(1.0, center + half)
    return (low, high)


def percent_number(share: float) -> str:
    """A share as a percentage without the sign: one decimal under 10% (`2.6`), whole above
    (`18`), and `0` for none, so a small rate keeps the digit that tells 1% from 4%."""
    value = 100 * share
    if value == 0:
        return "0"
    return f"{value:.1f}" if round(value, 1) < 10 else f"{value:.0f}"


def percent(share: float) -> str:
    """A share as shown everywhere a rate is: `2.6%`, `18%` (see `percent_number`)."""
    return f"{percent_number(share)}%"


def percent_range(low: float, high: float) -> str:
    """An interval as shown beside a rate: `0.9–7.4%`, `12–26%`, `0.4–12%`."""
    return f"{percent_number(low)}–{percent(high)}"


@dataclass(frozen=True)
class Proportion:
    """k of n, the rate and its Wilson interval."""

    k: int
    n: int
    rate: float | None
    ci_low: float
    ci_high: float

    @classmethod
    def of(cls, k: int, n: int, confidence: float = 0.95) -> Proportion:
        """Build from counts; the rate is None when n = 0."""
        low, high = wilson_interval(k, n, confidence)
        return cls(k=k, n=n, rate=(k / n if n else None), ci_low=low, ci_high=high)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: k, n, rate, ci_low, ci_high."""
        return asdict(self)


@dataclass(frozen=True)
class ProportionsTest:
    """The outcome of comparing two proportions."""

    test: Literal["fisher", "chi2"]
    statistic: float
    """Fisher: the sample odds ratio; chi-squared: Pearson (no continuity correction)."""
    p_value: float
    alpha: float
    before: Proportion
    after: Proportion

    @property
    def significant(self) -> bool:
        """Whether p < alpha."""
        return self.p_value < self.alpha


def expected_counts(k1: int, n1: int, k2: int, n2: int) -> list[float]:
    """The four expected cell counts of the 2x2 table under independence."""
    total = n1 + n2
    with_ = k1 + k2
    without = total - with_
    if total == 0:
        return [0.0, 0.0, 0.0, 0.0]
    return [n1 * with_ / total, n1 * without / total, n2 * with_ / total, n2 * without / total]


def two_proportion_test(k1: int, n1: int, k2: int, n2: int, alpha: float = 0.05) -> ProportionsTest:
    """Compare k1/n1 (before) with k2/n2 (after): Fisher's exact test when any expected
    count is below 5, otherwise Pearson's chi-squared; both two-sided."""
    for k, n in ((k1, n1), (k2, n2)):
        if n <= 0 or k < 0 or k > n:
            raise ValueError(f"each side needs 0 <= k <= n and n > 0, got {k} of {n}")
    from scipy import stats as _sp  # 0.4-1.8 s to import: only where a test runs

    table = [[k1, n1 - k1], [k2, n2 - k2]]
    if min(expected_counts(k1, n1, k2, n2)) < MIN_EXPECTED_FOR_CHI2:
        result = _sp.fisher_exact(table, alternative="two-sided")
        test: Literal["fisher", "chi2"] = "fisher"
        statistic, p_value = float(result.statistic), float(result.pvalue)
    else:
        chi2 = _sp.chi2_contingency(table, correction=False)
        test = "chi2"
        statistic, p_value = float(chi2.statistic), float(chi2.pvalue)
    return ProportionsTest(
        test=test,
        statistic=statistic,
        p_value=min(1.0, p_value),
        alpha=alpha,
        before=Proportion.of(k1, n1),
        after=Proportion.of(k2, n2),
    )


def needed_per_side(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Traces per side needed to detect p1 vs p2 with a two-sided test at this power.

    Uses the normal-approximation formula for two independent proportions; None when the
    rates are equal (no finite sample detects a zero difference).
    """
    if not (0 <= p1 <= 1 and 0 <= p2 <= 1):
        raise ValueError("rates must be within [0, 1]")
    if p1 == p2:
        return None
    z_a = normal_quantile(1 - alpha / 2)
    z_b = normal_quantile(power)
    p_bar = (p1 + p2) / 2
    numerator = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil((numerator / (p1 - p2)) ** 2)
