"""Rates per release and the fix loop: by_release on every pattern, compare from one function."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from patterns_support import BASE, add_traces, make_trace, review

from tracereader import actions
from tracereader.cli import cli
from tracereader.compare import CompareError
from tracereader.config import Settings
from tracereader.fix_loop import check_fix, compare_and_record, fix_line
from tracereader.patterns import find_patterns
from tracereader.patterns.release_rates import ReleaseRate, rates_text, trend_bars
from tracereader.stats import wilson_interval
from tracereader.store import Store

SETTINGS = Settings()


def _fill(store: Store) -> None:
    """v1: 8 of 20 wrong_tool; v2 (first seen later): 1 of 30; 4 traces with no release, 1 bad."""
    traces, plan = [], []
    for i in range(20):
        traces.append(make_trace(f"a{i:02}", BASE + timedelta(minutes=i), release="v1"))
        plan.append((f"a{i:02}", i < 8))
    for i in range(30):
        traces.append(make_trace(f"b{i:02}", BASE + timedelta(days=3, minutes=i), release="v2"))
        plan.append((f"b{i:02}", i < 1))
    for i in range(4):
        traces.append(make_trace(f"c{i:02}", BASE + timedelta(days=4, minutes=i), release=None))
        plan.append((f"c{i:02}", i < 1))
    add_traces(store, traces)
    for trace_id, bad in plan:
        review(
            store, trace_id, verdict="fail" if bad else "pass", tags=["wrong_tool"] if bad else ()
        )


def test_every_pattern_carries_its_rate_per_release(store: Store) -> None:
    _fill(store)
    (pattern,) = find_patterns(store, SETTINGS)
    assert [(r.release, r.k, r.n) for r in pattern.by_release] == [
        ("v1", 8, 20),
        ("v2", 1, 30),
        (None, 1, 4),
    ]
    v1 = pattern.by_release[0]
    assert (v1.ci_low, v1.ci_high) == wilson_interval(8, 20) and v1.rate == 0.4
    assert sum(r.n for r in pattern.by_release) == pattern.reviewed


def test_patterns_json_has_by_release_with_the_documented_keys(store: Store) -> None:
    _fill(store)
    path = store.path
    store.close()
    result = CliRunner().invoke(cli, ["patterns", "--json", "--db", str(path)])
    assert result.exit_code == 0, result.output
    (pattern,) = json.loads(result.output)["patterns"]
    assert set(pattern["by_release"][0]) == {"release", "k", "n", "rate", "ci_low", "ci_high"}
    assert [r["release"] for r in pattern["by_release"]] == ["v1", "v2", None]


def test_trend_and_text_say_what_each_release_had() -> None:
    rates = [
        ReleaseRate("v1", 8, 20, 0.4, *wilson_interval(8, 20)),
        ReleaseRate("v2", 0, 30, 0.0, *wilson_interval(0, 30)),
        ReleaseRate(None, 1, 4, 0.25, *wilson_interval(1, 4)),
    ]
    assert trend_bars(rates) == "█·▅"  # an empty release is a dot, never blank
    assert (
        rates_text(rates)
        == "v1 40% (22–61%, 8/20) → v2 0% (0–11%, 0/30) → no release 25% (4.6–70%, 1/4)"
    )
    assert rates_text(rates, limit=1).startswith("2 earlier · no release 25%")


def test_a_fix_goes_from_open_to_validated_with_before_and_after(store: Store) -> None:
    _fill(store)
    (pattern,) = find_patterns(store, SETTINGS)
    assert fix_line(pattern, None).startswith("open")
    item = actions.mark_fixed(store, "wrong_tool", "v2", settings=SETTINGS)
    assert fix_line(pattern, item) == (
        "fixed in v2: v1 40% (22–61%, 8/20) → v2 3.3% (0.6–17%, 1/30); "
        "not tested yet (c runs the test)"
    )
    result, recorded = check_fix(store, SETTINGS, pattern)
    assert result.split.release_before == "v1" and result.split.release_after == "v2"
    assert recorded is not None and recorded.state == actions.VALIDATED
    assert actions.state_of(store, "tag:wrong_tool").state == actions.VALIDATED
    line = fix_line(pattern, recorded)
    assert line.startswith(
        "fixed in v2: v1 40% (22–61%, 8/20) → v2 3.3% (0.6–17%, 1/30); validated, p = "
    )


def test_without_a_fix_the_last_two_releases_are_compared_and_nothing_is_stored(
    store: Store,
) -> None:
    _fill(store)
    (pattern,) = find_patterns(store, SETTINGS)
    result, recorded = check_fix(store, SETTINGS, pattern)
    assert (result.split.release_before, result.split.release_after) == ("v1", "v2")
    assert recorded is None and actions.states(store) == {}


def test_a_fix_in_a_release_with_no_traces_says_so(store: Store) -> None:
    _fill(store)
    (pattern,) = find_patterns(store, SETTINGS)
    actions.mark_fixed(store, "wrong_tool", "v9", settings=SETTINGS)
    with pytest.raises(CompareError, match="no traces from v9 yet"):
        check_fix(store, SETTINGS, pattern)


def test_compare_by_date_records_nothing(store: Store) -> None:
    _fill(store)
    actions.mark_fixed(store, "wrong_tool", "v2", settings=SETTINGS)
    split = (BASE + timedelta(days=2)).date().isoformat()
    _, recorded = compare_and_record(store, SETTINGS, tag="wrong_tool", split_date=split)
    assert recorded is None and actions.state_of(store, "tag:wrong_tool").state == actions.FIXED


def test_a_validated_fix_leaves_the_export_checklist_for_the_validated_section(
    store: Store,
) -> None:
    from tracereader.export import render

    _fill(store)
    for i in range(5):  # a second actionable pattern that stays open
        review(store, f"b{10 + i:02}", verdict="fail", tags=["tone"])
    actions.mark_fixed(store, "wrong_tool", "v2", settings=SETTINGS)
    (wrong_tool,) = [p for p in find_patterns(store, SETTINGS) if p.key == "tag:wrong_tool"]
    check_fix(store, SETTINGS, wrong_tool)
    md = render(store, SETTINGS, "md")
    checklist = md.split("## Checklist")[1].split("\n## ")[0]
    assert "tone" in checklist and "wrong_tool" not in checklist
    validated = md.split("## Validated")[1]
    assert "- [x] 2. wrong\\_tool: fixed in v2, validated: evidence of a change" in validated
    items = json.loads(render(store, SETTINGS, "json"))["items"]
    assert [(i["key"], i["state"]["state"]) for i in items] == [
        ("tag:tone", "open"),
        ("tag:wrong_tool", "validated"),
    ]
