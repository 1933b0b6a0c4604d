"""Nothing stored can break a later command: odd rows written straight into the database.

`odd_rows.fill_odd_store` writes what ingest never would (year 1, garbage timestamps, JSON
that is not JSON, text in number columns, NUL and escapes, invalid UTF-8) next to normal
reviewed traces; every reading command and the app must still work, without a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from odd_rows import fill_odd_store

from tracereader.cli import cli

COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["patterns"],
    ["patterns", "--json"],
    ["patterns", "--json", "--min-count", "1"],
    ["export", "--format", "md"],
    ["export", "--format", "md", "--all"],
    ["export", "--format", "json", "--all"],
    ["export", "--format", "csv", "--all"],
    ["export", "--format", "jsonl"],
    ["export", "--format", "jsonl", "--platform", "langsmith"],
    ["export", "--format", "jsonl", "--platform", "langfuse"],
    ["export", "--format", "jsonl", "--platform", "braintrust"],
    ["compare", "--tag", "wrong_tool", "--release-after", "v2"],
    ["compare", "--tag", "wrong_tool", "--release-after", "v2", "--json"],
    ["compare", "--tag", "wrong_tool", "--split-date", "2026-11-02", "--json"],
    ["compare", "--pattern", "wrong_tool", "--release-before", "v1", "--release-after", "v2"],
    ["fixed", "wrong_tool", "--release", "v2", "--json"],
]


@pytest.fixture(scope="module")
def odd_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("odd") / "odd.db"
    fill_odd_store(db)
    return db


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_every_command_reads_odd_rows_without_a_traceback(odd_db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, [*args, "--db", str(odd_db)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if "--json" in args and result.exit_code == 0:
        json.loads(result.stdout)  # one JSON document, NaN-free
    if args[0] == "export" and "jsonl" in args:
        for line in result.stdout.splitlines():
            json.loads(line)


def test_status_counts_only_readable_in_range_days(odd_db: Path) -> None:
    result = CliRunner().invoke(cli, ["status", "--json", "--db", str(odd_db)])
    document = json.loads(result.stdout)
    days = sorted(document["daily"])
    assert days and days[0] == "2026-11-02", days  # the normal traces' first day
    assert document["first_trace_at"] == "2026-11-02T09:00:00Z"  # not year 1 nor garbage
    assert document["last_trace_at"] == "2026-11-02T10:50:00Z"  # not 9999
