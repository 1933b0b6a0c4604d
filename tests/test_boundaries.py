"""Architecture contracts: the domain never imports Textual; the CLI is light and documented."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

from click.testing import CliRunner

import tracereader
from tracereader.cli import COMMANDS, cli


def _domain_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(tracereader.__path__, "tracereader."):
        if info.name.startswith("tracereader.app") or info.name == "tracereader.otel":
            continue
        names.append(info.name)
    return names


def test_domain_modules_never_import_textual() -> None:
    modules = _domain_modules()
    assert "tracereader.store" in modules
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == []


def test_every_command_has_one_line_help() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output, f"{name} missing from tracereader --help"
        sub = runner.invoke(cli, [name, "--help"])
        assert sub.exit_code == 0, sub.output
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.help
        first_line = command.help.strip().splitlines()[0]
        assert first_line.endswith("."), f"{name}: help should be one sentence"


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tracereader", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert tracereader.__version__ in result.stdout
