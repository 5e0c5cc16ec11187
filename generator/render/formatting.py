"""Times and durations as readers see them: in the site's zone and language (Babel)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time, format_timedelta
from markupsafe import Markup, escape


class Formatter:
    """Formats moments for one site: its zone, its language."""

    def __init__(self, zone: ZoneInfo, language: str):
        self.zone = zone
        try:
            self.locale = Locale.parse(language.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            self.locale = Locale.parse("en")

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def zone_abbreviation(self, moment: datetime) -> str:
        return self.local(moment).tzname() or ""

    def datetime_text(self, moment: datetime) -> str:
        """``Nov 20, 2026, 14:45 CET`` (in the site's language)."""
        local = self.local(moment)
        text = format_datetime(local, "medium", tzinfo=self.zone, locale=self.locale)
        text = _drop_seconds(text, local, self)
        return f"{text} {self.zone_abbreviation(moment)}"

    def time_text(self, moment: datetime) -> str:
        local = self.local(moment)
        return f"{format_time(local, 'short', tzinfo=self.zone, locale=self.locale)} " \
               f"{self.zone_abbreviation(moment)}"

    def date_text(self, moment: datetime | date, form: str = "medium") -> str:
        """A calendar date; a datetime is first taken to the site's zone."""
        day = self.local(moment).date() if isinstance(moment, datetime) else moment
        return format_date(day, form, locale=self.locale)

    def month_text(self, moment: datetime) -> str:
        return format_date(self.local(moment).date(), "LLLL y", locale=self.locale)

    def duration_text(self, delta: timedelta) -> str:
        return format_timedelta(delta, threshold=1.5, locale=self.locale)

    def time_element(self, moment: datetime, text: str | None = None) -> Markup:
        """``<time datetime="...">`` holding the moment in the site's zone."""
        iso = moment.astimezone(self.zone).isoformat(timespec="seconds")
        shown = text if text is not None else self.datetime_text(moment)
        return Markup('<time datetime="{}">{}</time>').format(iso, escape(shown))


def _drop_seconds(text: str, local: datetime, formatter: Formatter) -> str:
    """Babel's medium form shows seconds; status pages read better without them."""
    with_seconds = format_time(local, "medium", tzinfo=formatter.zone, locale=formatter.locale)
    without = format_time(local, "short", tzinfo=formatter.zone, locale=formatter.locale)
    return text.replace(with_seconds, without) if local.second == 0 else text
