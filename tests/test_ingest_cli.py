"""`tracereader ingest` end to end: file kinds, formats, bad records, exit codes, file modes."""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from format_helpers import FIXTURES
from ingest_support import install_stub

from tracereader import locations
from tracereader.cli import cli
from tracereader.store import Store


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ingest(db: Path, *args: str | Path) -> Result:
    return run("ingest", "--db", db, "--no-ner", *args)


def native(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"t-{i}",
        "timestamp": "2026-11-02T14:03:11Z",
        "messages": [{"role": "user", "content": f"question {i}"}],
        **extra,
    }


def jsonl(*records: Any) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests about files and formats: keep Presidio out (test_leak.py runs the real one)."""
    install_stub(monkeypatch)


def stored_ids(db: Path) -> set[str]:
    store = Store.open(db)
    try:
        return {row["id"] for row in store.db.query("select id from traces")}
    finally:
        store.close()


def test_every_kind_of_bad_record_is_reported_and_the_rest_lands(tmp_path: Path) -> None:
    src = tmp_path / "in" / "mixed.jsonl"
    src.parent.mkdir()
    secret = "SECRET-CONTENT-7731"
    big = b'{"messages": [{"role": "user", "content": "' + b"x" * (50 * 1024 * 1024) + b'"}]}\n'
    src.write_bytes(
        jsonl(native(1)).encode()
        + b'{"messages": [{"role": "user", "content": "'
        + secret.encode()
        + b'"}\n'  # malformed
        + jsonl({"messages": [{"role": secret, "content": "x"}]}).encode()  # wrong type
        + jsonl({"messages": [], "note": secret}).encode()  # empty messages
        + b'{"messages": [{"role": "user", "content": "'
        + secret.encode()
        + b'\xff"}]}\n'
        + big
        + jsonl([secret]).encode()  # not an object
        + jsonl(native(8)).encode()
    )
    result = run("ingest", "--db", tmp_path / "t.db", "--no-ner", "--format", "tracereader", src)
    assert result.exit_code == 1
    shown = str(src)
    assert result.stderr.splitlines()[:7] == [
        f"{src}: read as tracereader",
        f"{shown}:2: malformed JSON: Expecting ',' delimiter at column 65",
        f"{shown}:3: messages[0].role must be one of system, user, assistant, tool, reasoning",
        f"{shown}:4: messages is empty",
        f"{shown}:5: invalid UTF-8 at byte 63 of the line",
        f"{shown}:6: record is larger than the 10 MB limit; skipped",
        f"{shown}:7: expected a JSON object, found a list",
    ]
    assert secret not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "2 traces landed" in result.stdout and "6 rejected" in result.stdout
    assert stored_ids(tmp_path / "t.db") == {"t-1", "t-8"}


def test_numbers_too_large_to_store_are_rejected_and_later_files_still_land(
    tmp_path: Path, stub: None
) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    huge_index = {"type": "copy", "message_index": 10**20}
    (folder / "a.jsonl").write_text(
        jsonl(native(1), native(2, events=[huge_index]), native(3, latency_ms=10**400), native(4))
    )
    (folder / "z.jsonl").write_text(jsonl(native(5)))
    result = ingest(tmp_path / "t.db", folder)
    assert result.exit_code == 1, result.stderr
    assert (
        f"{folder / 'a.jsonl'}:2: events[0].message_index must be a message's position: "
        "an integer from 0 to 2147483647" in (result.stderr)
    )
    assert f"{folder / 'a.jsonl'}:3: a number has more than 100 digits (the limit)" in result.stderr
    assert stored_ids(tmp_path / "t.db") == {"t-1", "t-4", "t-5"}
    again = ingest(tmp_path / "t.db", folder)
    assert again.exit_code == 0 and "0 traces landed" in again.stdout


def test_escape_sequences_in_ids_releases_and_models_are_made_visible(
    tmp_path: Path, stub: None
) -> None:
    src = tmp_path / "a.jsonl"
    hostile = "v9\x1b]0;PWNED\x07\x1b[31mRED\n## injected"
    src.write_text(
        jsonl(native(1, release=hostile, model="m\x1b[2J"), {**native(2), "id": "t\x9b2"})
    )
    result = ingest(tmp_path / "t.db", src)
    assert result.exit_code == 0, result.stderr
    store = Store.open(tmp_path / "t.db")
    rows = list(store.db.query("select id, release, model from traces order by id"))
    store.close()
    stored = json.dumps(rows, ensure_ascii=False)
    assert not any(ch in stored for ch in "\x1b\x07\x9b")
    assert rows[0]["release"] == "v9␛]0;PWNED␇␛[31mRED ⏎ ## injected"
    assert rows[0]["model"] == "m␛[2J" and rows[1]["id"] == "t\\x9b2"
    export = run("export", "--db", tmp_path / "t.db", "--format", "md", "--all")
    assert "\x1b" not in export.stdout


def test_summary_line_and_exit_zero(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(jsonl(native(1), {"messages": [{"role": "user", "content": "no id"}]}))
    result = ingest(tmp_path / "t.db", src)
    assert result.exit_code == 0, result.stderr
    line = result.stdout.strip()
    assert "\n" not in line
    assert line.startswith("2 traces landed; 0 duplicates skipped; 0 rejected;")
    assert "files read: 1 tracereader" in line and "PII replaced:" in line
    assert "1 timestamps set to ingest time" in line
    assert line.endswith("names NOT detected (--no-ner)")
    store = Store.open(tmp_path / "t.db")
    inferred = store.db.execute("select count(*) from traces where timestamp_inferred = 1")
    assert inferred.fetchone()[0] == 1
    run_row = next(iter(store.db.query("select * from ingest_runs")))
    assert (run_row["ok"], run_row["rejected"], run_row["ner"]) == (2, 0, 0)
    assert run_row["format"] == "tracereader" and run_row["finished_at"]
    store.close()


YAML_WITH_DATES = (
    b"id: t-1\ntimestamp: 2026-11-02T14:03:11Z\nmessages:\n"
    b"  - {role: user, content: hi}\nmetadata: {day: 2026-11-02}\n"
)


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("a.json", json.dumps([native(1), native(2)]).encode()),
        ("a.json.gz", json.dumps(native(1)).encode()),
        ("a.jsonl.gz", jsonl(native(1), native(2)).encode()),
        ("a.yaml", b"- id: t-1\n  messages:\n    - {role: user, content: hi}\n"),
        ("a.yml.gz", YAML_WITH_DATES),
    ],
    ids=["json-array", "json-object-gz", "jsonl-gz", "yaml-list", "yaml-gz-dates"],
)
def test_file_kinds_land(tmp_path: Path, name: str, body: bytes, stub: None) -> None:
    src = tmp_path / name
    src.write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    result = ingest(tmp_path / "t.db", src)
    assert result.exit_code == 0, result.stderr
    assert "t-1" in stored_ids(tmp_path / "t.db")


def test_openai_shapes_are_detected_and_land(tmp_path: Path, stub: None) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "lines.jsonl").write_text(
        jsonl(
            {
                "created": 1_790_000_000,
                "model": "gpt-4o",
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                    {"role": "assistant", "content": "hello"},
                ],
            }
        )
    )
    (folder / "pairs.json").write_text(
        json.dumps(
            [
                {
                    "request": {"messages": [{"role": "user", "content": "refund?"}]},
                    "response": {
                        "id": "chatcmpl-9",
                        "created": 1_790_000_100,
                        "choices": [{"message": {"role": "assistant", "content": "sure"}}],
                    },
                }
            ]
        )
    )
    result = ingest(tmp_path / "t.db", folder)
    assert result.exit_code == 0, result.stderr
    assert "files read: 2 openai" in result.stdout
    store = Store.open(tmp_path / "t.db")
    stored = store.get_trace("chatcmpl-9")
    assert stored is not None and stored.format == "openai"
    assert [m.content for m in stored.trace.messages] == ["refund?", "sure"]
    store.close()


def test_ambiguous_and_unknown_files_are_usage_errors(tmp_path: Path, stub: None) -> None:
    mixed = tmp_path / "mixed.jsonl"
    hello = [{"role": "user", "content": "hello"}]
    mixed.write_text(jsonl({"messages": hello}, {"messages": hello, "choices": []}))
    result = ingest(tmp_path / "t.db", mixed)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "--format" in result.stderr and "openai" in result.stderr
    unknown = tmp_path / "other.json"
    unknown.write_text('{"rows": [1, 2]}')
    result = ingest(tmp_path / "t.db", unknown)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "tracereader" in result.stderr and "openai" in result.stderr
    assert ingest(tmp_path / "t.db", "--format", "openai", mixed).exit_code == 0


def test_unknown_file_inside_a_folder_is_only_rejected(tmp_path: Path, stub: None) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "good.jsonl").write_text(jsonl(native(1)))
    (folder / "package.json").write_text('{"name": "app"}')
    result = ingest(tmp_path / "t.db", folder)
    assert result.exit_code == 1
    assert f"{folder / 'package.json'}:1: file skipped: " in result.stderr
    assert stored_ids(tmp_path / "t.db") == {"t-1"}


def test_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    good = tmp_path / "a.jsonl"
    good.write_text(jsonl(native(1)))
    (tmp_path / "notes.txt").write_text("x")
    bad_config = tmp_path / "bad.yaml"
    bad_config.write_text("daily_minutes: [\n")
    no_model = tmp_path / "nomodel.yaml"
    no_model.write_text("ner_model: no_such_spacy_model\n")
    cases = [
        ("ingest", "--db", db, "--no-ner", "--format", "nope", good),
        ("ingest", "--db", db, "--no-ner", tmp_path / "missing.jsonl"),
        ("ingest", "--db", db, "--no-ner", tmp_path / "notes.txt"),
        ("ingest", "--db", db, "--no-ner", "--config", bad_config, good),
        ("ingest", "--db", db, "--no-ner", "--config", tmp_path / "absent.yaml", good),
        ("ingest", "--db", db, "--config", no_model, good),
    ]
    for args in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("tracereader: ")
        assert "Traceback" not in result.stderr
    assert "--no-ner" in run(*cases[-1]).stderr  # says how to get going
    assert stored_ids(db) == set()


def test_salt_problems_are_usage_errors(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    first = tmp_path / "a.jsonl"
    first.write_text(jsonl(native(1, user_id="u-1")))
    assert ingest(db, first).exit_code == 0
    salt = locations.salt_path()
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    salt.unlink()
    second = tmp_path / "b.jsonl"
    second.write_text(jsonl(native(2, user_id="u-1")))
    result = ingest(db, second)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "salt" in result.stderr
    assert stored_ids(db) == {"t-1"}


def test_database_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "data" / "t.db"
    src = tmp_path / "a.jsonl"
    src.write_text(jsonl(native(1)))
    keep_open = Store.open(db)  # a second connection keeps the WAL and SHM files on disk
    try:
        assert ingest(db, src).exit_code == 0
        written = [p for p in db.parent.iterdir()]
        assert {p.name for p in written} >= {"t.db", "t.db-wal", "t.db-shm"}
        for path in written:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    finally:
        keep_open.close()


def test_ingest_help_is_one_line_in_the_group() -> None:
    result = run("--help")
    line = next(ln for ln in result.stdout.splitlines() if ln.strip().startswith("ingest"))
    assert "Read trace files" in line
    help_text = run("ingest", "--help").stdout
    assert "--format" in help_text and "openai" in help_text and "--no-ner" in help_text


def test_progress_is_silent_when_not_a_terminal(tmp_path: Path, stub: None) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(jsonl(*(native(i) for i in range(450))))
    result = ingest(tmp_path / "t.db", src)
    assert result.exit_code == 0
    assert result.stderr.strip().splitlines() == [
        f"{src}: read as tracereader (auto-detected)",
        "warning: names are NOT being detected; install a model with "
        "pip install 'tracereader[ner]' and drop --no-ner",
    ]
    assert len(stored_ids(tmp_path / "t.db")) == 450
    assert os.path.exists(tmp_path / "t.db")


def test_ner_problem_stops_before_any_file_is_read(tmp_path: Path) -> None:
    bad_only = tmp_path / "a.jsonl"
    bad_only.write_text("not json\n")
    config = tmp_path / "nomodel.yaml"
    config.write_text("ner_model: no_such_spacy_model\n")
    db = tmp_path / "t.db"
    result = run("ingest", "--db", db, "--config", config, bad_only)
    assert result.exit_code == 2 and "a.jsonl" not in result.stderr
    retry = run("ingest", "--db", db, "--no-ner", bad_only)  # not remembered as read
    assert retry.exit_code == 1 and f"{bad_only}:1: malformed JSON" in retry.stderr


def test_text_in_fields_a_reader_does_not_read_is_reported_once_per_file(
    tmp_path: Path, stub: None
) -> None:
    log = tmp_path / "responses.jsonl"
    rows = [
        json.loads(line)
        for line in (FIXTURES / "openai-responses" / "responses_log.jsonl").read_text().splitlines()
    ]
    for row in rows[:3]:  # three records hold text where no Responses field is read
        row["response"]["output"][0]["foo"] = "the carrier said Tuesday"
    log.write_text(jsonl(*rows))
    result = ingest(tmp_path / "t.db", log)
    assert result.exit_code == 0, result.stderr  # the traces landed: loud, not rejected
    notices = [line for line in result.stderr.splitlines() if "does not read" in line]
    assert notices == [
        f"{log}: 3 records had text in fields this reader does not read: response.output[].foo"
    ]
    assert "Tuesday" not in result.stderr + result.stdout
    assert "3 records with text not read (see above)" in result.stdout


def test_braintrust_orphan_comments_are_told_in_the_shared_text_not_read_wording(
    tmp_path: Path, stub: None
) -> None:
    log = tmp_path / "feedback.jsonl"
    log.write_bytes((FIXTURES / "braintrust" / "feedback.jsonl").read_bytes())
    result = ingest(tmp_path / "t.db", log)
    assert result.exit_code == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "not read" in line]
    assert notices == [
        f"{log}: 1 records had text not read: "
        "comment or feedback rows naming a row not in this file"
    ]
    assert "1 records with text not read (see above)" in result.stdout
    assert "follow up" not in result.stderr + result.stdout


def test_a_record_that_yields_no_message_is_a_rejection(tmp_path: Path, stub: None) -> None:
    src = tmp_path / "agents.jsonl"
    trace = {"object": "trace", "id": "trace_1", "workflow_name": "w"}
    guard = {
        "object": "trace.span",
        "id": "span_1",
        "trace_id": "trace_2",
        "parent_id": None,
        "span_data": {"type": "guardrail", "name": "g", "triggered": False},
    }
    src.write_text(jsonl(trace, guard))
    result = ingest(tmp_path / "t.db", src, "--format", "openai-agents")
    assert result.exit_code == 1
    assert f"{src}:1: record yields no message" in result.stderr
    assert f"{src}:2: record yields no message" in result.stderr
    assert not stored_ids(tmp_path / "t.db")


def test_a_file_name_that_is_not_utf8_is_read_and_named_with_its_byte_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.fsdecode(os.fsencode(folder) + b"/bad\xffname.jsonl")
    Path(odd).write_text(jsonl(native(1), native(2)) + "not json\n")
    for n, given in enumerate((folder, Path(odd))):
        db = tmp_path / f"{n}.db"
        result = ingest(db, given)
        assert "bad\\xffname.jsonl:3: malformed JSON" in result.stderr
        assert "2 traces landed" in result.stdout
        assert Store.open(db).db.execute("select count(*) from traces").fetchone()[0] == 2
        assert "1 unchanged files skipped" in ingest(db, given).stdout
