"""Cached note clusters: the same inputs read back what clustering gave, any change recomputes."""

from __future__ import annotations

import pytest

from tracereader import grouping, grouping_cache
from tracereader.store import Store

NOTES = ["wrong tool called", "called the wrong tool", "Wrong tool!!", "quoted a refund window"]
TAGS = {"wrong_tool": grouping.tag_texts_for("wrong_tool", "called the wrong tool")}


def test_a_second_run_reads_the_stored_clusters(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = grouping_cache.cached_assign(store, NOTES, TAGS)
    assert first == grouping.assign(NOTES, TAGS)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("clustered again although nothing changed")

    monkeypatch.setattr(grouping, "assign", fail)
    assert grouping_cache.cached_assign(store, NOTES, TAGS) == first


def test_changed_notes_tags_or_parameters_recompute(store: Store) -> None:
    grouping_cache.cached_assign(store, NOTES, TAGS)
    keys = {
        grouping_cache.cache_key(NOTES, TAGS, grouping.GroupingParams()),
        grouping_cache.cache_key([*NOTES, "tone was rude"], TAGS, grouping.GroupingParams()),
        grouping_cache.cache_key(NOTES, {}, grouping.GroupingParams()),
        grouping_cache.cache_key(NOTES, TAGS, grouping.GroupingParams(threshold=70.0)),
        grouping_cache.cache_key(list(reversed(NOTES)), TAGS, grouping.GroupingParams()),
    }
    assert len(keys) == 5
    changed = [*NOTES, "tone was rude"]
    assert grouping_cache.cached_assign(store, changed, TAGS) == grouping.assign(changed, TAGS)


def test_only_indices_and_tag_names_are_stored_and_old_entries_go(store: Store) -> None:
    for extra in range(grouping_cache.KEEP + 3):
        grouping_cache.cached_assign(store, [*NOTES, f"note number {extra}"], TAGS)
    rows = store.execute("select clusters from note_clusters").fetchall()
    assert len(rows) == grouping_cache.KEEP
    stored = " ".join(row[0] for row in rows)
    assert "wrong tool" not in stored and "refund" not in stored
    assert "wrong_tool" in stored  # the tag a cluster joined


def test_a_database_without_the_table_still_groups() -> None:
    store = Store.memory()
    store.execute("drop table note_clusters")
    assert grouping_cache.cached_assign(store, NOTES, TAGS) == grouping.assign(NOTES, TAGS)
