"""`export`: every format on a known database, deterministic bytes, --force, stdout, jsonl shape."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from exportcmp_data import Row, build, trace_for, two_release_rows

from tracereader.cli import cli
from tracereader.compare import describe_rate
from tracereader.config import load_settings
from tracereader.export.dataset import split_conversation
from tracereader.export.items import (
    CSV_COLUMNS,
    build_report,
    clean_excerpt,
    export_to_file,
    md_escape,
)
from tracereader.export.traffic import current_traffic
from tracereader.stats import Proportion, wilson_interval


def rows() -> list[Row]:
    """7 wrong_tool, 5 bad_formatting (cheap), 2 tone, and a notes-only pattern of 5."""
    data = two_release_rows((7, 30), (0, 30))
    for row in data[30:35]:
        row.tags, row.verdict = ["bad_formatting"], "fail"
    data[40].tags, data[41].tags = ["tone"], ["tone"]
    for i, row in enumerate(data[45:50]):
        row.verdict = "fail"
        row.note = [
            "answered in French",
            "Answered in french!!",
            "answered in french",
            "ANSWERED IN FRENCH",
            "answered in French.",
        ][i]
    data.append(Row(id="t-0900", release="v2", day=16, tags=["wrong_tool"], reviewed=False))
    return data


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "known.sqlite"
    build(path, rows()).close()
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_every_format_is_deterministic(db: Path, tmp_path: Path) -> None:
    for fmt in ("md", "json", "csv", "jsonl"):
        first = tmp_path / f"a.{fmt}"
        second = tmp_path / f"b.{fmt}"
        assert invoke("export", "--format", fmt, "-o", str(first), "--db", str(db))[0] == 0
        assert invoke("export", "--format", fmt, "-o", str(second), "--db", str(db))[0] == 0
        assert first.read_bytes() == second.read_bytes() and first.stat().st_size > 0
        code, out, _ = invoke("export", "--format", fmt, "--db", str(db))  # stdout
        assert code == 0 and out.encode() == first.read_bytes()


def test_json_items_ranked_by_priority_with_stable_keys(db: Path) -> None:
    code, out, _ = invoke("export", "--format", "json", "--db", str(db))
    assert code == 0
    doc = json.loads(out)
    assert doc["schema"] == "tracereader.action_items/1" and doc["reviewed"] == 60
    items = doc["items"]
    # bad_formatting (2h) outranks wrong_tool (1d) despite fewer traces; notes-only comes last.
    assert [i["label"] for i in items][:2] == ["bad_formatting", "wrong_tool"]
    assert len(items) == 3 and items[2]["label"].casefold().startswith("answered in french")
    assert [i["rank"] for i in items] == [1, 2, 3]
    top = items[0]
    assert set(top) == {
        "rank",
        "key",
        "label",
        "title",
        "actionable",
        "status",
        "evidence",
        "tags",
        "notes",
        "examples",
        "action",
        "cost",
        "cost_hours",
        "expected_failing_per_day",
        "priority",
        "state",
    }
    low, high = wilson_interval(5, 60)
    assert top["evidence"]["k"] == 5 and top["evidence"]["n"] == 60
    assert (top["evidence"]["ci_low"], top["evidence"]["ci_high"]) == (low, high)
    per_day = doc["traffic"]["per_day"]
    assert top["expected_failing_per_day"] == pytest.approx(low * per_day)
    assert top["priority"] == pytest.approx(low * per_day / 2.0)
    assert top["cost"] == "2h" and top["action"].startswith("Post-process")
    notes_only = items[2]
    assert notes_only["key"].startswith("note:") and notes_only["action"] == "to be decided"
    assert notes_only["cost"] is None and notes_only["priority"] is None
    assert len(items[1]["examples"]) == 5
    assert all(i["state"]["state"] == "open" for i in items)
    assert "t-0900" not in json.dumps(doc)  # unreviewed traces are not evidence


def test_all_adds_candidates_marked(db: Path) -> None:
    _, out, _ = invoke("export", "--format", "json", "--all", "--db", str(db))
    items = json.loads(out)["items"]
    tone = next(i for i in items if i["label"] == "tone")
    assert tone["status"] == "candidate" and not tone["actionable"]
    assert items[-1]["status"] == "candidate"  # candidates rank after every actionable item
    _, md, _ = invoke("export", "--format", "md", "--all", "--db", str(db))
    assert "**Status:** candidate (2 of 5 needed)" in md
    checklist = md.split("## Checklist")[1].split("\n## ")[0]
    tone_line = next(line for line in checklist.splitlines() if "tone" in line)
    assert tone_line.endswith("tone: candidate, not an action item (2 of 5 needed)")
    assert "[ ]" not in tone_line


def test_markdown_renders_the_stats_numbers(db: Path) -> None:
    _, md, _ = invoke("export", "--db", str(db))
    assert md.startswith("# Action items from tracereader\n")
    wrong = describe_rate(Proportion.of(7, 60))
    assert wrong == "11.7% (95% CI 5.8–22.2%, 7 of 60)"
    assert f"reviewed traces showing it: {wrong}" in md
    assert describe_rate(Proportion.of(5, 60)) in md
    assert "## 1. bad\\_formatting: broken markdown" in md
    assert "- [ ] 1. bad\\_formatting: priority" in md
    assert "How priority works: priority = expected failing conversations per day" in md
    assert "**Effort:** to be decided" in md
    assert "`tracereader fixed wrong_tool --release RELEASE`" in md
    assert "\x1b" not in md and "\x07" not in md


def test_csv_one_row_per_item(db: Path) -> None:
    _, out, _ = invoke("export", "--format", "csv", "--db", str(db))
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["label"] for r in table][:2] == ["bad_formatting", "wrong_tool"]
    assert len(table) == 3 and table[2]["key"].startswith("note:")
    assert table[1]["k"] == "7" and table[1]["n"] == "60" and table[1]["state"] == "open"
    assert float(table[1]["ci_low"]) == wilson_interval(7, 60)[0]
    assert table[2]["priority"] == "" and table[2]["cost"] == ""
    assert len(table[1]["example_trace_ids"].split(";")) == 5


def test_csv_text_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    data = rows()
    for row in data[45:50]:
        row.note = "=HYPERLINK(1) answered in French"
    path = tmp_path / "formula.sqlite"
    build(path, data).close()
    _, out, _ = invoke("export", "--format", "csv", "--db", str(path))
    labels = [r["label"] for r in csv.DictReader(io.StringIO(out))]
    assert "'=HYPERLINK(1) answered in French" in labels
    assert not any(label.startswith("=") for label in labels)


@pytest.mark.parametrize("platform", ["langsmith", "langfuse", "braintrust"])
def test_jsonl_loads_back_in_each_platform_shape(db: Path, platform: str) -> None:
    code, out, _ = invoke("export", "--format", "jsonl", "--platform", platform, "--db", str(db))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 60  # reviewed traces only
    ids = [r["metadata"]["trace_id"] for r in records]
    assert ids == sorted(ids)
    first = records[0]
    assert first["metadata"]["verdict"] == "fail" and first["metadata"]["tags"] == ["wrong_tool"]
    passed = next(r for r in records if r["metadata"]["verdict"] == "pass")
    input_key, ref_key = {
        "langsmith": ("inputs", "outputs"),
        "langfuse": ("input", "expectedOutput"),
        "braintrust": ("input", "expected"),
    }[platform]
    assert first[input_key]["messages"][-1]["role"] == "user"
    assert first[ref_key] is None  # a failed trace has no reference answer
    assert passed[ref_key]["messages"][-1]["role"] == "assistant"
    assert passed[ref_key] == passed["metadata"]["observed_output"]
    call = first["metadata"]["observed_output"]["messages"][0]["tool_calls"][0]
    assert call["function"]["name"] == "lookup_order"
    if platform == "braintrust":
        assert first["tags"] == ["wrong_tool"] and first["id"] == ids[0]
    if platform == "langfuse":
        assert first["id"] == f"tracereader-{ids[0]}"
    noted = next(r for r in records if r["metadata"]["note"])
    assert noted["metadata"]["note"].lower().startswith("answered in french")


def test_force_and_errors(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    assert invoke("export", "-o", str(target), "--db", str(db))[0] == 0
    code, _, err = invoke("export", "-o", str(target), "--db", str(db))
    assert code == 2 and "already exists; add --force" in err
    target.write_text("old")
    assert invoke("export", "-o", str(target), "--force", "--db", str(db))[0] == 0
    assert target.read_text().startswith("# Action items")
    code, _, err = invoke("export", "--format", "md", "--platform", "langfuse", "--db", str(db))
    assert code == 2 and "--platform applies to --format jsonl only" in err
    code, _, err = invoke("export", "--db", str(tmp_path / "missing.sqlite"))
    assert code == 2 and "no database here yet" in err
    code, _, err = invoke("export", "-o", str(tmp_path / "no" / "dir.md"), "--db", str(db))
    assert code == 2 and "no such folder" in err


def test_export_to_file_for_the_app(db: Path, tmp_path: Path) -> None:
    from tracereader.store import Store

    store = Store.open(db)
    settings = load_settings(create=False)
    folder = tmp_path / "exports"
    folder.mkdir()
    path = export_to_file(store, settings, folder, "md")
    assert path == (folder / "tracereader-actions.md").resolve()
    again = export_to_file(store, settings, folder, "md")  # replaces, same bytes
    assert again.read_bytes() == path.read_bytes()
    json_path = export_to_file(
        store, settings, tmp_path / "x.json", "json", include_candidates=True
    )
    assert any(i["status"] == "candidate" for i in json.loads(json_path.read_text())["items"])
    store.close()


def test_traffic_and_report_on_the_known_database(db: Path) -> None:
    from tracereader.store import Store

    store = Store.open(db)
    settings = load_settings(create=False)
    # The advisor's own figure, as the app and status show it: the trailing mean up to the last
    # complete day with traffic (Nov 18, the newest trace's day, once the clock is past it).
    from tracereader.status import advise

    after = date(2026, 12, 1)
    traffic = current_traffic(store, settings, today=after)
    advice = advise(store, settings, today=after).as_dict()
    assert traffic.source == "advisor: trailing 7-day mean"
    assert (traffic.through, traffic.per_day) == ("2026-11-18", advice["trailing_mean_7d"])
    # On the newest trace's own day that day is not over yet: the mean runs to the day before.
    assert current_traffic(store, settings, today=date(2026, 11, 18)).through == "2026-11-17"
    report = build_report(store, settings)
    assert [item.pattern.key for item in report.items][:2] == [
        "tag:bad_formatting",
        "tag:wrong_tool",
    ]
    store.close()


def test_traffic_ignores_traces_that_took_the_ingest_time(db: Path) -> None:
    from tracereader.store import Store

    store = Store.open(db)
    settings = load_settings(create=False)
    after = date(2026, 12, 1)
    before = current_traffic(store, settings, today=after)
    # A timestamp-less trace ingested two weeks after the newest one moves nothing.
    undated = trace_for(Row(id="t-0950", release="v2", day=30))
    store.add_traces([undated], format="native", ner=False, inferred_ids=["t-0950"])
    assert current_traffic(store, settings, today=after) == before
    assert before.through == "2026-11-18"
    store.close()


def test_excerpts_and_markdown_escaping() -> None:
    assert clean_excerpt("a\x1b[31mred\x1b[0m\x07 b\n\nc\x1b]0;title\x07d") == "ared b cd"
    long = clean_excerpt("word " * 100)
    assert len(long) == 160 and long.endswith("…")
    assert md_escape("[/foo] <PERSON_1> `x` *y*") == "\\[/foo\\] \\<PERSON\\_1\\> \\`x\\` \\*y\\*"
    given, observed = split_conversation(
        [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
            {"role": "user", "content": "c"},
            {"role": "assistant", "content": "d"},
        ]
    )
    assert [m["content"] for m in given] == ["a", "b", "c"]
    assert [m["content"] for m in observed] == ["d"]


def test_hostile_text_renders_literally_and_empty_exports(tmp_path: Path) -> None:
    data = two_release_rows((0, 10), (0, 10))
    hostile = "[/foo] <b>x</b> `rm -rf` [@click=app.quit]"
    for row in data[:5]:
        row.verdict, row.note = "fail", hostile
    path = tmp_path / "hostile.sqlite"
    build(path, data).close()
    _, md, _ = invoke("export", "--db", str(path))
    assert "\\[/foo\\] \\<b\\>x\\</b\\> \\`rm -rf\\` \\[@click=app.quit\\]" in md
    assert "[/foo]" not in md.replace("\\[/foo\\]", "")
    # Nothing actionable (and no candidates asked for): the export says so.
    empty = tmp_path / "empty.sqlite"
    build(empty, two_release_rows((1, 5), (0, 5))).close()
    code, md, _ = invoke("export", "--db", str(empty))
    assert code == 0 and "No actionable pattern yet" in md
    code, out, _ = invoke("export", "--format", "csv", "--db", str(empty))
    assert out.splitlines() == [",".join(CSV_COLUMNS)]
