"""The platform's one business clock.

On AWS there is only the real clock. On the local platform, ``CLAIMS_TODAY=YYYY-MM-DD`` sets the *business
date* (:meth:`Settings.today`): the one day every service and page works on, while the real clock runs on.

**Business** (use :func:`business_today` / :func:`business_now`): the day a claim is assessed on; defaults of
date fields and the "not in the future" checks of dates users enter (payments, first presentation, a
lawyer's filing, order, service…); letter dates; the timestamps of claims and of their timeline (« Déposée
le », audit events and their emails' dates); the dates emails state (settled on, offer valid until…); the
local mailbox's business date.

**Technical** (keep ``datetime.now(UTC)``): sign-in tokens and codes, presigned URLs and download links,
the outbox's leases and retries, idempotency records, rate limits, TTLs, the AWS/moto protocols (Stripe
signatures, SES send times), Step Functions' ``Wait`` timestamps and the checks that pair with them.

Where a business day must become a moment on the real clock (a ``Wait`` until a notice deadline, a
procedure reminder), :func:`to_real_clock` maps it: the business calendar is shifted by whole days onto the
real one, so the wait lasts as many days as the business calendar says (and ``CLAIMS_TIME_SCALE`` shortens
it). That is the one mapping; never compare a business moment with the real clock directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from chalicelib.settings import PARIS, get_settings


def real_now() -> dt.datetime:
    """The real clock, aware, in UTC (for technical purposes only: see the module's doc)."""
    return dt.datetime.now(dt.UTC)


def business_today() -> dt.date:
    """The business date: ``CLAIMS_TODAY`` on the local platform, else today in Europe/Paris."""
    return get_settings().today()


def business_now(real: dt.datetime | None = None) -> dt.datetime:
    """Now on the business calendar, in UTC (as stored and hashed in the timeline): the real time of day in
    Paris on the business date (the real now itself when no business date is set). Its day is
    :func:`day_of` (in Paris), not ``.date()`` (in UTC)."""
    real = real or real_now()
    if get_settings().today_override is None:
        return real.astimezone(dt.UTC)
    paris = real.astimezone(PARIS)
    return shift_days(paris, business_today() - paris.date()).astimezone(dt.UTC)


def day_of(moment: dt.datetime) -> dt.date:
    """The day of an aware ``moment`` in Europe/Paris (a timestamp at 0:30 in Paris is that day's)."""
    return moment.astimezone(PARIS).date()


def to_real_clock(moment: dt.datetime, *, today: dt.date, real: dt.datetime) -> dt.datetime:
    """The real instant standing for ``moment`` of the business calendar whose today is ``today``: shifted
    by the days between ``today`` and the real date (in Paris), wall-clock time in Paris kept."""
    return shift_days(moment.astimezone(PARIS), real.astimezone(PARIS).date() - today).astimezone(dt.UTC)


def shift_days(moment: dt.datetime, days: dt.timedelta) -> dt.datetime:
    """``moment`` (aware) moved by whole ``days``, same wall-clock time in its zone (aware arithmetic in
    Python keeps the wall clock; the offset follows the zone's rules on the new day)."""
    return moment + dt.timedelta(days=days.days)


class Throttle:
    """Says when about ``seconds`` have passed since it was made or last said so (``clock``: a monotonic
    clock in seconds): a long job's progress written about once a second, not at every step."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._seconds = seconds
        self._clock = clock
        self._last = clock()

    def due(self) -> bool:
        return self._clock() - self._last >= self._seconds

    def done(self) -> None:
        """The throttled work is done: the next is due ``seconds`` from now."""
        self._last = self._clock()
