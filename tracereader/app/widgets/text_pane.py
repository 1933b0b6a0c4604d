"""A scrollable pane of one Content, drawn line by line: switching traces repaints only its lines.

A Static inside a VerticalScroll re-lays-out the whole screen whenever its text changes; this
ScrollView wraps the Content once per width and hands the compositor only the visible strips,
which keeps a key press to the next trace within a frame (see benchmarks/app.py).
"""

from __future__ import annotations

from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget


class TextPane(ScrollView, can_focus=False):
    """Shows one Content, wrapped to the pane's width, scrollable."""

    DEFAULT_CSS = """
    TextPane {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")
        self._lines: list[Strip] = []
        self._wrapped_at = -1

    @property
    def content(self) -> Content:
        """The Content on display."""
        return self._content

    @property
    def text(self) -> str:
        """The plain text on display (for tests)."""
        return str(self._content)

    def show(
        self, content: Content, *, keep_scroll: bool = False, lines: list[Strip] | None = None
    ) -> None:
        """Replace the content (with `lines` from `prepare` when prefetched); top unless kept."""
        self._content = content
        if lines is not None and self._width() == self._prepared_width(lines):
            self._set_lines(lines, self._width())
        else:
            self._wrapped_at = -1
            self._wrap()
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def prepare(self, content: Content) -> list[Strip]:
        """Wrap and style `content` at the current width, ready for `show` (for prefetching)."""
        width = self._width()
        if width <= 0:
            return []
        strips = Visual.to_strips(self, content, width, None, self.visual_style)
        style = self.rich_style
        return [strip.crop_extend(0, width, style) for strip in strips]

    @staticmethod
    def _prepared_width(lines: list[Strip]) -> int:
        return lines[0].cell_length if lines else -1

    def _width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else self.size.width

    def _set_lines(self, lines: list[Strip], width: int) -> None:
        self._lines = lines
        self._wrapped_at = width
        size = Size(width, len(lines))
        if size == self.virtual_size:
            return
        if self._same_scrollbars(size):
            # Assigning `virtual_size` lays out the whole screen; when no scrollbar appears or
            # disappears, updating the scrollbar and repainting this pane is all that changes.
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
            self.refresh()
        else:
            self.virtual_size = size

    def _same_scrollbars(self, size: Size) -> bool:
        """Whether the vertical scrollbar stays as it is with content of this size."""
        height = self.container_size.height
        overflow = self.styles.overflow_y
        if not self.is_mounted or height <= 0 or overflow not in ("auto", "scroll"):
            return False
        return overflow == "scroll" or (size.height > height) == (self.virtual_size.height > height)

    def _wrap(self) -> None:
        width = self._width()
        if width <= 0 or width == self._wrapped_at:
            return
        self._set_lines(self.prepare(self._content), width)

    def on_resize(self, event: Resize) -> None:
        self._wrapped_at = -1
        self._wrap()

    def render_line(self, y: int) -> Strip:
        if self._wrapped_at < 0:
            self._wrap()
        index = self.scroll_offset.y + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return Strip.blank(max(self._wrapped_at, 0), self.rich_style)

    def rendered_text(self) -> str:
        """Every wrapped line as the terminal shows it (for tests)."""
        self._wrap()
        return "\n".join(strip.text.rstrip() for strip in self._lines)
