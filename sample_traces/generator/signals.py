"""Explicit feedback and implicit events for the sample traces: correlated with failures, not equal.

Failing traces get thumbs-down more often and are regenerated on 40% of them (8% of passing
ones); copies are more common on good answers, but also happen on bad ones. Every signal stays
ambiguous on purpose, as it is in production, so the calibration view has something to measure.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from scenarios import Context

DOWN_COMMENTS = [
    "wrong info",
    "useless",
    "didn't answer my question",
    "it asked me the same thing twice",
    "the bot refused to help",
    "that's not what the website says",
    "still no idea where my order is",
    "Not helpful at all.",
    "it told me something different last time",
    "talk to a human please",
    "This is {name}, still waiting. Call me: {phone}",
    "pls email me at {email}, the bot is useless",
]
UP_COMMENTS = [
    "quick and helpful",
    "thanks!",
    "great",
    "👍",
    "Solved in 1 minute, nice",
    "perfect",
    "easy, thank you",
    "helpful, thanks {first}",
    "way faster than email support",
]
# probability of: feedback at all, a thumbs-down given feedback
FEEDBACK = {True: (0.38, 0.72), False: (0.25, 0.2)}
# per event type: probability on a failing trace, on a passing trace
# (in time order: an abandoned conversation ends there, so `abandon` comes last)
EVENTS = {
    "regenerate": (0.40, 0.08),
    "edit": (0.12, 0.04),
    "copy": (0.12, 0.24),
    "abandon": (0.25, 0.08),
}


def feedback_for(failing: bool, ctx: Context, rng: random.Random) -> dict[str, Any] | None:
    """Thumbs up/down (rarely a 0-1 score or neutral), with a comment about 40% of the time."""
    given, down_share = FEEDBACK[failing]
    if rng.random() >= given:
        return None
    c = ctx.customer
    roll = rng.random()
    if roll < 0.04:
        score: float = round(rng.uniform(0.1, 0.5) if failing else rng.uniform(0.6, 1.0), 1)
        down = score < 0.5
    elif roll < 0.08:
        score, down = 0, False
    else:
        down = rng.random() < down_share
        score = -1 if down else 1
    feedback: dict[str, Any] = {"score": score}
    if rng.random() < 0.4:
        pool = DOWN_COMMENTS if down else UP_COMMENTS
        feedback["comment"] = rng.choice(pool).format(
            name=c.name, phone=c.phone, email=c.email, first=c.first
        )
    return feedback


def events_for(
    failing: bool, ctx: Context, at: datetime, rng: random.Random
) -> list[dict[str, Any]]:
    """Implicit events in time order after the trace's start; some without a time, as logs do."""
    last_answer = max(
        (i for i, m in enumerate(ctx.messages) if m["role"] == "assistant"), default=None
    )
    first_user = next((i for i, m in enumerate(ctx.messages) if m["role"] == "user"), None)
    events: list[dict[str, Any]] = []
    clock = at + timedelta(seconds=rng.randint(8, 40))
    for kind, (p_fail, p_pass) in EVENTS.items():
        if rng.random() >= (p_fail if failing else p_pass):
            continue
        clock += timedelta(seconds=rng.randint(3, 90))
        event: dict[str, Any] = {"type": kind}
        if rng.random() < 0.9:
            event["at"] = clock.strftime("%Y-%m-%dT%H:%M:%SZ")
        if kind in ("regenerate", "copy") and last_answer is not None:
            event["message_index"] = last_answer
        elif kind == "edit" and first_user is not None:
            event["message_index"] = first_user
        events.append(event)
    return events
