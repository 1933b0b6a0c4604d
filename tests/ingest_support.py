"""A stand-in anonymizer for ingest tests about files, not privacy (keeps Presidio out of them)."""

from __future__ import annotations

import copy
import hashlib
import json
from collections import Counter
from dataclasses import asdict
from typing import Any

import pytest

from tracereader.model import Trace


class StubAnonymizer:
    """Same interface as `Anonymizer`: ids from content, traces returned unchanged."""

    ner_enabled = False
    ner_model = None

    def __init__(self) -> None:
        self.pii_counts: Counter[str] = Counter()
        self.batches: list[int] = []

    def stable_id(self, trace: Trace) -> str:
        raw = asdict(trace)
        raw.pop("id", None)
        text = json.dumps(raw, sort_keys=True, default=str)
        return "t_" + hashlib.sha256(text.encode()).hexdigest()[:16]

    def anonymize(self, traces: list[Trace]) -> list[Trace]:
        self.batches.append(len(traces))
        return [copy.deepcopy(t) for t in traces]


def install_stub(monkeypatch: pytest.MonkeyPatch) -> list[StubAnonymizer]:
    """Make `Anonymizer.create` return stubs; the list collects every one created."""
    from tracereader.privacy import anonymizer as anonymize

    created: list[StubAnonymizer] = []

    def create(*args: Any, **kwargs: Any) -> StubAnonymizer:
        created.append(StubAnonymizer())
        return created[-1]

    monkeypatch.setattr(anonymize.Anonymizer, "create", create)
    return created
