"""The filter: what was said by default, the system prompt and tools on request, trace id and
note search, matches highlighted, unknown values answered, switches that keep their value."""

from __future__ import annotations

from pathlib import Path

from app_helpers import make_app
from textual.widgets import Input, Static

from tracereader.app.render import MATCH_STYLE
from tracereader.app.screens.filter import FilterModal, Switch
from tracereader.app.widgets.conversation import ConversationView
from tracereader.app.widgets.review_header import ReviewHeader
from tracereader.review import ReviewLog

SIZE = (100, 34)


async def _filter(pilot, **fields: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    for name, value in fields.items():
        pilot.app.screen.query_one(f"#filter-{name}", Input).value = value


async def test_text_searches_what_was_said_unless_asked_for_more(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _filter(pilot, text="polite")  # only in the system prompt
        await pilot.press("enter")
        assert app.session.ids == []
        await _filter(pilot)
        modal = app.screen
        assert isinstance(modal, FilterModal)
        switch = modal.query_one("#filter-text-in-system", Switch)
        switch.focus()
        await pilot.press("space")
        assert switch.value and str(switch.label).endswith(": YES")
        await pilot.press("enter")  # applies (Textual's checkbox toggled back on Enter)
        assert not isinstance(app.screen, FilterModal)
        assert app.session.options.filter.text_in_system
        assert len(app.session.ids) == 12
        assert "text~'polite' in user/assistant+system" in app.screen.query_one(ReviewHeader).text


async def test_matches_are_highlighted_in_the_conversation(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _filter(pilot, text="ORDER 1007")
        await pilot.press("enter")
        assert app.session.ids == ["t-0007"]
        content = app.screen.query_one(ConversationView).content
        marked = [content.plain[s.start : s.end] for s in content.spans if s.style == MATCH_STYLE]
        assert marked and all(m.lower() == "order 1007" for m in marked)
        assert len(marked) == 2  # the user's question and the assistant's answer


async def test_trace_id_and_note_search(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    ReviewLog(app.store, "tester").set_note("t-0003", "Refund window invented")
    async with app.run_test(size=SIZE) as pilot:
        await _filter(pilot, **{"trace-id": "0005"})
        await pilot.press("enter")
        assert app.session.ids == ["t-0005"]
        await _filter(pilot, **{"trace-id": "", "note": "refund window"})
        await pilot.press("enter")
        assert app.session.ids == ["t-0003"]  # reviewed (it has a note), found all the same


async def test_unknown_values_are_answered_with_the_known_ones(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _filter(pilot, tag="refunds", release="v7")
        await pilot.press("enter")
        modal = app.screen
        assert isinstance(modal, FilterModal)  # not applied: it would only say "empty"
        error = str(modal.query_one("#filter-error", Static).render())
        assert "unknown tag 'refunds'; known tags: hallucinated_policy, wrong_tool" in error
        assert "unknown release 'v7'; known releases: v1, v2" in error
        modal.query_one("#filter-tag", Input).value = "tone"
        modal.query_one("#filter-release", Input).value = "v1"
        await pilot.press("enter")
        assert not isinstance(app.screen, FilterModal)
        assert app.session.options.filter.tag == "tone"


async def test_switches_read_yes_or_no_without_colour(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        labels = [str(s.label) for s in app.screen.query(Switch)]
        assert labels == [
            "Text search includes the system prompt: no",
            "Text search includes tool calls and results: no",
            "Include traces already reviewed: no",
        ]
