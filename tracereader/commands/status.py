"""`tracereader status [--json]`: what is stored, how much is reviewed, how the last ingest went."""

from __future__ import annotations

import json
from typing import Any

import click

from tracereader.commands.common import (
    config_option,
    db_option,
    json_option,
    print_json,
    user_errors,
)

_LABELS = {
    "traces": "traces",
    "messages": "messages",
    "reviewed": "reviewed traces",
    "tags": "tags applied",
    "first_trace_at": "first trace",
    "last_trace_at": "last trace",
    "inferred_timestamps": "timestamps set to ingest time",
}


def _ner_text(value: Any) -> str:
    if value is None:
        return "-"
    if value == "mixed":
        return "mixed: some traces were ingested without name detection"
    return "on" if value else "OFF: names were not detected (--no-ner)"


def _ingest_text(run: dict[str, Any] | None) -> str:
    if run is None:
        return "never"
    names = "" if run["ner"] else ", names not detected"
    return (
        f"{run['finished_at']} ({run['format']}): {run['ok']} landed, "
        f"{run['duplicates']} duplicates, {run['rejected']} rejected{names}"
    )


def render(document: dict[str, Any]) -> str:
    """The status document as aligned `label  value` lines (keys added later are shown too)."""
    rows: list[tuple[str, str]] = []
    for key, label in _LABELS.items():
        value = document.get(key)
        rows.append((label, "-" if value is None else str(value)))
    rows.append(("name detection", _ner_text(document.get("ner"))))
    rows.append(("last ingest", _ingest_text(document.get("last_ingest"))))
    from tracereader.status import STATUS_KEYS, status_lines

    rows.extend(status_lines(document))
    for key, value in document.items():
        if key in _LABELS or key in ("ner", "last_ingest") or key in STATUS_KEYS:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        rows.append((key.replace("_", " "), text))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


@click.command(short_help="Show stored traces, review progress and the last ingest.")
@db_option
@config_option
@json_option
@user_errors
def status(db_path: str | None, config_path: str | None, as_json: bool) -> None:
    """Show stored traces, review progress and the last ingest (--json: one JSON document)."""
    from tracereader.config import load_settings
    from tracereader.status import collect_status
    from tracereader.store import Store

    settings = load_settings(config_path)
    store = Store.open(db_path, create=False)
    try:
        document = collect_status(store, settings)
    finally:
        store.close()
    if as_json:
        print_json(document)
    else:
        click.echo(render(document))
