"""From a stored claim and the creditor's profile to the letters' parties; the postal adapters alone."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chalicelib.adapters.memory.documents import InMemoryDocumentStore, StoredObject
from chalicelib.adapters.postal import LocalPostalSender, ManualPostalSender, postal_sender
from chalicelib.documents.context import Address
from chalicelib.domain.accounts import CreditorProfile, PostalAddress
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.claim_content import ClaimContent, legal_input
from chalicelib.legal.assess import assess
from chalicelib.services.notice import build_notice_context, creditor_party, debtor_party

NOW = dt.datetime(2025, 3, 31, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2025, 3, 31)
PROFILE = CreditorProfile(
    legal_name="Atelier Numérique SAS",
    category="commercant",
    legal_form="SAS",
    siren="732829320",
    address=PostalAddress("12 rue du Sentier", "75002", "Paris", line2="Bâtiment B"),
    phone="01 42 00 00 00",
    iban="FR7630006000011234567890189",
    signatory_name="Claire Morel",
    signatory_title="Présidente",
)
B2B = {
    "reference": "DOS-2025-001",
    "debtor": {
        "category": "commercant",
        "legal_name": "Rhône Distribution SARL",
        "legal_form": "SARL",
        "siren": "542051180",
        "address": {"line1": "3 quai Saint-Antoine", "postal_code": "69002", "city": "Lyon"},
        "email": "compta@rhone-distribution.example.fr",
    },
    "invoices": [
        {
            "number": "F-2025-0012",
            "issue_date": "2025-01-02",
            "due_date": "2025-01-31",
            "amount_ttc": "1000.00",
            "description": "Développement d'un site vitrine",
        }
    ],
}
B2C = {
    "debtor": {
        "category": "consumer",
        "legal_name": "Jean Dupont",
        "title": "M.",
        "address": {"line1": "4 avenue Louise", "postal_code": "1050", "city": "Bruxelles", "country": "BE"},
    },
    "invoices": [
        {"number": "F-7", "issue_date": "2025-01-10", "due_date": "2025-01-31", "amount_ttc": "850.00"}
    ],
    "payments": [{"date": "2025-02-15", "amount": "100.00"}],
}


def claim_of(content: dict) -> Claim:
    parsed = ClaimContent.model_validate(content)
    return Claim(
        "clm-unit",
        "creditor-1",
        ClaimStatus.ASSESSING,
        parsed.debtor.display_name,
        int(parsed.principal * 100),
        NOW,
        NOW,
        content=parsed.as_json(),
        reference=parsed.reference,
    )


def context_of(content: dict, profile: CreditorProfile = PROFILE):
    claim = claim_of(content)
    assessment = assess(legal_input(ClaimContent.model_validate(content), profile, TODAY))
    return build_notice_context(claim, profile, assessment, today=TODAY, creditor_email="claire@atelier.fr")


def test_the_creditor_is_the_profile_with_its_signatory_and_bank_details() -> None:
    party = creditor_party(PROFILE, email="claire@atelier.fr")
    assert party.kind == "legal_person"
    assert party.legal_form == "société par actions simplifiée"
    assert party.address == Address("12 rue du Sentier, Bâtiment B", "75002", "Paris", "France")
    assert party.representative == "Claire Morel, présidente"
    assert (party.signatory_name, party.signatory_title) == ("Claire Morel", "Présidente")
    assert party.iban_spaced == "FR76 3000 6000 0112 3456 7890 189"
    assert party.email == "claire@atelier.fr" and party.phone == "01 42 00 00 00"


@pytest.mark.parametrize(
    ("category", "legal_form", "kind"),
    [
        ("consumer", "", "natural_person"),  # a private lender
        ("artisan", "", "natural_person"),  # an artisan in his own name
        ("artisan", "EI", "natural_person"),
        ("artisan", "SARL", "legal_person"),
        ("commercant", "", "legal_person"),
    ],
)
def test_a_creditor_without_a_company_signs_in_their_own_name(category, legal_form, kind) -> None:
    profile = CreditorProfile(
        legal_name="Julien Faure",
        category=category,
        legal_form=legal_form,
        address=PostalAddress("17 rue de la Bastille", "44000", "Nantes"),
        signatory_name="Julien Faure",
    )
    party = creditor_party(profile)
    assert party.kind == kind
    if kind == "natural_person":
        assert party.representative is None and party.legal_form is None


def test_a_consumer_debtor_is_a_natural_person_abroad_with_the_country_printed() -> None:
    party = debtor_party(ClaimContent.model_validate(B2C).debtor)
    assert party.kind == "natural_person" and party.title == "M."
    assert party.display_name == "M. Jean Dupont"
    assert party.address.lines == ("4 avenue Louise", "1050 Bruxelles", "Belgique")


def test_the_b2b_context_carries_case_01_amounts_and_8_days() -> None:
    ctx = context_of(B2B)
    assert ctx.is_b2b and ctx.payment_days == 8
    assert (str(ctx.principal_outstanding), str(ctx.interest), str(ctx.indemnity), str(ctx.total)) == (
        "1000.00",
        "21.26",
        "40.00",
        "1061.26",
    )
    assert ctx.letter_date == TODAY and ctx.our_reference == "DOS-2025-001"
    assert ctx.invoices[0].object == "Développement d'un site vitrine"
    assert ctx.debtor.kind == "legal_person" and ctx.debtor.siren == "542051180"
    assert ctx.sending_service.name == "Recouvrement de créances en ligne"
    assert ctx.exhibits == ()


def test_the_b2c_context_gives_15_days_and_counts_the_payment() -> None:
    ctx = context_of(B2C)
    assert not ctx.is_b2b and ctx.payment_days == 15
    assert str(ctx.payments_total) == "100.00" and str(ctx.principal_outstanding) == "750.00"
    assert ctx.our_reference == "clm-unit"  # no creditor reference: the claim id


# --- the postal adapters (their letters kept in the document store's in-memory twin, tests/contract/) -------


def _send(sender, pdf: bytes = b"%PDF-1.7 letter"):
    return sender.send_registered(
        pdf,
        claim_id="clm-1",
        recipient_lines=["Rhône Distribution SARL", "3 quai Saint-Antoine", "69002 Lyon"],
        recipient_email="compta@rhone.example.fr",
        sender_lines=["Atelier Numérique SAS", "12 rue du Sentier", "75002 Paris"],
        reference="DOS-2025-001",
        today=TODAY,
    )


def test_the_local_sender_records_the_letter_and_simulates_its_presentation() -> None:
    store = InMemoryDocumentStore()
    receipt = _send(LocalPostalSender(store, first_presentation_days=2))
    assert receipt.channel == "lrar" and receipt.provider == "local"
    assert receipt.tracking_number.startswith("1A") and len(receipt.tracking_number) == 13
    assert (receipt.sent_on, receipt.first_presented_on) == (TODAY, dt.date(2025, 4, 2))
    assert receipt.proof_key == f"claims/clm-1/postal/{receipt.tracking_number}.json"
    record = json.loads(store.objects[receipt.proof_key].content)
    assert record["simulated"] is True and record["first_presented_on"] == "2025-04-02"
    assert store.objects[record["pdf_key"]] == StoredObject(b"%PDF-1.7 letter", "application/pdf")


def test_the_same_letter_gets_the_same_tracking_number_and_another_letter_another() -> None:
    store = InMemoryDocumentStore()
    sender = LocalPostalSender(store)
    first, again, other = _send(sender), _send(sender), _send(sender, b"%PDF-1.7 another letter")
    assert first.tracking_number == again.tracking_number != other.tracking_number
    assert len(store.objects) == 4


def test_the_manual_sender_queues_the_print_and_knows_nothing_yet() -> None:
    store = InMemoryDocumentStore()
    receipt = _send(ManualPostalSender(store))
    assert (receipt.tracking_number, receipt.first_presented_on, receipt.proof_key) == ("", None, None)
    [(key, stored)] = store.objects.items()
    assert key.startswith("claims/clm-1/postal/manual-")
    assert json.loads(stored.content)["status"] == "to_print"


def test_the_simulation_is_refused_outside_the_local_platform() -> None:
    from dataclasses import replace

    from chalicelib.settings import get_settings

    settings = replace(get_settings(), local_mode=False, postal_provider="local")
    with pytest.raises(ValueError, match="local platform"):
        postal_sender(settings, InMemoryDocumentStore())
    assert isinstance(
        postal_sender(replace(settings, postal_provider="manual"), InMemoryDocumentStore()),
        ManualPostalSender,
    )
    with pytest.raises(ValueError, match="POSTAL_PROVIDER"):
        postal_sender(replace(settings, postal_provider="laposte"), InMemoryDocumentStore())
