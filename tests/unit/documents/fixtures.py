"""Invented but valid identities for the shared legal cases 01, 05, 08, 11 and 22.

Beside companies: creditors who are natural persons (a private lender, an artisan in his own name) and
variants of a case (another creditor, another nature of claim) built by :func:`make_context`.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from chalicelib.documents.context import Address, DocumentContext, Party, SendingService, build_context
from chalicelib.domain.accounts import CreditorProfile, PostalAddress
from chalicelib.domain.fee_invoices import FeeInvoice, buyer_of, payment_invoice
from chalicelib.domain.payments import PaymentStep
from chalicelib.legal.assess import assess
from chalicelib.services.invoices import seller_party
from chalicelib.settings import Seller

CASES_DIR = Path(__file__).resolve().parents[4] / "shared" / "legal" / "cases"
CASES = {
    "b2b": "01-b2b-basic",
    "b2b_three_invoices": "05-b2b-three-invoices-clause-ignored",
    "b2c": "08-b2c-basic",
    "b2c_payment": "11-b2c-partial-payment-interrupts",
    "individual_loan": "22-individual-loan-acknowledged",
}

SERVICE = SendingService(
    name="Recouvra",
    address="10 rue de la Paix, 75002 Paris",
    website="recouvra.example.fr",
    privacy_contact="dpo@recouvra.example.fr",
)


def _company(name: str, form: str, street: str, postal: str, city: str, **kw: Any) -> Party:
    return Party(
        name=name, legal_form=form, address=Address(street, postal, city), category="commercant", **kw
    )


CREDITORS = {
    "Atelier Numérique SAS": _company(
        "Atelier Numérique SAS",
        "société par actions simplifiée",
        "12 rue du Sentier",
        "75002",
        "Paris",
        siren="732829320",
        siret="73282932000074",
        rcs_city="Paris",
        share_capital=Decimal("10000"),
        representative="sa présidente, Mme Claire Morel",
        signatory_name="Claire Morel",
        signatory_title="Présidente",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPPXXX",
        bank_name="Crédit Agricole",
        email="compta@atelier-numerique.example.fr",
    ),
    "Plomberie Martin SARL": _company(
        "Plomberie Martin SARL",
        "société à responsabilité limitée",
        "5 rue Crébillon",
        "44000",
        "Nantes",
        siren="542051180",
        rcs_city="Nantes",
        share_capital=Decimal("7500"),
        representative="son gérant, M. Paul Martin",
        signatory_name="Paul Martin",
        signatory_title="Gérant",
        iban="FR1420041010050500013M02606",
        bic="PSSTFRPPNTE",
        email="contact@plomberie-martin.example.fr",
    ),
    "Jardins Petit SARL": _company(
        "Jardins Petit SARL",
        "société à responsabilité limitée",
        "8 rue de la République",
        "13001",
        "Marseille",
        siren="552100554",
        rcs_city="Marseille",
        representative="sa gérante, Mme Inès Petit",
        signatory_name="Inès Petit",
        signatory_title="Gérante",
        iban="FR7630004000031234567890143",
        bic="BNPAFRPPXXX",
    ),
}

# Natural persons: what CPC 54 requires of a claimant who is one (names, profession, domicile,
# nationality, date and place of birth); an artisan in his own name has a SIREN but no RCS registration.
CREDITORS |= {
    "Sophie Lambert": Party(
        name="Sophie Lambert",
        kind="natural_person",
        title="Mme",
        category="consumer",
        address=Address("5 rue des Filatiers", "31000", "Toulouse"),
        profession="professeure des écoles",
        nationality="française",
        birth_date=dt.date(1978, 4, 12),
        birth_place="Albi (Tarn)",
        iban="FR7630001007941234567890185",
        email="sophie.lambert@example.fr",
    ),
    "Julien Faure": Party(
        name="Julien Faure",
        kind="natural_person",
        title="M.",
        category="artisan",
        address=Address("17 rue de la Bastille", "44000", "Nantes"),
        profession="plombier-chauffagiste, entrepreneur individuel",
        nationality="française",
        birth_date=dt.date(1985, 9, 1),
        birth_place="Saint-Nazaire (Loire-Atlantique)",
        siren="812345601",
        iban="FR7610278360191234567890107",
        bic="CMCIFR2A",
        email="julien.faure@example.fr",
    ),
}

DEBTORS = {
    "Rhône Distribution SARL": _company(
        "Rhône Distribution SARL",
        "SARL",
        "24 quai Saint-Antoine",
        "69002",
        "Lyon",
        siren="443061841",
        rcs_city="Lyon",
        representative="son gérant",
    ),
    "Aquitaine Logistique SAS": _company(
        "Aquitaine Logistique SAS",
        "SAS",
        "3 quai de Brazza",
        "33300",
        "Bordeaux",
        siren="383474814",
        rcs_city="Bordeaux",
        representative="son président",
    ),
    "Jean Dupont": Party(
        name="Jean Dupont",
        kind="natural_person",
        title="M.",
        category="consumer",
        address=Address("14 rue des Olivettes", "44100", "Nantes"),
    ),
    "Luc Fabre": Party(
        name="Luc Fabre",
        kind="natural_person",
        title="M.",
        category="consumer",
        address=Address("27 boulevard Chave", "13005", "Marseille"),
    ),
    "Marc Rousseau": Party(
        name="Marc Rousseau",
        kind="natural_person",
        title="M.",
        category="consumer",
        address=Address("40 avenue de Lombez", "31300", "Toulouse"),
    ),
}


def case_input(key: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES_DIR / f"{CASES[key]}.json").read_text(encoding="utf-8"))["input"]
    return data


def make_context(
    key: str,
    *,
    creditor: str | None = None,
    nature: str | None = None,
    contractual_rate: str | None = None,
    invoice_object: str = "Développement et maintenance du site web",
    contract_ref: str | None = "Devis D-2024-118 accepté",
    contract_title: str | None = "Devis n° D-2024-118 accepté et conditions générales de vente",
) -> DocumentContext:
    """The documents' context of a shared case, optionally with another creditor (one of ``CREDITORS``,
    its category passed to the legal engine too) or another nature of claim (``residential_rent``…)."""
    claim = case_input(key)
    if creditor is not None:
        claim["creditor"] = claim["creditor"] | {"name": creditor, "category": CREDITORS[creditor].category}
    if nature is not None:
        claim["claim"] = claim["claim"] | {"nature": nature}
    if contractual_rate is not None:
        claim["claim"] = claim["claim"] | {"contractual_rate": contractual_rate}
    assessment = assess(claim)
    details = {
        inv["number"]: {"object": invoice_object, **({"contract_ref": contract_ref} if contract_ref else {})}
        for inv in claim["invoices"]
    }
    return build_context(
        claim,
        assessment,
        claim_id=f"CLM-{CASES[key][:2]}",
        creditor=CREDITORS[claim["creditor"]["name"]],
        debtor=DEBTORS[claim["debtor"]["name"]],
        sending_service=SERVICE,
        invoice_details=details,
        contract_title=contract_title,
        generated_at=dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC),
    )


# --- the platform's fee invoice ---------------------------------------------------------------------------
SELLER = Seller(
    legal_name="Recouvrement Conseil SAS",
    legal_form="société par actions simplifiée",
    siren="732829320",
    vat_number="FR44732829320",
    address="8 rue de la République, 69002 Lyon",
    email="facturation@recouvrement.example.fr",
    phone="04 00 00 00 00",
    share_capital="50 000 €",
    rcs="RCS Lyon",
)
BUYER = CreditorProfile(
    legal_name="Atelier Numérique SARL",
    category="commercant",
    legal_form="SARL",
    siren="552100554",
    address=PostalAddress(line1="3 quai Saint-Antoine", postal_code="69002", city="Lyon"),
)
PAID_AT = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC)


def fee_invoice(
    seller: Seller = SELLER, *, step: PaymentStep = PaymentStep.NOTICE, cents: int = 2900
) -> FeeInvoice:
    """A fee invoice numbered 12: what a payment of ``cents`` for ``step`` owes, sold by ``seller``."""
    return payment_invoice(
        claim_id="clm-123",
        creditor_id="user-1",
        reference="F-2026-041",
        debtor_name="Bâtiments Durand SAS",
        step=step,
        ttc_cents=cents,
        vat_rate_percent=20,
        seller=seller_party(seller),
        buyer=buyer_of(BUYER, email="claire@atelier-numerique.fr"),
        paid_at=PAID_AT,
        paid_on=PAID_AT.date(),
        payment_method="card",
        payment_intent="pi_123",
        session_id="cs_123",
    ).numbered(12)
