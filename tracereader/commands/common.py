"""Options and error handling shared by every subcommand."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from tracereader import locations

F = TypeVar("F", bound=Callable[..., Any])


def inherit_global(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """The value given after the subcommand, else the one given before it, else env/default.

    `tracereader --db X status` and `tracereader status --db X` mean the same; the top-level
    group (`tracereader.cli`) declares `--db` and `--config` without env or default, so its
    value is None unless typed.
    """
    name = param.name or ""
    if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE:
        return value
    given = ctx.find_root().params.get(name)
    return value if given is None else given


def file_option(flag: str, dest: str, help: str, **extra: Any) -> Callable[[F], F]:
    """A `--flag FILE` option stored as `dest` (None unless given, by `extra` or the user)."""
    return click.option(
        flag, dest, type=click.Path(dir_okay=False), default=None, help=help, **extra
    )


def global_options(func: F) -> F:
    """`--db` and `--config` on the top-level group, for `tracereader --db X COMMAND`."""
    after = "for any command (it may also come after the command)"
    func = file_option("--config", "config_path", f"YAML config, {after}.")(func)
    return file_option("--db", "db_path", f"Database file, {after}.")(func)


def db_option(func: F) -> F:
    """`--db PATH` (default: `$TRACEREADER_DB`, else the data folder's tracereader.db)."""
    return file_option(
        "--db",
        "db_path",
        "Database file (env TRACEREADER_DB).",
        envvar=locations.DB_ENV,
        callback=inherit_global,
    )(func)


def config_option(func: F) -> F:
    """`--config PATH` (default: `$TRACEREADER_CONFIG`, else the config folder's config.yaml)."""
    return file_option(
        "--config",
        "config_path",
        "YAML config: tag taxonomy, daily minutes, thresholds (env TRACEREADER_CONFIG).",
        envvar=locations.CONFIG_ENV,
        callback=inherit_global,
    )(func)


def json_option(func: F) -> F:
    """`--json`: print one JSON document on stdout instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def print_json(document: Any) -> None:
    """Print a JSON document with stable key order (NaN/inf are not allowed)."""
    click.echo(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False))


def user_errors(func: F) -> F:
    """Turn the domain's expected errors into one-line messages (exit 2), never tracebacks."""
    from tracereader.config import ConfigError
    from tracereader.store import StoreError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, StoreError, UserError) as exc:
            click.echo(f"tracereader: {exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


class UserError(Exception):
    """A problem the user can fix; shown as one line, exit code 2."""
