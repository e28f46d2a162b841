"""The registry's answer read into our terms, and the debtor category its legal form suggests (POLICY)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chalicelib.adapters.company_registry import FIXTURE
from chalicelib.domain.companies import companies_from_answer, suggested_category

RECORDED = json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("code", "craft", "category"),
    [
        ("5499", False, "commercant"),  # SARL
        ("5710", False, "commercant"),  # SAS
        ("5485", False, "sel"),  # SELARL: the longest prefix wins
        ("5195", False, "non_professional_legal_person"),
        ("6540", False, "non_professional_legal_person"),  # SCI
        ("6589", False, None),  # another société civile: the form does not tell
        ("9220", False, "non_professional_legal_person"),  # association déclarée
        ("7210", False, "public_entity"),  # commune
        ("4110", False, "public_entity"),
        ("1000", False, None),  # a sole trader's trade is not in the form
        ("1000", True, "artisan"),  # … unless registered at the répertoire des métiers
        ("3120", False, None),  # foreign
        ("", False, None),
    ],
)
def test_the_legal_form_suggests_a_category_with_its_reason(code, craft, category):
    suggestion = suggested_category(code, craft_register=craft)
    assert suggestion.category == category
    assert suggestion.reason


def test_the_recorded_answer_reads_into_companies():
    companies = {company.name: company for company in companies_from_answer(RECORDED)}
    rhone = companies["RHÔNE DISTRIBUTION"]
    assert (rhone.siren, rhone.head_office_siret) == ("833698020", "83369802000017")
    assert (rhone.address_line, rhone.postal_code, rhone.city) == ("3 QUAI SAINT-ANTOINE", "69002", "LYON")
    assert rhone.active and rhone.finding == "" and rhone.suggestion.category == "commercant"
    assert rhone.vat_numbers and rhone.vat_numbers[0].endswith(rhone.siren)

    closed = companies["ATELIER BOIS ET CO"]
    assert not closed.active and closed.closed_on == dt.date(2023, 6, 30)
    assert "a cessé son activité le 30/06/2023" in closed.finding

    # A sole trader is named as the person, with the trade name beside.
    faure = companies["JULIEN FAURE"]
    assert (
        faure.sole_trader
        and faure.trade_name == "MENUISERIE FAURE"
        and faure.suggestion.category == "artisan"
    )
    martin = companies["CLAIRE MARTIN"]
    assert martin.sole_trader and martin.trade_name == "CONSEIL MARTIN" and martin.suggestion.category is None


def test_an_answer_without_results_is_refused():
    with pytest.raises(ValueError, match="illisible"):
        companies_from_answer({"erreur": "?"})
