"""The side panel's facts: latency from the field or the metadata, and every other entry listed."""

from __future__ import annotations

from review_traces import make_trace

from tracereader.review.trace_facts import MAX_ROWS, latency_ms, metadata_rows


def test_latency_comes_from_the_field_else_from_the_metadata() -> None:
    assert latency_ms(make_trace(1)) == (1210, None)
    logged = make_trace(1, latency_ms=None, metadata={"latency_ms": "2805", "channel": "web"})
    assert latency_ms(logged) == (2805.0, "latency_ms")
    odd = make_trace(1, latency_ms=None, metadata={"latency_ms": "fast", "duration_ms": -3})
    assert latency_ms(odd) == (None, None)


def test_metadata_is_listed_sorted_without_what_is_shown_as_a_fact() -> None:
    trace = make_trace(
        1,
        latency_ms=None,
        metadata={
            "latency_ms": 2805,
            "model": "gpt-4o-mini",  # the same as the trace's model: shown once, as a fact
            "release": "v0-beta",  # not the trace's release: listed
            "intent": "refund",
            "tier": {"name": "gold", "since": 2021},
            "vip": True,
            "score": 0.5,
        },
    )
    assert metadata_rows(trace) == [
        ("intent", "refund"),
        ("release", "v0-beta"),
        ("score", "0.5"),
        ("tier", '{"name": "gold", "since": 2021}'),
        ("vip", "true"),
    ]


def test_a_long_metadata_list_says_how_many_more() -> None:
    trace = make_trace(1, metadata={f"k{i:02}": i for i in range(MAX_ROWS + 5)})
    rows = metadata_rows(trace)
    assert len(rows) == MAX_ROWS and rows[-1] == ("…", "6 more")
