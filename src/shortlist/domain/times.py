"""Instants written as people write them: ``2022-12-12T09:00 America/Los_Angeles``.

An instant is a local date and time followed by an IANA time-zone name, or an ISO 8601 time with
its UTC offset (``2022-12-12T17:00+00:00``). A time without a zone is refused: a window must say
where its clock is.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def parse_instant(text: str) -> datetime:
    """The aware datetime written in ``text``; :class:`ValueError` with the reason if invalid."""
    text = text.strip()
    local, _, zone = text.partition(" ")
    try:
        moment = datetime.fromisoformat(local)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an instant like '2022-12-12T09:00 America/Los_Angeles'"
        ) from None
    zone = zone.strip()
    if zone:
        if moment.tzinfo is not None:
            raise ValueError(f"{text!r} gives both a UTC offset and a time zone")
        try:
            return moment.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {zone!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone (add one, e.g. ' America/Los_Angeles')")
    return moment


def format_instant(moment: datetime) -> str:
    """The inverse of :func:`parse_instant` for instants in a named zone."""
    zone = getattr(moment.tzinfo, "key", None)
    if zone:
        return f"{moment.replace(tzinfo=None).isoformat(timespec='minutes')} {zone}"
    return moment.isoformat(timespec="minutes")


def human(moment: datetime) -> str:
    """``Mon 12 Dec 2022 09:00 PST``: for people reading a report."""
    return moment.strftime("%a %d %b %Y %H:%M %Z")
