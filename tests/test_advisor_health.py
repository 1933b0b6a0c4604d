"""The volume advisor, reading capacity and pipeline health on generated daily traffic."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from patterns_support import add_traces, daily_traffic, days, make_trace, review

from tracereader.config import Settings
from tracereader.status import check_health
from tracereader.status.advisor import advise, count_topics, header_banner, volume_row
from tracereader.status.volume import daily_conversations
from tracereader.store import Store

START = date(2026, 10, 1)
SETTINGS = Settings()


def _today_after(n_days: int) -> date:
    return START + timedelta(days=n_days)


@pytest.mark.parametrize(
    ("per_day", "row"), [(99, "manual"), (100, "platform"), (499, "platform"), (500, "pipeline")]
)
def test_rows_at_the_thresholds(store: Store, per_day: int, row: str) -> None:
    daily_traffic(store, days(START, [per_day] * 7))
    advice = advise(store, SETTINGS, today=_today_after(7))
    assert advice.trailing_mean_7d == per_day
    assert advice.conversations_on_as_of == per_day
    assert advice.volume_row == row and advice.recommendation == row
    assert advice.crossed_on is None  # it was in this row from the first day


def test_volume_row_boundaries_and_topics() -> None:
    assert [volume_row(m) for m in (0, 99.99, 100, 499.5, 500)] == [
        "manual", "manual", "platform", "platform", "pipeline",
    ]  # fmt: skip
    assert volume_row(800, several_topics=False) == "platform"


def test_high_stakes_adds_human_review(store: Store) -> None:
    daily_traffic(store, days(START, [40] * 7))
    advice = advise(store, Settings(high_stakes=True), today=_today_after(7))
    assert advice.volume_row == "manual" and advice.recommendation == "human_review"
    assert "human review" in advice.message


def test_crossing_date_and_distance(store: Store) -> None:
    # 60/day for 10 days, then 160/day: the 7-day mean passes 100 on the 3rd day (102.9).
    counts = [60] * 10 + [160] * 8
    daily_traffic(store, days(START, counts))
    advice = advise(store, SETTINGS, today=_today_after(len(counts)))
    assert advice.volume_row == "platform"
    assert advice.crossed_on == (START + timedelta(days=12)).isoformat()
    assert advice.next_threshold == 500
    assert advice.distance_to_next == pytest.approx(500 - 160)
    assert advice.trend == "rising"
    assert advice.daily[START.isoformat()] == 60 and len(advice.daily) == len(counts) + 1


def test_sessions_count_once_per_day_and_days_follow_the_time_zone(store: Store) -> None:
    late = datetime(2026, 10, 1, 23, 30, tzinfo=UTC)
    add_traces(
        store,
        [
            make_trace("a", late, session="s1"),
            make_trace("b", late + timedelta(minutes=10), session="s1"),
            make_trace("c", late + timedelta(minutes=20)),
        ],
    )
    utc = daily_conversations(store, "UTC", date(2026, 10, 2))
    assert utc.as_dict() == {"2026-10-01": 2, "2026-10-02": 0}
    paris = daily_conversations(store, "Europe/Paris", date(2026, 10, 2))
    assert paris.as_dict() == {"2026-10-02": 2}


def test_thin_data_warning_after_14_days_without_actionable_pattern(store: Store) -> None:
    daily_traffic(store, days(START, [20] * 20))
    first = datetime(2026, 10, 2, 9, tzinfo=UTC)
    for i in range(4):
        review(store, f"d-2026-10-0{2 + i}-0", tags=["tone"], reviewed_at=first + timedelta(days=i))
    assert advise(store, SETTINGS, today=date(2026, 10, 15)).thin_data is None  # 13 days
    thin = advise(store, SETTINGS, today=date(2026, 10, 16)).thin_data
    assert thin is not None and "14 days" in thin and "Keep reading" in thin
    review(store, "d-2026-10-07-0", tags=["tone"], reviewed_at=first)
    assert advise(store, SETTINGS, today=date(2026, 10, 16)).thin_data is None  # 5 = actionable


def test_capacity_from_review_pace(store: Store) -> None:
    daily_traffic(store, days(START, [63] * 7))
    for i, secs in enumerate([30, 40, 50, 40, 200]):
        review(store, f"d-2026-10-01-{i}", seconds=secs)
    advice = advise(store, Settings(daily_minutes=30), today=_today_after(7))
    cap = advice.capacity
    assert cap is not None
    assert cap.median_seconds_per_trace == 40
    assert cap.traces_per_budget == 45
    assert cap.coverage == pytest.approx(45 / 63)
    assert cap.sample_percent == 71
    assert advice.capacity_text == (
        "at your pace 30 minutes covers about 45 of your 63.0 daily conversations: sample 71%"
    )
    assert advice.as_dict()["capacity"]["traces_per_budget"] == 45


def test_no_traffic_no_alerts_no_banner(store: Store) -> None:
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    assert check_health(store, SETTINGS, now=now) == []
    assert header_banner(store, SETTINGS, now=now) is None
    advice = advise(store, SETTINGS, today=now.date())
    assert advice.trailing_mean_7d is None and advice.recommendation == "manual"


def test_stale_database_alert(store: Store) -> None:
    daily_traffic(store, days(START, [30] * 10))
    last = datetime(2026, 10, 10, 12, 0, 29, tzinfo=UTC)  # the 30th trace of the last day
    assert check_health(store, SETTINGS, now=last + timedelta(days=1)) == []
    alerts = check_health(store, SETTINGS, now=last + timedelta(days=3))
    assert [a.kind for a in alerts] == ["stale"]
    assert alerts[0].since == "2026-10-10T12:00:29Z"
    assert "deploy" in alerts[0].message
    banner = header_banner(store, SETTINGS, now=last + timedelta(days=3))
    assert (
        banner is not None
        and banner.startswith("⚠ No new traces")
        and "30.0 conversations" in banner
    )
    # The advisor keeps reading the last week that had traffic instead of a week of zeros.
    assert advise(store, SETTINGS, today=date(2026, 10, 20)).trailing_mean_7d == 30


def test_zero_day_raises_a_collapse_alert(store: Store) -> None:
    counts = [50] * 10 + [0, 50]  # yesterday empty, today traffic again
    daily_traffic(store, days(START, counts))
    now = datetime(2026, 10, 12, 18, tzinfo=UTC)
    alerts = check_health(store, SETTINGS, now=now)
    assert [(a.kind, a.since) for a in alerts] == [("collapse", "2026-10-11")]
    assert check_health(store, SETTINGS, now=now + timedelta(days=1)) == []  # yesterday had 50


def test_quiet_tiny_traffic_is_not_a_collapse(store: Store) -> None:
    daily_traffic(store, days(START, [2, 3, 2, 0, 2]))
    assert check_health(store, SETTINGS, now=datetime(2026, 10, 5, 18, tzinfo=UTC)) == []


def test_figures_are_read_as_of_the_last_complete_day_with_traffic(store: Store) -> None:
    daily_traffic(store, days(START, [40] * 7 + [55, 0]))  # Oct 1-9; Oct 9 had nothing
    advice = advise(store, SETTINGS, today=date(2026, 10, 10))
    assert advice.as_of == "2026-10-08"
    assert advice.conversations_on_as_of == 55  # the count on as_of, the mean's last day
    assert advice.trailing_mean_7d == round((6 * 40 + 55) / 7, 2)
    # The empty day is the health check's to report, not a drop in the advisor's row.
    now = datetime(2026, 10, 10, 6, tzinfo=UTC)
    assert [(a.kind, a.since) for a in check_health(store, SETTINGS, now=now)] == [
        ("collapse", "2026-10-09")
    ]


def test_headline_and_message_round_the_distance_the_same_way(store: Store) -> None:
    daily_traffic(store, days(START, [21, 22, 22, 21, 22, 21, 22]))  # mean 21.57: 78.43 short
    advice = advise(store, SETTINGS, today=_today_after(7))
    assert advice.distance_to_next == pytest.approx(78.43)
    assert "79/day below 100" in advice.headline
    assert "79/day more reaches 100" in advice.message


def test_topics_are_counted_over_local_days_with_an_end(store: Store) -> None:
    rows = [  # Auckland is UTC+13 in November: its Nov 10 is Nov 9 11:00Z to Nov 10 11:00Z
        ("billing", "2026-11-09T12:00:00Z", 0),  # Nov 10 local, though Nov 9 in UTC
        ("shipping", "2026-11-10T05:00:00Z", 0),
        ("returns", "2026-11-10T12:00:00Z", 0),  # Nov 11 local: after the window
        ("refunds", "2026-11-10T06:00:00Z", 1),  # the ingest time, not the traffic's
    ]
    with store.db.atomic():
        store.db["traces"].insert_all(
            {"id": topic, "timestamp": stamp, "timestamp_inferred": inferred,
             "metadata": json.dumps({"topic": topic})}
            for topic, stamp, inferred in rows
        )  # fmt: skip
    nov_10 = date(2026, 11, 10)
    assert count_topics(store, "Pacific/Auckland", nov_10, nov_10) == 2
    assert count_topics(store, "UTC", nov_10, nov_10) == 2  # shipping and returns
