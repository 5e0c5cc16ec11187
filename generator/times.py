"""Reading the times that writers type, in the site's time zone.

Accepted: ``2026-11-20 14:05``, ``2026-11-20 14:05:30``, either followed by ``UTC``, ``Z``, an
offset such as ``+01:00`` or an IANA zone name such as ``Europe/Berlin``, and ISO 8601
(``2026-11-20T14:05Z``). A time without a zone is read in the site's zone, one with a zone name
in that zone; a wall time that occurs twice (clocks going back) is its first occurrence, and one
that does not exist (clocks going forward) is an error.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.problems import quoted

ACCEPTED_FORMS = (
    "2026-11-20 14:05, 2026-11-20 14:05:30, 2026-11-20 14:05 UTC, "
    "2026-11-20 14:05 +01:00, 2026-11-20 14:05 Europe/Berlin or 2026-11-20T14:05Z"
)

_TIME = re.compile(
    r"""^(?P<date>\d{4}-\d{2}-\d{2})[T ]\s*
        (?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<frac>\d{1,6}))?)?
        \s*(?:(?P<zone>UTC|Z|[+-]\d{2}:?\d{2})|\s(?P<iana>[A-Za-z][A-Za-z_]*(?:/[A-Za-z0-9_+-]+)+))?$""",
    re.VERBOSE | re.IGNORECASE,
)

_DURATION = re.compile(
    r"\s*(?:(?P<h>\d{1,12})\s*h)?\s*(?:(?P<m>\d{1,12})\s*m(?:in)?)?\s*\Z", re.IGNORECASE
)


class TimeError(ValueError):
    """A time that cannot be read; the message says why and shows the accepted forms."""


def parse_time(text: str, zone: tzinfo) -> datetime:
    """Read a written time as an aware datetime; naive times are in ``zone``."""
    match = _TIME.match(text.strip())
    if not match:
        clock = re.fullmatch(r"\d{1,2}:\d{2}(?::\d{2})?", text.strip())
        if clock:
            raise TimeError(
                f"{quoted(text.strip())} is a time of day without a date: write the date too, "
                f"e.g. 2026-11-20 {text.strip()} (accepted: {ACCEPTED_FORMS})"
            )
        raise TimeError(
            f"cannot read the time {quoted(text.strip())}; write it as {ACCEPTED_FORMS}"
        )
    try:
        day = date.fromisoformat(match["date"])
        naive = datetime(  # noqa: DTZ001 - a wall time; its zone is attached below
            day.year,
            day.month,
            day.day,
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"] or 0),
            int((match["frac"] or "0").ljust(6, "0")),
        )
    except ValueError as exc:
        raise TimeError(f"{quoted(text.strip())} is not a real date and time ({exc})") from None
    in_range(naive, text.strip())
    written_zone = match["zone"]
    if written_zone:
        try:
            return naive.replace(tzinfo=_fixed_zone(written_zone))
        except ValueError:  # datetime.timezone takes offsets under 24 hours only
            raise TimeError(
                f"the offset {written_zone} in {quoted(text.strip())} is not one a clock "
                "shows; offsets lie between -23:59 and +23:59, e.g. +01:00"
            ) from None
    elif match["iana"]:
        try:
            named = iana_zone(match["iana"])
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise TimeError(
                f"unknown time zone {quoted(match['iana'])} in {quoted(text.strip())}; use an "
                "IANA name such as Europe/Berlin, an offset such as +01:00, or UTC"
            ) from None
        aware = localize(naive, named, text.strip())
    else:
        aware = localize(naive, zone, text.strip())
    return aware


# The years a time may fall in. Derived times (90 days of uptime before "now", a promise plus
# max_silence, a day's end) must stay within what datetime can hold, so the ends are refused.
FIRST_YEAR, LAST_YEAR = 1970, 9000


def in_range(moment: datetime, shown: str) -> datetime:
    """``moment`` if its year lies in FIRST_YEAR..LAST_YEAR, else a TimeError."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise TimeError(
            f"{quoted(shown)} is out of range: write a time between the years "
            f"{FIRST_YEAR} and {LAST_YEAR}"
        )
    return moment


@functools.cache
def iana_zones() -> frozenset[str]:
    """The names of real IANA time zones, as the tzdata package lists them.

    Not ``zoneinfo.available_timezones()``: on a build machine that also offers ``localtime``
    and ``posixrules`` (links to whatever zone the machine is set to), and ``posix/...`` or
    ``right/...`` copies, so a site naming them would follow the machine it is built on.
    ``Factory`` is no place's zone either.
    """
    names = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(names) - {"Factory", "localtime", "posixrules"}


def iana_zone(name: str) -> ZoneInfo:
    """The zone of an IANA name; ZoneInfoNotFoundError for any other name."""
    if name not in iana_zones():
        raise ZoneInfoNotFoundError(name)
    return ZoneInfo(name)


def _fixed_zone(written: str) -> tzinfo:
    if written.upper() in ("UTC", "Z"):
        return UTC
    sign = -1 if written[0] == "-" else 1
    digits = written[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(sign * offset)


def localize(naive: datetime, zone: tzinfo, shown: str | None = None) -> datetime:
    """Attach ``zone`` to a wall time: first occurrence if ambiguous, error if nonexistent."""
    aware = naive.replace(tzinfo=zone, fold=0)
    # A wall time that does not exist does not survive a round trip through UTC.
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise TimeError(
            f"{shown or naive.isoformat(' ')} does not exist in {zone_name(zone)} "
            "(the clocks go forward then); write the time after the change, or add an offset "
            "such as +01:00"
        )
    return aware


def is_ambiguous(moment: datetime) -> bool:
    """Whether the wall time of ``moment`` occurs twice in its zone (clocks going back)."""
    other = moment.replace(fold=1 - moment.fold)
    return other.utcoffset() != moment.utcoffset()


def zone_name(zone: tzinfo) -> str:
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def parse_duration(text: str) -> timedelta:
    """Read ``60m``, ``1h``, ``1h30m`` or ``90min``."""
    match = _DURATION.match(text)
    if not text.strip() or not match or not (match["h"] or match["m"]):
        raise TimeError(f"cannot read the duration {quoted(text)}; write it as 30m, 1h or 1h30m")
    hours, minutes = int(match["h"] or 0), int(match["m"] or 0)
    if hours * 60 + minutes > MAX_DURATION_MINUTES:
        raise TimeError(
            f"the duration {quoted(text.strip())} is too long; "
            f"write at most {MAX_DURATION_MINUTES // 60}h (a year)"
        )
    return timedelta(hours=hours, minutes=minutes)


MAX_DURATION_MINUTES = 366 * 24 * 60  # a year: any promise or silence longer is a typo


def parse_now(text: str | None, environ_epoch: str | None, zone: tzinfo = UTC) -> datetime:
    """The build's "now": ``--now`` (a time without a zone is in ``zone``, the site's), else
    ``SOURCE_DATE_EPOCH``, else the clock."""
    if text:
        return parse_time(text, zone)
    if environ_epoch:
        if not re.fullmatch(r"\s*\d{1,20}\s*", environ_epoch):
            raise TimeError(
                f"SOURCE_DATE_EPOCH={quoted(environ_epoch)} is not a whole number of seconds "
                "since 1970, such as 1795000000"
            )
        try:
            moment = datetime.fromtimestamp(int(environ_epoch), UTC)
        except (ValueError, OverflowError, OSError):
            moment = datetime.max.replace(tzinfo=UTC)
        return in_range(moment, f"SOURCE_DATE_EPOCH={environ_epoch.strip()}")
    return datetime.now(UTC)
