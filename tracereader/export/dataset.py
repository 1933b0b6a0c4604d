"""Reviewed traces as JSONL dataset records for LangSmith, Langfuse or Braintrust: the way out.

One record per reviewed trace (ordered by trace id), with the already-anonymized messages
split into the input (everything up to the last user turn) and the observed output (the
turns after it), and the reviewer's verdict, tags and note in the metadata. The observed
output is offered as the reference/expected output only when the reviewer passed the trace;
a failed trace is a regression case whose observed answer stays in `metadata.observed_output`.
Each platform gets the field names its dataset upload documents (see README.md, "Action items out").
"""

from __future__ import annotations

import json
from typing import Any

from tracereader import stored
from tracereader.store import Store

PLATFORMS = ("langsmith", "langfuse", "braintrust")


def _message(row: dict[str, Any]) -> dict[str, Any]:
    """A stored message in the OpenAI chat shape all three platforms display."""
    message: dict[str, Any] = {"role": row["role"], "content": row["content"]}
    calls = stored.tool_calls(row["tool_calls"])
    if calls:
        message["tool_calls"] = [
            {
                "id": call.get("id"),
                "type": "function",
                "function": {
                    "name": call.get("name"),
                    "arguments": json.dumps(
                        call.get("arguments"), sort_keys=True, ensure_ascii=False
                    ),
                },
            }
            for call in calls
        ]
    if row["tool_call_id"]:
        message["tool_call_id"] = row["tool_call_id"]
    if row["name"]:
        message["name"] = row["name"]
    return message


def split_conversation(
    messages: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(input, output): up to and including the last user turn, and what the app answered."""
    last_user = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=None)
    if last_user is None:
        return messages, []
    return messages[: last_user + 1], messages[last_user + 1 :]


def _reviewed_rows(store: Store) -> list[dict[str, Any]]:
    sql = (
        "select t.id, t.timestamp, t.release, t.model, r.verdict, r.note, r.reviewed_at "
        "from traces t join reviews r on r.trace_id = t.id "
        "where r.reviewed_at is not null order by t.id"
    )
    return list(store.db.query(sql))


def records(store: Store, platform: str = "langsmith") -> list[dict[str, Any]]:
    """The dataset records for `platform`, one per reviewed trace, in trace-id order."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; use one of {', '.join(PLATFORMS)}")
    out: list[dict[str, Any]] = []
    for row in _reviewed_rows(store):
        trace_id = row["id"]
        messages = [
            _message(m)
            for m in store.db.query(
                "select * from messages where trace_id = ? order by idx", [trace_id]
            )
        ]
        tags = [
            r[0]
            for r in store.db.execute(
                "select tag from tags where trace_id = ? order by tag", [trace_id]
            )
        ]
        given, observed = split_conversation(messages)
        verdict = row["verdict"]
        metadata = {
            "source": "tracereader",
            "trace_id": trace_id,
            "verdict": verdict,
            "tags": tags,
            "note": row["note"],
            "release": row["release"],
            "model": row["model"],
            "timestamp": row["timestamp"],
            "reviewed_at": row["reviewed_at"],
            "observed_output": {"messages": observed},
        }
        inputs = {"messages": given}
        reference = {"messages": observed} if verdict == "pass" else None
        out.append(_shape(platform, trace_id, inputs, reference, metadata, tags))
    return out


def _shape(
    platform: str,
    trace_id: str,
    inputs: dict[str, Any],
    reference: dict[str, Any] | None,
    metadata: dict[str, Any],
    tags: list[str],
) -> dict[str, Any]:
    if platform == "langsmith":
        # LangSmith examples: inputs, outputs (reference outputs, optional), metadata.
        return {"inputs": inputs, "outputs": reference, "metadata": metadata}
    if platform == "langfuse":
        # Langfuse dataset items: id (upsert key), input, expectedOutput, metadata.
        return {
            "id": f"tracereader-{trace_id}",
            "input": inputs,
            "expectedOutput": reference,
            "metadata": metadata,
        }
    # Braintrust dataset records: id, input, expected, metadata, tags.
    return {
        "id": trace_id,
        "input": inputs,
        "expected": reference,
        "metadata": metadata,
        "tags": tags,
    }


def render_jsonl(store: Store, platform: str = "langsmith") -> str:
    """One compact JSON object per line, keys sorted, so the same database gives the same bytes."""
    lines = [
        json.dumps(
            record, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
        for record in records(store, platform)
    ]
    return "".join(line + "\n" for line in lines)
