"""Prescription (rulebook 1): durations, starting points, interruption, suspension, 20-year cap."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalicelib.legal.assess import assess
from chalicelib.legal.dates import add_months, add_years
from chalicelib.legal.settings import DEFAULT_SETTINGS

from .helpers import b2b_claim, codes, consumer_claim


def invoice(
    number: str, amount: str, performance: str, due: str | None, issue: str | None = None
) -> dict[str, Any]:
    return {
        "number": number,
        "amount_ttc": amount,
        "performance_date": performance,
        "issue_date": issue or performance,
        "due_date": due,
    }


def prescription(data: dict[str, Any], **settings: Any) -> dict[str, Any]:
    result = assess(data, DEFAULT_SETTINGS.with_overrides(**settings))
    p: dict[str, Any] = result["prescription"]
    p["codes"] = codes(result)
    p["route"] = result["route"]
    return p


# --- calendar -----------------------------------------------------------------------------------
def test_anniversary_is_same_day_and_month() -> None:
    assert add_years(date(2021, 4, 30), 5) == date(2026, 4, 30)


def test_29_february_anniversary_falls_on_28_february_by_default() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 1, "first_day_of_next_month") == date(2025, 3, 1)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)


def test_29_february_start_asks_for_lawyer_review() -> None:
    data = b2b_claim(as_of="2024-06-01", invoices=[invoice("F-29", "100.00", "2024-02-29", "2024-02-29")])
    p = prescription(data)
    assert p["last_day"] == "2029-02-28"
    assert "anniversary_29_february" in p["codes"]
    assert p["route"]["lawyer_review"] is True


# --- Cour de cassation checks of the anniversary rule (rulebook 0) ------------------------------
def test_writ_one_day_after_the_anniversary_is_barred_com_14_june_2023() -> None:
    data = b2b_claim(as_of="2018-04-20", invoices=[invoice("F", "100.00", "2013-04-19", "2013-04-19")])
    p = prescription(data)
    assert p["last_day"] == "2018-04-19"
    assert p["status"] == "barred"


def test_writ_before_the_anniversary_is_in_time_com_5_dec_2018() -> None:
    data = b2b_claim(as_of="2014-05-26", invoices=[invoice("F", "100.00", "2009-05-28", "2009-05-28")])
    assert prescription(data)["status"] == "not_barred"


def test_last_day_itself_is_not_barred_and_urgent() -> None:
    data = b2b_claim(as_of="2026-04-30", invoices=[invoice("F", "100.00", "2021-04-30", "2021-04-30")])
    p = prescription(data)
    assert (p["status"], p["urgent"], p["days_left"]) == ("not_barred", True, 0)


def test_prescription_ending_on_a_saturday_is_not_extended() -> None:
    data = b2b_claim(as_of="2030-06-17", invoices=[invoice("F", "100.00", "2025-06-15", "2025-06-15")])
    p = prescription(data)
    assert p["last_day"] == "2030-06-15"
    assert p["status"] == "barred"


@pytest.mark.parametrize(("as_of", "urgent"), [("2026-03-01", False), ("2026-03-02", True)])
def test_urgency_threshold_is_fewer_than_urgency_days(as_of: str, urgent: bool) -> None:
    data = b2b_claim(as_of=as_of, invoices=[invoice("F", "100.00", "2021-04-30", "2021-04-30")])
    p = prescription(data)  # 2026-03-01 -> 60 days left, 2026-03-02 -> 59
    assert p["urgent"] is urgent


def test_urgency_days_is_a_setting() -> None:
    data = b2b_claim(as_of="2026-01-01", invoices=[invoice("F", "100.00", "2021-04-30", "2021-04-30")])
    assert prescription(data)["urgent"] is False
    assert prescription(data, URGENCY_DAYS=200)["urgent"] is True


# --- durations by nature and parties (rulebook 1.1) ---------------------------------------------
@pytest.mark.parametrize(
    ("creditor", "debtor", "nature", "article", "last_day"),
    [
        ("commercant", "commercant", "sale_or_service", "C. com. L110-4 I", "2030-01-02"),
        ("commercant", "consumer", "sale_or_service", "C. conso. L218-2", "2027-01-02"),
        ("commercant", "non_professional_legal_person", "sale_or_service", "C. civ. 2224", "2030-01-02"),
        ("liberal", "artisan", "sale_or_service", "C. civ. 2224", "2030-01-02"),
        ("commercant", "commercant", "carriage_of_goods", "C. com. L133-6 al. 2", "2026-01-02"),
        (
            "consumer",
            "consumer",
            "residential_rent",
            "Loi n° 89-462 du 6 juill. 1989, art. 7-1",
            "2028-01-31",
        ),
        ("commercant", "commercant", "bill_of_exchange", "C. com. L511-78 al. 1", "2028-01-31"),
        ("consumer", "consumer", "loan", "C. civ. 2224", "2030-01-31"),
    ],
)
def test_duration_and_start_by_nature_and_parties(
    creditor: str, debtor: str, nature: str, article: str, last_day: str
) -> None:
    data = b2b_claim(as_of="2025-03-31")
    data["creditor"]["category"] = creditor
    data["debtor"]["category"] = debtor
    data["claim"]["nature"] = nature
    p = prescription(data)
    assert p["regime"]["article"] == article
    assert p["last_day"] == last_day


def test_cheque_runs_six_months_from_end_of_presentation_period() -> None:
    data = b2b_claim(
        as_of="2025-03-31", cheque={"issued_on": "2025-01-10", "presented_on": None, "rejected_on": None}
    )
    data["claim"]["nature"] = "cheque"
    p = prescription(data)
    assert p["regime"]["article"] == "C. mon. fin. L131-59 al. 1"
    assert p["last_day"] == "2025-07-18"  # 10 Jan + 8 days = 18 Jan, + 6 months
    assert p["route"]["injonction_de_payer"] == "not_admissible"
    assert p["route"]["lawyer_review"] is True


def test_cheque_nature_without_cheque_data_names_the_field() -> None:
    from chalicelib.legal.errors import InvalidInput

    data = b2b_claim()
    data["claim"]["nature"] = "cheque"
    with pytest.raises(InvalidInput) as error:
        assess(data)
    assert [e.field for e in error.value.errors] == ["cheque"]


def test_carriage_ignores_the_invoice_due_date() -> None:
    data = b2b_claim(
        as_of="2025-03-31", invoices=[invoice("T", "100.00", "2025-01-02", "2025-03-31", "2025-02-15")]
    )
    data["claim"]["nature"] = "carriage_of_goods"
    p = prescription(data)
    assert p["last_day"] == p["last_day_late"] == "2026-01-02"


# --- interruption (rulebook 1.4) -----------------------------------------------------------------
def test_acknowledgement_restarts_a_full_period() -> None:
    data = b2b_claim(as_of="2028-01-01", acknowledgements=[{"date": "2027-06-01"}])
    p = prescription(data)
    assert p["last_day"] == p["last_day_late"] == "2032-06-01"
    assert "prescription_interrupted_by_acknowledgement" in p["codes"]


def test_acknowledgement_after_expiry_does_not_revive_but_is_at_risk() -> None:
    data = consumer_claim(as_of="2027-09-01", acknowledgements=[{"date": "2027-08-01"}])
    p = prescription(data)
    assert p["last_day_late"] == "2027-04-10"
    assert p["status"] == "at_risk"
    assert "acknowledgement_after_expiry" in p["codes"]
    assert p["route"]["lawyer_review"] is True


def test_payment_after_expiry_does_not_interrupt() -> None:
    data = consumer_claim(
        as_of="2027-09-01", formal_notice=None, payments=[{"date": "2027-08-01", "amount": "50.00"}]
    )
    p = prescription(data)
    assert p["status"] == "barred"
    assert "payment_after_expiry" in p["codes"]


def test_payment_between_the_two_deadlines_interrupts_the_late_reading_only() -> None:
    data = consumer_claim(
        as_of="2027-05-01", formal_notice=None, payments=[{"date": "2027-04-01", "amount": "50.00"}]
    )
    p = prescription(data)
    assert (p["last_day"], p["last_day_late"]) == ("2027-03-10", "2029-04-01")
    assert p["status"] == "at_risk"


def test_payment_acknowledges_only_the_invoice_it_is_imputed_on() -> None:
    data = b2b_claim(
        as_of="2025-06-30",
        invoices=[
            invoice("OLD", "100.00", "2025-01-02", "2025-01-31"),
            invoice("NEW", "100.00", "2025-02-03", "2025-03-03"),
        ],
        payments=[{"date": "2025-06-01", "amount": "50.00"}],
    )
    result = assess(data)
    by_number = {i["number"]: i for i in result["prescription"]["invoices"]}
    assert by_number["OLD"]["last_day"] == "2030-06-01"
    assert by_number["NEW"]["last_day"] == "2030-02-03"
    assert result["prescription"]["last_day"] == "2030-02-03"


def test_fully_paid_invoice_no_longer_weighs_on_the_claim() -> None:
    data = b2b_claim(
        as_of="2025-06-30",
        invoices=[
            invoice("PAID", "100.00", "2024-01-02", "2024-01-02"),
            invoice("OPEN", "100.00", "2025-02-03", "2025-03-03"),
        ],
        payments=[{"date": "2024-01-02", "amount": "100.00", "invoice": "PAID"}],
    )
    assert prescription(data)["last_day"] == "2030-02-03"


def test_formal_notice_never_interrupts() -> None:
    data = consumer_claim(
        as_of="2027-04-11", formal_notice={"sent_on": "2027-03-01", "first_presented_on": "2027-03-02"}
    )
    p = prescription(data)
    assert p["status"] == "barred"
    assert "formal_notice_not_interruptive" in p["codes"]


# --- suspension (rulebook 1.5) and long stop (1.6) ----------------------------------------------
def test_mediation_adds_its_length_when_more_than_six_months_remain() -> None:
    data = b2b_claim(
        as_of="2026-01-01",
        suspensions=[{"kind": "mediation", "start": "2025-03-01", "end": "2025-05-01"}],
    )
    p = prescription(data)
    # early end 2030-01-02: 1768 days remained on 2025-03-01 -> 2025-05-01 + 1768 days
    assert p["last_day"] == "2030-03-04"
    assert "prescription_suspended" in p["codes"]


def test_mediation_leaves_at_least_six_months_after_its_end() -> None:
    data = consumer_claim(
        as_of="2027-04-01",
        suspensions=[{"kind": "conciliation", "start": "2027-03-01", "end": "2027-03-20"}],
    )
    p = prescription(data)
    assert p["last_day"] == p["last_day_late"] == "2027-09-20"
    assert p["status"] == "not_barred"


def test_mediation_still_running_is_flagged() -> None:
    data = consumer_claim(
        as_of="2027-04-01", suspensions=[{"kind": "mediation", "start": "2027-03-01", "end": None}]
    )
    p = prescription(data)
    assert p["status"] == "not_barred"
    assert "prescription_suspended_ongoing" in p["codes"]


def test_repeated_acknowledgements_are_capped_at_twenty_years() -> None:
    acks = [{"date": f"{year}-01-01"} for year in range(2004, 2021, 4)]
    data = b2b_claim(as_of="2025-01-01", invoices=[invoice("F", "100.00", "2003-06-01", "2003-06-01")])
    data["acknowledgements"] = acks
    data["claim"]["nature"] = "loan"
    data["creditor"]["category"] = data["debtor"]["category"] = "consumer"
    p = prescription(data)
    assert p["last_day"] == "2023-06-01"
    assert p["status"] == "barred"
    assert "long_stop_20_years" in p["codes"]


def test_several_invoices_take_the_earliest_deadline_and_worst_status() -> None:
    data = consumer_claim(
        as_of="2027-04-01",
        invoices=[
            invoice("A", "100.00", "2025-03-10", "2025-04-10"),
            invoice("B", "100.00", "2025-06-01", "2025-07-01"),
        ],
    )
    p = prescription(data)
    assert (p["status"], p["last_day"], p["last_day_late"]) == ("at_risk", "2027-03-10", "2027-04-10")
