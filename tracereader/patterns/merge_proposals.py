"""Candidate merges for the reviewer's yes or no, ranked by similarity; a no is never asked again.

Two kinds, automatic first:
- a note the automatic merge put in a pattern (counted, marked automatic): yes confirms it
  there (`pattern_edits.file_note`), no takes it out (`pattern_edits.reject`);
- two patterns whose centroids are alike (the same `similarity.GroupIndex` the note box
  ranks with): yes merges the smaller into the larger (a note pattern always into a tag),
  no records the pair as different failures.
A rejected pair is resolved through the patterns that now hold its keys, so it stays
rejected when either side grows; undo (`pattern_edits.undo_last`) brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracereader.config import Settings
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns.finding import Pattern, find_patterns, pattern_by_key
from tracereader.patterns.suggestions import Suggestion, candidates
from tracereader.patterns.taxonomy import with_promoted
from tracereader.sanitize import one_line
from tracereader.similarity import GroupIndex, SimilarityIndex
from tracereader.store import Store

PARTNERS = 3
"""How many of each note pattern's closest patterns are considered."""
LIMIT = 60
MIN_SCORE = 0.15
"""Pairs less alike than this are not asked about (a display floor: below it, mostly noise)."""


@dataclass(frozen=True)
class MergeProposal:
    """One yes/no question: does `source` belong with `target`?"""

    source: str
    target: str
    source_label: str
    target_label: str
    source_count: int
    target_count: int
    score: float
    """Similarity in [0, 1] (centroid cosine; for an automatic member, with its pattern)."""
    automatic: bool = False
    """An automatic member to confirm or take out (`source` is `note:<trace id>`)."""


def _rejected(
    patterns: list[Pattern], edits: list[pattern_edits.PatternEdit]
) -> set[frozenset[str]]:
    """Rejected pairs as the pattern keys that hold their two sides now."""
    pairs: set[frozenset[str]] = set()
    for edit in edits:
        if edit.kind != "reject" or not edit.key or not edit.target:
            continue
        left, right = pattern_by_key(patterns, edit.key), pattern_by_key(patterns, edit.target)
        if left is not None and right is not None:
            pairs.add(frozenset((left.key, right.key)))
    return pairs


def _automatic(patterns: list[Pattern]) -> list[MergeProposal]:
    """Each automatic member with its pattern, scored against the pattern's other notes."""
    found: list[MergeProposal] = []
    for pattern in patterns:
        if not pattern.automatic_ids:
            continue
        index = SimilarityIndex(pattern.notes)
        sims = index.pairwise()
        for trace_id in pattern.automatic_ids:
            row = pattern.note_ids.index(trace_id)
            others = [i for i in range(len(pattern.notes)) if i != row]
            score = float(sims[row, others].mean()) if others else 1.0
            found.append(
                MergeProposal(
                    source=f"note:{trace_id}",
                    target=pattern.key,
                    source_label=" ".join(pattern.notes[row].split()),
                    target_label=pattern.label,
                    source_count=1,
                    target_count=pattern.count,
                    score=score,
                    automatic=True,
                )
            )
    found.sort(key=lambda p: (-p.score, p.target, p.source))
    return found


def _pair(a: Suggestion, b: Suggestion, score: float) -> MergeProposal:
    """The question for two patterns: a note pattern into a tag, else smaller into larger."""
    if a.tag is None and b.tag is not None:
        source, target = a, b
    elif b.tag is None and a.tag is not None:
        source, target = b, a
    else:
        source, target = (a, b) if (a.count, b.key) < (b.count, a.key) else (b, a)
    return MergeProposal(
        source=source.key,
        target=target.key,
        source_label=source.label,
        target_label=target.label,
        source_count=source.count,
        target_count=target.count,
        score=float(score),
    )


def propose(
    store: Store, settings: Settings, *, limit: int = LIMIT, patterns: list[Pattern] | None = None
) -> list[MergeProposal]:
    """Automatic members to confirm, then pairs of patterns to merge, most alike first."""
    effective = with_promoted(settings, store)
    current = patterns if patterns is not None else find_patterns(store, effective)
    rejected = _rejected(current, pattern_edits.load(store))
    offered = candidates(current, effective)
    texts: list[str] = []
    owners: list[int] = []
    for number, candidate in enumerate(offered):
        texts.extend(candidate.texts)
        owners.extend([number] * len(candidate.texts))
    pairs: dict[frozenset[str], MergeProposal] = {}
    if texts:
        groups = GroupIndex(SimilarityIndex(texts), owners, len(offered))
        sources = [n for n, c in enumerate(offered) if c.suggestion.tag is None]
        cosines = groups.centroid_cosines(sources)
        for row, source in enumerate(sources):
            scores = cosines[row].copy()
            scores[source] = -np.inf
            for target in np.argsort(-scores, kind="stable")[:PARTNERS].tolist():
                proposal = _pair(
                    offered[source].suggestion, offered[target].suggestion, scores[target]
                )
                key = frozenset((proposal.source, proposal.target))
                if proposal.score < MIN_SCORE or key in rejected or key in pairs:
                    continue
                pairs[key] = proposal
    ranked = sorted(pairs.values(), key=lambda p: (-p.score, p.target, p.source))
    return (_automatic(current) + ranked)[:limit]


def accept(store: Store, proposal: MergeProposal, *, reviewer: str = "") -> int:
    """Yes: confirm the automatic member, or merge the two patterns; returns the edit id."""
    if proposal.automatic:
        trace_id = proposal.source.removeprefix("note:")
        return pattern_edits.file_note(store, trace_id, proposal.target, reviewer=reviewer)
    return pattern_edits.merge(store, proposal.source, proposal.target, reviewer=reviewer)


def reject(store: Store, proposal: MergeProposal, *, reviewer: str = "") -> int:
    """No: the two are different failures (an automatic member leaves); returns the edit id."""
    return pattern_edits.reject(store, proposal.source, proposal.target, reviewer=reviewer)


def _quoted(label: str, width: int = 40) -> str:
    return f"“{one_line(label, width)}”"  # sanitized: a label is a reviewer's note


def _traces(count: int) -> str:
    return f"{count} trace{'s' * (count != 1)}"


def outcome(proposal: MergeProposal, accepted: bool, patterns: list[Pattern]) -> str:
    """What an answer did, with the counts the patterns have now (after the edit)."""
    source, target = _quoted(proposal.source_label), _quoted(proposal.target_label)
    now = pattern_by_key(patterns, proposal.target)
    if proposal.automatic and accepted:
        if now is None:
            return f"Confirmed {source} in {target}."
        return (
            f"Confirmed {source} in {_quoted(now.label)}: {now.confirmed} of its "
            f"{_traces(now.count)} confirmed."
        )
    if proposal.automatic:
        left = f"{_traces(now.count)} there now" if now is not None else "that pattern is gone"
        return f"Took {source} out of {target}: {left}; the note is a pattern of its own."
    if accepted:
        merged = f": now {_traces(now.count)}" if now is not None else ""
        return (
            f"Merged {source} ({_traces(proposal.source_count)}) into {target} "
            f"({proposal.target_count}){merged}."
        )
    return (
        f"Kept apart: {source} ({_traces(proposal.source_count)}) and {target} "
        f"({proposal.target_count}) are different failures, never asked again."
    )


def confirmed_all(proposals: list[MergeProposal]) -> str:
    """What `Y` did: how many automatic members it confirmed, in how many patterns."""
    automatic = [p for p in proposals if p.automatic]
    groups = len({p.target for p in automatic})
    return (
        f"Confirmed {len(automatic)} automatic member{'s' * (len(automatic) != 1)} in {groups} "
        f"pattern{'s' * (groups != 1)}."
    )
