"""The note box's suggestions and the proposed merges: one ranking, confirmations stored."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from patterns_support import BASE, add_traces, make_trace, review
from similarity_support import SlowWords

from tracereader.config import Settings, TagSpec
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns import find_patterns, merge_proposals, pattern_by_key, suggestions
from tracereader.similarity import GroupIndex, SimilarityIndex
from tracereader.store import Store

SETTINGS = Settings(
    tags=(
        TagSpec("wrong_tool", "2", "called the wrong tool, or the right tool with wrong arguments"),
        TagSpec("needless_refusal", "4", "refused a request it should have handled"),
        TagSpec("tone", "7", "rude, curt or overly verbose reply"),
    ),
    reviewer="tester",
)
NOTES = {
    "a1": "the date math was off by one day",
    "a2": "wrong date calculation for the return deadline",
    "b1": "answer is way too long for a yes/no question",
    "c1": "quoted a refund window we do not have",
    "c2": "made up a refund window",
}


@pytest.fixture
def seeded(store: Store) -> Store:
    ids = [*NOTES, "t1", "t2"]
    add_traces(store, [make_trace(tid, BASE + timedelta(hours=i)) for i, tid in enumerate(ids)])
    for i, (tid, note) in enumerate(NOTES.items()):
        review(store, tid, note=note, reviewed_at=BASE + timedelta(minutes=i))
    review(store, "t1", tags=["wrong_tool"], reviewed_at=BASE + timedelta(minutes=10))
    review(store, "t2", tags=["wrong_tool"], reviewed_at=BASE + timedelta(minutes=11))
    return store


def test_group_index_is_the_cosine_with_each_centroid() -> None:
    texts = ["wrong tool called", "called the wrong tool", "answer far too long", "rambling"]
    index = SimilarityIndex(texts)
    groups = GroupIndex(index, [0, 0, 1, 1], 2)
    query = "it used the wrong tool"
    kernel = index.pairwise()
    scores = index.scores(query)
    expected = [
        scores[rows].sum() / np.sqrt(kernel[np.ix_(rows, rows)].sum()) for rows in ([0, 1], [2, 3])
    ]
    assert groups.scores(query) == pytest.approx(expected, abs=1e-5)
    assert groups.top(query, 2) == [0, 1]
    assert groups.top(query, 2, skip=frozenset({0})) == [1]
    cosines = groups.centroid_cosines([0, 1])
    assert cosines[0, 0] == pytest.approx(1.0, abs=1e-5)
    assert cosines[0, 1] == pytest.approx(cosines[1, 0], abs=1e-6)


def test_suggestions_rank_tags_and_note_patterns_with_their_counts(seeded: Store) -> None:
    index = suggestions.build(seeded, SETTINGS)
    # Every taxonomy tag is on offer, used or not, and every note pattern.
    assert index.size == 3 + len(NOTES)
    top = index.suggest("it called the wrong tool again", 5)
    assert top[0].key == "tag:wrong_tool" and top[0].count == 2 and top[0].tag == "wrong_tool"
    refund = index.suggest("invented a refund policy", 2)
    assert {s.key for s in refund} == {"note:c1", "note:c2"}
    assert all(s.count == 1 and s.tag is None for s in refund)
    assert index.suggest("", 5) == []


def test_the_note_being_edited_is_not_suggested_to_itself(seeded: Store) -> None:
    index = suggestions.build(seeded, SETTINGS)
    keys = [s.key for s in index.suggest(NOTES["b1"], 5, trace_id="b1")]
    assert "note:b1" not in keys
    assert "note:b1" in [s.key for s in index.suggest(NOTES["b1"], 5)]


def test_version_changes_with_reviews_edits_and_taxonomy(seeded: Store) -> None:
    before = suggestions.version(seeded)
    pattern_edits.file_note(seeded, "a2", "note:a1")
    assert suggestions.version(seeded) != before


def test_proposals_rank_alike_patterns_and_a_rejected_pair_never_returns(seeded: Store) -> None:
    proposals = merge_proposals.propose(seeded, SETTINGS)
    pairs = [frozenset((p.source, p.target)) for p in proposals]
    assert frozenset(("note:c1", "note:c2")) in pairs[:3]
    assert frozenset(("note:a1", "note:a2")) in pairs[:3]
    scores = [p.score for p in proposals if not p.automatic]
    assert scores == sorted(scores, reverse=True)
    refund = next(p for p in proposals if {p.source, p.target} == {"note:c1", "note:c2"})
    merge_proposals.reject(seeded, refund, reviewer="tester")
    assert refund not in merge_proposals.propose(seeded, SETTINGS)
    # New notes arrive and join c1's pattern: the pair stays rejected.
    add_traces(seeded, [make_trace("c3")])
    review(seeded, "c3", note="refund window invented")
    pattern_edits.file_note(seeded, "c3", "note:c1")
    again = merge_proposals.propose(seeded, SETTINGS)
    assert not any({p.source, p.target} == {"note:c1", "note:c2"} for p in again)
    pattern_edits.undo_last(seeded)  # the filing
    pattern_edits.undo_last(seeded)  # the rejection
    assert any(
        {p.source, p.target} == {"note:c1", "note:c2"}
        for p in merge_proposals.propose(seeded, SETTINGS)
    )


def test_accepting_a_pair_merges_the_smaller_into_the_larger_or_into_the_tag(seeded: Store) -> None:
    proposal = merge_proposals.MergeProposal(
        source="note:b1", target="tag:tone", source_label="", target_label="",
        source_count=1, target_count=0, score=0.3,
    )  # fmt: skip
    merge_proposals.accept(seeded, proposal, reviewer="tester")
    edits = pattern_edits.load(seeded)
    assert [(e.kind, e.key, e.target) for e in edits] == [("merge", "note:b1", "tag:tone")]
    pairs = merge_proposals.propose(seeded, SETTINGS)
    for p in pairs:
        if p.target.startswith("tag:") or p.source.startswith("tag:"):
            assert p.target.startswith("tag:"), p  # a note pattern always moves into a tag


def test_automatic_members_come_first_and_yes_confirms_no_takes_out(store: Store) -> None:
    add_traces(store, [make_trace(t) for t in ("r1", "r2", "x")])
    review(store, "r1", note="refund promised but never issued", reviewed_at=BASE)
    review(store, "r2", note="Refund never issued, though promised")
    review(store, "x", note="answer cut off mid sentence")
    first = merge_proposals.propose(store, SETTINGS)[0]
    assert first.automatic and first.source == "note:r2" and first.target == "note:r1"
    merge_proposals.accept(store, first, reviewer="tester")
    refund = pattern_by_key(find_patterns(store, SETTINGS), "note:r1")
    assert refund is not None and refund.confirmed == 2 and not refund.automatic
    assert not any(p.automatic for p in merge_proposals.propose(store, SETTINGS))
    pattern_edits.undo_last(store)
    merge_proposals.reject(store, merge_proposals.propose(store, SETTINGS)[0], reviewer="tester")
    patterns = find_patterns(store, SETTINGS)
    r2 = pattern_by_key(patterns, "note:r2")
    assert r2 is not None and r2.key == "note:r2" and r2.count == 1
    assert not any(
        {p.source, p.target} == {"note:r1", "note:r2"}
        for p in merge_proposals.propose(store, SETTINGS)
    )


def test_each_answer_is_said_with_the_counts_it_made(store: Store) -> None:
    add_traces(store, [make_trace(t) for t in ("r1", "r2", "r3")])
    review(store, "r1", note="refund promised but never issued", reviewed_at=BASE)
    review(store, "r2", note="Refund never issued, though promised")
    review(store, "r3", note="refund promised, never issued!")
    automatic = [p for p in merge_proposals.propose(store, SETTINGS) if p.automatic]
    assert sorted(p.source for p in automatic) == ["note:r2", "note:r3"]
    second = next(p for p in automatic if p.source == "note:r2")
    merge_proposals.reject(store, second, reviewer="tester")
    said = merge_proposals.outcome(second, False, find_patterns(store, SETTINGS))
    assert said == (
        f"Took “Refund never issued, though promised” out of “{second.target_label}”: "
        "2 traces there now; the note is a pattern of its own."
    )
    assert merge_proposals.confirmed_all(automatic) == "Confirmed 2 automatic members in 1 pattern."


def test_instant_only_leaves_the_slow_views_out() -> None:
    texts = ["wrong tool called", "answer far too long", "made up a refund rule"]
    mixed = SimilarityIndex(texts, embedders=[SlowWords()])
    alone = SimilarityIndex(texts, embedders=False)
    assert mixed.method == "tfidf+slow-words" and mixed.has_slow_views
    query = "the tool was wrong"
    assert mixed.scores(query, instant_only=True) == pytest.approx(alone.scores(query))
    assert mixed.scores(query) != pytest.approx(alone.scores(query))
    groups = GroupIndex(mixed, [0, 0, 1], 2)
    kernel = mixed.pairwise()
    full = mixed.scores(query)
    assert groups.scores(query)[0] == pytest.approx(
        full[:2].sum() / np.sqrt(kernel[:2, :2].sum()), abs=1e-5
    )
    instant = alone.scores(query)
    tfidf = alone.pairwise()
    assert groups.scores(query, instant_only=True)[0] == pytest.approx(
        instant[:2].sum() / np.sqrt(tfidf[:2, :2].sum()), abs=1e-5
    )
