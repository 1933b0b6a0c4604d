"""Generate tracereader's sample traces: 24 days of an outdoor-gear shop's support assistant.

Run `python sample_traces/generate.py` (or `--out DIR`) to rewrite, byte for byte, the committed
files. Everything comes from one seeded `random.Random`; nothing depends on today's date.

What it writes (under the output folder, default: this script's folder):
- `native/YYYY-MM-DD.jsonl`: one file per UTC day from 2026-10-19 to 2026-11-11 (a "logs
  folder"), traces in the native format: system prompt, user turns, tool calls with arguments
  and JSON-string results, explicit feedback on about 30% of traces, implicit events
  (regenerate/copy/abandon/edit) correlated with failures but not equal to them, metadata
  (channel, latency_ms, locale, client_ip). 15-70 conversations a day (a conversation is a
  session; most sessions hold one trace, some two or three), busier on weekdays, growing slowly.
  Release `v1.4` runs for 13 days, `v1.5` for the last 11.
- `openai/chat_logs.jsonl`: 20 further conversations (not copies of the native ones) as OpenAI
  chat logs: `messages` lines and `{"request", "response"}` pairs with `choices` and tool calls
  whose `function.arguments` is a JSON string.
- `reviews.csv`: `trace_id,verdict,tags,note,seconds`, what a careful reviewer would record for
  every native trace that has an id and a timestamp (the ground truth the demo and the
  patterns/compare tests load through `tracereader.sample_reviews`).

Why it looks the way it does: the sample must let every part of tracereader show its worth.
Failure modes of the default taxonomy are written into the conversations at fixed rates per
release, so `compare` finds wrong_tool's drop (18% -> 3%, the v1.5 fix) significant and
hallucinated_policy's (9% both) not; one recurring failure outside the taxonomy (asking for the
order number the user already gave) is visible only through reviewer notes, which are typed
the way people type (typos, case, word order) for the fuzzy grouping. PII of every kind the
anonymizer handles is planted in free text, tool arguments, tool results and metadata, and a
few traces carry hostile text (Rich markup, ANSI/OSC escapes, RTL, combining marks, emoji, a
very long line) for the app's rendering. A few traces lack an id or a timestamp, as real logs do.

The pieces live in `generator/` (stdlib only): `people.py` (customers and PII), `scenarios.py`
(orders, tool results, policies), `intents.py` (the six conversations and how each failure shows
in them), `signals.py` (feedback and events), `notes.py` (reviewer notes and times),
`hostile.py` (the edge traces), `openai_logs.py` (the OpenAI-format file).
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = True  # importing generator/ must not leave __pycache__ in the samples

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import string  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "generator"))

from hostile import decorate  # noqa: E402
from intents import COMMON, INTENTS, build  # noqa: E402
from notes import note_for, review_seconds  # noqa: E402
from openai_logs import openai_records  # noqa: E402
from people import Customer, client_ip, make_customer  # noqa: E402
from scenarios import SYSTEM_PROMPTS, Context, make_order  # noqa: E402
from signals import events_for, feedback_for  # noqa: E402

SEED = 20261019
START = date(2026, 10, 19)
DAYS = 24
RELEASE_DAYS = 13  # v1.4 for the first 13 days, v1.5 after
TAXONOMY_ORDER = [
    "hallucinated_policy",
    "wrong_tool",
    "ignored_context",
    "needless_refusal",
    "bad_formatting",
    "wrong_answer",
    "tone",
]
# Share of reviewable traces per release showing each failure (disjoint, except formatting).
RATES = {
    "v1.4": {
        "wrong_tool": 0.18,
        "hallucinated_policy": 0.09,
        "ignored_context": 0.07,
        "needless_refusal": 0.05,
        "order_again": 0.04,
    },
    "v1.5": {
        "wrong_tool": 0.03,
        "hallucinated_policy": 0.09,
        "ignored_context": 0.07,
        "needless_refusal": 0.05,
        "order_again": 0.04,
    },
}
FORMATTING_RATE = 0.05
RARE = {"wrong_answer": 2, "tone": 2}  # per release: candidates below the actionable threshold
N_EDGE = 8  # traces with hostile text, ids acme-edge-01 …
# Trace ids are the app's sequence numbers (`acme-t20417`, …): plain to read, and, unlike random
# tokens, almost never mistaken for a name or place by a small NER model.
FIRST_ID = 20417
N_NO_ID = 4
N_NO_TIMESTAMP = 4


@dataclass
class Planned:
    """One trace before it is written: who, when, and what goes wrong in it."""

    index: int
    day: date
    at: datetime
    session: str
    customer: Customer
    release: str
    id: str | None = None
    failures: set[str] = field(default_factory=set)
    reviewable: bool = True
    has_timestamp: bool = True
    edge: int = 0
    order_key: int = 0


def day_volumes(rng: random.Random) -> list[int]:
    """Conversations per day: weekdays busier than weekends, a slow upward trend, clamped 15-70."""
    volumes = []
    for d in range(DAYS):
        day = START + timedelta(days=d)
        trend = 1.0 + 0.01 * d
        weekday = day.weekday() < 5
        base = (rng.gauss(18.5, 2.5) if weekday else rng.gauss(15, 1.0)) * trend
        volumes.append(max(15, min(70, round(base))))
    return volumes


HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 8, 9, 10, 10, 9, 8, 7, 6, 4, 3, 2]


def _token(rng: random.Random, prefix: str, n: int) -> str:
    """A session id of letters and digits, never three digits in a row (never phone-shaped)."""
    out: list[str] = []
    while len(out) < n:
        ch = rng.choice(string.ascii_lowercase + string.digits)
        if ch.isdigit() and len(out) >= 2 and out[-1].isdigit() and out[-2].isdigit():
            continue
        out.append(ch)
    return prefix + "".join(out)


def plan(rng: random.Random) -> list[Planned]:
    """Sessions, timestamps, customers and releases for every native trace."""
    customers: list[Customer] = []
    planned: list[Planned] = []
    for d, volume in enumerate(day_volumes(rng)):
        day = START + timedelta(days=d)
        release = "v1.4" if d < RELEASE_DAYS else "v1.5"
        for _ in range(volume):
            if customers and rng.random() < 0.22:
                customer = rng.choice(customers[-150:])
            else:
                customer = make_customer(len(customers), rng)
                customers.append(customer)
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            start = datetime(
                day.year,
                day.month,
                day.day,
                hour,
                rng.randint(0, 59),
                rng.randint(0, 59),
                tzinfo=UTC,
            )
            size = rng.choices([1, 2, 3], weights=[87, 10, 3])[0]
            gaps = [rng.randint(3, 40) for _ in range(size - 1)]
            end_of_day = datetime(day.year, day.month, day.day, 23, 59, 0, tzinfo=UTC)
            overflow = start + timedelta(minutes=sum(gaps)) - end_of_day
            if overflow.total_seconds() > 0:
                start -= overflow + timedelta(minutes=1)
            session = _token(rng, "s_", 12)
            at = start
            for k in range(size):
                if k:
                    at = at + timedelta(minutes=gaps[k - 1], seconds=rng.randint(0, 59))
                planned.append(Planned(len(planned), day, at, session, customer, release))
    planned.sort(key=lambda p: (p.at, p.index))
    for k, p in enumerate(planned):
        p.id = f"acme-t{FIRST_ID + k:05d}"
    return planned


def assign_failures(planned: list[Planned], rng: random.Random) -> None:
    """Mark edge/id-less/timestamp-less traces, then give each release its exact failure quotas."""
    pool = list(planned)
    rng.shuffle(pool)
    for k, p in enumerate(pool[:N_EDGE]):
        p.edge = k + 1
        p.id = f"acme-edge-{k + 1:02d}"
    for p in pool[N_EDGE : N_EDGE + N_NO_ID]:
        p.id, p.reviewable = None, False
    for p in pool[N_EDGE + N_NO_ID : N_EDGE + N_NO_ID + N_NO_TIMESTAMP]:
        p.has_timestamp, p.reviewable = False, False
    for p in planned:
        if not p.reviewable and rng.random() < 0.3:
            p.failures.add(rng.choice(["wrong_tool", "hallucinated_policy", "ignored_context"]))
    for release, rates in RATES.items():
        members = sorted(
            (p for p in planned if p.reviewable and p.release == release), key=lambda p: p.index
        )
        rng.shuffle(members)
        n = len(members)
        cursor = 0
        for failure, rate in rates.items():
            quota = round(rate * n)
            for p in members[cursor : cursor + quota]:
                p.failures.add(failure)
            cursor += quota
        clean = members[cursor:]
        for failure, quota in RARE.items():
            for p in clean[:quota]:
                p.failures.add(failure)
            clean = clean[quota:]
        candidates = [
            p
            for p in members
            if "needless_refusal" not in p.failures and "wrong_answer" not in p.failures
        ]
        for p in rng.sample(candidates, round(FORMATTING_RATE * n)):
            p.failures.add("bad_formatting")


def choose_intent(failures: set[str], rng: random.Random) -> str:
    """An intent that can show every failure assigned (weighted by how common the intent is)."""
    needed = failures - COMMON
    options = [(name, spec[3]) for name, spec in INTENTS.items() if needed <= spec[1]]
    return rng.choices([n for n, _ in options], weights=[w for _, w in options])[0]


def order_status(intent: str, failures: set[str], rng: random.Random) -> str:
    """The order state the intent needs (an address change is only possible before shipping)."""
    if intent == "address":
        if "hallucinated_policy" in failures:
            return "shipped"
        if failures & {"ignored_context", "wrong_tool"}:
            return "processing"
        return "shipped" if rng.random() < 0.25 else "processing"
    return INTENTS[intent][2]


def render(
    p: Planned, rng: random.Random, orders: dict[str, Any]
) -> tuple[dict[str, Any], Context]:
    """Build one native record from its plan."""
    intent = choose_intent(p.failures, rng)
    order = orders.get(p.session)
    status = order_status(intent, p.failures, rng)
    if order is None or order.status != status:
        order = make_order(rng, p.at, p.customer.region.country, status)
    orders[p.session] = order
    ctx = Context(
        rng=rng,
        customer=p.customer,
        order=order,
        now=p.at,
        release=p.release,
        failures=set(p.failures),
    )
    ctx.messages.append({"role": "system", "content": SYSTEM_PROMPTS[p.release]})
    build(intent, ctx)
    if p.edge:
        decorate(p.edge, ctx)
    failing = bool(p.failures)
    n_tools = sum(len(m.get("tool_calls") or []) for m in ctx.messages)
    latency = int(rng.lognormvariate(7.2, 0.35) + 650 * n_tools)
    if rng.random() < 0.03:
        latency += rng.randint(8000, 20000)  # the odd slow call
    channel = rng.choices(["web", "ios", "android", "email_widget"], weights=[55, 20, 17, 8])[0]
    ip = p.customer.ip if rng.random() < 0.8 else client_ip(rng)
    record: dict[str, Any] = {}
    if p.id is not None:
        record["id"] = p.id
    if p.has_timestamp:
        record["timestamp"] = p.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    record["user_id"] = p.customer.user_id
    record["session_id"] = p.session
    record["model"] = "gpt-4o-mini" if rng.random() < 0.92 else "gpt-4o-2024-08-06"
    record["release"] = p.release
    record["messages"] = ctx.messages
    feedback = feedback_for(failing, ctx, rng)
    if p.edge == 7:
        feedback = {"score": -1, "comment": "[red]terrible[/red] :thumbs_down: \x1b[5mblink\x1b[0m"}
    if feedback is not None:
        record["feedback"] = feedback
    events = events_for(failing, ctx, p.at, rng)
    if events:
        record["events"] = events
    metadata: dict[str, Any] = {
        "channel": channel,
        "latency_ms": latency,
        "locale": p.customer.region.locale,
        "client_ip": ip,
        "intent": intent,
    }
    if rng.random() < 0.15:
        metadata["customer_email"] = p.customer.email
    if p.edge == 7:
        metadata["utm_campaign"] = "[link=https://evil.example]autumn-sale[/link]"
    record["metadata"] = metadata
    return record, ctx


def generate(out: Path) -> dict[str, int]:
    """Write every sample file under `out`; return a few counts for the caller to print."""
    rng = random.Random(SEED)
    planned = plan(rng)
    assign_failures(planned, rng)
    orders: dict[str, Any] = {}
    by_day: dict[date, list[str]] = {}
    review_rows: list[tuple[str, str, str, str, int]] = []
    for p in planned:
        record, ctx = render(p, rng, orders)
        by_day.setdefault(p.day, []).append(json.dumps(record, ensure_ascii=False))
        if p.reviewable and p.id is not None:
            tags = [t for t in TAXONOMY_ORDER if t in p.failures]
            verdict = "fail" if p.failures else "pass"
            note = note_for(p.failures, ctx.info, rng)
            review_rows.append(
                (p.id, verdict, ";".join(tags), note, review_seconds(bool(p.failures), rng))
            )
    native = out / "native"
    native.mkdir(parents=True, exist_ok=True)
    for day, lines in sorted(by_day.items()):
        (native / f"{day.isoformat()}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    openai_dir = out / "openai"
    openai_dir.mkdir(parents=True, exist_ok=True)
    logs = openai_records(random.Random(SEED + 1))
    (openai_dir / "chat_logs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in logs), encoding="utf-8"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["trace_id", "verdict", "tags", "note", "seconds"])
    writer.writerows(review_rows)
    (out / "reviews.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return {
        "native": len(planned),
        "days": len(by_day),
        "openai": len(logs),
        "reviews": len(review_rows),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: `generate.py [--out DIR]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent,
        help="folder to write into (default: beside this script)",
    )
    args = parser.parse_args(argv)
    counts = generate(args.out)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
