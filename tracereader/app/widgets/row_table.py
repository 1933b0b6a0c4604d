"""A row-cursor table whose Home/End go to the first/last row, as in any list.

Textual's DataTable gives Home/End to sideways scrolling, which a list of rows never needs;
its first/last row is on ctrl+Home/ctrl+End, where nobody looks for it.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable


class RowTable(DataTable[Any]):
    """A DataTable for lists: Home/End move the row cursor to the first/last row."""

    def action_scroll_home(self) -> None:
        if self.cursor_type == "row":
            self.action_scroll_top()
        else:
            super().action_scroll_home()

    def action_scroll_end(self) -> None:
        if self.cursor_type == "row":
            self.action_scroll_bottom()
        else:
            super().action_scroll_end()
