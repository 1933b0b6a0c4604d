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
from tracereader.commands.common import global_options

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


class OneLineUsageError(click.UsageError):
    """A user's mistake on the command line, shown as one line (the full help is `--help`)."""

    def show(self, file: Any = None) -> None:
        message = " ".join(self.format_message().split()).rstrip(".")
        where = self.ctx.command_path if self.ctx is not None else "tracereader"
        click.echo(f"tracereader: {message} (see '{where} --help')", err=True)


def _one_line(exc: click.UsageError) -> click.UsageError:
    """`exc` as a OneLineUsageError; bare `tracereader` (no arguments) still shows the help."""
    if isinstance(exc, click.exceptions.NoArgsIsHelpError | OneLineUsageError):
        return exc
    return OneLineUsageError(exc.format_message(), exc.ctx)  # exit code 2, like any UsageError


class LazyGroup(click.Group):
    """A group that imports each subcommand's module on first use.

    A usage error anywhere below it (an unknown option or command, a missing argument, a
    bad value) is printed as one line instead of click's usage block.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from None

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
@global_options
def cli(db_path: str | None, config_path: str | None) -> None:
    """Read, tag and learn from your LLM application's traces, 30 minutes a day, privately.

    `--db` and `--config` work before or after the command; the subcommands read them.
    """


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="tracereader")
