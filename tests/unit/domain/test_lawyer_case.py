"""The lawyer's side of a claim: assignment history, steps after filing, the deadline still running."""

from datetime import UTC, date, datetime

from chalicelib.domain.lawyer_case import Filing, LawyerCase, Opposition, Order, Service

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_release_records_who_gave_the_dossier_back_and_why():
    case = LawyerCase().assigned("lawyer-a", NOW)
    assert case.lawyer_id == "lawyer-a" and not case.accepted
    released = case.released(NOW, kind="declined", reason="conflit d'intérêts")
    assert released.lawyer_id == "" and released.declined_by == ("lawyer-a",)
    assert released.declines[0].reason == "conflit d'intérêts"
    again = released.assigned("lawyer-b", NOW).released(NOW, kind="no_answer")
    assert again.declined_by == ("lawyer-a", "lawyer-b")
    assert LawyerCase.from_json(again.as_json()) == again


def test_the_running_deadline_follows_the_recorded_steps():
    case = LawyerCase(lawyer_id="l", filing=Filing("TJ Lyon", date(2025, 3, 1), "25/001"))
    assert case.deadlines() == ()
    granted = LawyerCase(lawyer_id="l", order=Order("granted", date(2025, 3, 31)))
    [service] = granted.deadlines()
    assert service.kind == "service" and service.last_day == date(2025, 9, 30)
    served = LawyerCase(
        lawyer_id="l", order=Order("partly", date(2025, 3, 31)), service=Service(date(2025, 4, 10), False)
    )
    [opposition] = served.deadlines()
    assert opposition.kind == "opposition" and opposition.last_day == date(2025, 5, 10)
    assert opposition.to_check
    opposed = LawyerCase(
        lawyer_id="l",
        order=Order("granted", date(2025, 3, 31)),
        service=Service(date(2025, 4, 10)),
        opposition=Opposition(date(2025, 4, 20)),
    )
    assert opposed.deadlines() == ()
    assert LawyerCase(order=Order("rejected", date(2025, 3, 31))).deadlines() == ()
    assert LawyerCase.from_json(opposed.as_json()) == opposed
