"""The Textual review app; `build_app` is the one way to make one."""

from __future__ import annotations

from tracereader.app.factory import build_app
from tracereader.app.options import AppOptions

__all__ = ["AppOptions", "build_app"]
