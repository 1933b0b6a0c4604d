"""Wilson intervals and the 2x2 proportions test against reference values recorded once.

Reference values were computed with statsmodels 0.15.0 `proportion_confint(method="wilson")`
and scipy 1.17.1 `fisher_exact` / `chi2_contingency(correction=False)`, then pasted here:
statsmodels is not a dependency and is never imported at run time.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracereader.stats import (
    Proportion,
    expected_counts,
    needed_per_side,
    percent,
    percent_range,
    two_proportion_test,
    wilson_interval,
)

# (k, n, confidence, low, high) from statsmodels' proportion_confint(k, n, alpha, "wilson").
WILSON_REFERENCE = [
    (0, 1, 0.95, 0.0, 0.7934506856227627),
    (1, 1, 0.95, 0.2065493143772374, 1.0),
    (0, 5, 0.95, 0.0, 0.43448246478317487),
    (2, 5, 0.95, 0.11762077423264788, 0.7692757187239871),
    (5, 5, 0.95, 0.5655175352168252, 1.0),
    (0, 10, 0.95, 0.0, 0.27753279986288926),
    (3, 10, 0.95, 0.10779126740630104, 0.6032218525388546),
    (10, 10, 0.95, 0.7224672001371106, 1.0),
    (0, 1000, 0.95, 2.168404344971009e-19, 0.003826758485555125),
    (1, 1000, 0.95, 0.00017654637062607765, 0.005642558597957937),
    (500, 1000, 0.95, 0.4690696003681042, 0.5309303996318958),
    (999, 1000, 0.95, 0.9943574414020421, 0.9998234536293739),
    (1000, 1000, 0.95, 0.996173241514445, 1.0),
    (7, 41, 0.95, 0.08525251977594996, 0.31262612400404177),
    (14, 41, 0.95, 0.21558808257384846, 0.49450163480170317),
    (3, 10, 0.90, 0.12687658390319784, 0.558300204130165),
    (3, 10, 0.99, 0.07956631652306578, 0.6799753207988974),
    (17, 40, 0.90, 0.3052341369801568, 0.5542688803166619),
    (17, 40, 0.99, 0.24890358835262433, 0.6224373936735133),
]


@pytest.mark.parametrize(("k", "n", "confidence", "low", "high"), WILSON_REFERENCE)
def test_wilson_matches_statsmodels(
    k: int, n: int, confidence: float, low: float, high: float
) -> None:
    got_low, got_high = wilson_interval(k, n, confidence)
    assert got_low == pytest.approx(low, abs=1e-12)
    assert got_high == pytest.approx(high, abs=1e-12)


@pytest.mark.parametrize("n", [1, 5, 10, 1000])
def test_wilson_edges_are_exact(n: int) -> None:
    assert wilson_interval(0, n)[0] == 0.0
    assert wilson_interval(n, n)[1] == 1.0


def test_wilson_n_zero_is_the_whole_range() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (0, -1), (1, 0)])
def test_wilson_rejects_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(k, n)


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 95])
def test_wilson_rejects_bad_confidence(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(3, 10, confidence)


@given(
    st.integers(min_value=1, max_value=100_000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_wilson_contains_the_rate_within_unit_range(kn: tuple[int, int]) -> None:
    k, n = kn
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


@given(
    st.integers(min_value=1, max_value=5_000).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    ),
    st.floats(min_value=0.5, max_value=0.99),
)
def test_wilson_wider_at_higher_confidence(kn: tuple[int, int], confidence: float) -> None:
    k, n = kn
    low, high = wilson_interval(k, n, confidence)
    low99, high99 = wilson_interval(k, n, 0.995)
    assert low99 <= low + 1e-15 and high <= high99 + 1e-15


def test_proportion_of_carries_rate_and_interval() -> None:
    prop = Proportion.of(3, 10)
    assert prop.rate == 0.3
    assert prop.ci_low == pytest.approx(0.10779126740630104, abs=1e-12)
    assert Proportion.of(0, 0).rate is None
    assert Proportion.of(0, 0).as_dict() == {
        "k": 0,
        "n": 0,
        "rate": None,
        "ci_low": 0.0,
        "ci_high": 1.0,
    }


# (k1, n1, k2, n2, test, statistic, p) from scipy.stats: fisher_exact (two-sided) when an
# expected count is below 5, else chi2_contingency(correction=False).
TEST_REFERENCE = [
    (1, 10, 6, 10, "fisher", 0.07407407407407407, 0.057275541795665644),
    (0, 8, 4, 9, "fisher", 0.0, 0.0823529411764706),
    (40, 200, 20, 200, "chi2", 7.843137254901961, 0.005101399646004978),
    (120, 400, 90, 380, "chi2", 3.950929956470125, 0.04684547279748821),
    (30, 100, 30, 100, "chi2", 0.0, 1.0),
]


@pytest.mark.parametrize(("k1", "n1", "k2", "n2", "test", "statistic", "p"), TEST_REFERENCE)
def test_two_proportion_test_matches_scipy_reference(
    k1: int, n1: int, k2: int, n2: int, test: str, statistic: float, p: float
) -> None:
    result = two_proportion_test(k1, n1, k2, n2)
    assert result.test == test
    assert result.statistic == pytest.approx(statistic, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(p, rel=1e-9, abs=1e-12)
    assert result.significant == (p < 0.05)
    assert result.before == Proportion.of(k1, n1)
    assert result.after == Proportion.of(k2, n2)


def test_small_table_uses_fisher_even_where_chi2_would_claim_significance() -> None:
    # chi-squared on this table gives p = 0.019; Fisher's exact p = 0.057 is the honest answer.
    result = two_proportion_test(1, 10, 6, 10)
    assert result.test == "fisher"
    assert not result.significant


def test_alpha_is_respected() -> None:
    assert two_proportion_test(120, 400, 90, 380).significant
    assert not two_proportion_test(120, 400, 90, 380, alpha=0.01).significant


def test_expected_counts_under_independence() -> None:
    assert expected_counts(1, 10, 6, 10) == [3.5, 6.5, 3.5, 6.5]
    assert expected_counts(0, 0, 0, 0) == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize(("k1", "n1", "k2", "n2"), [(1, 0, 1, 5), (6, 5, 1, 5), (1, 5, -1, 5)])
def test_two_proportion_test_rejects_impossible_tables(k1: int, n1: int, k2: int, n2: int) -> None:
    with pytest.raises(ValueError):
        two_proportion_test(k1, n1, k2, n2)


def test_needed_per_side_textbook_value() -> None:
    # 30% vs 15%, alpha 0.05 two-sided, power 0.8: the classic (uncorrected) formula gives 121.
    assert needed_per_side(0.30, 0.15) == 121
    assert needed_per_side(0.15, 0.30) == 121


def test_needed_per_side_grows_as_the_difference_shrinks() -> None:
    big = needed_per_side(0.5, 0.25)
    small = needed_per_side(0.5, 0.45)
    assert big is not None and small is not None and small > big
    assert needed_per_side(0.3, 0.3) is None
    assert math.isfinite(needed_per_side(0.0, 1.0) or 0)
    with pytest.raises(ValueError):
        needed_per_side(1.5, 0.3)


@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999999])
def test_wilson_quantile_is_scipy_special_ndtri(confidence: float) -> None:
    from scipy.special import ndtri

    from tracereader.stats import normal_quantile

    p = 1 - (1 - confidence) / 2
    assert normal_quantile(p) == pytest.approx(float(ndtri(p)), abs=1e-14)


def test_importing_stats_and_computing_an_interval_loads_no_scipy() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tracereader.stats import wilson_interval, needed_per_side\n"
        "wilson_interval(3, 10); needed_per_side(0.2, 0.1)\n"
        "import tracereader.patterns.finding, tracereader.patterns.report\n"
        "print(sorted(m for m in ('scipy', 'numpy', 'scipy.stats') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (0.0, "0%"),
        (0.001, "0.1%"),
        (0.026, "2.6%"),
        (0.0994, "9.9%"),
        (0.0996, "10%"),  # rounds to 10: whole percentages from there on
        (0.18, "18%"),
        (1.0, "100%"),
    ],
)
def test_percent_keeps_a_decimal_under_ten_percent(share: float, shown: str) -> None:
    assert percent(share) == shown


def test_percent_range_formats_each_end_on_its_own() -> None:
    assert percent_range(0.009, 0.074) == "0.9–7.4%"
    assert percent_range(0.004, 0.12) == "0.4–12%"
    assert percent_range(0.12, 0.26) == "12–26%"
