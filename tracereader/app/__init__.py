"""The Textual review app; `build_app` is the one way to make one."""

from __future__ import annotations

from tracereader.app.lean import import_sqlite_utils_lean

import_sqlite_utils_lean()

from tracereader.app.factory import build_app  # noqa: E402
from tracereader.app.options import AppOptions  # noqa: E402

__all__ = ["AppOptions", "build_app"]
