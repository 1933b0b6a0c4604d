"""The quit summary: today's work, then the top open patterns (a validated fix is not one)."""

from __future__ import annotations

from review_traces import FROZEN_NOW, make_trace, review_settings

from tracereader import actions
from tracereader.review import ReviewLog, today_summary
from tracereader.store import Store


def _validated(store: Store, key: str) -> None:
    settings = review_settings()
    actions.mark_fixed(store, key, "v2", settings=settings)
    result = {
        "significant": True,
        "p_value": 0.01,
        "before": {"rate": 0.4},
        "after": {"rate": 0.1},
        "verdict": "…",
    }
    assert actions.record_validation(store, key, result, release_after="v2") is not None


def test_top_patterns_leave_out_the_validated_ones(store: Store) -> None:
    store.add_traces([make_trace(i) for i in range(20)], format="native", ner=True)
    log = ReviewLog(store, "tester", now=lambda: FROZEN_NOW)
    for i in range(20):
        tag = "tone" if i < 8 else "wrong_tool" if i < 14 else None
        if tag:
            log.toggle_tag(f"t-{i:04d}", tag)
        else:
            log.set_verdict(f"t-{i:04d}", "pass")
    settings = review_settings()

    def top_line() -> str:
        lines = today_summary(store, settings, "tester", FROZEN_NOW.date(), seconds=60)
        return lines[1]

    assert top_line().startswith("Top patterns: tone 40.0% ")
    assert "wrong_tool 30.0%" in top_line()
    _validated(store, "tag:tone")
    line = top_line()
    assert "tone" not in line and line.startswith("Top patterns: wrong_tool 30.0% ")
    _validated(store, "tag:wrong_tool")
    assert top_line() == "No open actionable pattern: the 2 there are were validated."
