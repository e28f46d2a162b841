"""Deadlines after an injonction de payer order (RULEBOOK 2.7): CPC 1411 service, CPC 1416 opposition,
and the platform's reminder days (POLICY)."""

from datetime import date

from chalicelib.legal.procedure import (
    ProcedureSettings,
    opposition_deadline,
    reminders,
    service_deadline,
)


def test_the_order_must_be_served_within_six_months_day_for_day():
    deadline = service_deadline(date(2025, 3, 31))
    assert deadline.last_day == date(2025, 9, 30)  # no 31 September: the last day of the month
    assert deadline.article == "CPC art. 1411" and "non avenue" in deadline.label
    assert service_deadline(date(2025, 1, 15)).last_day == date(2025, 7, 15)
    # No extension to the next working day: 15 Nov 2025 is a Saturday and stays the date shown.
    assert service_deadline(date(2025, 5, 15)).last_day == date(2025, 11, 15)


def test_opposition_month_runs_from_service_and_is_flagged_when_not_served_in_person():
    in_person = opposition_deadline(date(2025, 1, 31), in_person=True)
    assert in_person.last_day == date(2025, 2, 28) and in_person.article == "CPC art. 1416"
    assert in_person.to_check == ""
    elsewhere = opposition_deadline(date(2025, 1, 31), in_person=False)
    assert "premier acte signifié à personne" in elsewhere.to_check


def test_service_is_reminded_thirty_then_seven_days_before_and_opposition_the_day_after():
    service = reminders(service_deadline(date(2025, 3, 31)))
    assert [r.on for r in service] == [date(2025, 8, 31), date(2025, 9, 23)]
    assert [r.days_left for r in service] == [30, 7]
    assert len({r.reminder_id for r in service}) == 2
    [after] = reminders(opposition_deadline(date(2025, 2, 3), in_person=True))
    assert after.on == date(2025, 3, 4) and after.days_left == -1


def test_reminder_days_are_settings_and_none_falls_before_the_order():
    settings = ProcedureSettings(SERVICE_REMINDER_DAYS_BEFORE=(200, 10, 10))
    found = reminders(service_deadline(date(2025, 3, 31), settings), settings)
    assert [r.on for r in found] == [date(2025, 9, 20)]  # 200 days before would precede the order
