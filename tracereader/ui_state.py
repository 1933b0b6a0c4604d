"""What the app remembers about its look between runs: the theme picked with ctrl+p.

Kept in `ui.json` beside the config (mode 0600), not in the database: the theme belongs to
the person, and a demo database is thrown away. A missing or unreadable file means defaults.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tracereader import locations

FILE_NAME = "ui.json"


def state_path() -> Path:
    """Where the app's look is kept (`TRACEREADER_HOME` moves it with the config)."""
    return locations.config_dir() / FILE_NAME


def load_theme() -> str | None:
    """The theme saved last time, or None."""
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    return theme if isinstance(theme, str) and theme else None


def save_theme(theme: str) -> None:
    """Remember `theme` for the next run (failures to write are ignored: it is only a look)."""
    path = state_path()
    try:
        locations.ensure_private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"theme": theme}, handle)
    except OSError:
        pass
