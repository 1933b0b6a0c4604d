"""A model's reasoning is shown folded like the system prompt, and opens with the rest."""

from __future__ import annotations

from tracereader.app.render import render_conversation
from tracereader.model import Message, Trace

THINKING = "The customer wants the order status.\nLook it up by email first."


def test_reasoning_is_one_collapsed_line_until_expanded() -> None:
    trace = Trace(
        messages=[
            Message(role="user", content="Where is my order?"),
            Message(role="reasoning", content=THINKING),
            Message(role="assistant", content="It shipped yesterday."),
        ]
    )
    folded = render_conversation(trace).content.plain
    assert " REASONING  #1 collapsed, " in folded
    assert "The customer wants the order status." in folded  # its first line, as a preview
    assert "Look it up by email first." not in folded
    opened = render_conversation(trace, expanded=True).content.plain
    assert " REASONING  #1" in opened and "Look it up by email first." in opened
