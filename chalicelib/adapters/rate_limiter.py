"""Abuse-limit counters in DynamoDB (``RateCounterModel``), the same on the local platform and on AWS.

:meth:`RateLimiter.hit` adds one to the counter of the current window with an atomic ``UpdateItem``
(``ADD hits 1``, returning the new value), then compares: every concurrent caller gets its own place in
the window, so no more than the limit ever go through, whatever the race. :meth:`RateLimiter.give_back`
removes one (a sign-in that succeeded). Windows are fixed; DynamoDB's TTL deletes old counters. When the
table cannot be reached the attempt is refused (``TransientError``, a French 503): it fails closed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from chalicelib.adapters.errors import TransientError
from chalicelib.domain.abuse import Limit, Window, window_for
from chalicelib.domain.errors import TooManyAttempts


class LimitExceeded(TooManyAttempts):
    """429 with a French message and ``Retry-After`` (seconds until the window ends)."""

    code = "too_many_attempts"

    def __init__(self, limit: Limit, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(f"{limit.message} (dans {minutes} {unit} au plus)")
        self.limit = limit
        self.retry_after = retry_after


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RateLimiter:
    """Counts hits per (limit, subject) in fixed windows; ``now`` is injectable for tests."""

    def __init__(self, limits: dict[str, Limit], now: Callable[[], datetime] | None = None) -> None:
        self.limits = limits
        self._now = now

    def now(self) -> datetime:
        return (self._now or _utc_now)()

    def hit(self, name: str, subject: str) -> Window:
        """Count one hit; raise :class:`LimitExceeded` when it is over the limit (the hit stays counted,
        so hammering does not help). Returns the window, for :meth:`give_back`."""
        from pynamodb.exceptions import UpdateError

        from chalicelib.adapters.dynamo import RateCounterModel

        limit = self.limits[name]
        now = self.now()
        window = window_for(limit, _subject(subject), now)
        counter = RateCounterModel(window.key)
        try:
            counter.update(
                actions=[
                    RateCounterModel.hits.add(1),
                    # Kept a little after the window ends (TTL deletion is lazy anyway).
                    RateCounterModel.expires_at.set(
                        datetime.fromtimestamp(window.end, UTC) + timedelta(minutes=5)
                    ),
                ]
            )
        except UpdateError as error:  # fail closed: an attempt that cannot be counted is not evaluated
            raise TransientError(f"rate limits table unavailable: {error}") from error
        if int(counter.hits) > limit.attempts:
            raise LimitExceeded(limit, window.retry_after(now))
        return window

    def give_back(self, window: Window) -> None:
        """Undo one hit of ``window`` (its counter never goes below zero)."""
        from pynamodb.exceptions import UpdateError

        from chalicelib.adapters.dynamo import RateCounterModel

        # Already at zero (the condition fails): nothing to give back, and not worth failing a sign-in.
        with contextlib.suppress(UpdateError):
            RateCounterModel(window.key).update(
                actions=[RateCounterModel.hits.add(-1)], condition=RateCounterModel.hits > 0
            )


def _subject(value: str) -> str:
    """Email addresses and IPs as one spelling (case, spaces), and never a '#' that would shift the key."""
    return value.strip().lower().replace("#", "%23")[:320] or "-"


def rate_limiter() -> RateLimiter:
    from chalicelib.settings import get_settings

    return RateLimiter(dict(get_settings().limits))
