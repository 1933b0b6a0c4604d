"""`tracereader patterns` (table, JSON, edits), calibration figures, and the status keys E adds."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from patterns_support import BASE, add_traces, make_trace, review

from tracereader.cli import cli
from tracereader.config import Settings
from tracereader.patterns import common_scale, interval_bar
from tracereader.patterns.calibration import calibrate, feedback_direction, pass_rate, satisfaction
from tracereader.stats import wilson_interval
from tracereader.status import collect_status
from tracereader.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "p.db"
    store = Store.open(path)
    traces = [
        make_trace(f"w{i}", BASE + timedelta(hours=i), score=-1, events=["regenerate"])
        for i in range(5)
    ]
    traces += [
        make_trace("g1", score=1, events=["regenerate", "copy"]),
        make_trace("g2", score=0.8),
    ]
    traces += [make_trace("n1", score=0), make_trace("r1"), make_trace("r2")]
    add_traces(store, traces)
    for i in range(5):
        review(store, f"w{i}", tags=["wrong_tool"])
    review(store, "g1", verdict="pass")
    review(store, "g2", verdict="pass")
    review(store, "r1", note="refund never issued")
    review(store, "r2", note="Refund never issued!!")
    store.close()
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_json_document(db: Path) -> None:
    code, out = _run("patterns", "--db", str(db), "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["threshold"] == 5 and doc["reviewed"] == 9
    first = doc["patterns"][0]
    keys = "label count reviewed rate ci_low ci_high actionable trace_ids tags notes first_seen"
    for key in [*keys.split(), "last_seen", "releases", "key"]:
        assert key in first
    assert first["key"] == "tag:wrong_tool" and first["actionable"] and first["count"] == 5
    assert (first["ci_low"], first["ci_high"]) == pytest.approx(wilson_interval(5, 9))
    refund = doc["patterns"][1]
    assert refund["count"] == 2 and not refund["actionable"] and refund["key"] == "note:r1"
    signals = {s["signal"]: s for s in doc["signals"]}
    assert signals["regenerate"]["n"] == 6 and signals["regenerate"]["k"] == 5
    assert signals["thumbs_down"]["rate"] == 1.0
    assert signals["regenerate"]["sentence"] == "regenerate → judged bad in 83% (44–97%), n = 6"
    assert doc["satisfaction"]["up"] == 2 and doc["satisfaction"]["down"] == 5
    assert doc["satisfaction"]["neutral"] == 1
    assert doc["pass_rate"]["k"] == 2 and doc["pass_rate"]["n"] == 9


def test_table_and_min_count(db: Path) -> None:
    code, out = _run("patterns", "--db", str(db))
    assert code == 0
    assert "wrong_tool" in out and "5/9" in out and "actionable" in out
    assert "2 of 5 needed" in out
    assert "regenerate → judged bad in 83%" in out
    code, out = _run("patterns", "--db", str(db), "--json", "--min-count", "3")
    assert [p["key"] for p in json.loads(out)["patterns"]] == ["tag:wrong_tool"]


def test_edit_subcommands(db: Path) -> None:
    code, out = _run("patterns", "merge", "note:r1", "wrong_tool", "--db", str(db))
    assert code == 0, out
    assert "merged note:r1 into tag:wrong_tool" in out
    code, out = _run("patterns", "--db", str(db), "rename", "tag:wrong_tool", "Tools and refunds")
    assert code == 0, out
    doc = json.loads(_run("patterns", "--db", str(db), "--json")[1])
    assert doc["patterns"][0]["label"] == "Tools and refunds"
    assert doc["patterns"][0]["count"] == 7
    code, out = _run("patterns", "split", "r2", "--db", str(db))
    assert code == 0, out
    doc = json.loads(_run("patterns", "--db", str(db), "--json")[1])
    assert doc["patterns"][0]["count"] == 6
    assert any(p["key"] == "note:r2" for p in doc["patterns"])


@pytest.mark.parametrize(
    "args",
    [
        ("patterns", "merge", "tag:nope", "tag:wrong_tool"),
        ("patterns", "split", "w0"),
        ("patterns", "merge", "tag:wrong_tool", "tag:wrong_tool"),
    ],
)
def test_edit_errors_are_one_line(db: Path, args: tuple[str, ...]) -> None:
    code, out = _run(*args, "--db", str(db))
    assert code == 2
    assert out.startswith("tracereader: ") and "Traceback" not in out


def test_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    code, out = _run("patterns", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "no database here yet" in out


def test_feedback_directions() -> None:
    assert [feedback_direction(s) for s in (1, -1, 0, 0.8, 0.5, 0.2, None)] == [
        1, -1, 0, 1, 1, -1, 0,
    ]  # fmt: skip


def test_calibration_counts_only_judged_traces(store: Store) -> None:
    add_traces(store, [make_trace("a", events=["abandon"]), make_trace("b", events=["abandon"])])
    review(store, "a", verdict=None, note="looked at it")
    cal = {c.signal: c for c in calibrate(store)}
    assert cal["abandon"].bad.n == 0 and cal["abandon"].traces == 2
    assert "no reviewed trace" in cal["abandon"].sentence
    assert pass_rate(store).n == 0 and satisfaction(store).rate.n == 0


def test_interval_bar_shares_one_scale() -> None:
    assert interval_bar(0.1, 0.25, 0.5, 0.5, 11) == "  ├──●────┤"
    assert interval_bar(0.0, 0.0, 0.3, 0.6, 7) == "●──┤   "
    assert common_scale([]) == 1.0
    with pytest.raises(ValueError):
        interval_bar(0, 0, 1, 1, 2)


def test_status_gains_advisor_and_health_keys(db: Path) -> None:
    store = Store.open(db)
    try:
        doc = collect_status(store, Settings())
    finally:
        store.close()
    for key in ("conversations_per_day", "trailing_mean_7d", "recommendation", "crossed_on",
                "daily", "alerts", "capacity"):  # fmt: skip
        assert key in doc
    assert doc["recommendation"] == "manual"
    assert set(doc["capacity"]) >= {"median_seconds_per_trace", "traces_per_budget", "coverage"}
    assert doc["alerts"] and doc["alerts"][0]["kind"] == "stale"
    code, out = _run("status", "--db", str(db))
    assert code == 0 and "ALERT stale" in out and "reading capacity" in out
