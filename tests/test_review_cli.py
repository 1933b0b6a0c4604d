"""The `review` and `demo` commands: usage errors are one line and exit 2; demo end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracereader.cli import cli
from tracereader.store import Store


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


def _tiny_samples(folder: Path) -> Path:
    folder.mkdir()
    lines = [
        {
            "id": f"s-{i}",
            "timestamp": f"2026-11-0{i}T10:00:00Z",
            "release": "v1",
            "messages": [
                {"role": "user", "content": "Where is my order?"},
                {"role": "assistant", "content": "It shipped."},
            ],
        }
        for i in (1, 2, 3)
    ]
    (folder / "day.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    (folder / "reviews.csv").write_text(
        "trace_id,verdict,tags,note,seconds\ns-1,fail,wrong_tool,,20\ns-2,pass,,,15\n"
        "s-3,pass,,,12\n"
    )
    return folder


def test_demo_ingests_pre_reviews_and_prints_status_without_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracereader.commands.review as review_command

    samples = _tiny_samples(tmp_path / "samples")
    monkeypatch.setattr(review_command, "sample_traces_dir", lambda: samples)
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"demo database: {db} (kept)" in result.output
    assert "loaded 3 sample traces" in result.output
    assert "pre-reviewed 2 older ones" in result.output  # 80% of 3, oldest first
    assert "not a terminal: printed the status" in result.output
    assert f"kept the demo database: {db}" in result.output
    store = Store.open(db)
    try:
        assert store.count("traces") == 3
        assert [r["tag"] for r in store.db.query("select tag from tags")] == ["wrong_tool"]
    finally:
        store.close()
    again = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_review_with_an_unknown_release_or_model_names_the_known_ones(tmp_path: Path) -> None:
    from review_traces import fill_store

    db = tmp_path / "x.db"
    fill_store(db, 3)
    store = Store.open(db)
    releases = sorted({r[0] for r in store.execute("select release from traces")})
    models = sorted({r[0] for r in store.execute("select model from traces")})
    store.close()
    base = ["review", "--db", str(db)]
    result = CliRunner().invoke(cli, [*base, "--release", "v9"])
    assert result.exit_code == 2
    assert result.output == (
        f"tracereader: unknown release 'v9'; known releases: {', '.join(releases)}\n"
    )
    result = CliRunner().invoke(cli, [*base, "--release", releases[0], "--model", "gpt-9"])
    assert result.exit_code == 2
    assert result.output == (
        f"tracereader: unknown model 'gpt-9'; known models: {', '.join(models)}\n"
    )
    result = CliRunner().invoke(cli, [*base, "--release", releases[0]])
    assert "interactive terminal" in result.output  # a known value gets as far as the app


def test_review_with_two_actions_on_one_key_says_where_in_the_config(tmp_path: Path) -> None:
    Store.open(tmp_path / "x.db").close()
    config = tmp_path / "config.yaml"
    config.write_text("keymap:\n  copy-id: Y\n  patterns-compare: g\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["review", "--db", str(tmp_path / "x.db"), "--config", str(config)]
    )
    assert result.exit_code == 2
    assert result.output == (
        f"tracereader: {config}:3: key 'g' is bound to both patterns-compare and "
        "patterns-merges on the patterns screen; give one of them another key in keymap:\n"
    )
