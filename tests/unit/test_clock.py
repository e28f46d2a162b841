"""The one business clock (chalicelib/clock.py): CLAIMS_TODAY on the local platform only, a now whose date is
the business date, and the one mapping of business moments onto the real clock (Step Functions' Waits)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from chalicelib import clock
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.services.escalation import follow_up, wait_timestamp
from chalicelib.services.lawyers import remind_at
from chalicelib.services.notice import deadline_timestamp
from chalicelib.settings import get_settings

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def business_day(monkeypatch):
    """Set CLAIMS_TODAY (None: unset) for one test, settings read again."""

    def set_day(day: str | None) -> None:
        if day is None:
            monkeypatch.delenv("CLAIMS_TODAY", raising=False)
        else:
            monkeypatch.setenv("CLAIMS_TODAY", day)
        get_settings.cache_clear()

    yield set_day
    get_settings.cache_clear()


def test_the_business_date_is_claims_today_on_the_local_platform(business_day):
    business_day("2025-03-31")
    assert clock.business_today() == dt.date(2025, 3, 31)


def test_without_claims_today_the_business_date_is_today_in_paris(business_day):
    business_day(None)
    assert clock.business_today() == dt.datetime.now(PARIS).date()


def test_business_now_keeps_the_real_time_of_day_on_the_business_date(business_day):
    business_day("2025-03-31")
    real = dt.datetime(2026, 12, 2, 19, 45, 12, tzinfo=dt.UTC)  # 20:45 in Paris
    moment = clock.business_now(real)
    assert moment.utcoffset() == dt.timedelta(0) and clock.day_of(moment) == dt.date(2025, 3, 31)
    paris = moment.astimezone(PARIS)
    assert paris.date() == dt.date(2025, 3, 31)
    assert (paris.hour, paris.minute, paris.second) == (20, 45, 12)


def test_business_now_is_the_real_now_without_claims_today(business_day):
    business_day(None)
    real = clock.real_now()
    assert clock.business_now(real) == real


def test_business_now_in_paris_after_midnight_is_on_the_business_date(business_day):
    business_day("2025-03-31")
    real = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)  # already 3 December, 0:30, in Paris
    assert clock.day_of(clock.business_now(real)) == dt.date(2025, 3, 31)
    business_day(None)
    assert clock.day_of(clock.business_now(real)) == dt.date(2026, 12, 3)  # the day in Paris, not in UTC


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_claims_today_is_refused_outside_the_local_stage(business_day, monkeypatch, stage):
    monkeypatch.setenv("CLAIMS_STAGE", stage)
    business_day("2025-03-31")
    with pytest.raises(ValueError, match="CLAIMS_TODAY is for the local platform only"):
        get_settings()


def test_claims_today_is_refused_when_local_mode_is_switched_off(business_day, monkeypatch):
    monkeypatch.setenv("CLAIMS_LOCAL_MODE", "0")
    business_day("2025-03-31")
    with pytest.raises(ValueError, match="local platform only"):
        get_settings()


def test_a_non_local_stage_uses_the_real_clock(business_day, monkeypatch):
    monkeypatch.setenv("CLAIMS_STAGE", "prod")
    business_day(None)
    assert get_settings().today_override is None
    assert clock.business_today() == dt.datetime.now(PARIS).date()


def test_to_real_clock_shifts_by_whole_days_and_keeps_the_paris_wall_clock():
    # 10 April 2025 (summer time) on a calendar whose today is 31 March 2025, real date 2 December 2026
    # (winter time): the same distance from today, still midnight in Paris.
    moment = dt.datetime(2025, 4, 11, 0, 0, tzinfo=PARIS)
    real = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    mapped = clock.to_real_clock(moment, today=dt.date(2025, 3, 31), real=real)
    assert mapped.astimezone(PARIS) == dt.datetime(2026, 12, 13, 0, 0, tzinfo=PARIS)
    assert mapped.astimezone(PARIS).date() - real.date() == moment.date() - dt.date(2025, 3, 31)


def test_to_real_clock_is_the_identity_when_the_business_date_is_the_real_one():
    real = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    moment = dt.datetime(2026, 12, 20, 8, 0, tzinfo=PARIS)
    assert clock.to_real_clock(moment, today=dt.date(2026, 12, 2), real=real) == moment


def test_notice_waits_and_procedure_reminders_share_the_one_mapping():
    today, real = dt.date(2025, 3, 31), dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
    deadline = dt.date(2025, 4, 10)
    waited = wait_timestamp(deadline_timestamp(deadline), today=today, real_now=real)
    assert waited == "2026-12-12T23:00:00Z"  # the end of 12 December in Paris: 10 days after the real today
    reminder = remind_at(deadline, today=today, real_now=real)
    assert reminder.astimezone(PARIS).date() == dt.date(2026, 12, 12)


def _claims(notice: dict[str, str]) -> SimpleNamespace:
    record = NoticeRecord.from_json(notice)
    return SimpleNamespace(get=lambda claim_id: SimpleNamespace(notice=record))


NOTICE = {"deadline": "2025-04-10", "deadline_at": deadline_timestamp(dt.date(2025, 4, 10))}
TODAY = dt.date(2025, 3, 31)
REAL = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
BUSINESS_NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.UTC)


def test_after_the_wait_the_deadline_it_waited_for_has_passed_though_the_business_date_stands_still():
    answer = follow_up(
        _claims(NOTICE), "c", now=BUSINESS_NOW, today=TODAY, real_now=REAL, waited_for="2025-04-10"
    )
    assert answer["deadline_passed"] is True


def test_a_deadline_moved_later_meanwhile_is_waited_for_again_on_the_real_clock():
    moved = {"deadline": "2025-04-14", "deadline_at": deadline_timestamp(dt.date(2025, 4, 14))}
    answer = follow_up(
        _claims(moved), "c", now=BUSINESS_NOW, today=TODAY, real_now=REAL, waited_for="2025-04-10"
    )
    assert answer["deadline_passed"] is False
    assert answer["deadline_at"] == "2026-12-16T23:00:00Z"  # 14 days after the real today, end of day


def test_on_the_real_clock_a_deadline_passes_when_now_is_after_it():
    real_today = dt.date(2025, 4, 12)
    now = dt.datetime(2025, 4, 12, 9, 0, tzinfo=dt.UTC)
    answer = follow_up(_claims(NOTICE), "c", now=now, today=real_today, real_now=now)
    assert answer["deadline_passed"] is True
    assert answer["deadline_at"] == NOTICE["deadline_at"]  # no shift when the business date is the real one
    early = dt.datetime(2025, 4, 9, 9, 0, tzinfo=dt.UTC)
    assert (
        follow_up(_claims(NOTICE), "c", now=early, today=early.date(), real_now=early)["deadline_passed"]
        is False
    )


def test_a_throttle_is_due_once_its_seconds_have_passed_since_the_work_was_last_done():
    from chalicelib.clock import Throttle

    now = [100.0]
    every = Throttle(1.0, lambda: now[0])
    assert not every.due()
    now[0] = 100.9
    assert not every.due()
    now[0] = 101.0
    assert every.due()
    every.done()
    now[0] = 101.5
    assert not every.due()
    now[0] = 102.0
    assert every.due()
