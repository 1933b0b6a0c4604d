"""`compare`: the right test on the 2x2 table, the verdict, the JSON document and every error."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from exportcmp_data import Row, build, trace_for, two_release_rows

from tracereader.cli import cli
from tracereader.compare import CompareError, compare, format_p, known_releases, release_before
from tracereader.config import Settings, load_settings
from tracereader.stats import Proportion

# Reference values recorded once from scipy 1.x (Fisher checked by hand from the
# hypergeometric: 3432 / 170544; chi-squared by hand: 100/30*2 + 100/170*2).
FISHER_6_10_1_12 = (16.5, 0.020123839009287926)
CHI2_40_200_20_200 = (7.843137254901961, 0.005101399646004978)


@pytest.fixture
def settings() -> Settings:
    return load_settings(create=False)


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["compare", "--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def test_small_table_uses_fisher_with_reference_p(tmp_path: Path, settings: Settings) -> None:
    store = build(tmp_path / "db.sqlite", two_release_rows((6, 10), (1, 12)))
    result = compare(store, settings, tag="wrong_tool", release_before="v1", release_after="v2")
    assert result.result.test == "fisher"
    assert result.result.statistic == pytest.approx(FISHER_6_10_1_12[0], rel=1e-12)
    assert result.result.p_value == pytest.approx(FISHER_6_10_1_12[1], rel=1e-9)
    assert result.result.significant
    assert result.direction == "fell"
    assert result.result.before == Proportion.of(6, 10)
    assert result.result.after == Proportion.of(1, 12)
    assert result.verdict().startswith("evidence of a change (p = 0.02): rate fell from 60.0%")


def test_large_table_uses_chi2_with_reference_p(tmp_path: Path, settings: Settings) -> None:
    store = build(tmp_path / "db.sqlite", two_release_rows((40, 200), (20, 200)))
    result = compare(store, settings, tag="wrong_tool", release_before="v1", release_after="v2")
    assert result.result.test == "chi2"
    assert result.result.statistic == pytest.approx(CHI2_40_200_20_200[0], rel=1e-12)
    assert result.result.p_value == pytest.approx(CHI2_40_200_20_200[1], rel=1e-9)
    assert "p = 0.0051" in result.verdict()


def test_not_significant_says_how_many_are_needed(tmp_path: Path, settings: Settings) -> None:
    store = build(tmp_path / "db.sqlite", two_release_rows((5, 40), (4, 40)))
    result = compare(store, settings, tag="wrong_tool", release_after="v2")
    assert not result.result.significant
    assert result.needed_per_side == 2507
    assert result.verdict() == (
        "not evidence yet (p = 1): rate went from 12.5% (95% CI 5.5–26.1%, 5 of 40) to "
        "10.0% (95% CI 4.0–23.1%, 4 of 40); would need about 2,507 reviewed traces per side "
        "to detect a change this size at 80% power (you have 40 and 40)"
    )


def test_equal_rates_and_infinite_odds_ratio_stay_valid_json(tmp_path: Path) -> None:
    # 0 of 10 before and 0 of 10 after: the odds ratio is undefined -> null.
    store = build(tmp_path / "db.sqlite", two_release_rows((0, 10), (0, 10)))
    store.close()
    code, out, _ = run(
        tmp_path / "db.sqlite", "--tag", "wrong_tool", "--release-after", "v2", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["statistic"] is None and doc["needed_per_side"] is None
    assert "no sample size detects a zero difference" in doc["verdict"]
    # 3 of 3 before, 0 of 10 after: the odds ratio is infinite -> null too.
    store = build(tmp_path / "db2.sqlite", two_release_rows((3, 3), (0, 10)))
    store.close()
    code, out, _ = run(
        tmp_path / "db2.sqlite",
        "--tag",
        "wrong_tool",
        "--release-before",
        "v1",
        "--release-after",
        "v2",
        "--json",
    )
    doc = json.loads(out)
    assert doc["test"] == "fisher" and doc["statistic"] is None
    assert math.isfinite(doc["p_value"])


def test_json_keys_and_values(tmp_path: Path) -> None:
    build(tmp_path / "db.sqlite", two_release_rows((6, 10), (1, 12))).close()
    code, out, err = run(
        tmp_path / "db.sqlite",
        "--tag",
        "wrong_tool",
        "--release-before",
        "v1",
        "--release-after",
        "v2",
        "--alpha",
        "0.01",
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    for key in (
        "test",
        "statistic",
        "p_value",
        "significant",
        "alpha",
        "before",
        "after",
        "needed_per_side",
    ):
        assert key in doc
    assert doc["test"] == "fisher" and doc["alpha"] == 0.01
    assert doc["significant"] is False  # p = 0.020 is not below 0.01
    assert doc["before"] == {"k": 6, "n": 10, "rate": 0.6, **_ci(6, 10)}
    assert doc["after"] == {"k": 1, "n": 12, "rate": 1 / 12, **_ci(1, 12)}
    assert doc["action_item"] is None


def _ci(k: int, n: int) -> dict[str, float]:
    p = Proportion.of(k, n)
    return {"ci_low": p.ci_low, "ci_high": p.ci_high}


def test_table_output_names_test_and_verdict(tmp_path: Path) -> None:
    build(tmp_path / "db.sqlite", two_release_rows((40, 200), (20, 200))).close()
    code, out, _ = run(tmp_path / "db.sqlite", "--tag", "wrong_tool", "--release-after", "v2")
    assert code == 0
    assert "Pearson's chi-squared" in out
    assert "20.0% (95% CI 15.0–26.1%, 40 of 200)" in out
    assert "verdict evidence of a change (p = 0.0051): rate fell" in out


def test_split_date_and_unreviewed_traces_are_ignored(tmp_path: Path, settings: Settings) -> None:
    rows = two_release_rows((6, 10), (1, 12))
    # Unreviewed traces carrying the tag count on neither side.
    rows += [
        Row(id=f"t-9{i:03d}", release="v2", day=12, tags=["wrong_tool"], reviewed=False)
        for i in range(20)
    ]
    store = build(tmp_path / "db.sqlite", rows)
    by_date = compare(store, settings, tag="wrong_tool", split_date="2026-11-12")
    assert (by_date.result.before.k, by_date.result.before.n) == (6, 10)
    assert (by_date.result.after.k, by_date.result.after.n) == (1, 12)
    assert by_date.split.kind == "date"


def test_release_before_is_inferred_by_first_seen(tmp_path: Path) -> None:
    rows = two_release_rows((1, 3), (1, 3))
    rows.append(Row(id="t-0100", release="v3", day=20))
    store = build(tmp_path / "db.sqlite", rows)
    assert known_releases(store) == ["v1", "v2", "v3"]
    assert release_before(store, "v3") == "v2"
    with pytest.raises(CompareError, match="first one seen"):
        release_before(store, "v1")


def test_ingest_time_stamps_do_not_order_releases(tmp_path: Path) -> None:
    store = build(tmp_path / "db.sqlite", two_release_rows((1, 3), (1, 3)))  # v1 Nov 2, v2 Nov 12
    # Timestamp-less traces took an ingest time: v2 "before" v1, and v0 only ever so.
    undated = [Row(id="t-0500", release="v2", day=-5), Row(id="t-0501", release="v0", day=-9)]
    store.add_traces(
        [trace_for(r) for r in undated], format="native", ner=False,
        inferred_ids=["t-0500", "t-0501"],
    )  # fmt: skip
    assert known_releases(store) == ["v1", "v2", "v0"]  # by source time; undated-only last
    assert release_before(store, "v2") == "v1"


def test_split_date_starts_at_midnight_in_the_configured_zone(tmp_path: Path) -> None:
    rows = two_release_rows((6, 10), (1, 12))
    # Nov 11 10:40 UTC is already Nov 12 in Kiritimati (UTC+14).
    rows.append(Row(id="t-0100", release="v2", day=9, tags=["wrong_tool"], verdict="fail"))
    store = build(tmp_path / "db.sqlite", rows)
    utc = compare(store, Settings(), tag="wrong_tool", split_date="2026-11-12")
    assert (utc.result.before.k, utc.result.before.n) == (7, 11)
    kiritimati = Settings(timezone="Pacific/Kiritimati")
    local = compare(store, kiritimati, tag="wrong_tool", split_date="2026-11-12")
    assert (local.result.before.n, local.result.after.k, local.result.after.n) == (10, 2, 13)


def test_split_date_leaves_out_traces_whose_time_is_the_ingest_time(tmp_path: Path) -> None:
    store = build(tmp_path / "db.sqlite", two_release_rows((6, 10), (1, 12)))
    undated = Row(id="t-0600", release="v2", day=30, tags=["wrong_tool"], verdict="fail")
    store.add_traces([trace_for(undated)], format="native", ner=False, inferred_ids=["t-0600"])
    store.db.execute(
        "insert into reviews (trace_id, verdict, reviewer, reviewed_at, seconds) "
        "values ('t-0600', 'fail', 'tester', '2026-12-01T00:00:00Z', 9)"
    )
    store.db.execute("insert into tags (trace_id, tag) values ('t-0600', 'wrong_tool')")
    store.db.conn.commit()
    by_date = compare(store, Settings(), tag="wrong_tool", split_date="2026-11-12")
    assert (by_date.result.after.k, by_date.result.after.n) == (1, 12)  # t-0600 on no side


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tag", "nope", "--release-after", "v2"], "unknown tag 'nope'"),
        (["--pattern", "nothing like this", "--release-after", "v2"], "unknown pattern"),
        (["--tag", "wrong_tool", "--release-after", "v9"], "unknown release 'v9'"),
        (
            ["--tag", "wrong_tool", "--release-before", "v0", "--release-after", "v2"],
            "unknown release 'v0'",
        ),
        (["--tag", "wrong_tool", "--release-after", "v3"], "no reviewed traces on the after side"),
        (["--tag", "wrong_tool", "--release-after", "v1"], "first one seen"),
        (["--tag", "wrong_tool", "--split-date", "2020-01-01"], "no reviewed traces on the before"),
        (["--tag", "wrong_tool", "--split-date", "11/12/2026"], "use YYYY-MM-DD"),
        (["--tag", "wrong_tool"], "split by release"),
        (
            ["--tag", "wrong_tool", "--split-date", "2026-11-12", "--release-after", "v2"],
            "split by release",
        ),
        (["--release-after", "v2"], "exactly one of --tag or --pattern"),
        (["--tag", "wrong_tool", "--pattern", "x", "--release-after", "v2"], "exactly one"),
        (["--tag", "wrong_tool", "--release-before", "v1"], "needs --release-after"),
        (["--tag", "wrong_tool", "--release-before", "v2", "--release-after", "v2"], "same"),
        (["--tag", "wrong_tool", "--release-after", "v2", "--alpha", "1.5"], "--alpha"),
    ],
)
def test_errors_are_one_line_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    rows = two_release_rows((2, 5), (1, 5))
    rows.append(Row(id="t-0200", release="v3", day=30, reviewed=False))
    build(tmp_path / "db.sqlite", rows).close()
    code, out, err = run(tmp_path / "db.sqlite", *args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""


def test_no_reviewed_traces_and_no_database(tmp_path: Path) -> None:
    rows = [Row(id=f"t-{i:04d}", release="v1", day=i, reviewed=False) for i in range(3)]
    build(tmp_path / "db.sqlite", rows).close()
    code, _, err = run(tmp_path / "db.sqlite", "--tag", "wrong_tool", "--release-after", "v1")
    assert code == 2 and "no reviewed traces yet" in err
    code, _, err = run(tmp_path / "missing.sqlite", "--tag", "wrong_tool", "--release-after", "v1")
    assert code == 2 and "no database here yet" in err


def test_format_p_never_crosses_alpha_by_rounding() -> None:
    assert format_p(0.0495, 0.05) == "p = 0.0495"
    assert format_p(0.0504, 0.05) == "p = 0.05"  # not below alpha either way
    assert format_p(0.003, 0.05) == "p = 0.003"
    assert format_p(0.0004, 0.05) == "p < 0.001"
    assert format_p(0.41, 0.05) == "p = 0.41"
