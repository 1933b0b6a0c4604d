"""The action-item lifecycle: open -> fixed in R -> validated / not validated, by compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from exportcmp_data import Row, build, two_release_rows

from tracereader import actions
from tracereader.cli import cli
from tracereader.config import load_settings
from tracereader.store import Store


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_migration_creates_the_table_and_nothing_is_stored_at_first(store: Store) -> None:
    assert "action_items" in store.db.table_names()
    assert actions.states(store) == {}
    item = actions.state_of(store, "tag:wrong_tool", "wrong_tool")
    assert (item.state, item.release, item.describe()) == ("open", None, "open")


def test_mark_fixed_resolves_tag_names_keys_and_note_labels(tmp_path: Path) -> None:
    settings = load_settings(create=False)
    rows = two_release_rows((2, 5), (1, 5))
    rows.append(Row(id="t-0300", release="v2", day=12, verdict="fail", note="answered in French"))
    store = build(tmp_path / "db.sqlite", rows)
    item = actions.mark_fixed(
        store, "wrong_tool", "v2", settings=settings, now="2026-11-20T10:00:00Z"
    )
    assert (item.key, item.state, item.release, item.fixed_at) == (
        "tag:wrong_tool",
        "fixed",
        "v2",
        "2026-11-20T10:00:00Z",
    )
    # A taxonomy tag that no trace carries yet can still be marked, by key.
    assert actions.mark_fixed(store, "tag:tone", "v2", settings=settings).key == "tag:tone"
    note = actions.mark_fixed(store, "Answered in FRENCH", "v3", settings=settings)
    assert note.key == "note:t-0300" and note.label == "answered in French"
    assert set(actions.states(store)) == {"tag:wrong_tool", "tag:tone", "note:t-0300"}
    with pytest.raises(actions.ActionError, match="unknown pattern"):
        actions.mark_fixed(store, "no such thing", "v2", settings=settings)
    with pytest.raises(actions.ActionError, match="name the release"):
        actions.mark_fixed(store, "wrong_tool", " ", settings=settings)


def _result(significant: bool, before: float, after: float) -> dict[str, object]:
    return {
        "significant": significant,
        "p_value": 0.01 if significant else 0.4,
        "before": {"rate": before},
        "after": {"rate": after},
        "verdict": "…",
    }


def test_record_validation_moves_only_the_item_fixed_in_that_release(store: Store) -> None:
    settings = load_settings(create=False)
    key = "tag:wrong_tool"
    assert (
        actions.record_validation(store, key, _result(True, 0.3, 0.1), release_after="v2") is None
    )
    actions.mark_fixed(store, key, "v2", settings=settings)
    assert (
        actions.record_validation(store, key, _result(True, 0.3, 0.1), release_after="v3") is None
    )
    assert actions.state_of(store, key).state == "fixed"
    item = actions.record_validation(
        store, key, _result(True, 0.3, 0.1), release_after="v2", now="2026-11-21T00:00:00Z"
    )
    assert item is not None and item.state == "validated"
    assert item.validated_at == "2026-11-21T00:00:00Z" and item.last_compare is not None
    assert item.describe() == "fixed in v2, validated (p = 0.01)"
    # Significant but the rate went up: the fix is not validated.
    item = actions.record_validation(store, key, _result(True, 0.1, 0.3), release_after="v2")
    assert item is not None and item.state == "not_validated"
    item = actions.record_validation(store, key, _result(False, 0.3, 0.2), release_after="v2")
    assert item is not None and item.state == "not_validated"
    # Marking fixed again (a new release) clears the old judgement.
    item = actions.mark_fixed(store, key, "v4", settings=settings)
    assert (item.state, item.last_compare, item.validated_at) == ("fixed", None, None)
    assert actions.reopen(store, key).state == "open"
    with pytest.raises(actions.ActionError):
        actions.reopen(store, "tag:never")


def test_cli_lifecycle_validated_and_shown_in_exports(tmp_path: Path) -> None:
    db = str(tmp_path / "db.sqlite")
    build(Path(db), two_release_rows((12, 40), (1, 40))).close()
    code, out, err = invoke("fixed", "wrong_tool", "--release", "v2", "--db", db)
    assert code == 0, err
    assert "marked fixed in v2" in out
    assert "tracereader compare --pattern wrong_tool --release-after v2" in out
    code, out, _ = invoke("export", "--format", "json", "--db", db)
    assert json.loads(out)["items"][0]["state"]["state"] == "fixed"
    code, out, err = invoke(
        "compare", "--pattern", "wrong_tool", "--release-after", "v2", "--db", db, "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["significant"] and doc["action_item"]["state"] == "validated"
    stored = Store.open(db)
    item = actions.states(stored)["tag:wrong_tool"]
    stored.close()
    assert item.last_compare is not None
    assert item.last_compare["p_value"] == doc["p_value"]
    _, md, _ = invoke("export", "--format", "md", "--db", db)
    # A validated fix has left the checklist of work to do for the Validated section.
    assert "wrong\\_tool" not in md.split("## Checklist")[1].split("\n## ")[0]
    assert (
        "- [x] 1. wrong\\_tool: fixed in v2, validated: evidence of a change"
        in md.split("## Validated")[1]
    )
    _, csv_text, _ = invoke("export", "--format", "csv", "--db", db)
    assert ",validated,v2," in csv_text.splitlines()[1]


def test_cli_lifecycle_not_validated_and_reopen(tmp_path: Path) -> None:
    db = str(tmp_path / "db.sqlite")
    build(Path(db), two_release_rows((6, 40), (5, 40))).close()
    assert invoke("fixed", "wrong_tool", "--release", "v2", "--db", db)[0] == 0
    code, out, _ = invoke("compare", "--tag", "wrong_tool", "--release-after", "v2", "--db", db)
    assert code == 0
    assert "not evidence yet" in out and "action item: fixed in v2, not validated" in out
    _, md, _ = invoke("export", "--format", "md", "--db", db)
    assert "fixed in v2, not validated: not evidence yet" in md
    # A comparison by date says nothing about the release's fix: the state stays.
    code, out, _ = invoke(
        "compare", "--tag", "wrong_tool", "--split-date", "2026-11-12", "--db", db, "--json"
    )
    assert code == 0 and json.loads(out)["action_item"] is None
    _, md_again, _ = invoke("export", "--format", "md", "--db", db)
    assert md_again == md
    code, out, _ = invoke("fixed", "wrong_tool", "--reopen", "--db", db, "--json")
    assert code == 0 and json.loads(out)["state"] == "open"


def test_fixed_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "db.sqlite")
    build(Path(db), two_release_rows((1, 3), (1, 3))).close()
    code, _, err = invoke("fixed", "nope", "--release", "v2", "--db", db)
    assert code == 2 and "unknown pattern 'nope'" in err and "Traceback" not in err
    code, _, err = invoke("fixed", "wrong_tool", "--db", db)
    assert code == 2 and "--release" in err
    code, out, _ = invoke("fixed", "wrong_tool", "--release", "v9", "--db", db)
    assert code == 0 and "No traces from v9 yet" in out


def test_item_follows_its_pattern_through_merge_and_rename(tmp_path: Path) -> None:
    from tracereader.patterns import edits as pattern_edits

    db = str(tmp_path / "db.sqlite")
    rows = two_release_rows((12, 40), (1, 40))
    rows += [Row(id="t-0700", release="v1", day=3, tags=["tone"], verdict="fail")]
    store = build(Path(db), rows)
    settings = load_settings(create=False)
    actions.mark_fixed(store, "wrong_tool", "v2", settings=settings)
    # The reviewer merges wrong_tool into tone's pattern and renames it: the root key is
    # now tag:tone, but the pattern still holds tag:wrong_tool and so its action item.
    pattern_edits.merge(store, "tag:wrong_tool", "tag:tone")
    pattern_edits.rename(store, "tag:tone", "tool and tone problems")
    store.close()
    _, out, _ = invoke("export", "--format", "json", "--db", db)
    item = json.loads(out)["items"][0]
    assert (item["key"], item["label"]) == ("tag:tone", "tool and tone problems")
    assert item["state"]["key"] == "tag:wrong_tool" and item["state"]["state"] == "fixed"
    code, out, err = invoke(
        "compare",
        "--pattern",
        "tool and tone problems",
        "--release-after",
        "v2",
        "--db",
        db,
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["before"]["k"] == 13 and doc["action_item"]["key"] == "tag:wrong_tool"
    assert doc["action_item"]["state"] == "validated"
