"""The command line itself: a user's mistake is one line, and global options go either side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ingest_support import install_stub

from tracereader import locations
from tracereader.cli import cli


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli, [str(a) for a in args], env=env, prog_name="tracereader", catch_exceptions=False
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "--bogus", "x.jsonl"], "tracereader: No such option '--bogus' (see "),
        (["ingest"], "tracereader: Missing argument 'PATHS...' (see 'tracereader ingest --help')"),
        (["nosuch"], "tracereader: No such command 'nosuch' (see 'tracereader --help')"),
        (["status", "--db"], "tracereader: Option '--db' requires an argument"),
        (["--db"], "tracereader: Option '--db' requires an argument"),
        (["export", "--format", "pdf"], "tracereader: Invalid value for '--format'"),
        (["patterns", "merge", "--zz"], "(see 'tracereader patterns merge --help')"),
    ],
)
def test_a_usage_mistake_is_one_line_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Usage:" not in result.stderr


def test_help_stays_full() -> None:
    result = run("ingest", "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: tracereader ingest [OPTIONS] PATHS...")
    assert "--format NAME" in result.stdout and "--no-ner" in result.stdout
    top = run("--help")
    assert "--db FILE" in top.stdout and "ingest" in top.stdout


def write_trace(path: Path) -> Path:
    record = {"id": "t1", "timestamp": "2026-11-02T14:03:11Z", "messages": []}
    record["messages"] = [{"role": "user", "content": "hello"}]
    path.write_text(json.dumps(record) + "\n")
    return path


def test_db_and_config_work_before_and_after_the_subcommand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    trace = write_trace(tmp_path / "a.jsonl")
    config = tmp_path / "c.yaml"
    config.write_text("daily_minutes: [\n")  # broken: proves the config given is the one read
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    assert run("--db", before, "ingest", "--no-ner", trace).exit_code == 0
    assert run("ingest", "--db", after, "--no-ner", trace).exit_code == 0
    assert before.exists() and after.exists()
    for db in (before, after):
        for args in (["--db", db, "status", "--json"], ["status", "--json", "--db", db]):
            result = run(*args)
            assert result.exit_code == 0, result.stderr
            assert json.loads(result.stdout)["traces"] == 1
    for args in (["--config", config, "status", "--db", before], ["status", "--config", config]):
        result = run(*args)
        assert result.exit_code == 2 and result.stderr.startswith("tracereader: "), result.stderr


def test_an_option_typed_wins_over_the_environment_and_after_wins_over_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_stub(monkeypatch)
    trace = write_trace(tmp_path / "a.jsonl")
    env_db, given, last = tmp_path / "env.db", tmp_path / "given.db", tmp_path / "last.db"
    env = {locations.DB_ENV: str(env_db)}
    assert run("--db", given, "ingest", "--no-ner", trace, env=env).exit_code == 0
    assert given.exists() and not env_db.exists()
    assert run("--db", given, "ingest", "--db", last, "--no-ner", trace).exit_code == 0
    assert last.exists()
