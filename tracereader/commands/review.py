"""`tracereader review` opens the review app; `tracereader demo` opens it on the sample traces."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import click

from tracereader.commands.common import UserError, config_option, db_option, user_errors

ORDER_CHOICES = ("newest", "oldest", "random", "signals")


def _date(value: str | None, flag: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{flag}: write the date as YYYY-MM-DD") from None


def _run_app(db_path: str | Path | None, settings: Any, queue_options: Any) -> None:
    from tracereader.app import AppOptions, build_app

    app = build_app(db_path, settings, AppOptions(queue=queue_options))
    try:
        app.run()
    finally:
        app.store.close()


@click.command()
@db_option
@config_option
@click.option(
    "--order",
    type=click.Choice(ORDER_CHOICES),
    default="newest",
    show_default=True,
    help="Queue order; signals = thumbs-down and implicit events first; "
    "random is seeded and stable across restarts.",
)
@click.option("--release", help="Only traces of this release.")
@click.option("--model", help="Only traces of this model.")
@click.option("--since", help="Only traces from this day on (YYYY-MM-DD).")
@click.option("--until", help="Only traces up to this day, inclusive (YYYY-MM-DD).")
@click.option("--sample", help="Review a seeded random sample today: 20% or a count like 50.")
@user_errors
def review(
    db_path: str | None,
    config_path: str | None,
    order: str,
    release: str | None,
    model: str | None,
    since: str | None,
    until: str | None,
    sample: str | None,
) -> None:
    """Open the review app on the queue of unreviewed traces."""
    from tracereader.config import load_settings
    from tracereader.queue import QueueError, QueueFilter, QueueOptions

    settings = load_settings(config_path)
    try:
        options = QueueOptions(
            order=order,
            filter=QueueFilter(
                release=release,
                model=model,
                since=_date(since, "--since"),
                until=_date(until, "--until"),
            ),
            sample=sample,
            timezone=settings.timezone,
        )
    except QueueError as exc:
        raise UserError(str(exc)) from None
    from tracereader import locations

    if not locations.db_path(db_path).exists():
        raise UserError(
            f"{locations.db_path(db_path)}: no database here yet; run `tracereader ingest` first"
        )
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UserError("review needs an interactive terminal (stdin and stdout)")
    _run_app(db_path, settings, options)


def sample_traces_dir() -> Path:
    """The repository's sample_traces folder."""
    import tracereader

    return Path(tracereader.__file__).resolve().parents[1] / "sample_traces"


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Create the demo database here (must not exist; kept). Default: a temporary folder. "
    "TRACEREADER_DB is ignored, so the demo never touches your own database.",
)
@config_option
@click.option("--keep", is_flag=True, help="Keep the demo database (its path is printed).")
@user_errors
def demo(db_path: str | None, config_path: str | None, keep: bool) -> None:
    """Ingest sample_traces/ into a fresh database and open the review app on it."""
    from tracereader.config import load_settings
    from tracereader.ingest import IngestError, ingest_paths
    from tracereader.queue import QueueOptions
    from tracereader.store import Store

    folder = sample_traces_dir()
    has_traces = folder.is_dir() and any(
        p.suffix in {".jsonl", ".json", ".gz"} for p in folder.rglob("*") if p.is_file()
    )
    if not has_traces:
        raise UserError(
            f"{folder}: no sample traces here; run `python sample_traces/generate.py` in a "
            "checkout of the repository"
        )
    settings = load_settings(config_path)
    if db_path is not None:
        db_file = Path(db_path)
        if db_file.exists():
            raise UserError(f"{db_file}: already exists; the demo needs a fresh database")
        workdir, keep = db_file.parent, True
    else:
        workdir = Path(tempfile.mkdtemp(prefix="tracereader-demo-"))
        db_file = workdir / "demo.db"
    click.echo(f"demo database: {db_file}")
    store = Store.open(db_file)
    try:
        try:
            summary = ingest_paths([folder], store, settings, progress=sys.stderr.isatty())
        except IngestError as exc:
            raise UserError(str(exc)) from None
        click.echo(summary.summary_line())
        reviews_csv = folder / "reviews.csv"
        if reviews_csv.exists():
            from tracereader.sample_reviews import apply_sample_reviews

            count = apply_sample_reviews(store, reviews_csv, fraction=0.8)
            click.echo(
                f"pre-reviewed {count} older traces from sample_traces/reviews.csv; "
                "the newest are left in your queue"
            )
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        if not interactive:
            from tracereader.commands.status import render
            from tracereader.status import collect_status

            click.echo(render(collect_status(store, settings)))
            click.echo("not a terminal: printed the status instead of opening the review app")
    finally:
        store.close()
    try:
        if interactive:
            _run_app(db_file, settings, QueueOptions(timezone=settings.timezone))
    finally:
        if keep:
            click.echo(f"kept the demo database: {db_file}")
        else:
            for path in workdir.glob("*"):
                path.unlink()
            workdir.rmdir()
