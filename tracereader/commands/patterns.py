"""`tracereader patterns`: the candidate patterns table or JSON, and the reviewer's edits."""

from __future__ import annotations

from typing import Any

import click

from tracereader.commands.common import (
    UserError,
    config_option,
    db_option,
    json_option,
    print_json,
    user_errors,
)


def _open(db_path: str | None, config_path: str | None) -> tuple[Any, Any]:
    from tracereader.config import load_settings
    from tracereader.store import Store

    settings = load_settings(config_path)
    return Store.open(db_path, create=False), settings


@click.group(invoke_without_command=True)
@db_option
@config_option
@json_option
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Leave out patterns seen in fewer traces.",
)
@click.pass_context
@user_errors
def patterns(
    ctx: click.Context,
    db_path: str | None,
    config_path: str | None,
    as_json: bool,
    min_count: int,
) -> None:
    """Recurring failures from your tags and notes, with rates and Wilson intervals.

    Patterns are ranked by the lower bound of the 95% interval; those seen in fewer traces than
    the actionable threshold (default 5) are candidates. `--json` adds signal calibration,
    satisfaction, the pass rate and saturation. Subcommands merge, rename, split and promote.
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db_path": db_path, "config_path": config_path}  # for `patterns --db X merge`
        return
    from tracereader.patterns import build_report, table_lines

    store, settings = _open(db_path, config_path)
    try:
        report = build_report(store, settings, min_count=min_count)
    finally:
        store.close()
    if as_json:
        print_json(report.as_dict())
    else:
        click.echo("\n".join(table_lines(report)))


def _edit(db_path: str | None, config_path: str | None, apply: Any) -> None:
    from tracereader.patterns import PatternEditError, find_patterns, pattern_by_key

    parent = click.get_current_context().obj or {}
    store, settings = _open(
        db_path or parent.get("db_path"), config_path or parent.get("config_path")
    )
    try:
        current = find_patterns(store, settings)

        def resolve(ref: str) -> str:
            found = pattern_by_key(current, ref) or next(
                (p for p in current if p.label.casefold() == ref.casefold()), None
            )
            if found is None:
                from tracereader.grouping import closest_name

                names = [p.label for p in current] + [p.key for p in current]
                near = closest_name(ref, names)
                hint = f"did you mean {names[near]!r}? " if near is not None else ""
                raise UserError(
                    f"no pattern {ref!r}; {hint}`tracereader patterns --json` lists the keys"
                )
            return found.key

        try:
            message = apply(store, settings, resolve)
        except PatternEditError as exc:
            raise UserError(str(exc)) from None
    finally:
        store.close()
    click.echo(message)


@patterns.command()
@click.argument("source")
@click.argument("target")
@db_option
@config_option
@user_errors
def merge(source: str, target: str, db_path: str | None, config_path: str | None) -> None:
    """Merge pattern SOURCE into TARGET (each a key such as tag:wrong_tool, or a label)."""
    from tracereader.patterns import edits as pattern_edits

    def apply(store: Any, settings: Any, resolve: Any) -> str:
        src, dst = resolve(source), resolve(target)
        pattern_edits.merge(store, src, dst, reviewer=settings.reviewer_name)
        return f"merged {src} into {dst}"

    _edit(db_path, config_path, apply)


@patterns.command()
@click.argument("pattern")
@click.argument("label")
@db_option
@config_option
@user_errors
def rename(pattern: str, label: str, db_path: str | None, config_path: str | None) -> None:
    """Give PATTERN (a key or a label) a new LABEL; an empty LABEL restores the default."""
    from tracereader.patterns import edits as pattern_edits

    def apply(store: Any, settings: Any, resolve: Any) -> str:
        key = resolve(pattern)
        pattern_edits.rename(store, key, label, reviewer=settings.reviewer_name)
        return f"renamed {key}"

    _edit(db_path, config_path, apply)


@patterns.command()
@click.argument("trace_id")
@click.option("--into", "into", default=None, help="Move the note into this pattern instead.")
@db_option
@config_option
@user_errors
def split(trace_id: str, into: str | None, db_path: str | None, config_path: str | None) -> None:
    """Move the note of TRACE_ID out of its pattern (to stand alone, or --into another)."""
    from tracereader.patterns import edits as pattern_edits

    def apply(store: Any, settings: Any, resolve: Any) -> str:
        row = store.db.execute(
            "select note from reviews where trace_id = ? and reviewed_at is not null", [trace_id]
        ).fetchone()
        if row is None or not (row[0] or "").strip():
            raise UserError(f"trace {trace_id!r} has no reviewed note to move")
        target = resolve(into) if into else None
        pattern_edits.split(store, trace_id, target, reviewer=settings.reviewer_name)
        return f"moved the note of {trace_id} " + (f"into {target}" if target else "out")

    _edit(db_path, config_path, apply)


@patterns.command()
@click.argument("pattern")
@click.option("--name", default=None, help="The tag's name (default: made from the label).")
@db_option
@config_option
@user_errors
def promote(pattern: str, name: str | None, db_path: str | None, config_path: str | None) -> None:
    """Make the note pattern PATTERN (a key or a label) a taxonomy tag with a free hotkey."""
    from tracereader.app.bindings import review_keys
    from tracereader.patterns import (
        PromoteError,
        find_patterns,
        pattern_by_key,
        promoted_text,
        with_promoted,
    )
    from tracereader.patterns import promote as promote_pattern

    def apply(store: Any, settings: Any, resolve: Any) -> str:
        effective = with_promoted(settings, store)
        found = pattern_by_key(find_patterns(store, effective), resolve(pattern))
        if found is None:
            raise UserError(f"no pattern {pattern!r}")
        try:
            tag = promote_pattern(
                store, effective, found, reserved=review_keys(effective), name=name,
                reviewer=settings.reviewer_name,
            )  # fmt: skip
        except PromoteError as exc:
            raise UserError(str(exc)) from None
        return promoted_text(store, found.key, tag)

    _edit(db_path, config_path, apply)
