"""A scrollable pane of one Content, drawn line by line: switching traces repaints only its lines.

A Static inside a VerticalScroll re-lays-out the whole screen whenever its text changes; this
ScrollView wraps the Content once per width and hands the compositor only the visible strips,
which keeps a key press to the next trace within a frame (see benchmarks/app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.content import Content
from textual.events import Resize
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget


@dataclass(frozen=True)
class Prepared:
    """A Content wrapped for one pane geometry and style: the text lines, and the same framed.

    `lines` are what Textual's `render_line` hands out (content width); `framed` are those
    lines with the pane's horizontal padding and the app's line filters applied, exactly as
    Textual's renderer would draw them, so a repaint only looks them up. `key` says which
    geometry and style they were made for (`TextPane._key`); any other pane state refuses them.
    """

    key: tuple[object, ...]
    width: int
    lines: list[Strip]
    framed: list[Strip]
    blank: Strip


class TextPane(ScrollView, can_focus=False):
    """Shows one Content, wrapped to the pane's width, scrollable.

    Keep borders off the pane (put them on a container): a pane with a border, outline,
    vertical padding, tint or opacity is drawn by Textual's slower per-line path.
    """

    DEFAULT_CSS = """
    TextPane {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")
        self._prepared: Prepared | None = None
        self._generation = 0  # bumped when colours change: older Prepared lines are stale

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    @property
    def content(self) -> Content:
        """The Content on display."""
        return self._content

    @property
    def text(self) -> str:
        """The plain text on display (for tests)."""
        return str(self._content)

    def show(
        self, content: Content, *, keep_scroll: bool = False, prepared: Prepared | None = None
    ) -> None:
        """Replace the content (`prepared` by `prepare` when prefetched); top unless kept."""
        if content is not self._content and self.is_mounted and self.text_selection is not None:
            self.screen.selections.pop(self, None)  # the selection belonged to the old text
        self._content = content
        if prepared is not None and prepared.key == self._key():
            self._set_lines(prepared)
        else:
            self._prepared = None
            self._wrap()
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def prepare(self, content: Content) -> Prepared | None:
        """Wrap, frame and filter `content` at the current geometry, for `show` (prefetching)."""
        width = self._width()
        if width <= 0:
            return None
        style = self.rich_style
        # With a mouse selection on this pane, its highlight is drawn in (the key says so).
        strips = Visual.to_strips(self, content, width, None, self.visual_style)
        lines = [strip.crop_extend(0, width, style) for strip in strips]
        frame = self._framer()
        framed = [frame(line) for line in lines]
        blank = frame(Strip.blank(width, style))
        return Prepared(self._key(), width, lines, framed, blank)

    def _framer(self) -> Callable[[Strip], Strip]:
        """Draws a content row as Textual's styles cache does: padded, then filtered."""
        base_background, background = self.background_colors
        inner = Style(background=base_background + background).rich_style
        padding = self.styles.padding
        content_width = self.content_region.width
        left = Strip.blank(padding.left, inner) if padding.left else None
        right = Strip.blank(padding.right, inner) if padding.right else None
        filters = self.get_line_filters()

        def frame(line: Strip) -> Strip:
            line = line.adjust_cell_length(content_width, inner)
            if left or right:
                line = Strip.join([part for part in (left, line, right) if part is not None])
            for line_filter in filters:
                line = line.apply_filter(line_filter, background)
            return line

        return frame

    def _key(self) -> tuple[object, ...]:
        """What prepared lines depend on besides the content: geometry, colours, filters.

        The generation moves on a theme change (the content's own `$variable` colours change
        even where the pane's do not); the rest catches any other restyling, inline or by CSS.
        """
        return (
            self._generation,
            self._width(),
            self.region.width,
            self.styles.padding,
            self.rich_style,
            self.background_colors,
            tuple(self.get_line_filters()),
            self.text_selection if self.is_mounted else None,
        )

    def _width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else self.size.width

    def _set_lines(self, prepared: Prepared) -> None:
        self._prepared = prepared
        size = Size(prepared.width, len(prepared.lines))
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

    def _wrap(self) -> Prepared | None:
        """The prepared lines for the pane as it is now, prepared again if anything changed."""
        prepared = self._prepared
        if prepared is not None and prepared.key == self._key():
            return prepared
        prepared = self.prepare(self._content)
        if prepared is None:  # no width to wrap to (yet)
            self._prepared = None
        else:
            self._set_lines(prepared)
        return prepared

    def _restyle(self) -> None:
        """Colours changed (a new theme): the prepared strips carry the old ones."""
        self._generation += 1
        self._prepared = None
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        self._wrap()  # rewraps only if the width changed

    def render_line(self, y: int) -> Strip:
        # Textual calls this from `render_lines`, which has just brought `_prepared` up to date.
        prepared = self._prepared if self._prepared is not None else self._wrap()
        if prepared is None:
            return Strip.blank(self.size.width, self.rich_style)
        index = self.scroll_offset.y + y
        if 0 <= index < len(prepared.lines):
            return prepared.lines[index]
        return Strip.blank(prepared.width, self.rich_style)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The prepared framed strips, looked up: Textual's per-line restyling rebuilds each one.

        Only for a pane whose box adds nothing but horizontal padding; any other pane takes
        Textual's own path. Lines made for another geometry or style are made again first.
        """
        prepared = self._wrap()
        if prepared is None or not self._plain_box():
            return super().render_lines(crop)
        framed, blank, top = prepared.framed, prepared.blank, self.scroll_offset.y
        count = len(framed)
        lines = [framed[top + y] if top + y < count else blank for y in crop.line_range]
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.region.width):
            lines = [strip.crop(x1, x2) for strip in lines]
        return lines

    def _plain_box(self) -> bool:
        """Whether Textual would draw a content row as padding, line, padding, then filters."""
        styles = self.styles
        padding = styles.padding
        return (
            not padding.top
            and not padding.bottom
            and not any(edge for edge, _ in styles.border)
            and not any(edge for edge, _ in styles.outline)
            and styles.tint.a == 0
            and styles.text_opacity == 1.0
            and self.opacity == 1.0
            and not (styles.has_rule("hatch") and styles.hatch != "none")
            and self._border_title is None
            and self._border_subtitle is None
        )

    # -- mouse selection: offsets are the content's own lines and columns -------------------
    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The text under a mouse selection (Textual puts each cell's source offset in the
        strips' style meta, so the selection is in the content's lines, before wrapping)."""
        return selection.extract(self._content.plain), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        """Redraw with the selection highlighted (or no longer)."""
        self._prepared = None
        self.refresh()

    # -- jumping ----------------------------------------------------------------------------
    def row_of_source_line(self, source_line: int) -> int | None:
        """The wrapped row where the content's `source_line` begins (None past the end)."""
        prepared = self._wrap()
        if prepared is None:
            return None
        for row, strip in enumerate(prepared.lines):
            for segment in strip:
                style = segment.style
                meta = style.meta if style is not None and style._meta is not None else {}
                offset = meta.get("offset")
                if offset is not None:
                    if offset[1] >= source_line:
                        return row
                    break
        return None

    def scroll_to_source_line(self, source_line: int) -> bool:
        """Scroll so the content's `source_line` is the top row; False when it is not there."""
        row = self.row_of_source_line(source_line)
        if row is None:
            return False
        self.scroll_to(0, row, animate=False, immediate=True)
        return True

    @property
    def at_bottom(self) -> bool:
        """Whether the last row is on screen (nothing more to page down to)."""
        return self.scroll_offset.y >= self.max_scroll_y

    def rendered_text(self) -> str:
        """Every wrapped line as the terminal shows it (for tests)."""
        self._wrap()
        lines = self._prepared.lines if self._prepared else []
        return "\n".join(strip.text.rstrip() for strip in lines)
