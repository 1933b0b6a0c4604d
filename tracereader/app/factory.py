"""One factory builds the app for the CLI, the tests, the snapshots and the benchmark."""

from __future__ import annotations

import os

from tracereader.app.app import TraceReaderApp
from tracereader.app.bindings import check_keymap
from tracereader.app.collector import freeze_startup
from tracereader.app.options import AppOptions
from tracereader.config import Settings
from tracereader.store import Store


def build_app(
    db_path: str | os.PathLike[str] | None,
    settings: Settings,
    options: AppOptions | None = None,
) -> TraceReaderApp:
    """Open the store (migrating it) and build the app on it, nothing started yet.

    A keymap that names no binding or puts two actions on one key raises `ConfigError`.
    """
    check_keymap(settings)
    freeze_startup()
    store = Store.open(db_path)
    return TraceReaderApp(store, settings, options or AppOptions())
