"""The same support assistant's conversations as OpenAI chat logs, for the `openai` reader.

Two shapes people log: a line holding `messages` (plus `id`, a numeric `created`, `model`,
`user`, `metadata`), and `{"request": …, "response": …}` pairs where the final answer is the
response's first choice. Tool calls use OpenAI's `{"type": "function", "function": {"name",
"arguments"}}` with `arguments` as a JSON string. Conversations are new ones (other customers,
other sessions), so ingesting the whole sample folder never counts a conversation twice.
"""

from __future__ import annotations

import json
import random
import string
from datetime import UTC, datetime, timedelta
from typing import Any

from intents import COMMON, INTENTS, build
from people import make_customer
from scenarios import SYSTEM_PROMPTS, Context, make_order

N_RECORDS = 20
TOOLS = {
    "lookup_order": ("Find an order by order_id or customer email.", ["order_id", "email"]),
    "track_shipment": ("Carrier status for a tracking number.", ["tracking_number", "carrier"]),
    "issue_refund": ("Refund an order (amount in USD).", ["order_id", "amount", "reason"]),
    "search_policy": ("Search the store policy knowledge base.", ["query"]),
    "update_address": ("Change an unshipped order's shipping address.", ["order_id", "address"]),
}


def tool_schemas() -> list[dict[str, Any]]:
    """The `tools` list of a Chat Completions request."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": desc,
                "parameters": {
                    "type": "object",
                    "properties": {p: {"type": "string"} for p in params},
                },
            },
        }
        for name, (desc, params) in TOOLS.items()
    ]


def to_openai(message: dict[str, Any]) -> dict[str, Any]:
    """A native message in OpenAI's wire shape."""
    out: dict[str, Any] = {"role": message["role"], "content": message.get("content")}
    if message.get("tool_calls"):
        out["tool_calls"] = [
            {
                "id": c["id"],
                "type": "function",
                "function": {
                    "name": c["name"],
                    "arguments": json.dumps(c["arguments"], ensure_ascii=False),
                },
            }
            for c in message["tool_calls"]
        ]
    if message["role"] == "tool":
        out["tool_call_id"] = message["tool_call_id"]
    return out


def _rid(rng: random.Random, prefix: str, n: int) -> str:
    return prefix + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def openai_records(rng: random.Random) -> list[dict[str, Any]]:
    """Twenty logged conversations: the first twelve as `messages` lines, the rest as pairs."""
    start = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)
    records: list[dict[str, Any]] = []
    for i in range(N_RECORDS):
        at = start + timedelta(
            days=rng.randint(0, 21),
            hours=rng.randint(0, 13),
            minutes=rng.randint(0, 59),
            seconds=rng.randint(0, 59),
        )
        release = "v1.4" if at.date() < datetime(2026, 11, 1).date() else "v1.5"
        customer = make_customer(1000 + i, rng)
        failures: set[str] = set()
        if rng.random() < 0.35:
            failures.add(rng.choice(["wrong_tool", "hallucinated_policy", "needless_refusal"]))
        needed = failures - COMMON
        intent = rng.choice([n for n, spec in INTENTS.items() if needed <= spec[1]])
        ctx = Context(
            rng=rng,
            customer=customer,
            order=make_order(rng, at, customer.region.country, INTENTS[intent][2]),
            now=at,
            release=release,
            failures=failures,
        )
        ctx.messages.append({"role": "system", "content": SYSTEM_PROMPTS[release]})
        build(intent, ctx)
        messages = [to_openai(m) for m in ctx.messages]
        session = _rid(rng, "sess_", 10)
        model = "gpt-4o-mini-2024-07-18"
        usage = {"prompt_tokens": rng.randint(400, 1400), "completion_tokens": rng.randint(30, 220)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        metadata = {
            "session_id": session,
            "channel": rng.choice(["web", "ios", "android"]),
            "client_ip": customer.ip,
            "release": release,
        }
        if i < 12:
            records.append(
                {
                    "id": _rid(rng, "chatcmpl-", 24),
                    "created": int(at.timestamp()),
                    "model": model,
                    "user": customer.user_id,
                    "metadata": metadata,
                    "messages": messages,
                }
            )
            continue
        final = messages.pop()
        records.append(
            {
                "request": {
                    "model": "gpt-4o-mini",
                    "messages": messages,
                    "tools": tool_schemas(),
                    "temperature": 0.3,
                    "user": customer.user_id,
                    "metadata": metadata,
                },
                "response": {
                    "id": _rid(rng, "chatcmpl-", 24),
                    "object": "chat.completion",
                    "created": int(at.timestamp()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": final,
                            "finish_reason": "tool_calls" if final.get("tool_calls") else "stop",
                        }
                    ],
                    "usage": usage,
                },
                "latency_ms": rng.randint(700, 4200),
            }
        )
    return records
