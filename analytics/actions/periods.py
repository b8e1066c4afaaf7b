"""Store days and report periods, in the store's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years: the seasonal view reads one, a year-over-year comparison two


def store_zone(merchant: Merchant) -> ZoneInfo:
    return ZoneInfo(merchant.timezone or "UTC")


def store_day(merchant: Merchant, moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The store's calendar day of an instant."""
    return moment.astimezone(zone or store_zone(merchant)).date()


def store_today(merchant: Merchant) -> date:
    return store_day(merchant, timezone.now())


def day_start(merchant: Merchant, day: date) -> datetime:
    """The instant the store's day begins (aware)."""
    return datetime.combine(day, time.min, tzinfo=store_zone(merchant))


@dataclass(frozen=True)
class Period:
    """Store days `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @classmethod
    def ending(cls, end: date, days: int) -> Period:
        return cls(end - timedelta(days=days - 1), end)


def _parse_day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValidationError({field: f"{raw!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-30."}) from exc


def parse_period(merchant: Merchant, raw_from: str | None, raw_to: str | None) -> Period:
    """`from` and `to` as YYYY-MM-DD store days (both included); by default the last 30 days up to today."""
    end = _parse_day(raw_to, "to") if raw_to else store_today(merchant)
    start = _parse_day(raw_from, "from") if raw_from else end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationError({"from": f"The period starts ({start}) after it ends ({end}); swap the dates."})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError({"from": f"A period covers at most {MAX_DAYS} days; choose a later start."})
    return Period(start, end)
