"""`patterns --json` carries confirmation and saturation; `patterns promote` grows the taxonomy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from patterns_support import add_traces, make_trace, review

from tracereader.cli import cli
from tracereader.grouping import closest_name
from tracereader.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    store = Store.open(path)
    add_traces(store, [make_trace(t) for t in ("r1", "r2", "x")])
    review(store, "r1", note="refund never issued")
    review(store, "r2", note="Refund never issued!!")
    review(store, "x", note="answer cut off mid sentence")
    store.close()
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_json_marks_automatic_members_and_reports_saturation(db: Path) -> None:
    code, out = _run("patterns", "--db", str(db), "--json")
    assert code == 0, out
    doc = json.loads(out)
    refund = next(p for p in doc["patterns"] if p["key"] == "note:r1")
    assert refund["count"] == 2 and refund["confirmed"] == 1
    assert refund["automatic"] is True and refund["automatic_ids"] == ["r2"]
    saturation = doc["saturation"]
    assert saturation["window"] == 20 and saturation["series"] == [2]
    assert saturation["reviewed"] == 3 and saturation["stopped_growing"] is False
    code, out = _run("patterns", "--db", str(db))
    assert "1 automatic" in out and "new patterns per 20 traces: 2" in out


def test_a_mistyped_pattern_name_gets_a_did_you_mean(db: Path) -> None:
    code, out = _run("patterns", "merge", "note:r2", "notr:x", "--db", str(db))
    assert code == 2 and "no pattern 'notr:x'; did you mean 'note:x'?" in out
    assert closest_name("wrong_tol", ["tone", "wrong_tool"]) == 1
    assert closest_name("completely different", ["tone", "wrong_tool"]) is None


def test_promote_from_the_command_line(db: Path) -> None:
    code, out = _run("patterns", "promote", "note:x", "--name", "cut_off", "--db", str(db))
    assert code == 0, out
    assert out.strip() == "note:x is now the tag cut_off (hotkey 8), on 1 trace."
    doc = json.loads(_run("patterns", "--db", str(db), "--json")[1])
    cut = next(p for p in doc["patterns"] if p["key"] == "tag:cut_off")
    assert cut["tags"] == ["cut_off"] and cut["trace_ids"] == ["x"]
    code, out = _run("patterns", "promote", "tag:cut_off", "--db", str(db))
    assert code == 2 and out.startswith("tracereader: ") and "already the tag" in out
