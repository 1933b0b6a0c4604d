"""Time zones and local days: one implementation, used by every per-day figure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

import pytest

from tracereader import timeutil
from tracereader.review import daily
from tracereader.timeutil import day_bounds, local_day, parse_iso, zone

SOURCE = Path(timeutil.__file__).parent


def test_local_days_and_their_bounds_follow_the_zone() -> None:
    assert zone("") == zone("UTC")
    late = datetime(2026, 11, 9, 23, 30, tzinfo=UTC)
    assert local_day(late, "UTC") == date(2026, 11, 9)
    assert local_day(late, "Europe/Paris") == date(2026, 11, 10)
    assert day_bounds(date(2026, 11, 10), "Europe/Paris") == (
        "2026-11-09T23:00:00Z",
        "2026-11-10T23:00:00Z",
    )
    # The day clocks go back is 25 hours long.
    assert day_bounds(date(2026, 10, 25), "Europe/Paris") == (
        "2026-10-24T22:00:00Z",
        "2026-10-25T23:00:00Z",
    )


def test_an_unknown_zone_is_an_error_not_utc() -> None:
    # The config rejects unknown names at load time, so nothing downstream guesses.
    with pytest.raises(ZoneInfoNotFoundError):
        zone("Mars/Olympus")


def test_the_reviewers_day_uses_the_same_helpers() -> None:
    assert daily.day_bounds is timeutil.day_bounds and daily.local_day is timeutil.local_day


def test_timestamps_are_parsed_in_one_place() -> None:
    assert parse_iso("2026-11-02T14:03:11Z") == datetime(2026, 11, 2, 14, 3, 11, tzinfo=UTC)
    assert parse_iso("2026-11-02T15:03:11+01:00") == parse_iso("2026-11-02T14:03:11")
    left_alone = {"timeutil.py", "formats/native.py", "formats/spantree.py"}
    hand_rolled = sorted(
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if str(path.relative_to(SOURCE)) not in left_alone
        and 'replace("Z", "+00:00")' in path.read_text(encoding="utf-8")
    )
    assert hand_rolled == []
