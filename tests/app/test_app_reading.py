"""Reading a trace: what counts as reviewed, and getting around it with the keyboard and mouse.

Real keys through the pilot; assertions on the database and on the widgets.
"""

from __future__ import annotations

from pathlib import Path

from app_helpers import frozen_options
from review_traces import fill_store, review_settings

from tracereader.app import build_app
from tracereader.app.app import TraceReaderApp
from tracereader.app.widgets.conversation import ConversationView
from tracereader.app.widgets.review_header import ReviewHeader
from tracereader.app.widgets.trace_panel import TracePanel
from tracereader.review.queue import load_position, save_position
from tracereader.store import Store

SIZE = (100, 30)


class Clock:
    """A monotonic clock the test moves (time on screen decides what counts as read)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def app_on(
    tmp_path: Path, clock: Clock | None = None, at: str | None = None, **settings: object
) -> TraceReaderApp:
    db = tmp_path / "app.db"
    if not db.exists():
        fill_store(db, 12)
    if at is not None:  # resume on this trace, as after a restart
        store = Store.open(db)
        save_position(store, "tester", at)
        store.close()
    options = frozen_options(monotonic=clock) if clock else frozen_options()
    return build_app(db, review_settings(**settings), options)


def reviewed(app: TraceReaderApp) -> list[str]:
    rows = app.store.execute("select trace_id from reviews where reviewed_at is not null")
    return sorted(row[0] for row in rows)


def notices(app: TraceReaderApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_two_quick_presses_of_space_add_nothing_and_say_so(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space")
        assert app.session.current == "t-0009"
        assert reviewed(app) == []  # nobody read them: n is unchanged
        header = app.screen.query_one(ReviewHeader).text
        assert "passed 2, not reviewed" in header and "reviewed today 0" in header
        passes = [m for m in notices(app) if m.startswith("Passed")]
        assert len(passes) == 1 and passes[0].startswith("Passed t-0011 without reviewing it")
        await pilot.press("k")  # the passed trace is still there to read
        assert app.session.current == "t-0010"


async def test_a_trace_read_long_enough_counts_when_moving_on(tmp_path: Path) -> None:
    clock = Clock()
    app = app_on(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        clock.now += 4.0  # more than min_read_seconds (3) on screen
        await pilot.press("j")
        assert reviewed(app) == ["t-0011"]
        assert "passed" not in app.screen.query_one(ReviewHeader).text


async def test_space_pages_through_a_long_trace_before_moving_on(tmp_path: Path) -> None:
    app = app_on(tmp_path, at="t-0006")  # a 40-line tool result
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.press("e")  # expand the long tool parts: the trace no longer fits
        await pilot.pause()
        view = app.screen.query_one(ConversationView)
        assert view.max_scroll_y > 0
        await pilot.press("space")
        assert app.session.current == "t-0006" and view.scroll_offset.y > 0
        while not view.at_bottom:
            await pilot.press("space")
        assert app.session.current == "t-0006"
        await pilot.press("space")  # at the end of the trace: the next one
        assert app.session.current == "t-0011"  # the resumed trace came first, then the queue


async def test_home_end_and_the_last_answer(tmp_path: Path) -> None:
    app = app_on(tmp_path, at="t-0006")
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        view = app.screen.query_one(ConversationView)
        await pilot.press("end")
        assert view.scroll_offset.y == view.max_scroll_y > 0
        await pilot.press("home")
        assert view.scroll_offset.y == 0
        await pilot.press("a")
        lines = view.rendered_text().splitlines()
        answer_row = next(i for i, line in enumerate(lines) if "ASSISTANT  #4" in line)
        assert view.scroll_offset.y == min(answer_row, view.max_scroll_y) > 0


async def test_the_message_a_signal_names_is_marked(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "j")  # t-0007: regenerate on message #2, copy
        assert app.session.current == "t-0007"
        text = app.screen.query_one(ConversationView).text
        assert "ASSISTANT  #2  ◀ signal: regenerate" in text
        panel = app.screen.query_one(TracePanel).text
        assert "regenerate (msg #2, marked ◀)" in panel


async def test_tab_scrolls_the_side_panel_so_every_part_is_reachable_at_80x24(
    tmp_path: Path,
) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen.query_one(TracePanel)
        shown = panel.rendered_text().splitlines()[: panel.size.height]
        assert any("☐ 1 hallucinated_policy" in line for line in shown)  # tag keys at once
        assert not any(line.startswith("id ") for line in shown)  # the facts are below
        await pilot.press("tab")
        assert "↕ side panel" in app.screen.query_one(ReviewHeader).text
        await pilot.press("end")
        shown = panel.rendered_text().splitlines()[panel.scroll_offset.y :]
        assert any(line.startswith("id      t-0011") for line in shown)
        view = app.screen.query_one(ConversationView)
        assert view.scroll_offset.y == 0  # the conversation stayed where it was
        await pilot.press("tab", "down")
        assert "↕ side panel" not in app.screen.query_one(ReviewHeader).text


async def test_y_copies_the_trace_id(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        assert app.clipboard == "t-0011"
        assert any("Copied the trace id t-0011" in m for m in notices(app))


async def test_go_to_a_trace_by_id_leaves_the_queue_alone(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        queue = list(app.session.ids)
        await pilot.press("number_sign", *"t-0003", "enter")
        assert app.session.current == "t-0003"
        assert "trace t-0003 1/1" in app.screen.query_one(ReviewHeader).text
        assert app.session.ids == queue
        assert load_position(app.store, "tester") == "t-0010"  # the queue's place is kept
        await pilot.press("escape")
        assert app.session.current == "t-0010" and app.session.walk is None
        await pilot.press("number_sign", *"t-00", "enter")  # ambiguous: says so, stays
        assert app.session.current == "t-0010"
        assert any("traces start with 't-00'" in m for m in notices(app))
        await pilot.press("number_sign", *"nope", "enter")
        assert any("No trace id is or starts with 'nope'" in m for m in notices(app))


async def test_the_mouse_selects_text_in_the_conversation(tmp_path: Path) -> None:
    app = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one(ConversationView)
        lines = view.rendered_text().splitlines()  # as on screen: wrapped
        row = next(i for i, line in enumerate(lines) if line.startswith("Where is my order"))
        await pilot.mouse_down(view, offset=(1, row))  # column 0 is the pane's padding
        await pilot.hover(view, offset=(17, row))
        await pilot.mouse_up(view, offset=(17, row))
        await pilot.pause()
        assert app.screen.get_selected_text() == "Where is my order"


async def test_a_double_press_of_g_judges_only_the_trace_that_was_read(tmp_path: Path) -> None:
    clock = Clock()
    app = app_on(tmp_path, clock)
    async with app.run_test(size=SIZE) as pilot:
        clock.now += 4.0
        await pilot.press("g", "g")  # the second press lands on t-0010 at once
        verdicts = dict(app.store.execute("select trace_id, verdict from reviews").fetchall())
        assert verdicts.get("t-0011") == "pass" and verdicts.get("t-0010") is None
        assert app.session.current == "t-0010"  # still on screen, to be read
        said = [m for m in notices(app) if m.startswith("Not judged")]
        assert said == [
            "Not judged: t-0010 has been on screen under 3 s (min_read_seconds). Read it, "
            "then g again; b, tags and notes are immediate."
        ]
        await pilot.press("1")  # a tag is immediate, and then g judges at once
        await pilot.press("g")
        assert app.session.current == "t-0009"
        row = app.store.execute("select verdict from reviews where trace_id = 't-0010'")
        assert row.fetchone() == ("pass",)


async def test_the_side_panel_shows_the_traces_metadata(tmp_path: Path) -> None:
    from review_traces import make_trace

    db = tmp_path / "app.db"
    store = Store.open(db)
    metadata = {"latency_ms": 2805, "channel": "web", "intent": "refund", "tier": "[bold]x[/]"}
    store.add_traces([make_trace(1, latency_ms=None, metadata=metadata)], format="native", ner=True)
    store.close()
    app = build_app(db, review_settings(), frozen_options())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "end")  # the facts are below the tag keys at 80×24
        panel = app.screen.query_one(TracePanel)
        shown = panel.rendered_text().splitlines()
        assert any(line.startswith("model   gpt-4o-mini") for line in shown)
        assert any(line.startswith("release v1") for line in shown)
        assert any(line.startswith("latency 2.81 s") for line in shown)  # from the metadata
        index = shown.index("METADATA")
        assert shown[index + 1 : index + 4] == ["channel web", "intent refund", "tier [bold]x[/]"]
        visible = shown[panel.scroll_offset.y : panel.scroll_offset.y + panel.size.height]
        assert "intent refund" in visible  # End reaches it
