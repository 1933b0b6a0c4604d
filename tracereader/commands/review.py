"""`tracereader review` opens the review app; `tracereader demo` opens it on the sample traces."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tracereader.commands.common import (
    UserError,
    config_option,
    db_option,
    inherit_global,
    user_errors,
)

if TYPE_CHECKING:
    from tracereader.config import Settings
    from tracereader.review import QueueFilter

ORDER_CHOICES = ("newest", "oldest", "random", "signals")


def _date(value: str | None, flag: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{flag}: write the date as YYYY-MM-DD") from None


def _run_app(db_path: str | Path | None, settings: Any, options: Any) -> None:
    """Run the app, then print today's summary (and the app's note on quitting, if any)."""
    from tracereader.app import build_app

    app = build_app(db_path, settings, options)
    try:
        app.run()
    finally:
        app.store.close()
    for line in app.summary:
        click.echo(line)


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
    from tracereader.review import QueueError, QueueFilter, QueueOptions

    settings = load_settings(config_path)
    from tracereader.app.bindings import check_keymap

    check_keymap(settings)  # before the terminal check: a config error shows in any shell
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
    _check_filter(db_path, settings, options.filter)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UserError("review needs an interactive terminal (stdin and stdout)")
    from tracereader.app import AppOptions

    _run_app(db_path, settings, AppOptions(queue=options))


def _check_filter(db_path: str | None, settings: Settings, queue_filter: QueueFilter) -> None:
    """A filter value that names nothing stored is an error listing the known values (as the
    app's filter box answers), not an empty queue."""
    from tracereader.review import check_filter
    from tracereader.store import Store

    store = Store.open(db_path, create=False)
    try:
        problems = check_filter(store, settings, queue_filter)
    finally:
        store.close()
    if problems:
        raise UserError("; ".join(problems))


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
    callback=inherit_global,
    help="Create the demo database here (must not exist; kept). Default: a temporary folder. "
    "TRACEREADER_DB is ignored, so the demo never touches your own database.",
)
@config_option
@click.option("--keep", is_flag=True, help="Keep the demo database (its path is printed).")
@user_errors
def demo(db_path: str | None, config_path: str | None, keep: bool) -> None:
    """Open the review app at once on a fresh database that the sample traces fill meanwhile.

    Their dates are moved so the newest is today; the older ones arrive pre-reviewed from
    sample_traces/reviews.csv, so the patterns screen has data.
    """
    from tracereader.config import load_settings
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
    fate = "kept" if keep else "deleted when you quit; --keep keeps it"
    click.echo(f"demo database: {db_file} ({fate})")
    Store.open(db_file).close()  # created and migrated before either process opens it
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    try:
        if interactive:
            _demo_app(db_file, folder, settings, config_path, keep)
        else:
            _demo_printed(db_file, folder, settings)
    finally:
        _leave_demo(db_file, workdir, keep, made_folder=db_path is None)


def _demo_app(
    db_file: Path, folder: Path, settings: Any, config_path: str | None, keep: bool
) -> None:
    """The app on screen at once; the sample traces arrive from a background process."""
    import subprocess

    from tracereader.app import AppOptions
    from tracereader.demo_feed import feed_state
    from tracereader.review import QueueOptions

    command = [sys.executable, "-m", "tracereader.demo_feed", "--db", str(db_file)]
    command += ["--folder", str(folder)] + (["--config", config_path] if config_path else [])
    feeder = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a ctrl+c in the app is the app's, not the feed's
    )
    note = f"Demo: this database ({db_file}) is " + (
        "kept when you quit."
        if keep
        else "deleted when you quit; tracereader demo --keep keeps it."
    )
    options = AppOptions(
        queue=QueueOptions(timezone=settings.timezone),
        background=feed_state,
        quit_note=note,
    )
    try:
        _run_app(db_file, settings, options)
    finally:
        if feeder.poll() is None:
            feeder.terminate()
            try:
                feeder.wait(timeout=10)
            except subprocess.TimeoutExpired:
                feeder.kill()
                feeder.wait()


def _demo_printed(db_file: Path, folder: Path, settings: Any) -> None:
    """Not a terminal (CI, a pipe): load everything here, then print the status."""
    from tracereader.commands.status import render
    from tracereader.demo_feed import feed
    from tracereader.ingest import IngestError
    from tracereader.status import collect_status
    from tracereader.store import Store

    store = Store.open(db_file)
    try:
        try:
            count = feed(store, settings, folder)
        except IngestError as exc:
            raise UserError(str(exc)) from None
        click.echo(
            f"loaded {store.count('traces')} sample traces (dates moved so the newest is now); "
            f"pre-reviewed {count} older ones from sample_traces/reviews.csv"
        )
        click.echo(render(collect_status(store, settings)))
    finally:
        store.close()
    click.echo("not a terminal: printed the status instead of opening the review app")


def _leave_demo(db_file: Path, workdir: Path, keep: bool, *, made_folder: bool) -> None:
    """Keep or delete the demo database, and say which and where."""
    if keep:
        click.echo(f"kept the demo database: {db_file}")
        return
    for path in workdir.glob("*"):
        path.unlink()
    if made_folder:
        workdir.rmdir()
    click.echo(f"deleted the demo database {db_file}; `tracereader demo --keep` keeps the next one")
