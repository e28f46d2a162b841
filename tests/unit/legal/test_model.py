"""Invalid input is refused with a French message naming the field — never a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.legal.assess import assess
from chalicelib.legal.errors import InvalidInput

from .helpers import b2b_claim


def fields_of(data: Any) -> list[str]:
    with pytest.raises(InvalidInput) as error:
        assess(data)
    for e in error.value.errors:
        assert e.message and e.code
    return [e.field for e in error.value.errors]


def test_unknown_category_names_the_field() -> None:
    data = b2b_claim()
    data["debtor"]["category"] = "entreprise"
    assert fields_of(data) == ["debtor.category"]


def test_unknown_nature_names_the_field() -> None:
    data = b2b_claim()
    data["claim"]["nature"] = "gift"
    assert fields_of(data) == ["claim.nature"]


@pytest.mark.parametrize("key", ["performance_date", "issue_date", "due_date", "amount_ttc"])
def test_missing_invoice_field_names_it(key: str) -> None:
    data = b2b_claim()
    del data["invoices"][0][key]
    assert fields_of(data) == [f"invoices[0].{key}"]


def test_missing_as_of_names_it() -> None:
    data = b2b_claim()
    del data["as_of"]
    assert fields_of(data) == ["as_of"]


def test_malformed_date_names_the_field() -> None:
    data = b2b_claim()
    data["invoices"][0]["issue_date"] = "31/01/2025"
    assert fields_of(data) == ["invoices[0].issue_date"]


def test_negative_amount_names_the_field() -> None:
    data = b2b_claim(payments=[{"date": "2025-02-01", "amount": "-10.00"}])
    data["invoices"][0]["amount_ttc"] = "-1000.00"
    assert fields_of(data) == ["invoices[0].amount_ttc", "payments[0].amount"]


def test_float_amount_is_refused() -> None:
    data = b2b_claim()
    data["invoices"][0]["amount_ttc"] = 1000.5
    assert fields_of(data) == ["invoices[0].amount_ttc"]


def test_due_date_before_invoice_date_names_the_due_date() -> None:
    data = b2b_claim()
    data["invoices"][0]["due_date"] = "2024-12-31"
    with pytest.raises(InvalidInput) as error:
        assess(data)
    assert error.value.errors[0].field == "invoices[0].due_date"
    assert error.value.errors[0].code == "due_before_issue"
    assert "précède" in error.value.errors[0].message


def test_payment_after_as_of_is_refused() -> None:
    data = b2b_claim(payments=[{"date": "2025-04-01", "amount": "10.00"}])
    assert fields_of(data) == ["payments[0].date"]


def test_unknown_option_value_is_refused() -> None:
    data = b2b_claim(options={"day_count": "30/360"})
    assert fields_of(data) == ["options.day_count"]


def test_every_error_is_reported_at_once() -> None:
    data = b2b_claim()
    data["creditor"]["category"] = "?"
    data["debtor"]["country"] = "France"
    data["invoices"][0]["performance_date"] = None
    assert fields_of(data) == ["creditor.category", "debtor.country", "invoices[0].performance_date"]


def test_not_an_object_is_refused() -> None:
    assert fields_of([1, 2]) == [""]


def test_whole_case_file_and_bare_input_give_the_same_result() -> None:
    data = b2b_claim()
    assert assess({"id": "x", "input": data, "expected": {}}) == assess(data)


def test_date_out_of_range_is_refused() -> None:
    data = b2b_claim()
    data["invoices"][0]["performance_date"] = "9999-12-31"
    assert fields_of(data) == ["invoices[0].performance_date"]


def test_optional_identifiers_are_checked_with_stdnum() -> None:
    data = b2b_claim()
    data["debtor"]["siren"] = "552 008 443"
    data["creditor"]["iban"] = "FR14 2004 1010 0505 0001 3M02 606"
    assert assess(data)["route"]["injonction_de_payer"] == "admissible"
    data["debtor"]["siren"] = "552008444"
    assert fields_of(data) == ["debtor.siren"]
