"""The OpenTelemetry exporter writes whole traces as OTLP JSON lines, read incrementally."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from format_helpers import records_of
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExportResult

from tracereader.config import load_settings
from tracereader.formats.otlp import FORMAT as OTLP
from tracereader.ingest import ingest_paths
from tracereader.otel import TraceReaderExporter, encode
from tracereader.store import Store


def run_turns(provider: TracerProvider, first: int, count: int) -> None:
    """`count` conversations, each a CHAIN span around an LLM span (OpenInference attributes)."""
    tracer = provider.get_tracer("test.agent")
    for n in range(first, first + count):
        with tracer.start_as_current_span("turn") as root:
            root.set_attribute("openinference.span.kind", "CHAIN")
            root.set_attribute("session.id", f"s-{n}")
            with tracer.start_as_current_span("llm") as llm:
                llm.set_attribute("openinference.span.kind", "LLM")
                llm.set_attribute("llm.model_name", "gpt-4o-mini")
                llm.set_attribute("llm.input_messages.0.message.role", "user")
                llm.set_attribute("llm.input_messages.0.message.content", f"question {n}")
                llm.set_attribute("llm.output_messages.0.message.role", "assistant")
                llm.set_attribute("llm.output_messages.0.message.content", f"answer {n}")
                llm.set_attribute("llm.token_count.total", 12)
                llm.set_attribute("tags", ["a", "b"])


def provider_for(folder: Path, batch: bool = True) -> tuple[TracerProvider, TraceReaderExporter]:
    exporter = TraceReaderExporter(folder)
    provider = TracerProvider(resource=Resource.create({"service.version": "v7"}))
    processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    return provider, exporter


def lines_in(folder: Path) -> list[dict[str, object]]:
    return [
        json.loads(line)
        for f in sorted(folder.glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]


def test_batch_processor_writes_one_whole_trace_per_line(tmp_path: Path) -> None:
    folder = tmp_path / "spans"
    provider, exporter = provider_for(folder)
    run_turns(provider, 0, 3)
    provider.shutdown()
    (daily,) = folder.glob("traces-*.jsonl")
    assert daily.name == exporter.path_for().name
    assert oct(daily.stat().st_mode & 0o777) == "0o600"
    docs = lines_in(folder)
    assert len(docs) == 3
    traces = [t for t in OTLP.convert(records_of(docs))]
    assert [[(m.role, m.content) for m in t.messages] for t in traces] == [  # type: ignore[union-attr]
        [("user", f"question {n}"), ("assistant", f"answer {n}")] for n in range(3)
    ]
    assert {t.release for t in traces} == {"v7"}  # type: ignore[union-attr]


def test_ingest_reads_the_folder_incrementally(tmp_path: Path) -> None:
    folder = tmp_path / "spans"
    provider, _ = provider_for(folder, batch=False)
    run_turns(provider, 0, 2)
    settings = load_settings(None)
    store = Store.open(tmp_path / "db.sqlite")
    first = ingest_paths([folder], store, settings, no_ner=True)
    assert (first.landed, first.rejected) == (2, [])
    assert set(first.files.values()) == {"otlp"}
    run_turns(provider, 2, 3)
    provider.shutdown()
    second = ingest_paths([folder], store, settings, no_ner=True)
    assert (second.landed, second.duplicates, second.rejected) == (3, 0, [])
    store.close()


def test_held_spans_are_flushed_and_failures_never_raise(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    provider, exporter = provider_for(blocker / "spans", batch=False)
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("root"):
        pass  # the write fails: the folder cannot be created under a file
    assert exporter.force_flush() is True  # nothing held
    provider.shutdown()
    assert exporter.export([]) is SpanExportResult.FAILURE  # after shutdown: quiet failure


def test_open_traces_are_written_on_flush_and_when_too_old(tmp_path: Path) -> None:
    exporter = TraceReaderExporter(tmp_path / "spans", max_hold_seconds=0)
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("root"):
        with tracer.start_as_current_span("child"):
            pass
        with tracer.start_as_current_span("second child"):
            pass  # exporting this one releases the first child, held longer than 0 s
        assert len(lines_in(tmp_path / "spans")) >= 1
    provider.shutdown()
    names = [
        s["name"]
        for d in lines_in(tmp_path / "spans")
        for rs in d["resourceSpans"]
        for ss in rs["scopeSpans"]
        for s in ss["spans"]
    ]  # type: ignore[index]
    assert sorted(names) == ["child", "root", "second child"]


def test_daily_file_is_named_by_utc_day(tmp_path: Path) -> None:
    exporter = TraceReaderExporter(tmp_path)
    late_evening = datetime(2026, 11, 2, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert exporter.path_for(late_evening).name == "traces-2026-11-03.jsonl"
    assert exporter.path_for(datetime(2026, 1, 9, tzinfo=UTC)).name == "traces-2026-01-09.jsonl"


WRITER = textwrap.dedent(
    """
    import sys
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from tracereader.otel import TraceReaderExporter
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(TraceReaderExporter(sys.argv[1])))
    tracer = provider.get_tracer("w")
    for n in range(40):
        with tracer.start_as_current_span("turn") as span:
            span.set_attribute("input.value", sys.argv[2] * 20_000)
    provider.shutdown()
    """
)


def test_two_processes_appending_at_once_write_only_whole_lines(tmp_path: Path) -> None:
    folder = tmp_path / "spans"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), letter], env=env)
        for letter in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    docs = lines_in(folder)  # every line parses: no interleaving inside a line
    assert len(docs) == 80
    values = [
        s["attributes"][0]["value"]["stringValue"]  # type: ignore[index]
        for d in docs
        for rs in d["resourceSpans"]  # type: ignore[attr-defined]
        for ss in rs["scopeSpans"]
        for s in ss["spans"]
    ]
    assert sorted({v[0] for v in values}) == ["a", "b"]
    assert all(v == v[0] * 20_000 for v in values)


def test_encoding_matches_the_official_otlp_encoder(tmp_path: Path) -> None:
    pytest.importorskip("opentelemetry.exporter.otlp.proto.common")
    from google.protobuf.json_format import MessageToDict
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import Status, StatusCode

    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "s"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("t", "1.0")
    with tracer.start_as_current_span("root") as root:
        root.set_attribute("n", 2**40)
        root.set_attribute("f", 0.25)
        root.set_attribute("ok", True)
        root.set_attribute("xs", ["a", "b"])
        root.add_event("evt", {"k": "v"})
        root.set_status(Status(StatusCode.ERROR, "bad"))
        with tracer.start_as_current_span("child"):
            pass
    spans = memory.get_finished_spans()
    ours = encode(spans)
    official = MessageToDict(encode_spans(spans), use_integers_for_enums=True)

    def essentials(doc: dict[str, Any], hex_ids: bool) -> list[tuple[Any, ...]]:
        out = []
        for rs in doc["resourceSpans"]:
            for ss in rs["scopeSpans"]:
                for s in ss["spans"]:
                    ids = [s.get(k) for k in ("traceId", "spanId", "parentSpanId")]
                    if not hex_ids:
                        ids = [base64.b64decode(i).hex() if i else None for i in ids]
                    out.append(
                        (
                            *ids,
                            s["name"],
                            s["kind"],
                            s["startTimeUnixNano"],
                            s["endTimeUnixNano"],
                            json.dumps(s.get("attributes", []), sort_keys=True),
                            json.dumps(s.get("events", []), sort_keys=True),
                            s.get("status", {}).get("code"),
                            ss["scope"]["name"],
                        )
                    )
        return sorted(out, key=lambda row: row[3])

    assert essentials(ours, True) == essentials(official, False)


def test_span_with_a_remote_parent_is_a_local_root(tmp_path: Path) -> None:
    from opentelemetry import trace as otel_trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    provider, _ = provider_for(tmp_path / "spans", batch=False)
    remote = SpanContext(0xABC, 0xDEF, is_remote=True, trace_flags=TraceFlags(1))
    context = otel_trace.set_span_in_context(NonRecordingSpan(remote))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("handler", context=context):
        with tracer.start_as_current_span("llm"):
            pass
        assert lines_in(tmp_path / "spans") == []  # held until the local root ends
    assert len(lines_in(tmp_path / "spans")) == 1
    provider.shutdown()
