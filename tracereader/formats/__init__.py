"""Registry of the export formats tracereader reads, in detection order."""

from __future__ import annotations

from tracereader.formats.base import RawRecord, RecordError, TraceFormat

# name -> format object; filled in by each format module (see `register`).
FORMATS: dict[str, TraceFormat] = {}


def register(fmt: TraceFormat) -> TraceFormat:
    """Add a format to the registry (module import time)."""
    FORMATS[fmt.name] = fmt
    return fmt


__all__ = ["FORMATS", "RawRecord", "RecordError", "TraceFormat", "register"]

# Format modules register themselves when imported; detection tries them in this order.
from tracereader.formats import native, openai  # noqa: E402, F401, I001
from tracereader.formats import langsmith, langfuse, otlp, braintrust  # noqa: E402, F401
from tracereader.formats import anthropic, openai_responses, litellm, openai_agents  # noqa: E402, F401
from tracereader.formats import claude_code  # noqa: E402, F401
