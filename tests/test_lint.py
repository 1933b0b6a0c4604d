"""Code health is part of the suite: ruff lint and format, and mypy on the domain modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _ruff() -> str:
    """The ruff installed beside this Python (the test extra's), else the one on PATH."""
    local = Path(sys.prefix) / "bin" / "ruff"
    return str(local) if local.exists() else (shutil.which("ruff") or "ruff")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True)


def test_ruff_check_is_clean() -> None:
    result = _run(_ruff(), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run(_ruff(), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_the_domain_modules() -> None:
    result = _run(sys.executable, "-m", "mypy", "tracereader", "--exclude", "tracereader/app/")
    assert result.returncode == 0, result.stdout + result.stderr
