"""`tracereader export`: action items (md for a tracker, json, csv) or a dataset (jsonl)."""

from __future__ import annotations

import click

from tracereader.commands.common import UserError, config_option, db_option, user_errors


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "csv", "jsonl"]),
    default="md",
    show_default=True,
    help="md/json/csv: action items; jsonl: the reviewed traces as dataset records.",
)
@click.option("-o", "--output", default=None, help="File to write; `-` or none: stdout.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--all", "include_candidates", is_flag=True, help="Add candidates below the threshold."
)
@click.option(
    "--platform",
    type=click.Choice(["langsmith", "langfuse", "braintrust"]),
    default=None,
    help="jsonl only: the dataset upload shape (default langsmith).",
)
@db_option
@config_option
@user_errors
def export(
    fmt: str,
    output: str | None,
    force: bool,
    include_candidates: bool,
    platform: str | None,
    db_path: str | None,
    config_path: str | None,
) -> None:
    """Write the actionable patterns as ranked, costed action items, or the reviewed traces.

    Output is deterministic: the same database gives the same bytes, so exports can be
    diffed and committed.
    """
    from pathlib import Path

    from tracereader.config import load_settings
    from tracereader.export import ExportError, render, write_text
    from tracereader.store import Store

    if platform is not None and fmt != "jsonl":
        raise click.UsageError("--platform applies to --format jsonl only")
    target = None if output in (None, "-") else Path(output)
    if target is not None and target.exists() and not force:
        raise UserError(f"{target}: already exists; add --force to replace it")
    settings = load_settings(config_path)
    store = Store.open(db_path, create=False)
    try:
        text = render(
            store,
            settings,
            fmt,
            include_candidates=include_candidates,
            platform=platform or "langsmith",
        )
    finally:
        store.close()
    if target is None:
        click.echo(text, nl=False)
        return
    try:
        written = write_text(target, text, force=force)
    except ExportError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"wrote {written}", err=True)
