"""Route (rulebook 2-3): admissibility of the injonction, court kind and Cerfa, alternatives."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.legal import route as route_module
from chalicelib.legal.assess import assess

from .helpers import b2b_claim, codes, consumer_claim


def route(data: dict[str, Any]) -> dict[str, Any]:
    result = assess(data)
    out: dict[str, Any] = result["route"]
    out["codes"] = codes(result)
    return out


@pytest.mark.parametrize(
    ("creditor", "debtor", "nature", "kind", "cerfa"),
    [
        ("commercant", "commercant", "sale_or_service", "tribunal_de_commerce", "12946"),
        ("artisan", "artisan", "sale_or_service", "tribunal_de_commerce", "12946"),
        ("commercant", "artisan", "sale_or_service", "tribunal_de_commerce", "12946"),
        ("commercant", "consumer", "sale_or_service", "tribunal_judiciaire", "12948"),
        ("commercant", "non_professional_legal_person", "sale_or_service", "tribunal_judiciaire", "12948"),
        ("commercant", "sel", "sale_or_service", "tribunal_judiciaire", "12948"),
        ("commercant", "liberal", "sale_or_service", "tribunal_judiciaire", "12948"),
        ("liberal", "commercant", "sale_or_service", "tribunal_de_commerce", "12946"),
        ("consumer", "consumer", "residential_rent", "juge_des_contentieux_de_la_protection", "16040"),
        ("consumer", "consumer", "bill_of_exchange", "tribunal_de_commerce", "12946"),
    ],
)
def test_court_kind_and_cerfa_follow_the_parties(
    creditor: str, debtor: str, nature: str, kind: str, cerfa: str
) -> None:
    data = b2b_claim(as_of="2025-03-31")
    data["creditor"]["category"] = creditor
    data["debtor"]["category"] = debtor
    data["claim"]["nature"] = nature
    r = route(data)
    assert (r["court_kind"], r["cerfa"]) == (kind, cerfa)


def test_non_merchant_creditor_is_told_of_its_option() -> None:
    data = b2b_claim()
    data["creditor"]["category"] = "liberal"
    assert "court_option_non_merchant_creditor" in route(data)["codes"]


def test_jurisdiction_clause_is_ignored_for_the_injonction() -> None:
    data = b2b_claim()
    data["claim"]["jurisdiction_clause"] = "Tribunal de commerce de Paris exclusivement."
    r = route(data)
    assert r["court_city"] == "Lyon"
    assert "jurisdiction_clause_ignored" in r["codes"]


def test_disputed_claim_is_not_admissible_and_goes_to_a_lawyer() -> None:
    data = b2b_claim()
    data["claim"]["disputed"] = True
    r = route(data)
    assert (r["injonction_de_payer"], r["alternative"], r["lawyer_review"]) == (
        "not_admissible",
        "lawyer",
        True,
    )


def test_over_indebted_consumer_blocks_every_action() -> None:
    data = consumer_claim()
    data["debtor"]["over_indebtedness"] = True
    r = route(data)
    assert (r["injonction_de_payer"], r["alternative"], r["small_claims_eligible"]) == (
        "blocked",
        "lawyer",
        False,
    )


@pytest.mark.parametrize(
    ("country", "alternative"), [("DE", "european_order_for_payment"), ("DK", "lawyer"), ("CH", "lawyer")]
)
def test_debtor_abroad_never_gets_a_french_injonction(country: str, alternative: str) -> None:
    data = b2b_claim()
    data["debtor"]["country"] = country
    r = route(data)
    assert (r["injonction_de_payer"], r["alternative"], r["court_kind"]) == (
        "not_admissible",
        alternative,
        None,
    )
    assert r["small_claims_eligible"] is False


def test_debtor_in_an_overseas_department_is_in_france() -> None:
    data = consumer_claim()
    data["debtor"].update(country="RE", postal_code="97400", city="Saint-Denis")
    assert route(data)["injonction_de_payer"] == "admissible"


def test_small_claims_ceiling_is_principal_plus_interest() -> None:
    data = b2b_claim(as_of="2025-03-31")
    data["invoices"][0]["amount_ttc"] = "4980.00"  # + 105.85 interest > 5000
    assert route(data)["small_claims_eligible"] is False
    data["invoices"][0]["amount_ttc"] = "4900.00"  # + 104.15 interest > 5000
    assert route(data)["small_claims_eligible"] is False
    data["invoices"][0]["amount_ttc"] = "4800.00"  # + 102.03 interest <= 5000
    assert route(data)["small_claims_eligible"] is True


def test_declaration_deadline_two_months_after_publication() -> None:
    data = b2b_claim(as_of="2025-12-05")
    data["debtor"]["collective_proceedings"] = {
        "kind": "sauvegarde",
        "opened_on": "2025-11-10",
        "published_on": "2025-11-30",
    }
    r = route(data)
    assert (r["injonction_de_payer"], r["alternative"]) == ("blocked", "declaration_de_creance")
    assert r["declaration_deadline"] == "2026-01-30"
    assert r["relief_deadline"] == "2026-05-30"


def test_creditor_outside_metropolitan_france_gets_two_more_months() -> None:
    data = b2b_claim(as_of="2025-12-05")
    data["creditor"].update(country="RE", postal_code="97400")
    data["debtor"]["collective_proceedings"] = {
        "kind": "liquidation",
        "opened_on": "2025-11-10",
        "published_on": "2025-11-20",
    }
    assert route(data)["declaration_deadline"] == "2026-03-20"


def test_declaration_deadline_passed_sends_to_a_lawyer_for_relief() -> None:
    data = b2b_claim(as_of="2026-02-01")
    data["debtor"]["collective_proceedings"] = {
        "kind": "liquidation",
        "opened_on": "2025-11-10",
        "published_on": "2025-11-20",
    }
    r = route(data)
    assert (r["alternative"], r["lawyer_review"]) == ("lawyer", True)
    assert "declaration_deadline_passed" in r["codes"]


def test_unpublished_opening_leaves_the_deadline_unknown() -> None:
    data = b2b_claim(as_of="2025-12-05")
    data["debtor"]["collective_proceedings"] = {
        "kind": "liquidation",
        "opened_on": "2025-11-10",
        "published_on": None,
    }
    r = route(data)
    assert r["declaration_deadline"] is None
    assert "declaration_deadline_unknown" in r["codes"]


def test_public_entity_is_out_of_scope() -> None:
    data = b2b_claim()
    data["debtor"]["category"] = "public_entity"
    result = assess(data)
    assert result["prescription"]["status"] is None
    assert result["amounts"]["total"] is None
    assert (result["route"]["injonction_de_payer"], result["route"]["alternative"]) == (
        "not_admissible",
        "lawyer",
    )
    assert "out_of_scope_public_entity" in codes(result)


def test_consumer_credit_is_out_of_scope() -> None:
    data = consumer_claim()
    data["claim"]["nature"] = "loan"
    assert "out_of_scope_consumer_credit" in codes(assess(data))


class _CourtNotFound(Exception):
    pass


def test_court_not_found_keeps_kind_and_cerfa(monkeypatch: pytest.MonkeyPatch) -> None:
    def find_court(kind: str, postal_code: str, city: str | None, country: str = "FR", **_: object) -> None:
        raise _CourtNotFound("Code postal inconnu : 99999.")

    stub = route_module.CourtLookup(find_court, _CourtNotFound)
    monkeypatch.setattr(route_module, "_court_lookup", lambda: stub)
    r = route(b2b_claim())
    assert (r["court_kind"], r["cerfa"], r["court_city"]) == ("tribunal_de_commerce", "12946", None)
    assert "court_not_found" in r["codes"]
    assert r["lawyer_review"] is True


def test_court_lookup_missing_keeps_kind_and_cerfa(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(route_module, "_court_lookup", lambda: None)
    r = route(b2b_claim())
    assert (r["court_kind"], r["cerfa"], r["court_city"]) == ("tribunal_de_commerce", "12946", None)
    assert "court_lookup_unavailable" in r["codes"]


def test_declaration_deadline_on_a_public_holiday_is_not_extended_but_flagged() -> None:
    data = b2b_claim(as_of="2026-03-01")
    data["debtor"]["collective_proceedings"] = {
        "kind": "liquidation",
        "opened_on": "2026-02-20",
        "published_on": "2026-03-01",
    }
    r = route(data)
    assert r["declaration_deadline"] == "2026-05-01"  # 1 May, a public holiday
    assert "declaration_deadline_not_extended" in r["codes"]
