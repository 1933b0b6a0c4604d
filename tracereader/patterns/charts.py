"""Small text charts that say what they show: a title with dates and scale, bars, a date axis.

Plain strings (no Textual), one column group per day from zero up, so a day without traffic
is drawn `·` and never left blank (a blank reads as a broken chart).
"""

from __future__ import annotations

from datetime import date, timedelta

BARS = "▁▂▃▄▅▆▇█"
EMPTY = "·"


def bar(value: float, top: float) -> str:
    """One block for `value` on a scale from 0 to `top`; `·` for zero."""
    if value <= 0 or top <= 0:
        return EMPTY
    return BARS[min(len(BARS) - 1, max(0, round(value / top * (len(BARS) - 1))))]


def day_chart(daily: dict[str, int], today: date, *, days: int = 28, width: int = 80) -> list[str]:
    """Conversations per day over the last `days` days up to `today`: title, bars, date axis."""
    first = today - timedelta(days=days - 1)
    span = [first + timedelta(days=i) for i in range(days)]
    counts = [int(daily.get(d.isoformat(), 0)) for d in span]
    top = max(counts, default=0)
    cell = max(1, min(3, width // days))
    bars = "".join(bar(c, top).ljust(cell) if c <= 0 else bar(c, top) * cell for c in counts)
    busiest = span[counts.index(top)] if top else None
    scale = (
        f"█ = {top}/day on {busiest.strftime('%m-%d')}, {EMPTY} = none"
        if busiest
        else "no conversations"
    )
    title = f"Conversations per day, {first.isoformat()} → {today.isoformat()} ({scale})"
    if len(title) > width:
        title = f"Conversations/day {first.strftime('%m-%d')}→{today.strftime('%m-%d')} ({scale})"
    axis = [" "] * len(bars)
    labels = [(0, first), ((days // 2) * cell, span[days // 2]), ((days - 1) * cell, today)]
    for column, day in labels:
        text = day.strftime("%m-%d")
        start = max(0, min(column, len(axis) - len(text)))
        if all(c == " " for c in axis[max(0, start - 1) : start + len(text) + 1]):
            axis[start : start + len(text)] = list(text)
    return [title[:width], bars, "".join(axis).rstrip()]
