"""Times in and out of the memory: ISO 8601 parsing and the spoken form of "when"."""

from __future__ import annotations

import math
from datetime import datetime, timezone

from llmos_robot.errors import MemoryInputError


def parse_time(text: str) -> float:
    """Seconds since the epoch for an ISO 8601 time; a time without a zone is local time."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError as err:
        raise MemoryInputError(
            f"I can't read {text!r} as a time; use ISO 8601, e.g. 2026-11-29T10:42:00 or 2026-11-29T10:42:00Z."
        ) from err
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # the machine's local time zone
    return parsed.timestamp()


def iso(stamp: float) -> str:
    """UTC ISO 8601 with seconds, e.g. 2026-11-29T10:42:07Z."""
    return datetime.fromtimestamp(stamp, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ago(seconds: float) -> str:
    """A rough spoken duration: "just now", "12 minutes ago", "3 hours ago", "2 days ago"."""
    seconds = max(0.0, seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = math.floor(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def spoken_when(stamp: float, now: float) -> str:
    """ "today at 10:42", "yesterday at 18:05" or "on Sunday 22 November at 10:42" (local time)."""
    when = datetime.fromtimestamp(stamp).astimezone()
    today = datetime.fromtimestamp(now).astimezone().date()
    clock = when.strftime("%H:%M")
    days = (today - when.date()).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"yesterday at {clock}"
    return f"on {when.strftime('%A')} {when.day} {when.strftime('%B')} at {clock}"
