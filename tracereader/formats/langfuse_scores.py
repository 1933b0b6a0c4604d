"""Langfuse feedback in every shape it is exported: score objects, table score columns, comments.

The API and the UI downloads attach score objects (`NUMERIC`, `BOOLEAN`, `CATEGORICAL`, `TEXT`)
to a trace; the traces-table export flattens them into one column per score name holding a list
of values, and adds the trace's `comments`. All become one `Feedback` (a user's verdict
preferred, its comment kept) and `score.<name>` metadata, every comment kept.
"""

from __future__ import annotations

from typing import Any

from tracereader.formats.normalize import NUMBERS, feedback_score, is_user_score
from tracereader.model import Feedback

TABLE_COLUMNS = frozenset(
    {
        "id",
        "timestamp",
        "name",
        "userId",
        "sessionId",
        "release",
        "version",
        "environment",
        "tags",
        "bookmarked",
        "public",
        "input",
        "output",
        "metadata",
        "comments",
        "projectId",
        "htmlPath",
        "latency",
        "totalCost",
        "observations",
        "scores",
        "createdAt",
        "updatedAt",
        "externalId",
        "corrections",
    }
)
"""A trace row's own fields; any other key of a table-export row is a score column."""


def is_score(value: dict[str, Any]) -> bool:
    """A score object on its own (the v4 download lists them beside the observations)."""
    return (
        "traceId" in value and "dataType" in value and "name" in value and "startTime" not in value
    )


def score_columns(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The scores a traces-table export row flattened into columns (`"tone": ["neutral"]`)."""
    scores: list[dict[str, Any]] = []
    for name, values in row.items():  # in the row's order
        if not isinstance(values, list) or name in TABLE_COLUMNS:
            continue
        for value in values:
            if isinstance(value, NUMBERS):
                scores.append({"name": name, "dataType": "NUMERIC", "value": value})
            elif isinstance(value, str):
                scores.append({"name": name, "dataType": "CATEGORICAL", "stringValue": value})
    return scores


def _value(score: dict[str, Any]) -> Any:
    data_type = str(score.get("dataType", score.get("data_type", ""))).upper()
    raw = score.get("value")
    if data_type in ("CATEGORICAL", "TEXT", "CORRECTION") or raw is None:
        raw = score.get("stringValue", score.get("longStringValue", raw))
    if data_type == "BOOLEAN" and isinstance(raw, NUMBERS):
        raw = bool(raw)
    return raw


def _comment_texts(comments: Any) -> list[str]:
    texts = []
    for comment in comments if isinstance(comments, list) else []:
        text = comment.get("content") if isinstance(comment, dict) else comment
        if isinstance(text, str) and text.strip():
            texts.append(text)
    return texts


def feedback(
    scores: list[dict[str, Any]], comments: Any = None
) -> tuple[Feedback | None, dict[str, Any]]:
    """Feedback from scores and comments, and every score (and its comment) as metadata."""
    chosen: tuple[float, str | None] | None = None
    metadata: dict[str, Any] = {}
    for score in sorted(scores, key=lambda s: not is_user_score(s.get("name"))):
        name = str(score.get("name") or "score")
        raw = _value(score)
        key = f"score.{name}"
        if key in metadata:  # several scores of one name (table export lists): keep them all
            previous = metadata[key]
            metadata[key] = [*previous, raw] if isinstance(previous, list) else [previous, raw]
        else:
            metadata[key] = raw
        note = score.get("comment")
        if isinstance(note, str) and note:
            metadata[f"{key}.comment"] = note
        mapped = feedback_score(raw)
        if chosen is None and mapped is not None:
            chosen = (mapped, note if isinstance(note, str) and note else None)
    notes = _comment_texts(comments)
    if chosen is None and not notes:
        return None, metadata
    verdict, comment = chosen if chosen else (None, None)
    joined = "\n".join([c for c in (comment, *notes) if c])
    return Feedback(score=verdict, comment=joined or None), metadata
