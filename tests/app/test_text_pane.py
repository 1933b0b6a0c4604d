"""The panes' own drawing path gives exactly what Textual's per-line renderer would draw."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import make_app
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tracereader.app.widgets.text_pane import TextPane

SIZE = (100, 30)


def drawn(strips: list[Strip]) -> list[list[tuple[str, object]]]:
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


def assert_draws_like_textual(pane: TextPane, crop: Region | None = None) -> None:
    crop = crop or Region(0, 0, pane.region.width, pane.region.height)
    ours = pane.render_lines(crop)
    pane._styles_cache.clear()
    textual = Widget.render_lines(pane, crop)
    assert drawn(ours) == drawn(textual)
    assert "".join(strip.text for strip in ours).strip()


@pytest.mark.parametrize("no_color", [False, True])
async def test_panes_draw_like_textual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # adds Textual's monochrome line filter
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)  # conftest sets it for every other test
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")  # the second trace was prefetched: drawn from prepared lines
        await pilot.pause()
        panes = list(app.screen.query(TextPane))
        assert [pane.id for pane in panes] == ["conversation", "trace-panel"]
        for pane in panes:
            assert pane._plain_box()
            assert_draws_like_textual(pane)
            assert_draws_like_textual(pane, Region(3, 2, 10, 5))  # a partial crop
        conversation = panes[0]
        conversation.scroll_to(0, 2, animate=False, immediate=True)
        await pilot.pause()
        assert_draws_like_textual(conversation)  # scrolled, and rows past the end are blank


@pytest.mark.parametrize(
    "restyle",
    [
        lambda app, pane: setattr(pane.styles, "background", "red"),
        lambda app, pane: setattr(pane.styles, "color", "red"),
        lambda app, pane: setattr(pane.styles, "padding", (0, 3)),
        lambda app, pane: setattr(app, "ansi_color", True),  # turns a line filter off
    ],
    ids=["background", "color", "padding", "ansi-color"],
)
async def test_any_restyle_redraws_the_panes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restyle
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        await pilot.pause()
        panes = list(app.screen.query(TextPane))
        crops = [Region(0, 0, pane.region.width, pane.region.height) for pane in panes]
        before = [drawn(pane.render_lines(crop)) for pane, crop in zip(panes, crops, strict=True)]
        for pane in panes:
            restyle(app, pane)
        await pilot.pause()
        for pane, crop, old in zip(panes, crops, before, strict=True):
            assert drawn(pane.render_lines(crop)) != old
            assert_draws_like_textual(pane)


async def test_a_styled_pane_takes_textuals_path(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.screen.query_one("#trace-panel", TextPane)
        pane.styles.border_left = ("vkey", "red")
        pane.styles.tint = "red 20%"
        await pilot.pause()
        assert not pane._plain_box()
        assert_draws_like_textual(pane)
        first = pane.render_lines(Region(0, 0, pane.region.width, pane.region.height))
        assert {strip.text[0] for strip in first} != {" "}  # the border is drawn


async def test_a_new_theme_redraws_the_panes_in_its_colours(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.screen.query_one("#conversation", TextPane)
        crop = Region(0, 0, pane.region.width, pane.region.height)
        before = drawn(pane.render_lines(crop))
        stale = pane.prepare(pane.content)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.press("j", "k")  # back to the first trace, through the screen's caches
        await pilot.pause()
        assert drawn(pane.render_lines(crop)) != before
        assert_draws_like_textual(pane)
        pane.show(pane.content, prepared=stale)  # lines prepared before the change are refused
        assert pane._prepared is not stale
        assert_draws_like_textual(pane)
