"""The `review` and `demo` commands: usage errors are one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracereader.cli import cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sample", "150%"], "percentage"),
        (["--since", "yesterday"], "YYYY-MM-DD"),
        (["--order", "loudest"], "loudest"),
    ],
)
def test_review_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["review", "--db", str(tmp_path / "x.db"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_review_without_a_database_says_to_ingest(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["review", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "run `tracereader ingest` first" in result.output
    assert not (tmp_path / "none.db").exists()


def test_review_needs_a_terminal(tmp_path: Path) -> None:
    from tracereader.store import Store

    Store.open(tmp_path / "x.db").close()
    result = CliRunner().invoke(cli, ["review", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "interactive terminal" in result.output


def test_demo_without_sample_traces_says_how_to_make_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracereader.commands.review as review_command

    monkeypatch.setattr(review_command, "sample_traces_dir", lambda: tmp_path / "missing")
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 2
    assert "no sample traces" in result.output and "generate.py" in result.output
