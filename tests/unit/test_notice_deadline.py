"""The mise en demeure's payment deadline: first presentation (or the allowance) + 8 days B2B / 15 days
otherwise (RULEBOOK 4.2 item 5, POLICY), and the instant its day ends in Paris, for Step Functions."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.documents.context import PRESENTATION_ALLOWANCE_DAYS
from chalicelib.services.notice import (
    deadline_timestamp,
    notice_period_days,
    payment_deadline,
    presentation_basis,
)

PARIS = ZoneInfo("Europe/Paris")
STEP_FUNCTIONS_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@pytest.mark.parametrize(
    ("category", "days"),
    [
        ("commercant", 8),
        ("artisan", 8),
        ("liberal", 8),
        ("sel", 8),
        ("consumer", 15),
        ("non_professional_legal_person", 15),
        ("public_entity", 15),
    ],
)
def test_professional_debtors_get_8_days_and_everyone_else_15(category: str, days: int) -> None:
    assert notice_period_days(category, b2b_days=8, b2c_days=15) == days


def test_the_period_counts_from_the_first_presentation() -> None:
    sent = dt.date(2025, 3, 31)
    presented = dt.date(2025, 4, 7)
    assert payment_deadline(letter_date=sent, first_presented_on=presented, period_days=8) == dt.date(
        2025, 4, 15
    )
    assert payment_deadline(letter_date=sent, first_presented_on=presented, period_days=15) == dt.date(
        2025, 4, 22
    )


def test_an_early_presentation_never_ends_before_the_date_printed_on_the_letter() -> None:
    sent = dt.date(2025, 3, 31)
    presented = dt.date(2025, 4, 2)  # before the 3-day allowance the letter assumes
    assert payment_deadline(letter_date=sent, first_presented_on=presented, period_days=8) == dt.date(
        2025, 4, 11
    )


def test_an_unknown_presentation_is_assumed_some_days_after_the_letter() -> None:
    sent = dt.date(2025, 3, 31)
    assert PRESENTATION_ALLOWANCE_DAYS == 3
    assert presentation_basis(sent, None) == dt.date(2025, 4, 3)
    assert payment_deadline(letter_date=sent, first_presented_on=None, period_days=8) == dt.date(2025, 4, 11)
    assert payment_deadline(letter_date=sent, first_presented_on=None, period_days=15) == dt.date(2025, 4, 18)


def test_calendar_days_run_over_weekends_months_and_years() -> None:
    friday = dt.date(2025, 12, 26)
    assert payment_deadline(letter_date=friday, first_presented_on=None, period_days=8) == dt.date(2026, 1, 6)
    leap = dt.date(2028, 2, 22)
    assert payment_deadline(letter_date=leap, first_presented_on=None, period_days=8) == dt.date(2028, 3, 4)


def test_the_deadline_printed_on_the_letter_is_the_one_computed_without_a_presentation() -> None:
    from tests.unit.documents.fixtures import make_context

    for case in ("b2b", "b2c"):
        ctx = make_context(case)
        assert ctx.payment_deadline == payment_deadline(
            letter_date=ctx.letter_date, first_presented_on=None, period_days=ctx.payment_days
        )


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (dt.date(2025, 4, 10), "2025-04-10T22:00:00Z"),  # summer time: midnight in Paris is 22:00 UTC
        (dt.date(2025, 1, 15), "2025-01-15T23:00:00Z"),  # winter time: 23:00 UTC
        (dt.date(2025, 12, 31), "2025-12-31T23:00:00Z"),
        (dt.date(2025, 3, 29), "2025-03-29T23:00:00Z"),  # the night clocks go forward (30 March, 02:00)
        (dt.date(2025, 3, 30), "2025-03-30T22:00:00Z"),
        (dt.date(2025, 10, 25), "2025-10-25T22:00:00Z"),  # the night clocks go back (26 October, 03:00)
        (dt.date(2025, 10, 26), "2025-10-26T23:00:00Z"),
    ],
)
def test_deadline_at_is_the_end_of_the_day_in_paris_in_utc(deadline: dt.date, expected: str) -> None:
    assert deadline_timestamp(deadline) == expected


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_deadline_at_lets_the_whole_last_day_pass_and_no_more(deadline: dt.date) -> None:
    stamp = deadline_timestamp(deadline)
    assert STEP_FUNCTIONS_TIMESTAMP.match(stamp)
    end = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    last_second = dt.datetime.combine(deadline, dt.time(23, 59, 59), tzinfo=PARIS)
    assert last_second < end
    assert end - last_second == dt.timedelta(seconds=1)
    assert end.astimezone(PARIS).date() == deadline + dt.timedelta(days=1)


@given(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2035, 12, 31)),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=1, max_value=60),
)
def test_a_later_presentation_never_brings_the_deadline_forward(sent: dt.date, delay: int, days: int) -> None:
    presented = sent + dt.timedelta(days=delay)
    later = presented + dt.timedelta(days=1)
    first = payment_deadline(letter_date=sent, first_presented_on=presented, period_days=days)
    assert first - presented >= dt.timedelta(days=days)
    assert first >= sent + dt.timedelta(days=PRESENTATION_ALLOWANCE_DAYS + days)
    assert payment_deadline(letter_date=sent, first_presented_on=later, period_days=days) >= first
