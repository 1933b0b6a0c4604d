"""`tracereader status`: the JSON document's keys and values, the table, and a light import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result
from ingest_support import install_stub

from tracereader.cli import cli
from tracereader.config import load_settings
from tracereader.ingest import ingest_paths
from tracereader.status import collect_status
from tracereader.store import Store
from tracereader.timeutil import to_iso, utcnow

CORE_KEYS = {
    "traces",
    "messages",
    "reviewed",
    "tags",
    "first_trace_at",
    "last_trace_at",
    "last_ingest",
    "ner",
    "inferred_timestamps",
}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def fill(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    records = [
        {"id": "t-1", "timestamp": "2026-11-01T10:00:00Z", "messages": [{"role": "user"}] * 2},
        {"id": "t-2", "timestamp": "2026-11-03T09:30:00Z", "messages": [{"role": "user"}]},
        {"id": "t-3", "messages": [{"role": "user", "content": "no time"}]},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in records) + "oops\n")
    ingest_paths([src], store, load_settings(), no_ner=True)
    now = to_iso(utcnow())
    store.db["reviews"].insert({"trace_id": "t-1", "verdict": "fail", "reviewed_at": now})
    store.db["reviews"].insert({"trace_id": "t-2", "verdict": None, "reviewed_at": None})
    store.db["tags"].insert({"trace_id": "t-1", "tag": "wrong_tool", "created_at": now})


def test_collect_status_on_an_empty_store(store: Store) -> None:
    document = collect_status(store, load_settings())
    assert set(document) >= CORE_KEYS
    assert document["traces"] == 0 and document["last_ingest"] is None
    assert document["first_trace_at"] is None and document["ner"] is None


def test_collect_status_after_an_ingest(store: Store, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    install_stub(monkeypatch)
    fill(store, tmp_path)
    document = collect_status(store, load_settings())
    assert document["traces"] == 3 and document["messages"] == 4
    assert document["reviewed"] == 1 and document["tags"] == 1
    assert document["first_trace_at"] == "2026-11-01T10:00:00Z"
    # t-3 took the ingest time (today): it is counted, but it is not the newest trace.
    assert document["last_trace_at"] == "2026-11-03T09:30:00Z"
    assert document["inferred_timestamps"] == 1
    assert document["ner"] is False
    last = document["last_ingest"]
    assert (last["ok"], last["duplicates"], last["rejected"]) == (3, 0, 1)
    assert last["format"] == "tracereader" and last["ner"] is False
    assert last["started_at"] <= last["finished_at"]
    json.dumps(document, allow_nan=False)


def test_ner_mixed_when_traces_differ(store: Store) -> None:
    for i, ner in enumerate((1, 0)):
        store.db["traces"].insert({"id": f"t{i}", "timestamp": "2026-11-01T00:00:00Z", "ner": ner})
    assert collect_status(store, load_settings())["ner"] == "mixed"


def test_status_command_json_and_table(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    install_stub(monkeypatch)
    db = tmp_path / "t.db"
    store = Store.open(db)
    fill(store, tmp_path)
    store.close()
    result = run("status", "--db", db, "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert set(document) >= CORE_KEYS and document["traces"] == 3
    table = run("status", "--db", db)
    assert table.exit_code == 0
    assert "traces" in table.stdout and "last ingest" in table.stdout
    assert "OFF: names were not detected" in table.stdout


def test_status_without_a_database_is_a_usage_error(tmp_path: Path) -> None:
    result = run("status", "--db", tmp_path / "none.db")
    assert result.exit_code == 2
    assert result.stderr.startswith("tracereader: ") and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "none.db").exists()


def test_status_never_imports_presidio_or_spacy(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    Store.open(db).close()
    code = (
        "import sys\n"
        "from tracereader.cli import main\n"
        "try:\n"
        f"    main(['status', '--db', {str(db)!r}, '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "roots = ('presidio_analyzer', 'spacy', 'textual')\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in roots]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True
    )
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
