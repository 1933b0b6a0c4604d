"""Untrusted trace text: control sequences become visible, nothing else changes."""

from __future__ import annotations

from tracereader.sanitize import one_line, sanitize


def test_plain_text_and_markup_like_text_are_unchanged() -> None:
    for text in [
        "hello",
        "[bold]x[/]",
        "[@click=app.quit]go",
        ":smile:",
        "שלום",
        "e\u0301",
        "🙂👍🏽",
    ]:
        assert sanitize(text) == text


def test_ansi_csi_and_osc_sequences_are_made_visible() -> None:
    shown = sanitize("\x1b[31mred\x1b[0m and \x1b]8;;http://x\x07link\x1b]8;;\x1b\\")
    assert "\x1b" not in shown and "\x07" not in shown
    assert shown.startswith("␛[31mred␛[0m")
    assert "␇link" in shown


def test_c0_and_c1_controls_are_visible_and_newlines_kept() -> None:
    shown = sanitize("a\x00b\x08c\x7fd\x9be\r\nf\rg")
    assert shown == "a␀b␈c␡d\\x9be\nf␍g"


def test_tabs_expand_per_line() -> None:
    assert sanitize("a\tb\n\tc") == "a   b\n    c"


def test_bidi_overrides_are_named() -> None:
    assert sanitize("abc\u202edef") == "abc<RLO>def"


def test_one_line_joins_and_cuts() -> None:
    assert one_line("a\nb") == "a ⏎ b"
    assert one_line("x" * 300, 10) == "x" * 9 + "…"
    assert one_line(None) == ""
