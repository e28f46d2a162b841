from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from chalicelib.api.account_schemas import CreditorProfileBody, LawyerInvitationBody
from chalicelib.api.validation import field_path, invalid_input
from chalicelib.domain.access import may_see
from chalicelib.domain.accounts import CREDITOR_CATEGORIES, Identity, Role
from chalicelib.domain.claim import Claim, ClaimStatus

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_creditor_categories_are_the_legal_engines():
    from chalicelib.legal.model import CATEGORIES

    assert set(CREDITOR_CATEGORIES) == set(CATEGORIES)


@pytest.mark.parametrize(
    ("role", "user_id", "sees"),
    [
        (Role.OPERATOR, "anyone", True),
        (Role.CREDITOR, "creditor-1", True),
        (Role.CREDITOR, "creditor-2", False),
        (Role.LAWYER, "lawyer-1", True),
        (Role.LAWYER, "lawyer-2", False),
    ],
)
def test_who_may_see_a_claim(role, user_id, sees):
    claim = Claim("c", "creditor-1", ClaimStatus.WITH_LAWYER, "D", 1, NOW, NOW, assigned_lawyer_id="lawyer-1")
    assert may_see(Identity(user_id, "x@y.fr", role), claim) is sees


def test_a_lawyer_sees_no_unassigned_claim_even_with_an_empty_id():
    claim = Claim("c", "creditor-1", ClaimStatus.DRAFT, "D", 1, NOW, NOW)
    assert not may_see(Identity("", "x@y.fr", Role.LAWYER), claim)


def test_field_paths_read_like_the_request():
    assert field_path(("address", "postal_code")) == "address.postal_code"
    assert field_path(("courts", 0)) == "courts[0]"
    assert field_path(()) == "corps"


def test_every_faulty_field_is_listed_in_french():
    with pytest.raises(ValidationError) as error:
        LawyerInvitationBody.model_validate({"email": "pas-une-adresse", "courts": "Lyon"})
    details = invalid_input(error.value).details
    assert {d["field"]: d["message"] for d in details} == {
        "email": "L'adresse e-mail « pas-une-adresse » n'est pas valide.",
        "name": "Le champ « name » est obligatoire.",
        "barreau": "Le champ « barreau » est obligatoire.",
        "courts": "Le champ « courts » doit être une liste.",
    }


def test_a_siret_alone_gives_the_siren():
    body = CreditorProfileBody.model_validate(
        {
            "legal_name": "X",
            "category": "artisan",
            "siret": "732 829 320 00074",
            "address": {"line1": "1 rue", "postal_code": "75001", "city": "Paris"},
            "signatory_name": "Y",
        }
    )
    assert (body.siren, body.siret) == ("732829320", "73282932000074")
    assert body.to_domain().is_professional


def test_a_private_individual_needs_no_siren():
    body = CreditorProfileBody.model_validate(
        {
            "legal_name": "Jean Martin",
            "category": "consumer",
            "address": {"line1": "1 rue", "postal_code": "BE-1000", "city": "Bruxelles", "country": "BE"},
            "signatory_name": "Jean Martin",
        }
    )
    assert body.siren == "" and not body.to_domain().is_professional
