"""Failed sign-ins, counted per account and (more loosely) per IP address, for the API token endpoint
and the login form alike.

Only failures count, and a successful sign-in clears its account's count: an attacker guessing one
account's password is stopped by that account's limit long before the IP limit, so the people who
share the attacker's address still sign in to their own accounts.
"""

from __future__ import annotations

import hashlib

from nexusone.core import ratelimits

ACCOUNT_SCOPE = "login_account"
IP_SCOPE = "login_ip"


def _account_key(email: str) -> str:
    # A digest: Redis keys should not hold email addresses.
    return "account:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _ip_key(ip: str | None) -> str:
    return f"ip:{ip}"


def login_wait(email: str, ip: str | None) -> int | None:
    """None when a sign-in may be tried now, else the seconds before the next try."""
    waits = [ratelimits.check(ACCOUNT_SCOPE, _account_key(email)), ratelimits.check(IP_SCOPE, _ip_key(ip))]
    waits = [wait for wait in waits if wait is not None]
    return max(waits) if waits else None


def record_failed_login(email: str, ip: str | None) -> None:
    ratelimits.hit(ACCOUNT_SCOPE, _account_key(email))
    ratelimits.hit(IP_SCOPE, _ip_key(ip))


def record_successful_login(email: str) -> None:
    ratelimits.clear(ACCOUNT_SCOPE, _account_key(email))


def too_many_attempts_message(wait: int) -> str:
    return (
        f"Too many failed sign-ins. Wait {wait} second{'s' if wait != 1 else ''} and try again, or reset your password."
    )
