"""The committed sample traces: reproducible, shaped as documented, carrying what they promise."""

from __future__ import annotations

import csv
import filecmp
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tracereader.stats import two_proportion_test
from tracereader.store import Store
from tracereader.timeutil import parse_iso

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_traces"
NATIVE = SAMPLES / "native"
REVIEWS = SAMPLES / "reviews.csv"
ROLES = {"system", "user", "assistant", "tool"}
TOOLS = {"lookup_order", "track_shipment", "issue_refund", "search_policy", "update_address"}


def _native_records() -> list[tuple[str, int, dict[str, Any]]]:
    records = []
    for file in sorted(NATIVE.glob("*.jsonl")):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            records.append((file.name, number, json.loads(line)))
    return records


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return [r for _, _, r in _native_records()]


@pytest.fixture(scope="module")
def reviews() -> list[dict[str, str]]:
    with REVIEWS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "\n".join(part["text"] for part in content)
    return content or ""


def test_generator_reproduces_committed_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, str(SAMPLES / "generate.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    produced = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert produced, "the generator wrote nothing"
    for rel in produced:
        assert filecmp.cmp(out / rel, SAMPLES / rel, shallow=False), f"{rel} differs"
    committed = sorted(p.relative_to(SAMPLES) for p in NATIVE.glob("*.jsonl"))
    assert committed == [p for p in produced if p.parts[0] == "native"]
    assert not (SAMPLES / "__pycache__").exists()


def test_volume_days_and_rhythm(records: list[dict[str, Any]]) -> None:
    assert len(records) >= 400
    sessions: dict[date, set[str]] = defaultdict(set)
    for r in records:
        if "timestamp" in r:
            sessions[parse_iso(r["timestamp"]).date()].add(r["session_id"])
    days = sorted(sessions)
    assert len(days) >= 21
    assert days == [days[0] + timedelta(days=i) for i in range(len(days))]
    per_day = {d: len(s) for d, s in sessions.items()}
    assert all(15 <= n <= 70 for n in per_day.values()), per_day
    weekday = [n for d, n in per_day.items() if d.weekday() < 5]
    weekend = [n for d, n in per_day.items() if d.weekday() >= 5]
    assert sum(weekday) / len(weekday) > sum(weekend) / len(weekend) + 2
    # one file per day, named after the day of the traces inside
    for file in NATIVE.glob("*.jsonl"):
        for line in file.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            if "timestamp" in r:
                assert r["timestamp"].startswith(file.stem)
    # most sessions hold one trace, some two or three
    sizes = Counter(Counter(r["session_id"] for r in records).values())
    assert sizes[1] > sizes[2] > 0 and set(sizes) <= {1, 2, 3}


def test_releases(records: list[dict[str, Any]]) -> None:
    by_release: dict[str, list[date]] = defaultdict(list)
    for r in records:
        if "timestamp" in r:
            by_release[r["release"]].append(parse_iso(r["timestamp"]).date())
    assert set(by_release) == {"v1.4", "v1.5"}
    assert max(by_release["v1.4"]) < min(by_release["v1.5"])
    assert len(set(by_release["v1.4"])) == 13


def _check_native(r: dict[str, Any], where: str) -> None:
    """The native format as product.md describes it."""
    assert isinstance(r.get("messages"), list) and r["messages"], where
    for key in ("id", "user_id", "session_id", "model", "release"):
        assert key not in r or isinstance(r[key], str), f"{where}: {key}"
    if "timestamp" in r:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["timestamp"]), where
    call_ids: set[str] = set()
    for m in r["messages"]:
        assert m["role"] in ROLES, where
        content = m.get("content")
        if isinstance(content, list):
            assert all(p["type"] == "text" and isinstance(p["text"], str) for p in content)
        else:
            assert content is None or isinstance(content, str), where
        for call in m.get("tool_calls") or []:
            assert call["name"] in TOOLS and isinstance(call["arguments"], dict), where
            call_ids.add(call["id"])
        if m["role"] == "tool":
            assert m["tool_call_id"] in call_ids, f"{where}: result before its call"
            json.loads(m["content"])  # tool results are JSON strings
    if "feedback" in r:
        score = r["feedback"]["score"]
        assert score in (-1, 0, 1) or 0 <= score <= 1, where
    for event in r.get("events", []):
        assert isinstance(event["type"], str), where
        if "message_index" in event:
            assert 0 <= event["message_index"] < len(r["messages"]), where
    assert isinstance(r.get("metadata", {}), dict), where


def test_every_native_record_is_valid() -> None:
    rows = _native_records()
    for name, line, r in rows:
        _check_native(r, f"{name}:{line}")
    try:
        from tracereader.formats.native import NATIVE as native_format
    except ImportError:  # the reader is not there yet: the structural check above stands alone
        return
    from tracereader.formats.base import RawRecord

    assert all(native_format.sniff(r) for _, _, r in rows)
    converted = list(
        native_format.convert(RawRecord(i + 1, r, 0) for i, (_, _, r) in enumerate(rows))
    )
    assert not [c for c in converted if not hasattr(c, "messages")]


def test_content_is_rich(records: list[dict[str, Any]]) -> None:
    tools = Counter(
        c["name"] for r in records for m in r["messages"] for c in m.get("tool_calls") or []
    )
    assert set(tools) == TOOLS
    assert 0.25 <= sum("feedback" in r for r in records) / len(records) <= 0.35
    events = Counter(e["type"] for r in records for e in r.get("events", []))
    assert {"regenerate", "copy", "abandon", "edit"} <= set(events)
    assert all(
        {"channel", "latency_ms", "locale", "client_ip"} <= r["metadata"].keys() for r in records
    )
    assert sum("id" not in r for r in records) >= 3
    assert sum("timestamp" not in r for r in records) >= 3
    first_users = {
        _text(next(m for m in r["messages"] if m["role"] == "user")["content"]) for r in records
    }
    assert len(first_users) > 0.8 * len(records)  # not copy-paste identical


def _luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def test_pii_is_planted(records: list[dict[str, Any]]) -> None:
    blob = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    assert len(re.findall(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", blob)) > 100
    assert re.search(r"\b(?:DE|GB|FR|NL)\d\d(?: [A-Z0-9]{4}){3,}", blob)
    assert re.search(r"\b(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d+", blob)
    assert re.search(r"\(\d{3}\) \d{3}-\d{4}", blob) and re.search(r"\+44 ", blob)
    without_ibans = re.sub(r"(?i)\b[A-Z]{2}\d\d(?: [A-Z0-9]{4})+(?: [A-Z0-9]{1,3})?\b", "", blob)
    cards = re.findall(
        r"\b(?:\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}|\d{4}[ -]?\d{6}[ -]?\d{5})\b", without_ibans
    )
    assert len(cards) >= 10 and all(_luhn_valid(c) for c in cards)


def test_hostile_text_is_present(records: list[dict[str, Any]]) -> None:
    blob = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    for needle in (
        "[bold]",
        "[/]",
        "[@click=app.quit]",
        ":smile:",
        "\\u001b[31m",
        "\\u001b]8;;",
        "\\u001b[2J",
        "\u202e",
        "\u0301",
        "\u200d",
    ):
        assert needle in blob, needle
    assert any("ا" in _text(m.get("content")) for r in records for m in r["messages"])
    longest = max(
        len(line)
        for r in records
        for m in r["messages"]
        for line in _text(m.get("content")).splitlines() or [""]
    )
    assert longest > 5000
    edge = [r for r in records if r.get("id", "").startswith("acme-edge-")]
    assert len(edge) >= 4


def test_reviews_cover_native_ids(
    records: list[dict[str, Any]], reviews: list[dict[str, str]]
) -> None:
    reviewable = {r["id"] for r in records if "id" in r and "timestamp" in r}
    assert {row["trace_id"] for row in reviews} == reviewable
    assert len(reviews) == len(reviewable)
    taxonomy = {
        "hallucinated_policy",
        "wrong_tool",
        "ignored_context",
        "needless_refusal",
        "bad_formatting",
        "wrong_answer",
        "tone",
    }
    for row in reviews:
        tags = [t for t in row["tags"].split(";") if t]
        assert set(tags) <= taxonomy
        assert row["verdict"] == ("fail" if tags else row["verdict"])
        assert 10 <= int(row["seconds"]) <= 120
    notes = [row["note"] for row in reviews if row["note"]]
    assert len(set(notes)) > 40
    order_again = [
        row for row in reviews if re.search(r"\border (?:number|nr|no\b|#)", row["note"].lower())
    ]
    # the failure outside the taxonomy: a failing verdict, no tag of its own
    assert order_again and all(row["verdict"] == "fail" for row in order_again)
    assert all(row["tags"] in ("", "bad_formatting") for row in order_again)


def _rate(
    records: list[dict[str, Any]], reviews: list[dict[str, str]], tag: str, release: str
) -> tuple[int, int]:
    release_of = {r["id"]: r["release"] for r in records if "id" in r}
    rows = [row for row in reviews if release_of[row["trace_id"]] == release]
    return sum(tag in row["tags"].split(";") for row in rows), len(rows)


def test_wrong_tool_drop_is_significant_and_policy_is_not(
    records: list[dict[str, Any]], reviews: list[dict[str, str]]
) -> None:
    fixed = two_proportion_test(
        *_rate(records, reviews, "wrong_tool", "v1.4"),
        *_rate(records, reviews, "wrong_tool", "v1.5"),
    )
    assert fixed.significant and fixed.before.rate > 0.15 and fixed.after.rate < 0.05
    same = two_proportion_test(
        *_rate(records, reviews, "hallucinated_policy", "v1.4"),
        *_rate(records, reviews, "hallucinated_policy", "v1.5"),
    )
    assert not same.significant


def test_failures_show_in_the_conversation(
    records: list[dict[str, Any]], reviews: list[dict[str, str]]
) -> None:
    by_id = {r["id"]: r for r in records if "id" in r}
    for row in reviews:
        r = by_id[row["trace_id"]]
        tags = row["tags"].split(";")
        answers = " ".join(
            _text(m.get("content")) for m in r["messages"] if m["role"] == "assistant"
        )
        if "needless_refusal" in tags:
            assert re.search(r"can't|not able|not allowed|aren't something", answers)
        if "bad_formatting" in tags:
            assert re.search(r"\{\"|\|---|<p>|\\n", answers)
        if "wrong_tool" in tags and r["release"] == "v1.5":
            calls = [c for m in r["messages"] for c in m.get("tool_calls") or []]
            assert calls


def test_openai_sample(records: list[dict[str, Any]]) -> None:
    lines = (SAMPLES / "openai" / "chat_logs.jsonl").read_text(encoding="utf-8").splitlines()
    logs = [json.loads(line) for line in lines]
    assert len(logs) >= 15
    plain = [r for r in logs if "messages" in r]
    pairs = [r for r in logs if "request" in r]
    assert plain and pairs
    assert all(r["response"]["choices"][0]["message"]["role"] == "assistant" for r in pairs)
    calls = [
        c
        for r in logs
        for m in (r.get("messages") or r["request"]["messages"])
        for c in m.get("tool_calls") or []
    ]
    assert calls and all(isinstance(json.loads(c["function"]["arguments"]), dict) for c in calls)
    native_users = {
        _text(m.get("content")) for r in records for m in r["messages"] if m["role"] == "user"
    }
    openai_users = {
        _text(m.get("content")) for r in plain for m in r["messages"] if m["role"] == "user"
    }
    assert len(openai_users & native_users) < len(openai_users) / 2  # distinct conversations


def _store_with_samples(store: Store, records: list[dict[str, Any]]) -> None:
    """Insert the sample traces directly (raw; fine for testing the loader, not for users)."""
    with store.db.atomic():
        store.db["traces"].insert_all(
            {"id": r["id"], "timestamp": r["timestamp"], "release": r["release"]}
            for r in records
            if "id" in r and "timestamp" in r
        )


def test_apply_sample_reviews(
    store: Store, records: list[dict[str, Any]], reviews: list[dict[str, str]]
) -> None:
    from tracereader.sample_reviews import apply_sample_reviews

    _store_with_samples(store, records)
    total = len(reviews)
    half = apply_sample_reviews(store, REVIEWS, fraction=0.5)
    assert half == round(total * 0.5) == store.count("reviews")
    newest_reviewed = store.db.execute(
        "select max(t.timestamp) from traces t join reviews r on r.trace_id = t.id"
    ).fetchone()[0]
    oldest_unreviewed = store.db.execute(
        "select min(timestamp) from traces where id not in (select trace_id from reviews)"
    ).fetchone()[0]
    assert newest_reviewed <= oldest_unreviewed
    assert apply_sample_reviews(store, REVIEWS) == total  # idempotent, fills the rest
    assert store.count("reviews") == total
    expected_tags = sum(len([t for t in row["tags"].split(";") if t]) for row in reviews)
    assert store.count("tags") == expected_tags
    row = store.db.execute(
        "select r.reviewed_at, t.timestamp, r.reviewer, r.verdict from reviews r "
        "join traces t on t.id = r.trace_id limit 1"
    ).fetchone()
    delay = parse_iso(row[0]) - parse_iso(row[1])
    assert timedelta(minutes=1) < delay < timedelta(minutes=15)
    assert row[2] == "sample" and row[3] in ("pass", "fail")


def test_apply_sample_reviews_skips_missing_traces(
    store: Store, records: list[dict[str, Any]]
) -> None:
    from tracereader.sample_reviews import apply_sample_reviews

    _store_with_samples(store, records[:30])
    present = sum(1 for r in records[:30] if "id" in r and "timestamp" in r)
    assert apply_sample_reviews(store, REVIEWS, reviewer="ana") == present
    assert {r[0] for r in store.db.execute("select reviewer from reviews")} == {"ana"}
    assert apply_sample_reviews(store, REVIEWS, fraction=0.0) == 0


def test_bad_reviews_file(tmp_path: Path, store: Store) -> None:
    from tracereader.sample_reviews import SampleReviewsError, apply_sample_reviews

    bad = tmp_path / "r.csv"
    bad.write_text("trace_id,verdict,tags,note,seconds\nt1,maybe,,,10\n", encoding="utf-8")
    with pytest.raises(SampleReviewsError, match=r"r\.csv:2: "):
        apply_sample_reviews(store, bad)
    with pytest.raises(SampleReviewsError, match="cannot read"):
        apply_sample_reviews(store, tmp_path / "missing.csv")
