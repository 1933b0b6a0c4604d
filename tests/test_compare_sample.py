"""On the sample traces: v1.5 fixed wrong_tool (a significant drop); hallucinated_policy held."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracereader.cli import cli
from tracereader.compare import compare, known_releases
from tracereader.config import load_settings
from tracereader.ingest import ingest_paths
from tracereader.sample_reviews import apply_sample_reviews
from tracereader.store import Store

SAMPLES = Path(__file__).resolve().parent.parent / "sample_traces"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The native sample traces ingested without NER (fast) and reviewed from reviews.csv."""
    folder = tmp_path_factory.mktemp("sample")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRACEREADER_HOME", str(folder / "home"))
    path = folder / "sample.sqlite"
    store = Store.open(path)
    settings = load_settings(create=False)
    summary = ingest_paths([SAMPLES / "native"], store, settings, no_ner=True)
    assert summary.landed > 0
    assert apply_sample_reviews(store, SAMPLES / "reviews.csv") > 0
    store.close()
    mp.undo()
    yield path


def test_releases_in_first_seen_order(sample_db: Path) -> None:
    store = Store.open(sample_db)
    assert known_releases(store) == ["v1.4", "v1.5"]
    store.close()


def test_fixed_failure_mode_is_significant(sample_db: Path) -> None:
    store = Store.open(sample_db)
    result = compare(
        store,
        load_settings(create=False),
        pattern="wrong_tool",
        release_before="v1.4",
        release_after="v1.5",
    )
    store.close()
    assert result.result.significant and result.direction == "fell"
    assert result.verdict().startswith("evidence of a change (p ")


def test_unchanged_failure_mode_is_not(sample_db: Path) -> None:
    store = Store.open(sample_db)
    result = compare(
        store, load_settings(create=False), tag="hallucinated_policy", release_after="v1.5"
    )
    store.close()
    assert not result.result.significant
    assert result.verdict().startswith("not evidence yet (p = ")
    assert "reviewed traces per side" in result.verdict() or result.needed_per_side is None


def test_sample_lifecycle_through_the_cli(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.sqlite"
    db.write_bytes(sample_db.read_bytes())
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["fixed", "wrong_tool", "--release", "v1.5", "--db", str(db)]).exit_code
        == 0
    )
    assert (
        runner.invoke(
            cli, ["fixed", "hallucinated_policy", "--release", "v1.5", "--db", str(db)]
        ).exit_code
        == 0
    )
    for name, state in (("wrong_tool", "validated"), ("hallucinated_policy", "not_validated")):
        out = runner.invoke(
            cli,
            ["compare", "--pattern", name, "--release-after", "v1.5", "--db", str(db), "--json"],
        )
        assert out.exit_code == 0, out.stderr
        assert json.loads(out.stdout)["action_item"]["state"] == state
    out = runner.invoke(cli, ["export", "--format", "json", "--db", str(db)])
    states = {i["key"]: i["state"]["state"] for i in json.loads(out.stdout)["items"]}
    assert states["tag:wrong_tool"] == "validated"
    assert states["tag:hallucinated_policy"] == "not_validated"
    assert "open" in states.values()
