"""Leak test for every importer: PII planted in each format's fields never reaches disk."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from format_helpers import FIXTURES, jsonl_lines

from tracereader.config import load_settings
from tracereader.ingest import ingest_paths
from tracereader.privacy import analyzer
from tracereader.store import Store

RAW = ["Jane Doe", "jane.doe@example.com", "415 555 0132", "Maria Lopez", "maria.lopez@example.org"]
"""Planted values (fixtures plant Jane's; the extra records below plant Maria's in other fields)."""
MARIA = "Maria Lopez (maria.lopez@example.org)"


@pytest.fixture(scope="module", autouse=True)
def ner_loaded_once() -> Iterator[None]:
    """Load the spaCy model once for this module, however many ingests run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzer, "load_ner_pipeline", functools.cache(analyzer.load_ner_pipeline))
        yield


def _extra_langsmith() -> list[dict[str, Any]]:
    return [
        {
            "id": "11111111-1111-1111-1111-111111111111",
            "trace_id": "11111111-1111-1111-1111-111111111111",
            "run_type": "chain",
            "name": "refund",
            "start_time": "2026-11-02T15:00:00Z",
            "inputs": {"input": f"refund for {MARIA}"},
            "outputs": None,
            "error": f"KeyError: no refund for {MARIA}",
            "tags": [MARIA],
            "extra": {"metadata": {"session_id": MARIA, "user_id": MARIA, "note": MARIA}},
            "feedback_stats": {"user_score": {"n": 1, "avg": 1, "comments": [MARIA]}},
        }
    ]


def _extra_langfuse() -> list[dict[str, Any]]:
    return [
        {
            "id": "lf-maria",
            "timestamp": "2026-11-02T15:00:00Z",
            "name": "refund",
            "userId": MARIA,
            "sessionId": MARIA,
            "release": "v2",
            "input": {"messages": [{"role": "user", "content": f"I am {MARIA}"}]},
            "output": {"role": "assistant", "content": f"Hello {MARIA}"},
            "metadata": {"customer": MARIA},
            "tags": [MARIA],
            "observations": [
                {
                    "id": "o1",
                    "traceId": "lf-maria",
                    "type": "TOOL",
                    "name": "refund",
                    "startTime": "2026-11-02T15:00:01Z",
                    "input": {"customer": MARIA},
                    "output": f"refunded {MARIA}",
                    "level": "ERROR",
                    "statusMessage": f"partial refund for {MARIA}",
                }
            ],
            "scores": [
                {"name": "user-feedback", "dataType": "NUMERIC", "value": 0, "comment": MARIA}
            ],
        }
    ]


def _extra_otlp() -> list[dict[str, Any]]:
    def attr(key: str, value: Any) -> dict[str, Any]:
        return {"key": key, "value": {"stringValue": value}}

    span = {
        "traceId": "ab" * 16,
        "spanId": "cd" * 8,
        "name": "turn",
        "startTimeUnixNano": "1793632800000000000",
        "endTimeUnixNano": "1793632801000000000",
        "attributes": [
            attr("openinference.span.kind", "LLM"),
            attr("user.id", MARIA),
            attr("session.id", MARIA),
            attr("llm.input_messages.0.message.role", "user"),
            attr("llm.input_messages.0.message.content", f"I am {MARIA}"),
            {"key": "customer", "value": {"kvlistValue": {"values": [attr("name", MARIA)]}}},
        ],
        "events": [{"name": "exception", "attributes": [attr("exception.message", MARIA)]}],
        "status": {"code": 2, "message": f"failed for {MARIA}"},
    }
    resource = {"attributes": [attr("service.name", "shop"), attr("deployment.environment", MARIA)]}
    return [{"resourceSpans": [{"resource": resource, "scopeSpans": [{"spans": [span]}]}]}]


def _extra_braintrust() -> list[dict[str, Any]]:
    return [
        {
            "id": "bt-maria",
            "span_id": "s1",
            "root_span_id": "r-maria",
            "span_parents": None,
            "span_attributes": {"name": "refund", "type": "task"},
            "input": {"question": f"I am {MARIA}"},
            "output": f"Hello {MARIA}",
            "expected": MARIA,
            "metadata": {"user_id": MARIA, "session_id": MARIA, "comment": MARIA},
            "scores": {"user_thumbs": 1},
            "error": f"ValueError: {MARIA}",
            "tags": [MARIA],
            "metrics": {"start": 1793632800.0, "end": 1793632801.0},
        }
    ]


EXTRA = {
    "langsmith": ("langsmith/runs.jsonl", _extra_langsmith),
    "langfuse": ("langfuse/traces.jsonl", _extra_langfuse),
    "otlp": ("otlp/openinference_openai.jsonl", _extra_otlp),
    "braintrust": ("braintrust/logs.jsonl", _extra_braintrust),
}


@pytest.mark.parametrize("fmt", sorted(EXTRA))
def test_planted_pii_never_reaches_disk(
    fmt: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    fixture, extra = EXTRA[fmt]
    inputs = tmp_path_factory.mktemp(f"input-{fmt}")  # outside tmp_path, which is searched
    rows = jsonl_lines(FIXTURES / fixture) + extra()
    source = inputs / f"{fmt}.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert all(value in source.read_text() for value in RAW)
    settings = load_settings(None)
    store = Store.open(tmp_path / "leak.db")
    summary = ingest_paths([source], store, settings)
    assert summary.ner_enabled
    assert summary.files == {str(source): fmt}
    assert summary.rejected == []
    assert summary.landed >= 2
    assert " ".join([*summary.rejected, summary.summary_line()]).count("@") == 0
    store.close()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "leak.db" for p in written)
    for path in written:
        data = path.read_bytes()
        for value in RAW:
            assert value.encode() not in data, f"{value!r} found in {path.name}"
    shutil.rmtree(inputs)
