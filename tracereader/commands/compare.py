"""`tracereader compare` (did the fix change the rate?) and `tracereader fixed` (a fix shipped)."""

from __future__ import annotations

import shlex

import click

from tracereader.commands.common import (
    UserError,
    config_option,
    db_option,
    json_option,
    print_json,
    user_errors,
)

TEST_NAMES = {
    "fisher": "Fisher's exact test (an expected count is below 5)",
    "chi2": "Pearson's chi-squared test (every expected count is 5 or more)",
}


@click.command()
@click.option("--tag", default=None, help="Count traces carrying this tag.")
@click.option("--pattern", default=None, help="Count traces of this pattern (label or key).")
@click.option("--release-before", default=None, help="Release of the before side.")
@click.option(
    "--release-after",
    default=None,
    help="Release of the after side; without --release-before, the release seen just before it.",
)
@click.option(
    "--split-date", default=None, help="Split by date instead: before vs from YYYY-MM-DD."
)
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Significance level.")
@json_option
@db_option
@config_option
@user_errors
def compare(
    tag: str | None,
    pattern: str | None,
    release_before: str | None,
    release_after: str | None,
    split_date: str | None,
    alpha: float,
    as_json: bool,
    db_path: str | None,
    config_path: str | None,
) -> None:
    """Test whether a tag's or pattern's rate changed between two releases or around a date.

    Counts reviewed traces only, uses Fisher's exact test when any expected count is below 5
    (else chi-squared), and says plainly whether the change is evidence. Comparing the
    release a fix shipped in (see `tracereader fixed`) with the one before records the
    result on the action item: validated when significant and the rate fell.
    """
    from tracereader.compare import CompareError
    from tracereader.config import load_settings
    from tracereader.fix_loop import compare_and_record
    from tracereader.store import Store

    settings = load_settings(config_path)
    store = Store.open(db_path, create=False)
    try:
        try:
            result, item = compare_and_record(
                store,
                settings,
                tag=tag,
                pattern=pattern,
                release_before=release_before,
                release_after=release_after,
                split_date=split_date,
                alpha=alpha,
            )
        except CompareError as exc:
            raise UserError(str(exc)) from None
        document = result.as_dict()
    finally:
        store.close()
    if as_json:
        print_json({**document, "action_item": item.as_dict() if item else None})
        return
    r = result.result
    click.echo(f"{result.subject.label} ({result.subject.key}), reviewed traces only")
    width = max(len(result.split.before), len(result.split.after))
    click.echo(f"  before  {result.split.before:<{width}}  {_rate(r.before)}")
    click.echo(f"  after   {result.split.after:<{width}}  {_rate(r.after)}")
    statistic = document["statistic"]
    stat_name = "odds ratio" if r.test == "fisher" else "chi-squared"
    stat_text = f"{statistic:.4g}" if statistic is not None else "undefined"
    click.echo(f"  test    {TEST_NAMES[r.test]}; {stat_name} {stat_text}; p = {r.p_value:.4g}")
    click.echo(f"  verdict {result.verdict()}")
    if item is not None:
        click.echo(f"  action item: {item.describe()}")


def _rate(prop: object) -> str:
    from tracereader.compare import describe_rate
    from tracereader.stats import Proportion

    assert isinstance(prop, Proportion)
    return describe_rate(prop)


@click.command()
@click.argument("label")
@click.option("--release", default=None, help="The release that ships the fix.")
@click.option("--reopen", is_flag=True, help="Move the item back to open instead.")
@json_option
@db_option
@config_option
@user_errors
def fixed(
    label: str,
    release: str | None,
    reopen: bool,
    as_json: bool,
    db_path: str | None,
    config_path: str | None,
) -> None:
    """Mark a pattern's fix as shipped in a release (LABEL: pattern label, key or tag name).

    Then, once traces from that release are reviewed, `tracereader compare --pattern LABEL
    --release-after RELEASE` tests it and moves the item to validated or not_validated.
    """
    from tracereader.actions import ActionError, mark_fixed, resolve
    from tracereader.actions import reopen as reopen_item
    from tracereader.compare import known_releases
    from tracereader.config import load_settings
    from tracereader.store import Store

    if reopen == (release is not None):
        raise click.UsageError("give --release RELEASE, or --reopen")
    settings = load_settings(config_path)
    store = Store.open(db_path, create=False)
    try:
        try:
            if reopen:
                key, _ = resolve(store, label, settings)
                item = reopen_item(store, key)
            else:
                assert release is not None
                item = mark_fixed(store, label, release, settings=settings)
        except ActionError as exc:
            raise UserError(str(exc)) from None
        releases = known_releases(store)
    finally:
        store.close()
    if as_json:
        print_json(item.as_dict())
        return
    if reopen:
        click.echo(f"{item.label} ({item.key}) is open again.")
        return
    click.echo(f"{item.label} ({item.key}) marked fixed in {item.release}.")
    if item.release not in releases:
        click.echo(f"No traces from {item.release} yet: ingest and review some first.")
    click.echo(
        f"To validate: tracereader compare --pattern {shlex.quote(item.label)} "
        f"--release-after {shlex.quote(item.release or '')}"
    )
