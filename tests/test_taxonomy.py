"""Promote a confirmed note pattern to a taxonomy tag: its traces carry it, undo takes it back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from patterns_support import BASE, add_traces, make_trace, review

from tracereader.config import Settings, TagSpec
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns import find_patterns, pattern_by_key, taxonomy
from tracereader.review import ReviewLog
from tracereader.store import Store

SETTINGS = Settings(
    tags=(TagSpec("wrong_tool", "1"), TagSpec("tone", "2"), TagSpec("refusal", "3")),
    reviewer="tester",
)
LOOP = ["asked the same question five times", "Asked the same question 5 times!!", "loops"]


@pytest.fixture
def seeded(store: Store) -> Store:
    ids = ["l1", "l2", "l3", "x"]
    add_traces(store, [make_trace(tid, BASE + timedelta(hours=i)) for i, tid in enumerate(ids)])
    for i, (tid, note) in enumerate(zip(ids, [*LOOP, "answer cut off"], strict=True)):
        review(store, tid, note=note, reviewed_at=BASE + timedelta(minutes=i))
    pattern_edits.file_note(store, "l3", "note:l1")  # l2 joined l1 automatically; l3 was filed
    return store


def _loop(store: Store, settings: Settings = SETTINGS):
    pattern = pattern_by_key(find_patterns(store, settings), "note:l1")
    assert pattern is not None
    return pattern


def test_promote_tags_the_confirmed_traces_and_grows_the_taxonomy(seeded: Store) -> None:
    pattern = _loop(seeded)
    assert pattern.trace_ids == ["l1", "l2", "l3"] and pattern.automatic_ids == ["l2"]
    tag = taxonomy.promote(seeded, SETTINGS, pattern, reserved={"4"}, reviewer="tester")
    assert tag.name == "asked_the_same_question_five_times" and tag.key == "5"
    assert tag.description == pattern.label
    tagged = {r[0] for r in seeded.execute("select trace_id from tags where tag = ?", [tag.name])}
    assert tagged == {"l1", "l3"}  # the automatic member is not tagged unasked
    effective = taxonomy.with_promoted(SETTINGS, seeded)
    assert [t.name for t in effective.tags][-1] == tag.name and effective.tag(tag.name) == tag
    after = pattern_by_key(find_patterns(seeded, effective), f"tag:{tag.name}")
    assert after is not None and after.key == f"tag:{tag.name}"
    assert after.trace_ids == ["l1", "l2", "l3"] and after.automatic_ids == ["l2"]
    moved = pattern_by_key(find_patterns(seeded, effective), "note:l1")
    assert moved is not None and moved.key == after.key
    # From then on the new hotkey's tag is an ordinary tag.
    ReviewLog(seeded, "tester").toggle_tag("x", tag.name)
    grown = pattern_by_key(find_patterns(seeded, effective), f"tag:{tag.name}")
    assert grown is not None and "x" in grown.trace_ids


def test_undo_takes_the_tag_back(seeded: Store) -> None:
    tag = taxonomy.promote(seeded, SETTINGS, _loop(seeded), reviewer="tester")
    undone = pattern_edits.undo_last(seeded, reviewer="tester")
    assert undone is not None and undone.kind == "promote"
    assert taxonomy.promoted_tags(seeded) == []
    assert seeded.execute("select count(*) from tags where tag = ?", [tag.name]).fetchone()[0] == 0
    assert _loop(seeded).tags == []


def test_names_and_keys_never_clash(seeded: Store) -> None:
    crowded = Settings(tags=tuple(TagSpec(f"t{k}", k) for k in "1234567890"), reviewer="tester")
    first = taxonomy.promote(seeded, crowded, _loop(seeded, crowded), reserved={"a"}, name="loop")
    assert first.name == "loop" and first.key == "c"
    with pytest.raises(taxonomy.PromoteError, match="already the tag"):
        taxonomy.promote(seeded, crowded, _loop(seeded, taxonomy.with_promoted(crowded, seeded)))
    lone = pattern_by_key(find_patterns(seeded, crowded), "note:x")
    assert lone is not None
    with pytest.raises(taxonomy.PromoteError, match="already a tag"):
        taxonomy.promote(seeded, crowded, lone, name="loop")
    with pytest.raises(taxonomy.PromoteError, match="letters"):
        taxonomy.promote(seeded, crowded, lone, name="two words")
    assert taxonomy.tag_name_for("Loop: asked 5x!", {"loop_asked_5x"}) == "loop_asked_5x_2"
    assert taxonomy.tag_name_for("¿¡!!", set()) == "note_pattern"
    assert len(taxonomy.tag_name_for("word " * 30, set())) <= taxonomy.NAME_LIMIT


def test_the_config_wins_a_name_or_a_key(seeded: Store) -> None:
    tag = taxonomy.promote(seeded, SETTINGS, _loop(seeded), reviewer="tester")
    taken = Settings(tags=(*SETTINGS.tags, TagSpec("other", tag.key)), reviewer="tester")
    assert taxonomy.with_promoted(taken, seeded).tag(tag.name).key is None  # type: ignore[union-attr]
    configured = Settings(tags=(*SETTINGS.tags, TagSpec(tag.name, "9", "from YAML")))
    merged = taxonomy.with_promoted(configured, seeded)
    assert [t.name for t in merged.tags].count(tag.name) == 1
    assert merged.tag(tag.name) == TagSpec(tag.name, "9", "from YAML")
