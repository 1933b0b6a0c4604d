"""Where tracereader keeps its files; every location can be overridden by an environment variable.

`TRACEREADER_HOME` moves everything (data, config, salt) under one folder, which is what the
tests do; `TRACEREADER_DB` names the database alone (the `--db` flag wins over both).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "TRACEREADER_HOME"
DB_ENV = "TRACEREADER_DB"
CONFIG_ENV = "TRACEREADER_CONFIG"


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def data_dir() -> Path:
    """Folder for the default database."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home)
    return _xdg("XDG_DATA_HOME", ".local/share") / "tracereader"


def config_dir() -> Path:
    """Folder for the YAML config and the anonymization salt."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home)
    return _xdg("XDG_CONFIG_HOME", ".config") / "tracereader"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database to use: `--db`, else `$TRACEREADER_DB`, else the data folder's default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return data_dir() / "tracereader.db"


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The YAML config to use: `--config`, else `$TRACEREADER_CONFIG`, else the config folder's."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return config_dir() / "config.yaml"


def salt_path() -> Path:
    """The secret HMAC salt for hashing ids; kept outside the database, mode 0600."""
    return config_dir() / "salt"


def ensure_private_dir(path: Path) -> None:
    """Create a folder readable by its owner only (it will hold traces or secrets)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
