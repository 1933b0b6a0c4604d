"""One line on the patterns screen: new patterns per 20 reviewed traces, and what that says."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tracereader.patterns import Saturation

SHOWN_WINDOWS = 12
BLOCKS = "▁▂▃▄▅▆▇█"


def bars(series: list[int]) -> str:
    """The series as block characters on a common scale (an empty window is the lowest block)."""
    top = max(series, default=0)
    if top <= 0:
        return BLOCKS[0] * len(series)
    return "".join(BLOCKS[round(n / top * (len(BLOCKS) - 1))] for n in series)


class SaturationLine(Static):
    """Shows `tracereader.patterns.saturation` for the patterns on screen (numbers, then bars)."""

    DEFAULT_CSS = """
    SaturationLine { height: auto; padding: 0 1; color: $text-muted; }
    """

    def show(self, saturation: Saturation | None) -> None:
        """Draw the latest windows, oldest first; a partial last window says how many it holds."""
        if saturation is None or not saturation.windows:
            self.update(Text("New patterns per 20 reviewed traces: none reviewed yet."))
            return
        windows = saturation.windows[-SHOWN_WINDOWS:]
        series = [w.new_patterns for w in windows]
        numbers = " ".join(str(n) for n in series)
        last = windows[-1]
        partial = f" (last window: {last.traces} traces)" if last.traces < saturation.window else ""
        self.update(
            Text(
                f"New patterns per {saturation.window} reviewed traces: {numbers}  "
                f"{bars(series)}{partial} · {saturation.message}"
            )
        )
