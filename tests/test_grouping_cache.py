"""Cached note clusters: the same inputs read back what clustering gave, any change recomputes."""

from __future__ import annotations

import pytest

from tracereader import grouping
from tracereader.patterns import grouping_cache
from tracereader.store import Store

NOTES = ["wrong tool called", "called the wrong tool", "Wrong tool!!", "quoted a refund window"]


def test_a_second_run_reads_the_stored_clusters(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = grouping_cache.cached_group_notes(store, NOTES)
    assert first == grouping.group_notes(NOTES)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("clustered again although nothing changed")

    monkeypatch.setattr(grouping, "group_notes", fail)
    assert grouping_cache.cached_group_notes(store, NOTES) == first


def test_changed_notes_or_threshold_recompute(store: Store) -> None:
    grouping_cache.cached_group_notes(store, NOTES)
    keys = {
        grouping_cache.cache_key(NOTES, None),
        grouping_cache.cache_key([*NOTES, "tone was rude"], None),
        grouping_cache.cache_key(NOTES, 70.0),
        grouping_cache.cache_key(list(reversed(NOTES)), None),
    }
    assert len(keys) == 4
    assert grouping_cache.cache_key(NOTES, None) == grouping_cache.cache_key(
        NOTES, grouping.AUTO_MERGE_THRESHOLD
    )
    changed = [*NOTES, "tone was rude"]
    assert grouping_cache.cached_group_notes(store, changed) == grouping.group_notes(changed)
    assert grouping_cache.cached_group_notes(store, NOTES, 101) == grouping.group_notes(
        NOTES, threshold=101
    )


def test_only_indices_are_stored_and_old_entries_go(store: Store) -> None:
    for extra in range(grouping_cache.KEEP + 3):
        grouping_cache.cached_group_notes(store, [*NOTES, f"note number {extra}"])
    rows = store.execute("select clusters from note_clusters").fetchall()
    assert len(rows) == grouping_cache.KEEP
    stored = " ".join(row[0] for row in rows)
    assert "wrong" not in stored and "refund" not in stored and "tool" not in stored


def test_a_database_without_the_table_still_groups() -> None:
    store = Store.memory()
    store.execute("drop table note_clusters")
    assert grouping_cache.cached_group_notes(store, NOTES) == grouping.group_notes(NOTES)
