"""ISO 3166-1 countries (pycountry's table): a shipping address must name a real country."""

from __future__ import annotations

import pycountry

ISO_COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)
COUNTRY_CHOICES: tuple[tuple[str, str], ...] = tuple(
    sorted(((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries), key=lambda pair: pair[1])
)


def is_country_code(value: str) -> bool:
    return (value or "").upper() in ISO_COUNTRY_CODES
