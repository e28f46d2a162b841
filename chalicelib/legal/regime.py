"""Which rules govern a claim: prescription regime, interest regime, or out of the engine's scope.

Rulebook 1.1 (durations and starting points by nature and parties) and 5 (B2B penalties vs legal
interest). Claims the rulebook puts out of scope (public-sector debtors, consumer credit…) are not
computed: the engine says so in a finding and routes them to a lawyer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.legal.dates import Duration
from chalicelib.legal.findings import Finding
from chalicelib.legal.model import Claim

StartRule = Literal["performance_or_due", "due_date", "delivery", "cheque_presentation_end"]
InterestRegime = Literal["b2b_penalties", "legal_interest"]


@dataclass(frozen=True, slots=True)
class PrescriptionRule:
    code: str
    article: str
    duration: Duration
    start: StartRule
    label: str  # French, printed in findings


@dataclass(frozen=True, slots=True)
class OutOfScope:
    code: str
    article: str
    message: str


COMMERCIAL = PrescriptionRule(
    "commercial_5_years",
    "C. com. L110-4 I",
    Duration(years=5),
    "performance_or_due",
    "prescription commerciale de 5 ans",
)
CIVIL = PrescriptionRule(
    "civil_5_years", "C. civ. 2224", Duration(years=5), "performance_or_due", "prescription civile de 5 ans"
)
CONSUMER = PrescriptionRule(
    "consumer_2_years",
    "C. conso. L218-2",
    Duration(years=2),
    "performance_or_due",
    "prescription biennale des créances d'un professionnel contre un consommateur",
)
CARRIAGE = PrescriptionRule(
    "carriage_1_year",
    "C. com. L133-6 al. 2",
    Duration(years=1),
    "delivery",
    "prescription d'un an du contrat de transport (à compter de la livraison)",
)
RENT = PrescriptionRule(
    "residential_lease_3_years",
    "Loi n° 89-462 du 6 juill. 1989, art. 7-1",
    Duration(years=3),
    "due_date",
    "prescription de 3 ans du bail d'habitation (chaque échéance de loyer)",
)
CHEQUE = PrescriptionRule(
    "cheque_6_months",
    "C. mon. fin. L131-59 al. 1",
    Duration(months=6),
    "cheque_presentation_end",
    "prescription de 6 mois de l'action cambiaire du porteur (fin du délai de présentation)",
)
BILL = PrescriptionRule(
    "bill_of_exchange_3_years",
    "C. com. L511-78 al. 1",
    Duration(years=3),
    "due_date",
    "prescription de 3 ans contre l'accepteur (à compter de l'échéance)",
)


def out_of_scope(claim: Claim) -> OutOfScope | None:
    """Claims the rulebook excludes (rulebook 1.1 "Out of scope"): flag and route to a lawyer."""
    if "public_entity" in (claim.debtor.category, claim.creditor.category):
        return OutOfScope(
            "out_of_scope_public_entity",
            "Rulebook 1.1 (hors périmètre)",
            "Créance impliquant une personne publique : règles propres (commande publique, déchéance) non "
            "couvertes par le moteur. Confiez le dossier à un avocat.",
        )
    if claim.nature == "loan" and claim.creditor.is_professional and claim.debtor.acts_as_consumer:
        return OutOfScope(
            "out_of_scope_consumer_credit",
            "C. conso. R312-35 (forclusion de 2 ans)",
            "Prêt consenti par un professionnel à un consommateur : crédit à la consommation (forclusion "
            "biennale), hors périmètre du moteur. Confiez le dossier à un avocat.",
        )
    return None


def _is_merchant_party(claim: Claim) -> bool:
    """A merchant acting for his trade (L110-4: "à l'occasion de leur commerce"); not one buying privately."""
    return any(p.category == "commercant" and not p.private_purpose for p in (claim.creditor, claim.debtor))


def prescription_rule(claim: Claim) -> PrescriptionRule:
    """Rulebook 1.1: the duration and starting-point rule for the claim's nature and parties."""
    nature = claim.nature
    if nature == "carriage_of_goods":
        return CARRIAGE
    if nature == "residential_rent":
        return RENT
    if nature == "cheque":
        return CHEQUE
    if nature == "bill_of_exchange":
        return BILL
    if nature == "loan":
        # Exigibility of a loan is its repayment date (C. civ. 2224, 2233): both readings start there.
        base = COMMERCIAL if _is_merchant_party(claim) else CIVIL
        return PrescriptionRule(base.code, base.article, base.duration, "due_date", base.label)
    # sale_or_service
    if claim.creditor.is_professional and claim.debtor.acts_as_consumer:
        return CONSUMER
    if claim.debtor.category == "non_professional_legal_person":
        return CIVIL  # L218-2 does not apply to non-professionals (Civ. 3e, 17 févr. 2022, n° 21-19.829)
    if _is_merchant_party(claim):
        return COMMERCIAL
    return CIVIL


def interest_regime(claim: Claim) -> InterestRegime:
    """Rulebook 5: L441-10 penalties between professionals for goods and services, else legal interest."""
    if (
        claim.nature in ("sale_or_service", "carriage_of_goods")
        and claim.creditor.is_professional
        and claim.debtor.is_professional
    ):
        return "b2b_penalties"
    return "legal_interest"


def purpose_findings(claim: Claim) -> list[Finding]:
    """Rulebook 1.1 "Who is a consumer": a trader, craftsman or liberal professional who bought for private
    purposes is treated as a consumer (L218-2, legal interest, no 40 €, civil court); say so."""
    debtor = claim.debtor
    if not debtor.private_purpose:
        return []
    return [
        Finding(
            "debtor_private_purpose",
            "C. conso. article liminaire ; L218-2 ; C. com. L441-10 II",
            "Le débiteur, personne physique exerçant une activité professionnelle, a agi à des fins "
            "privées : il est traité comme un consommateur — prescription de deux ans (C. conso. L218-2) "
            "pour une vente ou une prestation d'un professionnel, intérêts au taux légal à compter de la "
            "mise en demeure, ni pénalités commerciales ni indemnité forfaitaire de 40 €, juridiction "
            "civile.",
            "prescription",
        )
    ]
