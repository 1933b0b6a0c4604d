"""An OpenTelemetry span exporter that appends OTLP JSON to a daily file `tracereader ingest` reads.

For applications that log no traces yet: add `TraceReaderExporter(folder)` to the tracer provider
(behind a `BatchSpanProcessor`) and every finished trace lands as one line in
`folder/traces-YYYY-MM-DD.jsonl` (UTC day). Spans are held until their trace's local root span
ends, so each line is a whole trace and incremental ingests never see half of one; traces still
open after `max_hold_seconds`, or beyond `max_held_spans`, are written as they are. Each line is
written with one `os.write` on an `O_APPEND` descriptor, so concurrent processes never interleave
within a line. Export never raises into the application: failures return `SpanExportResult.FAILURE`.
Requires the `otel` extra (`pip install 'tracereader[otel]'`).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import StatusCode

FILE_PREFIX = "traces-"
MAX_LINE_BYTES = 8 * 1024 * 1024
"""Lines bigger than this are dropped (the reader's limit is 10 MB); values are never cut."""


def _any_value(value: Any) -> dict[str, Any]:
    """A Python attribute value as an OTLP JSON AnyValue."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, bytes):
        return {"bytesValue": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return {"arrayValue": {"values": [_any_value(v) for v in value]}}
    if isinstance(value, Mapping):
        return {"kvlistValue": {"values": _attributes(value)}}
    return {"stringValue": str(value)}


def _attributes(attrs: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [{"key": str(k), "value": _any_value(v)} for k, v in (attrs or {}).items()]


def _span(span: ReadableSpan) -> dict[str, Any]:
    """One finished span in OTLP JSON (hex ids, nanosecond times as strings, enums as integers)."""
    context = span.get_span_context()
    assert context is not None
    out: dict[str, Any] = {
        "traceId": format(context.trace_id, "032x"),
        "spanId": format(context.span_id, "016x"),
        "name": span.name,
        "kind": span.kind.value + 1,  # SDK's SpanKind.INTERNAL = 0; OTLP's SPAN_KIND_INTERNAL = 1
        "startTimeUnixNano": str(span.start_time or 0),
        "endTimeUnixNano": str(span.end_time or 0),
        "attributes": _attributes(span.attributes),
        "status": {},
    }
    if span.parent is not None:
        out["parentSpanId"] = format(span.parent.span_id, "016x")
    if span.events:
        out["events"] = [
            {
                "timeUnixNano": str(e.timestamp),
                "name": e.name,
                "attributes": _attributes(e.attributes),
            }
            for e in span.events
        ]
    if span.status.status_code is StatusCode.ERROR:
        out["status"] = {"code": 2, "message": span.status.description or ""}
    elif span.status.status_code is StatusCode.OK:
        out["status"] = {"code": 1}
    return out


def encode(spans: Sequence[ReadableSpan]) -> dict[str, Any]:
    """OTLP JSON `{"resourceSpans": …}` for spans, grouped by resource and instrumentation scope."""
    resources: dict[int, tuple[Any, dict[tuple[str, str], list[dict[str, Any]]]]] = {}
    for span in spans:
        resource_key = id(span.resource)
        _, scopes = resources.setdefault(resource_key, (span.resource, {}))
        scope = span.instrumentation_scope
        scope_key = (scope.name, scope.version or "") if scope else ("", "")
        scopes.setdefault(scope_key, []).append(_span(span))
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": _attributes(resource.attributes if resource else {})},
                "scopeSpans": [
                    {
                        "scope": {"name": name, **({"version": version} if version else {})},
                        "spans": items,
                    }
                    for (name, version), items in scopes.items()
                ],
            }
            for resource, scopes in resources.values()
        ]
    }


class TraceReaderExporter(SpanExporter):
    """Append finished traces as OTLP JSON lines to `folder/traces-YYYY-MM-DD.jsonl`."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        max_hold_seconds: float = 300.0,
        max_held_spans: int = 10_000,
    ) -> None:
        self.folder = Path(folder)
        self.max_hold_seconds = max_hold_seconds
        self.max_held_spans = max_held_spans
        self._held: OrderedDict[int, tuple[float, list[ReadableSpan]]] = OrderedDict()
        self._held_count = 0
        self._lock = threading.Lock()
        self._shutdown = False
        self.dropped_lines = 0

    def path_for(self, moment: datetime | None = None) -> Path:
        """The file for a UTC day (today by default)."""
        day = (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d")
        return self.folder / f"{FILE_PREFIX}{day}.jsonl"

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Hold spans until their trace's local root ends, then write each whole trace as a line."""
        if self._shutdown:
            return SpanExportResult.FAILURE
        try:
            ready: list[list[ReadableSpan]] = []
            with self._lock:
                now = time.monotonic()
                for span in spans:
                    context = span.get_span_context()
                    if context is None:
                        continue
                    _, held = self._held.setdefault(context.trace_id, (now, []))
                    held.append(span)
                    self._held_count += 1
                    if span.parent is None or span.parent.is_remote:
                        ready.append(self._release(context.trace_id))
                ready += self._expired(now)
            return self._write(ready)
        except Exception:  # an exporter must never break the application
            return SpanExportResult.FAILURE

    def _release(self, trace_id: int) -> list[ReadableSpan]:
        _, spans = self._held.pop(trace_id, (0.0, []))
        self._held_count -= len(spans)
        return spans

    def _expired(self, now: float) -> list[list[ReadableSpan]]:
        out = []
        while self._held and (
            self._held_count > self.max_held_spans
            or now - next(iter(self._held.values()))[0] > self.max_hold_seconds
        ):
            out.append(self._release(next(iter(self._held))))
        return out

    def _write(self, traces: list[list[ReadableSpan]]) -> SpanExportResult:
        """Write each trace as one line with one O_APPEND write (atomic w.r.t. other appenders)."""
        lines = []
        for spans in traces:
            if not spans:
                continue
            line = json.dumps(encode(spans), ensure_ascii=False, separators=(",", ":"))
            data = (line + "\n").encode("utf-8")
            if len(data) > MAX_LINE_BYTES:
                self.dropped_lines += 1
                continue
            lines.append(data)
        if not lines:
            return SpanExportResult.SUCCESS
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path_for(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            for data in lines:
                written = os.write(fd, data)
                if written != len(data):
                    return SpanExportResult.FAILURE
        finally:
            os.close(fd)
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Write every trace still held (their roots have not ended yet)."""
        try:
            with self._lock:
                pending = [self._release(key) for key in list(self._held)]
            return self._write(pending) is SpanExportResult.SUCCESS
        except Exception:
            return False

    def shutdown(self) -> None:
        """Flush what is held; later exports fail quietly."""
        self.force_flush()
        self._shutdown = True
