"""Amounts (rulebook 5): penalties and legal interest, indemnity, imputation, décompte."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.legal.amounts import accrue
from chalicelib.legal.assess import assess
from chalicelib.legal.dates import Semester
from chalicelib.legal.rates import RateValue

from .helpers import CASES_DIR, b2b_claim, codes, consumer_claim, load_case


def amounts(data: dict[str, Any]) -> dict[str, Any]:
    result = assess(data)
    out: dict[str, Any] = result["amounts"]
    out["codes"] = codes(result)
    out["decompte"] = result["decompte"]
    out["route"] = result["route"]
    return out


def test_interest_first_imputation_leaves_principal_bearing_interest() -> None:
    case = load_case(CASES_DIR / "02-b2b-rate-change-paid-late.json")
    data = case["input"]
    data["options"] = {"imputation": "interest_first"}  # the default rule (C. civ. 1343-1)
    a = amounts(data)
    assert (a["principal_outstanding"], a["interest"], a["total"]) == ("422.05", "0.70", "462.75")
    assert "imputation_interest_first" in a["codes"]
    payment = a["decompte"]["payments"][0]
    assert payment["allocations"] == [
        {"invoice": "F-2025-0040", "interest": "422.05", "principal": "9577.95", "indemnity": "0.00"}
    ]


def test_default_imputation_is_interest_first() -> None:
    case = load_case(CASES_DIR / "02-b2b-rate-change-paid-late.json")
    data = case["input"]
    del data["options"]
    assert amounts(data)["total"] == "462.75"


def test_segments_are_split_at_each_semester_and_rounded_each() -> None:
    a = amounts(b2b_claim(as_of="2025-07-01", invoices=[_inv("F", "8000.00", "2025-03-31", "2025-04-30")]))
    segments = a["decompte"]["invoices"][0]["segments"]
    assert [(s["start"], s["end"], s["days"], s["rate"], s["amount"]) for s in segments] == [
        ("2025-05-01", "2025-06-30", 61, "13.15", "175.81"),
        ("2025-07-01", "2025-07-01", 1, "12.15", "2.66"),
    ]
    assert "MRO" in segments[0]["rate_source"] and segments[0]["divisor"] == 365


def test_act_366_option_divides_leap_year_days_by_366() -> None:
    data = b2b_claim(as_of="2024-09-30", invoices=[_inv("F", "2000.00", "2024-05-31", "2024-06-30")])
    data["options"] = {"day_count": "ACT/366"}
    segment = amounts(data)["decompte"]["invoices"][0]["segments"][0]
    assert segment["divisor"] == 366
    assert segment["amount"] == "71.64"  # 2000 x 14.25 % x 92 / 366 = 71.639...


def test_contractual_rate_below_floor_is_computed_at_floor_and_flagged() -> None:
    data = b2b_claim(as_of="2024-09-30", invoices=[_inv("F", "2000.00", "2024-05-31", "2024-06-30")])
    data["claim"]["contractual_rate"] = "12.00"
    a = amounts(data)
    segment = a["decompte"]["invoices"][0]["segments"][0]
    assert segment["rate"] == "14.76"  # 3 x 4.92 % (2024 S2)
    assert "contractual_rate_below_floor" in a["codes"]
    assert a["route"]["lawyer_review"] is True


def test_contractual_rate_is_checked_against_each_semester_floor() -> None:
    data = b2b_claim(as_of="2025-08-31", invoices=[_inv("F", "1000.00", "2025-05-31", "2025-06-15")])
    data["claim"]["contractual_rate"] = "10.00"  # below 11.13 % (2025 S1), above 8.28 % (2025 S2)
    rates = [s["rate"] for s in amounts(data)["decompte"]["invoices"][0]["segments"]]
    assert rates == ["11.13", "10.00"]


def test_flat_indemnity_per_late_invoice_never_for_consumers() -> None:
    data = b2b_claim(
        as_of="2025-03-31",
        invoices=[
            _inv("A", "100.00", "2025-01-02", "2025-01-31"),
            _inv("B", "100.00", "2025-01-02", "2025-02-28"),
        ],
    )
    assert amounts(data)["indemnity"] == "80.00"
    assert amounts(consumer_claim())["indemnity"] == "0.00"
    assert "no_flat_indemnity_consumer" in amounts(consumer_claim())["codes"]


def test_invoice_paid_on_its_due_date_owes_nothing() -> None:
    data = b2b_claim(payments=[{"date": "2025-01-31", "amount": "1000.00"}])
    a = amounts(data)
    assert (a["principal_outstanding"], a["interest"], a["indemnity"], a["total"]) == (
        "0.00",
        "0.00",
        "0.00",
        "0.00",
    )
    assert a["route"]["injonction_de_payer"] == "not_admissible"
    assert "nothing_owed" in a["route"]["reasons"]


def test_no_indemnity_when_proceedings_opened_before_the_due_date() -> None:
    data = b2b_claim(as_of="2025-03-31")
    data["debtor"]["collective_proceedings"] = {
        "kind": "redressement",
        "opened_on": "2025-01-20",
        "published_on": "2025-02-01",
    }
    a = amounts(data)
    assert a["indemnity"] == "0.00"
    assert a["interest"] == "0.00"  # stopped at the opening, before the due date
    assert {"flat_indemnity_excluded_by_proceedings", "interest_stopped_by_proceedings"} <= a["codes"]


def test_consumer_interest_needs_a_formal_notice() -> None:
    a = amounts(consumer_claim(formal_notice=None))
    assert a["interest"] == "0.00"
    assert "no_formal_notice_no_interest" in a["codes"]


def test_consumer_interest_not_from_sending_when_presentation_unknown() -> None:
    a = amounts(consumer_claim(formal_notice={"sent_on": "2025-05-02", "first_presented_on": None}))
    assert a["interest"] == "0.00"
    assert "formal_notice_presentation_unknown" in a["codes"]


def test_private_creditor_gets_the_higher_legal_rate() -> None:
    data = consumer_claim()
    data["creditor"]["category"] = "consumer"
    segment = amounts(data)["decompte"]["invoices"][0]["segments"][0]
    assert segment["rate"] == "7.21"  # particuliers 2025 S1


def test_payment_goes_to_the_oldest_due_invoice_first() -> None:
    data = b2b_claim(
        as_of="2025-03-31",
        invoices=[
            _inv("NEW", "500.00", "2025-02-01", "2025-03-01"),
            _inv("OLD", "500.00", "2025-01-02", "2025-01-31"),
        ],
        payments=[{"date": "2025-03-15", "amount": "600.00"}],
        options={"imputation": "principal_first"},
    )
    a = amounts(data)
    allocations = a["decompte"]["payments"][0]["allocations"]
    assert [(x["invoice"], x["principal"]) for x in allocations] == [("OLD", "500.00"), ("NEW", "100.00")]
    assert "imputation_between_debts" in a["codes"]


def test_debtor_designation_is_honoured() -> None:
    data = b2b_claim(
        as_of="2025-03-31",
        invoices=[
            _inv("NEW", "500.00", "2025-02-01", "2025-03-01"),
            _inv("OLD", "500.00", "2025-01-02", "2025-01-31"),
        ],
        payments=[{"date": "2025-03-15", "amount": "500.00", "invoice": "NEW"}],
        options={"imputation": "principal_first"},
    )
    allocations = amounts(data)["decompte"]["payments"][0]["allocations"]
    assert allocations[0]["invoice"] == "NEW" and allocations[0]["principal"] == "500.00"


def test_overpayment_is_reported_and_nothing_is_owed() -> None:
    a = amounts(b2b_claim(payments=[{"date": "2025-03-01", "amount": "2000.00"}]))
    assert a["total"] == "0.00"
    assert a["decompte"]["totals"]["overpaid"] != "0.00"
    assert "overpayment" in a["codes"]


def test_missing_due_date_uses_the_thirty_day_statutory_term() -> None:
    data = b2b_claim(invoices=[_inv("F", "1000.00", "2025-01-02", None)])
    a = amounts(data)
    assert a["decompte"]["invoices"][0]["interest_from"] == "2025-02-02"
    assert "due_date_missing_default_term" in a["codes"]


def test_a_rate_not_yet_published_stops_interest_at_the_last_published_day_a_parfaire() -> None:
    result = assess(b2b_claim(as_of="2026-08-31"))
    amounts = result["amounts"]
    assert result["complete"] is True
    assert (amounts["a_parfaire"], amounts["missing_semester"]) == (True, "2026-S2")
    assert amounts["interest_until"] == "2026-06-30"
    assert Decimal(amounts["total"]) == (
        Decimal(amounts["principal_outstanding"])
        + Decimal(amounts["interest"])
        + Decimal(amounts["indemnity"])
    )
    assert Decimal(amounts["indemnity"]) > 0
    # the interest is exactly the interest of the same claim assessed on the last published day
    on_last_day = assess(b2b_claim(as_of="2026-06-30"))["amounts"]
    assert amounts["interest"] == on_last_day["interest"] and on_last_day["a_parfaire"] is False
    finding = next(f for f in result["findings"] if f["code"] == "interest_a_parfaire")
    assert finding["level"] == "warning" and finding["article"] == "C. com. L441-10 II"
    assert "arrêtées au 30/06/2026, à parfaire" in finding["message"]
    assert "rate_not_published" not in codes(result)
    assert result["route"]["injonction_de_payer"] == "admissible"


def test_an_invoice_due_after_the_tables_gets_principal_and_indemnity_and_no_interest() -> None:
    data = b2b_claim(as_of="2026-12-02", invoices=[_inv("F-2026-08", "1000.00", "2026-08-01", "2026-08-31")])
    amounts = assess(data)["amounts"]
    assert (amounts["principal_outstanding"], amounts["interest"], amounts["indemnity"]) == (
        "1000.00",
        "0.00",
        "40.00",
    )
    assert (amounts["total"], amounts["a_parfaire"], amounts["interest_until"]) == (
        "1040.00",
        True,
        "2026-06-30",
    )


def test_legal_interest_a_parfaire_cites_the_legal_rate() -> None:
    data = consumer_claim(as_of="2026-12-02")
    result = assess(data)
    assert result["amounts"]["a_parfaire"] is True
    finding = next(f for f in result["findings"] if f["code"] == "interest_a_parfaire")
    assert finding["article"] == "C. mon. fin. L313-2"


def test_a_payment_after_the_last_published_day_is_imputed_on_interest_counted_to_that_day() -> None:
    data = b2b_claim(
        as_of="2026-12-02",
        invoices=[_inv("F-2026-01", "1000.00", "2026-01-01", "2026-01-31")],
        payments=[{"date": "2026-10-15", "amount": "100.00"}],
    )
    amounts = assess(data)["amounts"]
    capped = assess(b2b_claim(as_of="2026-06-30", invoices=data["invoices"]))["amounts"]
    assert amounts["a_parfaire"] is True
    interest_to_june = Decimal(capped["interest"])
    # 1343-1: the payment goes to the interest counted (to 30 June), then to the principal
    assert Decimal(amounts["interest"]) == 0
    assert Decimal(amounts["principal_outstanding"]) == Decimal("1000.00") - (
        Decimal("100.00") - interest_to_june
    )


def test_rate_missing_at_the_start_names_the_due_date() -> None:
    data = b2b_claim(as_of="2015-01-31", invoices=[_inv("F", "1000.00", "2013-12-01", "2013-12-31")])
    assert assess(data)["amounts"]["error"]["field"] == "invoices[0].due_date"


def test_accrue_counts_days_after_start_through_end() -> None:
    def rate(_: Semester) -> RateValue:
        return RateValue(Decimal("13.15"), "test")

    segments = accrue("F", Decimal("1000.00"), date(2025, 1, 31), date(2025, 3, 31), rate)
    assert [(s.days, s.amount) for s in segments] == [(59, Decimal("21.26"))]


def _inv(number: str, amount: str, performance: str, due: str | None) -> dict[str, Any]:
    return {
        "number": number,
        "amount_ttc": amount,
        "performance_date": performance,
        "issue_date": performance,
        "due_date": due,
    }


def test_interest_stop_counts_the_opening_day_by_policy() -> None:
    from chalicelib.legal.settings import DEFAULT_SETTINGS

    data = load_case(CASES_DIR / "18-debtor-in-liquidation.json")["input"]
    assert assess(data)["amounts"]["interest"] == "13.98"  # 10 days, through 2025-11-10
    excluding = DEFAULT_SETTINGS.with_overrides(INTEREST_STOP_INCLUDES_OPENING_DAY=False)
    assert assess(data, excluding)["amounts"]["interest"] == "12.58"  # 9 days


def test_loan_of_a_year_or_more_keeps_bearing_interest_after_the_opening() -> None:
    data = b2b_claim(
        as_of="2025-12-31",
        invoices=[_inv("PRET", "10000.00", "2024-01-02", "2025-06-30")],
        formal_notice={"sent_on": "2025-07-01", "first_presented_on": "2025-07-02"},
    )
    data["claim"]["nature"] = "loan"
    data["creditor"]["category"] = "consumer"
    data["debtor"]["collective_proceedings"] = {
        "kind": "redressement",
        "opened_on": "2025-09-01",
        "published_on": "2025-09-10",
    }
    a = amounts(data)
    assert a["interest_until"] == "2025-12-31"
    assert "interest_continues_long_term_contract" in a["codes"]
    assert a["route"]["lawyer_review"] is True
