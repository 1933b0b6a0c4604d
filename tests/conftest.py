"""Shared fixtures: every test runs with its data, config and salt under its own tmp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracereader.store import Store

REPO = Path(__file__).resolve().parent.parent
SAMPLE_TRACES = REPO / "sample_traces"


@pytest.fixture(autouse=True)
def hermetic_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point TRACEREADER_HOME at a fresh folder and clear the other location overrides."""
    home = tmp_path / "home"
    monkeypatch.setenv("TRACEREADER_HOME", str(home))
    monkeypatch.delenv("TRACEREADER_DB", raising=False)
    monkeypatch.delenv("TRACEREADER_CONFIG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    # Tests measure the default install (TF-IDF); tests of the embeddings extra turn it on.
    monkeypatch.setenv("TRACEREADER_EMBEDDINGS", "off")
    return home


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh on-disk store in the test's folder."""
    s = Store.open(tmp_path / "test.db")
    yield s
    s.close()
