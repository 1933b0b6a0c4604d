"""One timestamp format everywhere: ISO 8601 UTC to the second with a `Z`, sortable as text.

Also the one place that turns the configured time zone into local days (the config has
already checked the zone's name, so nothing here falls back).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""The first moment a trace may be stamped with; anything earlier is a broken clock."""
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""The end of the range of trace timestamps (anything later is a broken clock or a typo)."""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Format a datetime as stored; naive datetimes are taken to be UTC.

    The year is always four digits (`strftime("%Y")` writes year 1 as `1`, which no ISO
    parser reads back).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"


def in_range(moment: datetime) -> bool:
    """Whether a timestamp lies in [1970, 2200): what ingest stores as a trace's own time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return EARLIEST <= moment < LATEST


def parse_stored(text: object) -> datetime | None:
    """A stored timestamp read back leniently: None for anything unreadable or out of range.

    Ingest only stores times in range, but a database can be written by anything; every
    command that reads timestamps goes through here so that no stored row can break it.
    """
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = parse_iso(text)
    except (ValueError, OverflowError):
        return None
    return moment if in_range(moment) else None


def parse_iso(text: str) -> datetime:
    """Parse ISO 8601 (with `Z`, an offset, or naive meaning UTC) into an aware datetime."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_epoch(value: float) -> datetime:
    """Parse a Unix time in seconds, milliseconds, microseconds or nanoseconds."""
    number = float(value)
    for divisor in (1, 1e3, 1e6, 1e9):
        if number / divisor < 1e11:
            return datetime.fromtimestamp(number / divisor, UTC)
    raise ValueError("timestamp out of range")


def zone(name: str) -> tzinfo:
    """The IANA time zone `name` (UTC when empty); unknown names raise, so check them at load.

    UTC, the default, needs no zone database: zoneinfo's import alone took 7 ms of the review
    app's launch.
    """
    if not name or name == "UTC":
        return UTC
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def local_day(moment: datetime, tz_name: str) -> date:
    """The calendar day of `moment` in the time zone `tz_name`."""
    return moment.astimezone(zone(tz_name)).date()


def day_bounds(day: date, tz_name: str) -> tuple[str, str]:
    """The stored-timestamp range [start, end) covering local `day` in the time zone `tz_name`."""
    start = datetime.combine(day, time.min, tzinfo=zone(tz_name))
    return to_iso(start), to_iso(start + timedelta(days=1))


def local_text(stamp: str | None, tz_name: str) -> str:
    """A stored timestamp as local wall time, `2026-11-30 14:03`, or `—` without one."""
    if not stamp:
        return "—"
    return parse_iso(stamp).astimezone(zone(tz_name)).strftime("%Y-%m-%d %H:%M")
