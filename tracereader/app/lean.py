"""Import sqlite-utils without numpy and pandas, so the review app starts ~0.3 s sooner.

sqlite-utils imports numpy and pandas, when installed, only to map their scalar types to
column types. The app never writes numpy or pandas values, and numpy is installed here only
for scipy, so the app hides both while sqlite-utils loads; they import normally afterwards
(the patterns screen's statistics still use them).
"""

from __future__ import annotations

import sys

_HIDDEN = ("numpy", "pandas")


def import_sqlite_utils_lean() -> None:
    """Load sqlite-utils with numpy and pandas hidden, unless any of them is already loaded."""
    if "sqlite_utils" in sys.modules or any(name in sys.modules for name in _HIDDEN):
        return
    for name in _HIDDEN:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in _HIDDEN:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
