"""`tracereader ingest PATH…`: read trace files, anonymize every string, store them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tracereader.commands.common import UserError, config_option, db_option, user_errors


class FormatOption(click.Option):
    """`--format`, whose help lists the registered formats (read only when help is shown)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from tracereader.formats import FORMATS

        names = ", ".join(FORMATS)
        self.help = f"Input format (the tool that wrote the file): auto (detect per file), {names}."
        return super().get_help_record(ctx)


@click.command(short_help="Read trace files into the database, anonymized at ingestion.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@config_option
@click.option(
    "--format",
    "format_name",
    cls=FormatOption,
    default="auto",
    metavar="NAME",
)
@click.option("--no-ner", is_flag=True, help="Skip name detection (no spaCy model needed).")
@user_errors
def ingest(
    paths: tuple[Path, ...],
    db_path: str | None,
    config_path: str | None,
    format_name: str,
    no_ner: bool,
) -> None:
    """Read trace files and folders into the database, anonymized at ingestion.

    Exit 0 when every record landed, 1 when some were rejected (each reported as
    file:line: reason on stderr), 2 on usage errors. A half-written last line of a JSONL file
    is not a rejection: it is noted on stderr and read by the next ingest.
    """
    from tracereader.config import load_settings
    from tracereader.ingest import IngestError, ingest_paths
    from tracereader.store import Store

    settings = load_settings(config_path)
    store = Store.open(db_path)
    try:
        summary = ingest_paths(
            list(paths),
            store,
            settings,
            format=format_name,
            no_ner=no_ner,
            progress=sys.stderr.isatty(),
        )
    except IngestError as exc:
        raise UserError(str(exc)) from None
    finally:
        store.close()
    how = " (auto-detected)" if format_name == "auto" else ""
    for notice in summary.rereads:
        click.echo(notice, err=True)
    for shown, name in summary.files.items():
        click.echo(f"{shown}: read as {name}{how}", err=True)
    for message in summary.rejected:
        click.echo(message, err=True)
    for notice in summary.unplaced:  # text a reader could not place: loud, not a rejection
        click.echo(notice, err=True)
    for notice in summary.pending:  # informational: the exit code ignores it
        click.echo(notice, err=True)
    hidden = summary.rejected_total - len(summary.rejected)
    if hidden:
        click.echo(f"… and {hidden} more rejected records not listed", err=True)
    click.echo(summary.summary_line())
    if not summary.ner_enabled:
        click.echo(
            "warning: names are NOT being detected; install a model with "
            "pip install 'tracereader[ner]' and drop --no-ner",
            err=True,
        )
    sys.exit(1 if summary.rejected_total else 0)
