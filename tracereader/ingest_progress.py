"""A Rich progress bar over the bytes of the files being ingested, drawn on stderr only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn


class ProgressBar:
    """Tracks finished files plus the position inside the current one (file names not shown)."""

    def __init__(self, files: list[Path]) -> None:
        self.sizes = {path: _size(path) for path in files}
        self.done_bytes = 0
        self.progress = Progress(
            TextColumn("ingesting"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[landed]} landed, {task.fields[rejected]} rejected"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task(
            "ingest", total=max(sum(self.sizes.values()), 1), landed=0, rejected=0
        )

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def callback(self, path: Path) -> Callable[[int, Any], None]:
        """A function the ingest calls with the raw position reached in `path` and the summary."""

        def update(position: int, summary: Any) -> None:
            self.progress.update(
                self.task,
                completed=self.done_bytes + min(position, self.sizes.get(path, 0)),
                landed=summary.landed,
                rejected=summary.rejected_total,
            )

        return update

    def done(self, path: Path) -> None:
        """Mark a file as fully read (or skipped)."""
        self.done_bytes += self.sizes.get(path, 0)
        self.progress.update(self.task, completed=self.done_bytes)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
