"""Vercel AI SDK telemetry (the real `ai` package, OTLP JSON) read whole, and told from GenAI."""

from __future__ import annotations

import pytest
from format_helpers import FIXTURES, convert, detected, read_records, roles

from tracereader.formats import FORMATS
from tracereader.formats.detect import DetectionError, choose
from tracereader.formats.ledger import Unplaced
from tracereader.formats.otlp import VERCEL_FORMAT
from tracereader.model import Rejection

LEGACY = FIXTURES / "vercel-ai" / "generate_text.jsonl"
GENAI = FIXTURES / "otlp" / "vercel_ai_genai.jsonl"
WHOLE = ["system", "user", "assistant", "tool", "assistant"]


def test_ai_attributes_are_detected_and_read_whole() -> None:
    assert detected(LEGACY) == "vercel-ai"
    (trace,), rejected = convert(LEGACY)
    assert rejected == []
    assert roles(trace) == WHOLE
    call = trace.messages[2].tool_calls[0]
    assert (call.name, call.arguments, call.id) == (
        "lookupOrder",
        {"email": "jane.doe@example.com"},
        "call_1",
    )
    assert trace.messages[3].tool_call_id == "call_1"
    assert (
        trace.messages[3].content is not None and '"status": "shipped"' in trace.messages[3].content
    )
    assert trace.messages[-1].content == "Your order shipped yesterday, Jane."
    assert (trace.user_id, trace.session_id) == ("u-jane-42", "chat-jane-1")
    assert trace.model == "gpt-4o-mini-2024-07-18"
    assert trace.metadata["source"] == "vercel-ai"
    assert trace.metadata["metadata.functionId"] == "support-turn"


def test_the_same_call_in_genai_conventions_is_otlp_and_reads_the_same() -> None:
    assert detected(GENAI) == "otlp"
    (trace,), rejected = convert(GENAI)
    assert rejected == [] and roles(trace) == WHOLE
    assert trace.metadata["agent"] == "support-turn"


@pytest.mark.parametrize("path", [LEGACY, GENAI], ids=["vercel-ai", "genai"])
def test_every_string_of_the_spans_is_kept_or_declared(path) -> None:  # type: ignore[no-untyped-def]
    fmt = FORMATS[detected(path)]
    out = list(fmt.convert(read_records(path)))
    assert [o for o in out if isinstance(o, Unplaced | Rejection)] == []


def test_a_file_mixing_vercel_and_genai_documents_asks_for_format() -> None:
    docs = [read_records(LEGACY)[0].value, read_records(GENAI)[0].value]
    with pytest.raises(DetectionError, match=r"--format (otlp|vercel-ai)"):
        choose(docs)
    assert VERCEL_FORMAT.sniff(docs[0]) and not VERCEL_FORMAT.sniff(docs[1])
