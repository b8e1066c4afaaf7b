"""What every part of the sandbox's state shares: the account's openId, CJ's date and money formats."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

OPEN_ID = 284517903  # the sandbox's single CJ account; also the webhook signing key

COUNTRY_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "CA": "Canada",
    "AU": "Australia",
    "CN": "China",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
}


def now_utc() -> datetime:
    return datetime.now(UTC)


def cj_date(value: datetime | None) -> str | None:
    """Order dates: `yyyy-MM-dd HH:mm:ss` in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def money(value: Decimal) -> float:
    """CJ sends money as JSON numbers with two decimals."""
    return float(value.quantize(Decimal("0.01")))
