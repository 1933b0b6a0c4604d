"""Hostile trace text renders literally and can neither crash the app nor trigger an action."""

from __future__ import annotations

from pathlib import Path

from app_helpers import frozen_options, screen_text
from review_traces import make_trace, review_settings

from tracereader.app import build_app
from tracereader.app.widgets.conversation import ConversationView
from tracereader.app.widgets.trace_panel import TracePanel
from tracereader.model import Event, Feedback, Message, ToolCall
from tracereader.store import Store

LONG_LINE = "x" * 5000
HOSTILE = {
    "markup": ("[bold]not bold[/bold] and [/] and [red]x", "[bold]not bold[/bold] and [/]"),
    "click": ("[@click=app.quit]press me[/]", "[@click=app.quit]press me[/]"),
    "emoji code": (":smile: :thumbs_up:", ":smile: :thumbs_up:"),
    "ansi": ("\x1b[31mred\x1b[0m \x1b]0;title\x07", "␛[31mred␛[0m ␛]0;title␇"),
    "osc link": ("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "␛]8;;http://evil␛\\link"),
    "tabs": ("a\tb\tc", "a   b   c"),
    "rtl": ("مرحبا بالعالم שלום", "مرحبا بالعالم שלום"),
    "combining": ("Zalgo: z\u0301\u0302\u0303a\u0300", "z\u0301\u0302\u0303a\u0300"),
    "emoji": ("family 👨‍👩‍👧 flag 🇫🇷 ok 👍🏽", "👨‍👩‍👧"),
    "long line": (LONG_LINE, "x" * 40),
}


async def test_hostile_text_is_shown_literally(tmp_path: Path) -> None:
    texts = [text for text, _ in HOSTILE.values()]
    messages = [Message("user" if i % 2 else "assistant", text) for i, text in enumerate(texts)]
    messages += [
        Message("assistant", None, tool_calls=[ToolCall(texts[0], {"q": texts[1]}, id="c1")]),
        Message("tool", texts[3], tool_call_id="c1"),
    ]
    trace = make_trace(
        1,
        messages=messages,
        model=texts[0],
        release=texts[1],
        error=texts[3],
        feedback=Feedback(score=-1, comment=texts[2]),
        events=[Event(texts[1])],
    )
    store = Store.open(tmp_path / "h.db")
    store.add_traces([trace], format="native", ner=True)
    store.close()
    app = build_app(tmp_path / "h.db", review_settings(), frozen_options())
    async with app.run_test(size=(120, 160)) as pilot:
        body = app.screen.query_one(ConversationView)
        info = app.screen.query_one(TracePanel)
        shown = screen_text(body)
        panel = screen_text(info)
        assert "\x1b" not in shown and "\x1b" not in panel
        for name, (_text, expected) in HOSTILE.items():
            assert expected in body.text, name
        for name in ("markup", "click", "emoji code", "tabs", "ansi"):
            assert HOSTILE[name][1] in shown, name  # on screen, exactly as typed
        assert max(len(line) for line in shown.splitlines()) <= body.size.width
        assert shown.count("x") >= 5000  # the 5,000-char line wraps, nothing lost
        for fragment in ("[bold]not bold", "[@click=app.quit]", ":smile:", "␛[31mred"):
            assert fragment in panel
        await pilot.click("#conversation")
        await pilot.click("#trace-panel")
        await pilot.press("n", "escape", "1", "u", "e")
        assert app.is_running
        assert app.screen.id == "review"


async def test_hostile_note_and_filter_text(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "h.db")
    store.add_traces([make_trace(0)], format="native", ner=True)
    store.close()
    app = build_app(tmp_path / "h.db", review_settings(), frozen_options())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        app.screen.query_one("Input").value = "[@click=app.quit]x[/] \x1b[2J"
        await pilot.press("enter")
        assert app.is_running
        note = app.store.db.execute("select note from reviews").fetchone()[0]
        assert note.startswith("[@click=app.quit]x[/]")
        panel = str(app.screen.query_one(TracePanel).content)
        assert "[@click=app.quit]x[/] ␛[2J" in panel
