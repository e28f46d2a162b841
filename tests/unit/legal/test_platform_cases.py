"""The platform's own worked cases (``tests/unit/legal/cases``, same shape as ``../shared/legal/cases``):
exigibility (rulebook 2.1-2.2) and the debtor's purpose (rulebook 1.1 "Who is a consumer").

Each case is compared like the rulebook's (only the keys present in ``expected``); its extra key
``expected_findings`` lists findings that must be present (code, level, detail, a fragment of the message).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.legal.assess import assess
from chalicelib.legal.errors import InvalidInput

from .helpers import b2b_claim, load_case
from .test_cases import _differences

PLATFORM_CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def _finding_matches(want: dict[str, Any], got: dict[str, Any]) -> bool:
    fragment = want.get("message_contains")
    return all(got.get(key) == value for key, value in want.items() if key != "message_contains") and (
        fragment is None or fragment in got["message"]
    )


def test_the_platform_cases_are_there() -> None:
    assert len(PLATFORM_CASES) >= 7


@pytest.mark.parametrize("case_file", PLATFORM_CASES, ids=lambda p: p.stem)
def test_platform_case_is_reproduced_exactly(case_file: Path) -> None:
    case = load_case(case_file)
    result = json.loads(json.dumps(assess(case)))
    assert _differences(case["expected"], result) == []
    for want in case["expected_findings"]:
        assert any(_finding_matches(want, got) for got in result["findings"]), want


def _invoice(number: str, issue: str, due: str | None, amount: str = "500.00") -> dict[str, Any]:
    return {
        "number": number,
        "amount_ttc": amount,
        "performance_date": issue,
        "issue_date": issue,
        "due_date": due,
    }


def test_only_the_invoices_not_due_are_named_each_in_its_own_finding() -> None:
    claim = b2b_claim(
        invoices=[
            _invoice("F-1", "2025-01-02", "2025-01-31"),
            _invoice("F-2", "2025-03-20", "2025-04-19"),
            _invoice("F-3", "2025-04-02", "2025-05-02"),
        ]
    )
    result = assess(claim)
    not_due = {f["detail"]: f for f in result["findings"] if f["code"].startswith("invoice_")}
    assert set(not_due) == {"F-2", "F-3"}
    assert not_due["F-2"]["code"] == "invoice_not_yet_due"
    assert not_due["F-3"]["code"] == "invoice_dated_after_assessment"
    assert all(f["level"] == "blocking" and f["part"] == "route" for f in not_due.values())
    assert result["route"]["injonction_de_payer"] == "not_admissible"
    assert {"invoice_not_yet_due", "invoice_dated_after_assessment"} <= set(result["route"]["reasons"])
    assert not any(f["code"] == "ip_admissible" for f in result["findings"])


def test_once_the_not_due_invoice_is_removed_the_injonction_is_open_again() -> None:
    result = assess(b2b_claim(invoices=[_invoice("F-1", "2025-01-02", "2025-01-31")]))
    assert result["route"]["injonction_de_payer"] == "admissible"


def test_the_day_after_the_due_date_the_invoice_is_claimable() -> None:
    result = assess(b2b_claim(as_of="2025-02-01"))
    assert result["route"]["injonction_de_payer"] == "admissible"
    assert not any(f["code"] == "invoice_not_yet_due" for f in result["findings"])


def test_the_strict_reading_claims_on_the_due_date_itself() -> None:
    from chalicelib.legal.assess import assess_claim
    from chalicelib.legal.model import parse_claim
    from chalicelib.legal.settings import DEFAULT_SETTINGS

    settings = DEFAULT_SETTINGS.with_overrides(CLAIMABLE_FROM="due_date")
    result = assess_claim(parse_claim(b2b_claim(as_of="2025-01-31")), settings).as_dict()
    assert result["route"]["injonction_de_payer"] == "admissible"
    early = assess_claim(parse_claim(b2b_claim(as_of="2025-01-30")), settings).as_dict()
    assert early["route"]["injonction_de_payer"] == "not_admissible"


def test_a_performance_after_the_assessment_day_is_not_exigible() -> None:
    invoice = _invoice("F-9", "2025-03-01", "2025-04-30") | {"performance_date": "2025-04-15"}
    result = assess(b2b_claim(as_of="2025-03-31", invoices=[invoice]))
    [finding] = [f for f in result["findings"] if f.get("detail") == "F-9" and f["level"] == "blocking"]
    assert finding["code"] == "invoice_performed_after_assessment"
    assert "15 avril 2025" in finding["message"]


def _trader(purpose: str | None, category: str = "commercant") -> dict[str, Any]:
    debtor = dict(b2b_claim()["debtor"], category=category, name="Paul Martin")
    if purpose is not None:
        debtor["purpose"] = purpose
    return b2b_claim(
        as_of="2025-03-31",
        debtor=debtor,
        invoices=[_invoice("F-2022-0101", "2022-06-01", "2022-07-01", "2400.00")],
    )


def test_a_trader_buying_for_his_trade_keeps_the_commercial_regime() -> None:
    for purpose in (None, "professional"):
        result = assess(_trader(purpose))
        assert result["prescription"]["status"] == "not_barred"
        assert result["prescription"]["last_day"] == "2027-06-01"  # L110-4 I: five years
        assert result["amounts"]["regime"] == "b2b_penalties"
        assert result["amounts"]["indemnity"] == "40.00"
        assert result["route"]["court_kind"] == "tribunal_de_commerce"


@pytest.mark.parametrize("category", ["commercant", "artisan", "liberal"])
def test_a_natural_person_in_business_buying_privately_is_a_consumer(category: str) -> None:
    claim = _trader("private", category)
    claim["as_of"] = "2023-03-31"
    result = assess(claim)
    assert result["prescription"]["last_day"] == "2024-06-01"  # C. conso. L218-2: two years
    assert result["amounts"]["regime"] == "legal_interest"
    assert result["amounts"]["indemnity"] == "0.00"
    assert result["route"]["court_kind"] == "tribunal_judiciaire"
    assert result["route"]["cerfa"] == "12948"
    assert any(f["code"] == "debtor_private_purpose" for f in result["findings"])


@pytest.mark.parametrize("category", ["sel", "non_professional_legal_person", "public_entity"])
def test_a_legal_person_never_acts_for_private_purposes(category: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        assess(_trader("private", category))
    [error] = raised.value.errors
    assert error.field == "debtor.purpose" and "personne morale" in error.message


def test_a_consumer_cannot_act_for_professional_purposes_and_purposes_are_named() -> None:
    with pytest.raises(InvalidInput) as raised:
        assess(_trader("professional", "consumer"))
    assert raised.value.errors[0].field == "debtor.purpose"
    with pytest.raises(InvalidInput) as unknown:
        assess(_trader("personal"))
    assert "professional, private" in unknown.value.errors[0].message
