"""The `embeddings` extra: WordLlama loads from its own wheel and never opens a socket."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tracereader import embeddings
from tracereader.similarity import SimilarityIndex

REPO = Path(__file__).resolve().parent.parent
NO_NETWORK = textwrap.dedent(
    """
    import json, socket

    opened = []

    def deny(*args, **kwargs):
        opened.append(repr(args)[:80])
        raise OSError("tracereader test: no network")

    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(socket.socket, name, deny)
    socket.create_connection = deny
    socket.getaddrinfo = deny

    from tracereader.embeddings import default_embedder
    from tracereader.similarity import SimilarityIndex

    embedder = default_embedder()
    vectors = embedder.embed(["called the wrong tool", "the reply was rude"])
    index = SimilarityIndex(["wrong tool", "rude reply"])
    print(json.dumps({"name": embedder.name, "shape": list(vectors.shape),
                      "norm": float((vectors[0] ** 2).sum()), "method": index.method,
                      "top": index.top("snarky answer", 1), "opened": opened}))
    """
)


def test_wordllama_loads_offline_and_opens_no_socket() -> None:
    pytest.importorskip("wordllama")
    env = {**os.environ, "TRACEREADER_EMBEDDINGS": "on", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["opened"] == []
    assert facts["name"] == "wordllama" and facts["shape"] == [2, 256]
    assert facts["norm"] == pytest.approx(1.0, abs=1e-4)
    assert facts["method"] == "tfidf+wordllama"
    assert facts["top"] == [1]  # "snarky" shares no letters with "rude": the embedding knows


def test_embeddings_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEREADER_EMBEDDINGS", "off")
    assert embeddings.default_embedder() is None
    assert SimilarityIndex(["a note"]).method == "tfidf"


def test_without_the_extra_similarity_is_tfidf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEREADER_EMBEDDINGS", "on")
    monkeypatch.setitem(sys.modules, "wordllama", None)  # as if it were not installed
    embeddings._load_wordllama.cache_clear()
    try:
        assert embeddings.default_embedder() is None
        assert SimilarityIndex(["a note"]).method == "tfidf"
    finally:
        embeddings._load_wordllama.cache_clear()
