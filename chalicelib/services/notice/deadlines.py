"""The notice's payment deadline (RULEBOOK 4.2 item 5, POLICY): pure."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from chalicelib.documents.context import (
    PRESENTATION_ALLOWANCE_DAYS,
)
from chalicelib.domain.claim_content import BUSINESS_CATEGORIES
from chalicelib.settings import PARIS

if TYPE_CHECKING:
    pass

logger = logging.getLogger("claims.notice")


# ---------------------------------------------------------------------------------------------------
# the deadline (pure)
# ---------------------------------------------------------------------------------------------------
def notice_period_days(
    debtor_category: str, *, b2b_days: int, b2c_days: int, private_purpose: bool = False
) -> int:
    """8 days for a professional debtor, 15 for anyone else — a trader who bought privately included
    (RULEBOOK 4.2 item 5, POLICY; 1.1 "Who is a consumer")."""
    return b2b_days if debtor_category in BUSINESS_CATEGORIES and not private_purpose else b2c_days


def presentation_basis(
    letter_date: dt.date,
    first_presented_on: dt.date | None,
    allowance_days: int = PRESENTATION_ALLOWANCE_DAYS,
) -> dt.date:
    """The first presentation when known, else the day it is assumed (as the letter itself says)."""
    return first_presented_on or letter_date + dt.timedelta(days=allowance_days)


def payment_deadline(
    *,
    letter_date: dt.date,
    first_presented_on: dt.date | None,
    period_days: int,
    allowance_days: int = PRESENTATION_ALLOWANCE_DAYS,
) -> dt.date:
    """Last day to pay: first presentation (or the allowance) + the notice period, in calendar days — and
    never before the date the letter itself prints (letter date + allowance + period), so the escalation
    never acts before a day the debtor was told."""
    basis = presentation_basis(letter_date, first_presented_on, allowance_days)
    printed = letter_date + dt.timedelta(days=allowance_days + period_days)
    return max(basis + dt.timedelta(days=period_days), printed)


def deadline_timestamp(deadline: dt.date) -> str:
    """The end of ``deadline`` in Europe/Paris — midnight starting the next day — in UTC with a ``Z``
    (Step Functions' TimestampPath): once it has passed, the whole last day was the debtor's."""
    end = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0, 0), tzinfo=PARIS)
    return end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
