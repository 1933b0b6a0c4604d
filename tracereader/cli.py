"""The `tracereader` command: a click group whose subcommands live in `tracereader.commands`.

Subcommands are imported only when used, so `tracereader status` never pays for Presidio
or Textual. The CLI parses and delegates; rules live in the domain modules.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from tracereader import __version__

# command name -> "module:attribute"; one module per command family.
COMMANDS: dict[str, str] = {
    "ingest": "tracereader.commands.ingest:ingest",
    "review": "tracereader.commands.review:review",
    "demo": "tracereader.commands.review:demo",
    "status": "tracereader.commands.status:status",
    "patterns": "tracereader.commands.patterns:patterns",
    "export": "tracereader.commands.export:export",
    "compare": "tracereader.commands.compare:compare",
    "fixed": "tracereader.commands.compare:fixed",
    "audit": "tracereader.commands.audit:audit",
}


class LazyGroup(click.Group):
    """A group that imports each subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command: click.Command = getattr(module, attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracereader")
def cli() -> None:
    """Read, tag and learn from your LLM application's traces, 30 minutes a day, privately."""


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="tracereader")
