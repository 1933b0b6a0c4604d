"""Anonymize one batch of traces so that a single trace can cost only itself.

The batch goes through the anonymizer at once (batched NER is the fast path) within the
batch's time budget. If that fails or runs out of time, each trace is retried alone within
its own budget (`deadline.budget_for` its text), and the trace that fails or overruns is
rejected by name; the rest of the batch still lands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracereader.model import Trace
from tracereader.reading import deadline

if TYPE_CHECKING:
    from tracereader.privacy import Anonymizer


@dataclass(frozen=True)
class Failed:
    """A trace of the batch that was not anonymized, and why (never its content)."""

    index: int
    reason: str


def text_size(trace: Trace) -> int:
    """Roughly how many characters a trace holds (its messages, calls and metadata)."""
    size = len(str(trace.metadata)) if trace.metadata else 0
    for message in trace.messages:
        size += len(message.content or "")
        for call in message.tool_calls:
            size += len(str(call.arguments))
    return size


def anonymize_batch(
    anonymizer: Anonymizer, traces: Sequence[Trace]
) -> tuple[list[Trace | None], list[Failed]]:
    """Anonymized copies in order (None where a trace failed) and the failures."""
    if not traces:
        return [], []
    sizes = [text_size(t) for t in traces]
    counts_before = anonymizer.pii_counts.copy()
    error: Exception | None = None
    try:
        with deadline.within(deadline.budget_for(sum(sizes))):
            clean: list[Trace | None] = list(anonymizer.anonymize(list(traces)))
        return clean, []
    except deadline.DeadlineExceeded:
        pass
    except Exception as exc:  # one bad trace must not cost its batch: find it below
        error = exc
    anonymizer.pii_counts = counts_before  # the retries below count each trace once
    if len(traces) == 1:
        reason = _late(sizes[0]) if error is None else _crashed(error)
        return [None], [Failed(0, reason)]
    out: list[Trace | None] = []
    failed: list[Failed] = []
    for index, (trace, size) in enumerate(zip(traces, sizes, strict=True)):
        try:
            with deadline.within(deadline.budget_for(size)):
                out.append(anonymizer.anonymize([trace])[0])
        except deadline.DeadlineExceeded:
            out.append(None)
            failed.append(Failed(index, _late(size)))
        except Exception as exc:
            out.append(None)
            failed.append(Failed(index, _crashed(exc)))
    return out, failed


def _late(size: int) -> str:
    seconds = deadline.budget_for(size)
    return f"took longer than its {seconds:.1f} s budget to anonymize; not stored"


def _crashed(exc: Exception) -> str:
    # The type name only: an exception's message can quote the text it failed on.
    return f"the anonymizer failed on this trace ({type(exc).__name__}); not stored"
