"""`tracereader audit [--fix]`: rescan what is stored for anything personal or secret."""

from __future__ import annotations

from typing import Any

import click

from tracereader.commands.common import (
    UserError,
    config_option,
    db_option,
    json_option,
    print_json,
    user_errors,
)


def render(report: Any) -> list[str]:
    """Findings as aligned lines (type, column, trace, count), then a one-line summary."""
    rows = sorted(report.findings.items(), key=lambda item: (item[0][0], item[0][1], item[0][2]))
    lines = [f"{entity:<16} {column:<24} {trace}  ({n})" for (entity, column, trace), n in rows]
    total = sum(report.findings.values())
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(report.by_type().items())) or "none"
    traces = len({trace for (_, _, trace) in report.findings})
    if report.fixed and total:
        summary = (
            f"fixed {total} findings ({kinds}) in {report.cells_changed} stored values of "
            f"{traces} traces/rows; {report.traces_rekeyed} trace ids re-keyed"
        )
    elif total:
        summary = (
            f"{total} findings ({kinds}) in {traces} traces/rows; run with --fix to replace them"
        )
    else:
        summary = "no findings: nothing personal or secret found in what is stored"
    return [*lines, summary]


def document(report: Any) -> dict[str, Any]:
    """The report as one JSON document (never a value, only where and what type)."""
    return {
        "findings": [
            {"type": entity, "field": column, "trace": trace, "count": n}
            for (entity, column, trace), n in sorted(report.findings.items())
        ],
        "by_type": dict(sorted(report.by_type().items())),
        "fixed": report.fixed,
        "values_changed": report.cells_changed if report.fixed else 0,
        "traces_rekeyed": report.traces_rekeyed,
    }


@click.command(short_help="Rescan what is stored for anything personal or secret.")
@db_option
@config_option
@json_option
@click.option("--fix", is_flag=True, help="Replace what is found, in place, in one transaction.")
@click.option("--no-ner", is_flag=True, help="Rescan without name detection (patterns only).")
@user_errors
def audit(
    db_path: str | None, config_path: str | None, as_json: bool, fix: bool, no_ner: bool
) -> None:
    """Rescan every stored text column (metadata included) with the current detectors.

    Prints each finding by type, column and trace id, never the value, and exits 1 when there
    is any. `--fix` replaces them with typed placeholders (numbered after those the trace
    already holds) and re-keys trace ids that hold something personal, in one transaction;
    a database made by an older version is so checked and cleaned.
    """
    from tracereader.config import load_settings
    from tracereader.privacy import AnonymizerError
    from tracereader.store import Store

    settings = load_settings(config_path)
    store = Store.open(db_path, create=False)
    try:
        from tracereader.privacy import Anonymizer
        from tracereader.privacy.audit import audit_store

        try:
            anonymizer = Anonymizer.create(store, settings, no_ner=no_ner)
        except AnonymizerError as exc:
            raise UserError(str(exc)) from None
        report = audit_store(store, anonymizer, fix=fix)
    finally:
        store.close()
    if as_json:
        print_json(document(report))
    else:
        for line in render(report):
            click.echo(line)
    if report.findings and not fix:
        raise SystemExit(1)
