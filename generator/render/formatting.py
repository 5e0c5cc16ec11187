"""Times, durations and percentages as readers see them: in the site's zone and language (Babel).

Every time is shown in the site's zone with the zone's abbreviation (``CET``, ``EDT``, ``IST``)
and carries the exact instant in ``<time datetime>``, so the optional local-time script can add
the reader's own time. Durations are written at build time ("47 minutes"); relative times ("2
hours ago") never are, since a static page would make them false.
"""

from __future__ import annotations

import copy
import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time, format_timedelta
from babel.lists import format_list
from babel.numbers import NumberPattern
from markupsafe import Markup, escape


def parse_locale(language: str) -> Locale:
    """Babel's locale for a language code such as ``pt-BR``; English when Babel has none."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


class Formatter:
    """Formats moments and figures for one site: its zone, its language."""

    def __init__(self, zone: ZoneInfo, language: str):
        self.zone = zone
        self.locale = parse_locale(language)
        # The locale's own percent pattern ("#,##0 %" in French), with two decimals.
        self._percent: NumberPattern = copy.copy(self.locale.percent_formats[None])
        self._percent.frac_prec = (2, 2)
        # Babel is slow and a site shows the same days and clock times again and again.
        self._dates: dict[date, str] = {}
        self._clock: dict[tuple[int, int], str] = {}
        self._months: dict[tuple[int, int], str] = {}
        self._durations: dict[int, str] = {}
        self._times: dict[datetime, Markup] = {}
        self._percents: dict[float, str] = {}  # most days are 100.00%
        self._datetime_pattern = str(self.locale.datetime_formats["medium"])

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def datetime_text(self, moment: datetime) -> str:
        """``Nov 20, 2026, 2:45 PM CET``; ``20. Nov. 2026, 14:45 CET``; ``2026年11月20日 14:45``."""
        local = self.local(moment)
        text = self._datetime_pattern.replace("{1}", self.date_text(local.date())).replace(
            "{0}", self._clock_text(local)
        )
        return f"{text} {local.tzname() or ''}"

    def clock_text(self, moment: datetime) -> str:
        """``5:00 PM CET``, ``17:00 MEZ``: the wall-clock time in the site's zone."""
        local = self.local(moment)
        return f"{self._clock_text(local)} {local.tzname() or ''}".strip()

    def list_text(self, names: list[str]) -> str:
        """``API, Website and Databases`` in the site's language."""
        return format_list(names, locale=self.locale)

    def _clock_text(self, local: datetime) -> str:
        """The wall-clock time, ``2:45 PM`` or ``14:45``: it depends on hour and minute only."""
        key = (local.hour, local.minute)
        if key not in self._clock:
            self._clock[key] = format_time(local.replace(tzinfo=None), "short", locale=self.locale)
        return self._clock[key]

    def date_text(self, moment: datetime | date) -> str:
        """A calendar date (``Nov 20, 2026``); a datetime is first taken to the site's zone."""
        day = self.local(moment).date() if isinstance(moment, datetime) else moment
        if day not in self._dates:
            self._dates[day] = format_skeleton("yMMMd", day, locale=self.locale)
        return self._dates[day]

    def month_text(self, moment: datetime) -> str:
        """A month heading: ``November 2026``, ``novembre 2026``, ``2026年11月``."""
        day = self.local(moment).date()
        key = (day.year, day.month)
        if key not in self._months:
            self._months[key] = format_skeleton("yMMMM", day, locale=self.locale)
        return self._months[key]

    def duration_text(self, delta: timedelta) -> str:
        """``47 minutes``, ``2 hours, 5 minutes``, ``3 days, 4 hours``: exact to the minute."""
        minutes = max(int(delta.total_seconds() // 60), 0)
        if minutes not in self._durations:
            self._durations[minutes] = self._minutes_text(minutes)
        return self._durations[minutes]

    def _minutes_text(self, minutes: int) -> str:
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        # A huge threshold makes Babel keep the unit we give (no "0.5 weeks", no "2 months").
        units: tuple[tuple[Literal["day", "hour", "minute"], timedelta], ...] = (
            ("day", timedelta(days=days)),
            ("hour", timedelta(hours=hours)),
            ("minute", timedelta(minutes=minutes)),
        )
        parts = [
            format_timedelta(amount, granularity=unit, threshold=10**9, locale=self.locale)
            for unit, amount in units
            if amount
        ][:2] or [
            format_timedelta(
                timedelta(0), granularity="minute", threshold=10**9, locale=self.locale
            )
        ]
        try:
            return format_list(parts, style="unit", locale=self.locale)
        except KeyError:  # a locale without unit lists
            return format_list(parts, locale=self.locale)

    def percent(self, value: float | None) -> str:
        """``99.95%`` (``99,95 %`` in French); a dash when there is no figure.

        Cut, not rounded, to two decimals: any downtime at all reads below 100.00%, so a red
        bar never stands beside "100.00% uptime" (99.996 is 99.99%)."""
        if value is None:
            return "–"
        made = self._percents.get(value)
        if made is None:
            cut = math.floor(round(value * 100, 6)) / 100  # round() first: 99.99 is not 99.98999
            made = self._percents[value] = self._percent.apply(Decimal(str(cut)) / 100, self.locale)
        return made

    def time_element(self, moment: datetime, text: str | None = None) -> Markup:
        """``<time datetime="...">`` holding the moment in the site's zone."""
        if text is None:  # a page shows the same moments again and again (updates' times)
            made = self._times.get(moment)
            if made is None:
                made = self._times[moment] = self.time_element(moment, self.datetime_text(moment))
            return made
        # An ISO 8601 time is digits, "-", ":", "+" and "T": nothing to escape.
        iso = self.local(moment).isoformat(timespec="seconds")
        return Markup(f'<time datetime="{iso}">{escape(text)}</time>')
