"""Filter values that name nothing are answered with the known ones; trace ids by their start."""

from __future__ import annotations

from review_traces import make_trace, review_settings

from tracereader.review import QueueFilter, ReviewLog
from tracereader.review.lookup import check_filter, find_trace_ids, known_tags
from tracereader.store import Store


def _filled(store: Store) -> Store:
    store.add_traces([make_trace(i) for i in range(12)], format="native", ner=True)
    return store


def test_unknown_tag_release_and_model_list_the_known_ones(store: Store) -> None:
    settings = review_settings()
    _filled(store)
    ReviewLog(store, "ana").toggle_tag("t-0001", "my_own_tag")
    assert known_tags(store, settings)[-1] == "my_own_tag"
    problems = check_filter(store, settings, QueueFilter(tag="refnd", release="v9", model="gpt-5"))
    assert problems[0].startswith("unknown tag 'refnd'; known tags: hallucinated_policy,")
    assert "my_own_tag" in problems[0]
    assert problems[1] == "unknown release 'v9'; known releases: v1, v2"
    assert problems[2].startswith("unknown model 'gpt-5'; known models: ")
    assert check_filter(store, settings, QueueFilter(tag="tone", release="v1")) == []


def test_trace_ids_by_exact_id_or_their_start(store: Store) -> None:
    _filled(store)
    assert find_trace_ids(store, "t-0007") == ["t-0007"]
    assert find_trace_ids(store, " t-000") == [f"t-{i:04d}" for i in range(10)]
    assert find_trace_ids(store, "t-001") == ["t-0010", "t-0011"]
    assert find_trace_ids(store, "t_00") == []  # the underscore is a character, not a wildcard
    assert find_trace_ids(store, "") == []
