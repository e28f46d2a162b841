"""Route (rulebook 2-3): is the injonction de payer open, before which court, or what instead?

``injonction_de_payer`` is ``admissible`` when every condition of CPC 1405-1406 and rulebook 2 holds,
``not_admissible`` when one fails (time-barred, disputed, debtor abroad…), ``blocked`` when collective
proceedings or an over-indebtedness file prohibit any action. The competent court's *kind* (and Cerfa)
follows the parties (rulebook 2.3); its *city* comes from the debtor's address through
:mod:`chalicelib.legal.courts`. The admissibility rules live in :mod:`chalicelib.legal.admissibility`;
this module runs them in order, then the court and small-claims sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.legal import courts
from chalicelib.legal.admissibility import (
    DECLARATION_EXTRA_MONTHS_ABROAD,
    DECLARATION_MONTHS,
    EOP_MEMBER_STATES,
    LAWYER_MANDATORY_ABOVE,
    RELIEF_MONTHS,
    Alternative,
    IpStatus,
    RouteState,
    admissible,
    blocked_by_proceedings,
    dispute_and_cheque,
    is_working_day,
    not_admissible,
    prescription_route,
)
from chalicelib.legal.amounts import AmountsResult
from chalicelib.legal.courts import Court
from chalicelib.legal.findings import Finding
from chalicelib.legal.model import Claim
from chalicelib.legal.money import french_euros
from chalicelib.legal.prescription import PrescriptionResult
from chalicelib.legal.regime import OutOfScope
from chalicelib.legal.settings import Settings

# Re-exported from admissibility: they were defined here before issue 19.
__all__ = [
    "DECLARATION_EXTRA_MONTHS_ABROAD",
    "DECLARATION_MONTHS",
    "EOP_MEMBER_STATES",
    "LAWYER_MANDATORY_ABOVE",
    "RELIEF_MONTHS",
    "Alternative",
    "CourtChoice",
    "IpStatus",
    "RouteResult",
    "court_kind",
    "decide_route",
    "is_working_day",
]

COMMERCIAL = "tribunal_de_commerce"
JUDICIAL = "tribunal_judiciaire"
PROTECTION = "juge_des_contentieux_de_la_protection"
CERFA = {COMMERCIAL: "12946", JUDICIAL: "12948", PROTECTION: "16040"}
COURT_LABELS = {
    COMMERCIAL: "président du tribunal de commerce (ou du tribunal des activités économiques)",
    JUDICIAL: "président du tribunal judiciaire",
    PROTECTION: "juge des contentieux de la protection",
}


@dataclass(frozen=True, slots=True)
class CourtChoice:
    kind: str
    article: str
    reason: str


@dataclass(frozen=True, slots=True)
class RouteResult:
    injonction_de_payer: IpStatus
    court_kind: str | None
    court_name: str | None
    court_city: str | None
    court_address: str | None
    court_confirmed: bool | None
    cerfa: str | None
    small_claims_eligible: bool | None
    alternative: Alternative | None
    declaration_deadline: date | None
    relief_deadline: date | None
    lawyer_review: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "injonction_de_payer": self.injonction_de_payer,
            "court_kind": self.court_kind,
            "court_name": self.court_name,
            "court_city": self.court_city,
            "court_address": self.court_address,
            "court_confirmed": self.court_confirmed,
            "cerfa": self.cerfa,
            "small_claims_eligible": self.small_claims_eligible,
            "alternative": self.alternative,
            "declaration_deadline": self.declaration_deadline.isoformat()
            if self.declaration_deadline
            else None,
            "relief_deadline": self.relief_deadline.isoformat() if self.relief_deadline else None,
            "lawyer_review": self.lawyer_review,
            "reasons": list(self.reasons),
        }


def court_kind(claim: Claim, settings: Settings) -> CourtChoice | None:
    """Rulebook 2.3, material competence: which judge hears the injonction (None: out of scope)."""
    creditor, debtor = claim.creditor.category, claim.debtor.category
    if "public_entity" in (creditor, debtor):
        return None
    if claim.nature == "residential_rent":
        return CourtChoice(PROTECTION, "CPC 1406", "arriérés de loyers d'un bail d'habitation")
    if claim.nature == "bill_of_exchange":
        return CourtChoice(
            COMMERCIAL, "C. com. L721-3", "la lettre de change est un acte de commerce entre toutes personnes"
        )
    if "sel" in (creditor, debtor):
        return CourtChoice(
            JUDICIAL,
            "C. com. L721-5",
            "une société d'exercice libéral est partie : compétence exclusive des juridictions civiles",
        )
    if claim.debtor.private_purpose:
        return CourtChoice(
            JUDICIAL,
            "CPC 1406 ; C. com. L721-3",
            "débiteur personne physique ayant agi à des fins privées (hors de son activité) : juridiction "
            "civile",
        )
    if debtor in ("commercant", "artisan"):
        if creditor in ("commercant", "artisan"):
            return CourtChoice(
                COMMERCIAL,
                "C. com. L721-3",
                "engagement entre commerçants et/ou artisans (artisans depuis le 1er janvier 2022)",
            )
        if debtor == "commercant":
            return CourtChoice(
                settings.NON_MERCHANT_CREDITOR_COURT,
                "Com. 18 nov. 2020, n° 19-19.463",
                "créancier non commerçant contre un commerçant : option entre tribunal de commerce et "
                "tribunal judiciaire",
            )
    return CourtChoice(
        JUDICIAL,
        "CPC 1406 ; C. com. L721-3",
        "débiteur non commerçant (consommateur, particulier, profession libérale ou personne morale non "
        "professionnelle) : juridiction civile",
    )


@dataclass(frozen=True)
class CourtLookup:
    """How the route finds the court of a place (:mod:`chalicelib.legal.courts`), and what it raises when
    the place has none."""

    find_court: Callable[..., Court]
    not_found: type[Exception]


def _court_lookup() -> CourtLookup | None:
    """The court look-up; None makes the route say it is unavailable (the tests replace this function)."""
    return CourtLookup(courts.find_court, courts.CourtNotFound)


def decide_route(
    claim: Claim,
    prescription: PrescriptionResult | None,
    amounts: AmountsResult | None,
    out_of_scope: OutOfScope | None,
    settings: Settings,
    extra_review: bool = False,
) -> tuple[RouteResult, list[Finding]]:
    """Rulebook 2-3: the route for the claim, with one finding per reason.

    ``prescription`` / ``amounts`` are None when they could not be computed; ``extra_review`` is set when
    another part asks for a lawyer's review.
    """
    route = RouteState(lawyer_review=extra_review)
    blocked_by_proceedings(route, claim, settings)
    not_due = not_admissible(route, claim, out_of_scope, settings)
    barred = prescription_route(route, prescription)
    dispute_and_cheque(route, claim, amounts)
    admissible(route, claim, prescription, amounts)
    court = _court(route, claim, settings)
    excluded = not claim.debtor.in_france or barred or out_of_scope is not None or not_due
    small = _small_claims(route, amounts, settings, excluded)
    result = RouteResult(
        injonction_de_payer=route.status,
        court_kind=court.kind,
        court_name=court.name,
        court_city=court.city,
        court_address=court.address,
        court_confirmed=court.confirmed,
        cerfa=court.cerfa,
        small_claims_eligible=small,
        alternative=route.alternative,
        declaration_deadline=route.declaration_deadline,
        relief_deadline=route.relief_deadline,
        lawyer_review=route.lawyer_review,
        reasons=tuple(route.reasons),
    )
    return result, route.findings


@dataclass(frozen=True, slots=True)
class _Court:
    kind: str | None = None
    cerfa: str | None = None
    name: str | None = None
    city: str | None = None
    address: str | None = None
    confirmed: bool | None = None


def _court(route: RouteState, claim: Claim, settings: Settings) -> _Court:
    """Rulebook 2.3: the competent judge (kind, Cerfa) and the court of the debtor's domicile."""
    choice = court_kind(claim, settings) if route.court_allowed else None
    if choice is None:
        return _Court()
    cerfa = CERFA[choice.kind]
    route.add(
        "competent_court",
        choice.article,
        f"Juge compétent : {COURT_LABELS[choice.kind]} — {choice.reason}. Formulaire Cerfa n° {cerfa} "
        "(version à vérifier sur service-public.fr).",
    )
    if choice.article.startswith("Com. 18 nov. 2020"):
        route.add(
            "court_option_non_merchant_creditor",
            "Com. 18 nov. 2020, n° 19-19.463",
            "Le créancier non commerçant peut aussi saisir le tribunal judiciaire contre un commerçant.",
        )
    name, city, address, confirmed, court_review = _locate_court(claim, choice.kind, route.add, settings)
    route.lawyer_review = route.lawyer_review or court_review
    if claim.jurisdiction_clause:
        route.add(
            "jurisdiction_clause_ignored",
            "CPC 1406",
            "La clause attributive de juridiction est réputée non écrite pour l'injonction de payer : "
            "le juge compétent est celui du domicile ou du siège du débiteur.",
        )
    if choice.kind == JUDICIAL:
        route.add(
            "art_750_1_not_applicable",
            "CPC 750-1 ; Cass. 2e civ., avis, 25 sept. 2025, n° 25-70.013",
            "La tentative préalable de résolution amiable de l'article 750-1 ne s'applique pas à "
            "l'injonction de payer.",
        )
    return _Court(choice.kind, cerfa, name, city, address, confirmed)


def _small_claims(
    route: RouteState, amounts: AmountsResult | None, settings: Settings, excluded: bool
) -> bool | None:
    """Rulebook 3.2: the simplified small-claims procedure (None: unknown, the interest is missing)."""
    if excluded or route.status == "blocked":
        return False
    if amounts is None:
        route.add(
            "small_claims_unknown",
            "CPCE L125-1 ; R125-1",
            "Éligibilité à la procédure simplifiée de recouvrement des petites créances non déterminée : "
            "les intérêts n'ont pas pu être calculés.",
            "warning",
        )
        return None
    base = amounts.principal_outstanding + amounts.interest
    small = 0 < base <= settings.SMALL_CLAIMS_CEILING
    if small:
        route.add(
            "small_claims_eligible",
            "CPCE L125-1 ; R125-1",
            f"Principal et intérêts ({french_euros(base)}) n'excèdent pas "
            f"{french_euros(settings.SMALL_CLAIMS_CEILING)} : la procédure simplifiée de recouvrement "
            "des petites créances par commissaire de justice est possible (frais à la charge du "
            "créancier).",
        )
    return small


def _locate_court(
    claim: Claim, kind: str, add: Any, settings: Settings
) -> tuple[str | None, str | None, str | None, bool | None, bool]:
    """Territorial competence (CPC 1406): the court of the debtor's domicile or seat."""
    lookup = _court_lookup()
    debtor = claim.debtor
    if lookup is None:
        add(
            "court_lookup_unavailable",
            "CPC 1406",
            "Recherche du tribunal indisponible : la ville du tribunal doit être déterminée manuellement "
            "(domicile ou siège du débiteur).",
            "warning",
        )
        return None, None, None, None, True
    if not debtor.postal_code:
        add(
            "court_not_found",
            "CPC 1406",
            "Code postal du débiteur manquant : le tribunal compétent (celui de son domicile ou de son "
            "siège) ne peut pas être déterminé.",
            "warning",
            "debtor.postal_code",
        )
        return None, None, None, None, True
    try:
        court = lookup.find_court(
            kind, debtor.postal_code, debtor.city, debtor.country, protection_seat=settings.JCP_SEAT
        )
    except lookup.not_found as missing:
        add(
            "court_not_found",
            "CPC 1406",
            str(missing),
            "warning",
            f"debtor.{getattr(missing, 'field', 'postal_code')}",
        )
        return None, None, None, None, True
    review = not court.confirmed
    add(
        "court_of_debtor_domicile",
        "CPC 1406",
        f"Juridiction territorialement compétente : {court.name} ({court.city}), lieu du domicile ou du "
        "siège du "
        "débiteur." + ("" if court.confirmed else " Ressort à confirmer par un avocat."),
        "info" if court.confirmed else "warning",
        court.source,
    )
    return court.name, court.city, court.address, court.confirmed, review
