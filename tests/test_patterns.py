"""Patterns: tags and notes grouped, counted over confirmed memberships; the reviewer's edits."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from patterns_support import BASE, add_traces, make_trace, review

from tracereader.config import Settings, TagSpec
from tracereader.grouping import group_notes, most_similar
from tracereader.patterns import Pattern, find_patterns, pattern_by_key
from tracereader.patterns import edits as pattern_edits
from tracereader.stats import wilson_interval
from tracereader.store import Store

TAGS = (
    TagSpec("wrong_tool", "2", "called the wrong tool, or the right tool with wrong arguments"),
    TagSpec("needless_refusal", "4", "refused a request it should have handled"),
    TagSpec("tone", "7", "rude, curt or overly verbose reply"),
)
SETTINGS = Settings(tags=TAGS)

WRONG_TOOL = ["wrong tool called", "called the wrong tool", "Wrong tool!!"]
TYPO = "wrnog tool calld"
LATE_REFUND = [
    "refund promised but never issued",
    "Refund never issued, though promised",
    "promised a refund that was never issued!",
]
UNRELATED = ["quoted the price in euros for a US customer", "answer cut off mid sentence"]


def _texts(groups: list, notes: list[str]) -> list[set[str]]:
    return [{notes[i] for i in g.members} for g in groups]


def test_near_duplicates_merge_automatically_and_nothing_else_does() -> None:
    notes = [*WRONG_TOOL, TYPO, *LATE_REFUND, *UNRELATED]
    groups = _texts(group_notes(notes), notes)
    assert set(WRONG_TOOL) in groups
    assert set(LATE_REFUND) in groups
    # Below the measured threshold: suggested to the reviewer, never merged unasked.
    assert {TYPO} in groups
    for note in UNRELATED:
        assert {note} in groups


def test_grouping_is_deterministic_whatever_the_order() -> None:
    notes = [*WRONG_TOOL, TYPO, *LATE_REFUND, *UNRELATED]
    shuffled = notes[:]
    random.Random(7).shuffle(shuffled)
    first = sorted(sorted(s) for s in _texts(group_notes(notes), notes))
    second = sorted(sorted(s) for s in _texts(group_notes(shuffled), shuffled))
    assert first == second
    central = {notes[g.central] for g in group_notes(notes)}
    assert central == {shuffled[g.central] for g in group_notes(shuffled)}


def test_empty_and_punctuation_only_notes_stay_alone() -> None:
    assert group_notes([]) == []
    groups = group_notes(["!!!", "???"])
    assert [g.members for g in groups] == [[0], [1]]


def test_most_similar_ranks_the_mates_first() -> None:
    candidates = [*UNRELATED, *LATE_REFUND, *WRONG_TOOL]
    top = most_similar("the bot used the wrong tool", candidates, k=3)
    assert {candidates[i] for i in top} == set(WRONG_TOOL)
    assert most_similar("refund was promised, never issued", candidates, k=1)[0] in {2, 3, 4}
    assert most_similar("anything", [], k=5) == []
    assert most_similar("anything", candidates, k=0) == []
    assert len(most_similar("", candidates, k=10)) == len(candidates)


def _seed(store: Store, notes: dict[str, str | None], tags: dict[str, list[str]]) -> None:
    ids = sorted(set(notes) | set(tags))
    add_traces(
        store,
        [
            make_trace(tid, BASE + timedelta(hours=i), release=f"v{i % 2}")
            for i, tid in enumerate(ids)
        ],
    )
    for i, tid in enumerate(ids):
        review(
            store,
            tid,
            note=notes.get(tid),
            tags=tags.get(tid, []),
            reviewed_at=BASE + timedelta(days=1, minutes=i),
        )


@pytest.fixture
def seeded(store: Store) -> Store:
    notes = {f"n{i}": text for i, text in enumerate([*WRONG_TOOL, TYPO, *LATE_REFUND, *UNRELATED])}
    tags = {
        "t1": ["wrong_tool"],
        "t2": ["wrong_tool", "tone"],
        "n0": ["wrong_tool"],
        "t3": ["tone"],
    }
    _seed(store, notes, tags)
    add_traces(store, [make_trace(f"ok{i}") for i in range(11)])
    for i in range(11):
        review(
            store,
            f"ok{i}",
            verdict="pass",
            reviewed_at=BASE + timedelta(days=1, hours=2, minutes=i),
        )
    return store


def _by_key(patterns: list[Pattern], key: str) -> Pattern:
    found = pattern_by_key(patterns, key)
    assert found is not None, key
    return found


def test_a_tag_counts_the_traces_that_carry_it_and_nothing_unasked(seeded: Store) -> None:
    patterns = find_patterns(seeded, SETTINGS)
    wrong = _by_key(patterns, "tag:wrong_tool")
    assert wrong.key == "tag:wrong_tool" and wrong.label == "wrong_tool"
    assert wrong.trace_ids == ["n0", "t1", "t2"]  # notes that say "wrong tool" are suggestions
    assert wrong.count == 3 and wrong.confirmed == 3 and not wrong.automatic
    assert wrong.reviewed == 23
    assert wrong.rate == pytest.approx(3 / 23)
    assert (wrong.ci_low, wrong.ci_high) == wilson_interval(3, 23)
    assert not wrong.actionable and wrong.needed == 2
    assert wrong.releases == ["v0", "v1"]


def test_automatic_merges_are_counted_and_marked_until_confirmed(seeded: Store) -> None:
    refund = _by_key(find_patterns(seeded, SETTINGS), "note:n4")
    assert refund.key == "note:n4"  # the earliest-reviewed note names the cluster
    assert refund.label in LATE_REFUND
    assert refund.count == 3 and refund.confirmed == 1 and refund.automatic
    assert refund.automatic_ids == ["n5", "n6"]
    pattern_edits.file_note(seeded, "n5", "note:n4")
    pattern_edits.file_note(seeded, "n6", "note:n4")
    refund = _by_key(find_patterns(seeded, SETTINGS), "note:n4")
    assert refund.count == 3 and refund.confirmed == 3 and not refund.automatic
    assert refund.as_dict()["automatic_ids"] == []


def test_a_rejected_automatic_member_leaves_the_group(seeded: Store) -> None:
    pattern_edits.reject(seeded, "note:n6", "note:n4")
    patterns = find_patterns(seeded, SETTINGS)
    refund = _by_key(patterns, "note:n4")
    assert refund.trace_ids == ["n4", "n5"] and refund.automatic_ids == ["n5"]
    alone = _by_key(patterns, "note:n6")
    assert alone.key == "note:n6" and alone.count == 1 and alone.confirmed == 1
    pattern_edits.undo_last(seeded)
    assert _by_key(find_patterns(seeded, SETTINGS), "note:n6").key == "note:n4"


def test_filing_a_note_under_a_tag_confirms_it_and_filing_again_moves_it(seeded: Store) -> None:
    pattern_edits.file_note(seeded, "n3", "tag:wrong_tool")
    wrong = _by_key(find_patterns(seeded, SETTINGS), "tag:wrong_tool")
    assert wrong.trace_ids == ["n0", "n3", "t1", "t2"] and wrong.confirmed == 4
    assert wrong.notes == [TYPO]  # n0's own note stays its own open code
    pattern_edits.file_note(seeded, "n3", "tag:tone")
    patterns = find_patterns(seeded, SETTINGS)
    assert "n3" not in _by_key(patterns, "tag:wrong_tool").trace_ids
    tone = _by_key(patterns, "tag:tone")
    assert "n3" in tone.trace_ids
    assert "t1" not in tone.trace_ids  # moving one note never merges the two tags


def test_ranked_by_lower_bound_not_raw_rate(seeded: Store) -> None:
    patterns = find_patterns(seeded, SETTINGS)
    lows = [p.ci_low for p in patterns]
    assert lows == sorted(lows, reverse=True)


def test_find_patterns_is_deterministic(seeded: Store) -> None:
    first = [p.as_dict() for p in find_patterns(seeded, SETTINGS)]
    assert first == [p.as_dict() for p in find_patterns(seeded, SETTINGS)]


def test_threshold_comes_from_settings(seeded: Store) -> None:
    for tid in ("n1", "n2", "n3"):
        pattern_edits.file_note(seeded, tid, "tag:wrong_tool")
    assert _by_key(find_patterns(seeded, SETTINGS), "tag:wrong_tool").actionable
    strict = Settings(tags=TAGS, actionable_threshold=7)
    wrong = _by_key(find_patterns(seeded, strict), "tag:wrong_tool")
    assert not wrong.actionable and wrong.needed == 1


def test_automatic_merges_can_be_turned_off(seeded: Store) -> None:
    patterns = find_patterns(seeded, SETTINGS, threshold=101)
    assert all(not p.automatic for p in patterns)
    assert _by_key(patterns, "note:n5").trace_ids == ["n5"]


def test_no_reviews_no_patterns(store: Store) -> None:
    add_traces(store, [make_trace("a")])
    assert find_patterns(store, SETTINGS) == []


def test_merge_rename_split_are_stored_and_applied(seeded: Store) -> None:
    pattern_edits.merge(seeded, "note:n4", "tag:tone")
    pattern_edits.rename(seeded, "tag:tone", "Tone and refunds")
    pattern_edits.split(seeded, "n2")
    patterns = find_patterns(seeded, SETTINGS)
    tone = _by_key(patterns, "tag:tone")
    assert tone.label == "Tone and refunds" and tone.renamed
    assert {"n4", "n5", "n6", "t2", "t3"} == set(tone.trace_ids)
    assert pattern_by_key(patterns, "note:n4") is tone
    alone = _by_key(patterns, "note:n2")
    assert alone.key == "note:n2" and alone.trace_ids == ["n2"] and alone.notes == [WRONG_TOOL[2]]
    assert "n2" not in _by_key(patterns, "note:n0").note_ids


def test_edits_survive_regrouping_when_new_notes_arrive(seeded: Store) -> None:
    pattern_edits.merge(seeded, "note:n4", "tag:tone")
    pattern_edits.rename(seeded, "note:n5", "Refund promises")  # resolves via membership
    pattern_edits.split(seeded, "n1")
    # New reviews arrive, including a refund note reviewed before every other one.
    add_traces(seeded, [make_trace("new1"), make_trace("new2"), make_trace("new3")])
    review(seeded, "new1", note="the refund was promised but never issued", reviewed_at=BASE)
    review(seeded, "new2", note="Called the wrong tool again")
    review(seeded, "new3", note="quoted price in euros to a US customer")
    patterns = find_patterns(seeded, SETTINGS)
    tone = _by_key(patterns, "tag:tone")
    assert {"new1", "n4", "n5", "n6"} <= set(tone.trace_ids)
    assert tone.label == "Refund promises"
    assert _by_key(patterns, "note:n1").trace_ids == ["n1"]
    euros = _by_key(patterns, "note:new3")
    assert euros is _by_key(patterns, "note:n7")
    assert euros.count == 2 and euros.automatic_ids == ["n7"]  # new3 was reviewed first


def test_split_into_another_pattern_and_undo(seeded: Store) -> None:
    pattern_edits.split(seeded, "n3", "note:n4")
    refund = _by_key(find_patterns(seeded, SETTINGS), "note:n4")
    assert "n3" in refund.trace_ids and "n3" not in refund.automatic_ids
    undone = pattern_edits.undo_last(seeded)
    assert undone is not None and undone.kind == "split"
    assert "n3" not in _by_key(find_patterns(seeded, SETTINGS), "note:n4").trace_ids


def test_rename_with_empty_label_restores_default(seeded: Store) -> None:
    pattern_edits.rename(seeded, "tag:tone", "Curt")
    pattern_edits.rename(seeded, "tag:tone", "  ")
    assert _by_key(find_patterns(seeded, SETTINGS), "tag:tone").label == "tone"


def test_edits_that_no_longer_apply_are_ignored(seeded: Store) -> None:
    pattern_edits.merge(seeded, "tag:gone", "tag:tone")
    pattern_edits.rename(seeded, "note:missing", "x")
    pattern_edits.reject(seeded, "note:missing", "tag:tone")
    assert [p.as_dict() for p in find_patterns(seeded, SETTINGS)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: pattern_edits.merge(s, "tag:a", "tag:a"), "itself"),
        (lambda s: pattern_edits.merge(s, "cluster:3", "tag:a"), "not a pattern key"),
        (lambda s: pattern_edits.rename(s, "tag:a", "x" * 201), "200"),
        (lambda s: pattern_edits.split(s, ""), "trace id"),
        (lambda s: pattern_edits.reject(s, "note:a", "note:a"), "itself"),
        (lambda s: pattern_edits.file_note(s, "a", "nowhere"), "not a pattern key"),
    ],
)
def test_bad_edits_are_refused(store: Store, call, message: str) -> None:
    with pytest.raises(pattern_edits.PatternEditError, match=message):
        call(store)
    assert pattern_edits.load(store) == []


def test_a_single_note_on_a_tagged_trace_stays_its_own_open_code(store: Store) -> None:
    _seed(store, {"d": "system prompt should mention gift cards"}, {"d": ["wrong_tool"]})
    patterns = find_patterns(store, SETTINGS)
    assert _by_key(patterns, "note:d").notes == ["system prompt should mention gift cards"]
    assert _by_key(patterns, "tag:wrong_tool").trace_ids == ["d"]


def test_notes_on_traces_judged_good_are_not_patterns(store: Store) -> None:
    add_traces(store, [make_trace("p1"), make_trace("p2")])
    review(store, "p1", verdict="pass", note="good answer")
    review(store, "p2", verdict="pass", note="Good answer!")
    assert find_patterns(store, SETTINGS) == []


def test_a_new_pattern_joins_below_its_equals_and_the_rows_above_keep_their_place(
    store: Store,
) -> None:
    add_traces(store, [make_trace(f"t{i}", BASE + timedelta(hours=i)) for i in range(6)])
    review(store, "t0", tags=["wrong_tool"], reviewed_at=BASE)
    review(store, "t1", note="answer cut off mid sentence", reviewed_at=BASE)
    before = [p.key for p in find_patterns(store, SETTINGS)]
    review(store, "t2", tags=["tone"], reviewed_at=BASE + timedelta(days=1))  # a tag elsewhere
    after = [p.key for p in find_patterns(store, SETTINGS)]
    assert after == [*before, "tag:tone"]  # 'tone' sorts before 'wrong_tool', yet comes last
    review(store, "t3", tags=["tone"], reviewed_at=BASE + timedelta(days=2))
    assert find_patterns(store, SETTINGS)[0].key == "tag:tone"  # its count moved it


def test_an_automatic_group_keeps_its_first_note_as_label_when_a_member_is_confirmed(
    store: Store,
) -> None:
    notes = ["made up a 30-day price match policy", "Made up a 30-day price-match policy!"]
    add_traces(store, [make_trace(f"r{i}", BASE + timedelta(hours=i)) for i in range(2)])
    for i, note in enumerate(notes):
        review(store, f"r{i}", note=note, reviewed_at=BASE + timedelta(minutes=i))
    (group,) = find_patterns(store, SETTINGS)
    assert group.automatic and group.key == "note:r0" and group.label == notes[0]
    pattern_edits.file_note(store, "r1", "note:r0", reviewer="tester")  # y: confirmed
    (group,) = find_patterns(store, SETTINGS)
    assert not group.automatic and group.count == 2 and group.label == notes[0]
