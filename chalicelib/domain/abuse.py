"""Abuse limits: how many sign-ins, sign-ups, codes and code emails an account or an address may ask for.

Each limit is a fixed window: at most ``attempts`` hits per ``window_seconds`` for one subject (an email
address or a client IP). The counters live in DynamoDB (``chalicelib/adapters/rate_limiter.py``); here
are only the named limits and the arithmetic of windows, as plain data.

An attempt is counted *before* it is evaluated (a code, a password), so concurrent guesses each take a
distinct place in the window: no more than ``attempts`` of them are ever evaluated. A successful sign-in
gives its place back (only failures count against the account).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window_seconds: int
    # What the user reads once over the limit (French; the API adds how long to wait).
    message: str


@dataclass(frozen=True)
class Window:
    """One window of one limit for one subject: where its counter lives and when it ends."""

    key: str
    start: int  # epoch seconds
    end: int

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the window ends (at least 1): the ``Retry-After`` header."""
        return max(1, math.ceil(self.end - now.timestamp()))


def window_for(limit: Limit, subject: str, now: datetime) -> Window:
    epoch = int(now.timestamp())
    start = epoch - epoch % limit.window_seconds
    return Window(key=f"{limit.name}#{subject}#{start}", start=start, end=start + limit.window_seconds)


_SIGN_IN = "Trop de tentatives de connexion ; réessayez plus tard ou réinitialisez votre mot de passe."
_CODE = "Trop de codes saisis ; réessayez plus tard."
_MAIL = "Trop de demandes d'envoi de code pour cette adresse ; réessayez plus tard."
_SIGN_UP = "Trop de créations de compte depuis cette connexion ; réessayez plus tard."
_LOOKUP = "Trop de recherches d'entreprise en peu de temps ; réessayez dans quelques minutes."
_DEBTOR_PAGE = "Trop de demandes depuis cette connexion ; réessayez plus tard ou contactez le créancier."

# POLICY: the limits (attempts per window). Each can be changed by the setting
# ``CLAIMS_LIMIT_<NAME>=<attempts>/<seconds>`` (chalicelib/settings.py), e.g.
# CLAIMS_LIMIT_SIGN_IN_ACCOUNT=10/900.
DEFAULT_LIMITS: dict[str, Limit] = {
    limit.name: limit
    for limit in (
        # Failed sign-ins to one account (a success gives its place back): 100 wrong passwords cannot be
        # followed by the right one.
        Limit("sign_in_account", 10, 15 * 60, _SIGN_IN),
        # Failed sign-ins from one client address, whatever the account (password spraying).
        Limit("sign_in_ip", 50, 15 * 60, _SIGN_IN),
        # Codes tried for one account, per purpose (verification, reset): per account and window, not per
        # code, so asking for a new code does not give new guesses.
        Limit("code_account", 5, 60 * 60, _CODE),
        Limit("code_ip", 30, 60 * 60, _CODE),
        # Emails carrying a code (sign-up, new code, reset) to one address, and asked from one client.
        Limit("mail_account", 5, 60 * 60, _MAIL),
        Limit("mail_ip", 20, 60 * 60, _MAIL),
        # Accounts created from one client address.
        Limit("sign_up_ip", 10, 60 * 60, _SIGN_UP),
        # Company lookups by one creditor account (each may call the public registry, whose published
        # limit is shared by the whole platform's address).
        Limit("company_lookup_account", 60, 5 * 60, _LOOKUP),
        # The debtor's page (no account): visits from one client address, and links tried there that were
        # not valid (guessing a link: 20 wrong ones an hour, then nothing more is looked up).
        Limit("debtor_page_ip", 120, 5 * 60, _DEBTOR_PAGE),
        Limit("debtor_link_guess_ip", 20, 60 * 60, _DEBTOR_PAGE),
    )
}


def parse_override(limit: Limit, value: str) -> Limit:
    """``"10/900"`` → the same limit with 10 attempts per 900 s; a clear error otherwise."""
    attempts, _, seconds = value.partition("/")
    try:
        parsed = Limit(limit.name, int(attempts), int(seconds), limit.message)
    except ValueError:
        parsed = None
    if parsed is None or parsed.attempts < 1 or parsed.window_seconds < 1:
        raise ValueError(
            f"CLAIMS_LIMIT_{limit.name.upper()} must read <attempts>/<seconds> (e.g. 10/900), got {value!r}"
        )
    return parsed


def client_address(source_ip: str, forwarded_for: str, trusted_proxy_hops: int) -> str:
    """The address the limits count for a request.

    ``source_ip`` is the immediate peer (on AWS, API Gateway's view: CloudFront's edge). Each trusted proxy
    in front appends the address it saw to ``X-Forwarded-For``; anything to the left of those entries was
    written by the client and is ignored. With no trusted proxy the peer is the client."""
    if trusted_proxy_hops <= 0:
        return source_ip or "-"
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if entries and entries[-1] == source_ip:  # API Gateway appends the peer it saw (the proxy) too
        entries.pop()
    if len(entries) >= trusted_proxy_hops:
        return entries[-trusted_proxy_hops]
    return source_ip or "-"
