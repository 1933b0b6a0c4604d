"""What the note box offers while the reviewer types: the existing patterns most like the text.

Candidates are every taxonomy tag (its name, its description and the notes filed under it)
and every note pattern (its notes), each with its count. They are vectorised once
(`similarity.GroupIndex`) and ranked by the cosine of the typed text with each pattern's
centroid, so a key press costs one sparse product and one dot product. The index is rebuilt
only when the reviews, the pattern edits or the taxonomy change (`version`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracereader.config import Settings
from tracereader.grouping import tag_texts_for
from tracereader.patterns import edits as pattern_edits
from tracereader.patterns.finding import Pattern, find_patterns, pattern_by_key
from tracereader.patterns.taxonomy import with_promoted
from tracereader.similarity import GroupIndex, SimilarityIndex
from tracereader.store import Store


@dataclass(frozen=True)
class Suggestion:
    """One pattern a note could be filed under."""

    key: str
    """The pattern key to file the note under (`tag:<name>` or `note:<trace id>`)."""
    label: str
    count: int
    """Traces in the pattern now."""
    tag: str | None = None
    """The taxonomy tag the pattern is, if it is one."""


@dataclass(frozen=True)
class Candidate:
    """A pattern on offer and the texts it is known by."""

    suggestion: Suggestion
    texts: list[str]
    traces: list[str | None]
    """For each text, the trace whose note it is (None for a tag's name or description)."""


def version(store: Store) -> tuple[int, ...]:
    """Changes whenever a review, a pattern edit or the taxonomy changes (cheap to read)."""
    row = store.execute(
        "select (select coalesce(max(id), 0) from review_actions),"
        " (select count(*) from reviews where reviewed_at is not null),"
        " (select count(*) from taxonomy_tags)"
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2]), pattern_edits.latest_id(store))


def candidates(patterns: list[Pattern], settings: Settings) -> list[Candidate]:
    """Every taxonomy tag (used or not) and every other pattern, with the texts it is known by."""
    found: list[Candidate] = []
    seen: set[str] = set()
    for tag in settings.tags:
        pattern = pattern_by_key(patterns, f"tag:{tag.name}")
        key = pattern.key if pattern is not None else f"tag:{tag.name}"
        if key in seen:
            continue
        seen.add(key)
        texts = tag_texts_for(tag.name, tag.description)
        traces: list[str | None] = [None] * len(texts)
        if pattern is not None:
            texts += pattern.notes
            traces += list(pattern.note_ids)
        label = pattern.label if pattern is not None else tag.name
        count = pattern.count if pattern is not None else 0
        found.append(Candidate(Suggestion(key, label, count, tag.name), texts, traces))
    for pattern in patterns:
        if pattern.key in seen:
            continue
        seen.add(pattern.key)
        texts = list(pattern.notes)
        traces = list(pattern.note_ids)
        if pattern.tags:  # a tag no longer in the taxonomy, still on traces
            texts += [t.replace("_", " ") for t in pattern.tags]
            traces += [None] * len(pattern.tags)
        tag_name = pattern.tags[0] if pattern.tags else None
        suggestion = Suggestion(pattern.key, pattern.label, pattern.count, tag_name)
        found.append(Candidate(suggestion, texts, traces))
    return found


class SuggestionIndex:
    """The patterns on offer, vectorised once; `suggest` ranks them for the text typed."""

    def __init__(self, patterns: list[Pattern], settings: Settings) -> None:
        self._candidates = candidates(patterns, settings)
        texts: list[str] = []
        owners: list[int] = []
        self._only_trace: dict[int, str] = {}
        for number, candidate in enumerate(self._candidates):
            texts.extend(candidate.texts)
            owners.extend([number] * len(candidate.texts))
            if len(candidate.traces) == 1 and candidate.traces[0] is not None:
                self._only_trace[number] = candidate.traces[0]
        self._groups = GroupIndex(SimilarityIndex(texts), owners, len(self._candidates))

    @property
    def size(self) -> int:
        """How many patterns are on offer."""
        return len(self._candidates)

    @property
    def has_slow_views(self) -> bool:
        """Whether `suggest(..., instant_only=True)` leaves a view out (rank again on a pause)."""
        return self._groups.index.has_slow_views

    def suggest(
        self, text: str, k: int = 5, *, trace_id: str | None = None, instant_only: bool = False
    ) -> list[Suggestion]:
        """The `k` patterns most like `text`, best first; a pattern that is only the note of
        `trace_id` (the note being edited) is left out. `instant_only`: without the views
        too slow for a key press."""
        skip = frozenset(n for n, tid in self._only_trace.items() if tid == trace_id)
        top = self._groups.top(text, k, skip=skip, instant_only=instant_only)
        return [self._candidates[n].suggestion for n in top]


def build(store: Store, settings: Settings) -> SuggestionIndex:
    """Read the patterns and the taxonomy now and vectorise them for the note box."""
    effective = with_promoted(settings, store)
    return SuggestionIndex(find_patterns(store, effective), effective)
