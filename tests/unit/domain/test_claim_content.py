"""The claim content schema: French amounts, identifiers, consistency, and its mapping to the legal engine."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from chalicelib.api.validation import invalid_input
from chalicelib.domain.accounts import CreditorProfile, PostalAddress
from chalicelib.domain.claim_content import ClaimContent, legal_input, parse_amount

CASES = Path(__file__).resolve().parents[4] / "shared" / "legal" / "cases"


def content(**changes):
    data = {
        "debtor": {
            "category": "commercant",
            "legal_name": "Rhône Distribution SARL",
            "siren": "542051180",
            "address": {"line1": "3 quai Saint-Antoine", "postal_code": "69002", "city": "Lyon"},
        },
        "invoices": [
            {
                "number": "F-2025-0012",
                "issue_date": "2025-01-02",
                "performance_date": "2025-01-02",
                "due_date": "2025-01-31",
                "amount_ttc": "1000.00",
            }
        ],
    }
    data.update(changes)
    return data


def errors_of(data) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        ClaimContent.model_validate(data)
    return {d["field"]: d["message"] for d in invalid_input(raised.value).details}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1.234,56", "1234.56"),
        ("12", "12.00"),
        (150, "150.00"),
    ],
)
def test_amounts_are_read_in_french_and_english_notation(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["25 50", "abc", "1,234,56", "12.345", 12.5, True])
def test_ambiguous_or_inexact_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_a_business_debtor_in_france_needs_a_valid_siren():
    data = content()
    data["debtor"]["siren"] = ""
    assert "SIREN" in errors_of(data)["debtor.siren"]
    data["debtor"]["siren"] = "123456789"
    assert "debtor.siren" in errors_of(data)


def test_a_consumer_debtor_needs_no_siren():
    data = content()
    data["debtor"] = {
        "category": "consumer",
        "legal_name": "Jean Dupont",
        "title": "M.",
        "address": {"line1": "4 rue des Lilas", "postal_code": "44000", "city": "Nantes"},
    }
    parsed = ClaimContent.model_validate(data)
    assert parsed.debtor.display_name == "M. Jean Dupont"


def test_the_same_invoice_twice_and_a_payment_on_an_unknown_invoice_are_refused():
    data = content()
    data["invoices"].append(dict(data["invoices"][0]))
    assert "deux fois" in errors_of(data)["invoices[1].number"]
    data = content(payments=[{"date": "2025-02-10", "amount": "100", "invoice": "F-9"}])
    assert "absente" in errors_of(data)["payments[0].invoice"]


def test_a_due_date_before_the_invoice_date_is_refused():
    data = content()
    data["invoices"][0]["due_date"] = "2024-12-01"
    assert "précéder" in errors_of(data)["invoices[0].due_date"]


def test_totals_and_json_form():
    parsed = ClaimContent.model_validate(
        content(payments=[{"date": "2025-02-10", "amount": "200,00"}], contract={"contractual_rate": "15"})
    )
    assert parsed.principal == Decimal("1000.00") and parsed.balance == Decimal("800.00")
    stored = parsed.as_json()
    assert stored["payments"][0]["amount"] == "200.00"
    assert stored["contract"]["contractual_rate"] == "15.00"
    assert ClaimContent.model_validate(stored) == parsed  # what is stored reads back identically


def test_legal_input_reproduces_shared_case_01():
    from chalicelib.legal.assess import assess

    case = json.loads((CASES / "01-b2b-basic.json").read_text())
    creditor = CreditorProfile(
        legal_name="Atelier Numérique SAS",
        category="commercant",
        siren="732829320",
        address=PostalAddress("12 rue du Sentier", "75002", "Paris"),
    )
    result = assess(legal_input(ClaimContent.model_validate(content()), creditor, dt.date(2025, 3, 31)))
    for key in ("principal_outstanding", "interest", "indemnity", "total"):
        assert result["amounts"][key] == case["expected"]["amounts"][key]
    for key, value in case["expected"]["route"].items():
        assert result["route"][key] == value
    assert result["prescription"]["last_day"] == case["expected"]["prescription"]["last_day"]


def test_a_trader_who_bought_privately_is_a_consumer_for_the_engine():
    data = content()
    data["debtor"] = dict(data["debtor"], category="artisan", purpose="private", siren="")
    parsed = ClaimContent.model_validate(data)  # no SIREN needed: he bought as a private person
    assert parsed.debtor.acts_as_consumer and not parsed.debtor.is_business
    assert parsed.wants_reminder  # like a consumer: a courteous reminder first
    profile = CreditorProfile(
        category="commercant",
        legal_name="Atelier Numérique SAS",
        siren="732829320",
        address=PostalAddress(line1="1 rue de la Paix", postal_code="75002", city="Paris"),
    )
    engine = legal_input(parsed, profile, dt.date(2025, 3, 31))
    assert engine["debtor"]["purpose"] == "private"
    assert (
        "purpose"
        not in legal_input(ClaimContent.model_validate(content()), profile, dt.date(2025, 3, 31))["debtor"]
    )


def test_a_purpose_that_contradicts_the_category_is_refused_in_french():
    data = content()
    data["debtor"] = dict(data["debtor"], category="sel", purpose="private")
    assert "personne morale" in errors_of(data)["debtor.purpose"]
    data["debtor"] = {
        "category": "consumer",
        "legal_name": "Jean Dupont",
        "purpose": "professional",
        "address": {"line1": "4 rue des Lilas", "postal_code": "44000", "city": "Nantes"},
    }
    assert "à titre privé" in errors_of(data)["debtor.purpose"]
    data["debtor"]["purpose"] = "personal"
    assert "debtor.purpose" in errors_of(data)
    company = content()
    company["debtor"] = dict(company["debtor"], legal_form="S.A.R.L.", purpose="private")
    assert "Une société (S.A.R.L.) n'achète jamais à titre privé" in errors_of(company)["debtor.purpose"]
