"""Route (rulebook 2-3): is the injonction de payer open, before which court, or what instead?

``injonction_de_payer`` is ``admissible`` when every condition of CPC 1405-1406 and rulebook 2 holds,
``not_admissible`` when one fails (time-barred, disputed, debtor abroad…), ``blocked`` when collective
proceedings or an over-indebtedness file prohibit any action. The competent court's *kind* (and Cerfa)
follows the parties (rulebook 2.3); its *city* comes from the debtor's address through
:mod:`chalicelib.legal.courts`.
"""

from __future__ import annotations

import importlib
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from types import ModuleType
from typing import Any, Literal

from chalicelib.legal.amounts import AmountsResult
from chalicelib.legal.dates import add_months, french_date
from chalicelib.legal.exigibility import exigibility_findings, not_due_invoices
from chalicelib.legal.findings import Finding, Level
from chalicelib.legal.model import PROCEEDING_KINDS, Claim
from chalicelib.legal.money import french_euros
from chalicelib.legal.prescription import PrescriptionResult
from chalicelib.legal.regime import OutOfScope
from chalicelib.legal.settings import Settings

IpStatus = Literal["admissible", "not_admissible", "blocked"]
Alternative = Literal["european_order_for_payment", "declaration_de_creance", "lawyer"]

COMMERCIAL = "tribunal_de_commerce"
JUDICIAL = "tribunal_judiciaire"
PROTECTION = "juge_des_contentieux_de_la_protection"
CERFA = {COMMERCIAL: "12946", JUDICIAL: "12948", PROTECTION: "16040"}
COURT_LABELS = {
    COMMERCIAL: "président du tribunal de commerce (ou du tribunal des activités économiques)",
    JUDICIAL: "président du tribunal judiciaire",
    PROTECTION: "juge des contentieux de la protection",
}
# Reg. (EC) 1896/2006 applies in every Member State except Denmark (rulebook 2.8).
EOP_MEMBER_STATES = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "EE", "FI", "DE", "GR", "EL", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip
DECLARATION_MONTHS = 2  # C. com. R622-24
DECLARATION_EXTRA_MONTHS_ABROAD = 2  # R622-24: creditors not residing in metropolitan France
RELIEF_MONTHS = 6  # C. com. L622-26
LAWYER_MANDATORY_ABOVE = Decimal("10000.00")  # CPC 853 / 760-761, after opposition


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


def is_working_day(day: date) -> bool:
    """Not a Saturday, a Sunday or a French national public holiday (``holidays`` loaded lazily)."""
    return day.weekday() < 5 and day not in _french_holidays(day.year)


@cache
def _french_holidays(year: int) -> Container[date]:
    import holidays  # heavy import, only needed for a déclaration de créance deadline

    days: Container[date] = holidays.country_holidays("FR", years=year)
    return days


@cache
def _courts_module() -> ModuleType | None:
    """The court look-up (chalicelib.legal.courts), or None if it is not installed."""
    try:
        return importlib.import_module("chalicelib.legal.courts")
    except ImportError:
        return None


@dataclass(slots=True)
class _Route:
    """What the route sections accumulate: the findings (with the codes that are reasons) and the flags."""

    findings: list[Finding] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    status: IpStatus = "admissible"
    alternative: Alternative | None = None
    lawyer_review: bool = False
    declaration_deadline: date | None = None
    relief_deadline: date | None = None
    court_allowed: bool = True

    def add(
        self, code: str, article: str, message: str, level: Level = "info", detail: str | None = None
    ) -> None:
        self.findings.append(Finding(code, article, message, "route", level, detail))
        if level != "info":
            self.reasons.append(code)

    def refuse(self, alt: Alternative | None) -> None:
        """Not admissible (unless already blocked); the first alternative given wins."""
        if self.status != "blocked":
            self.status = "not_admissible"
            if self.alternative is None:
                self.alternative = alt

    def suggest_lawyer(self) -> None:
        """A lawyer's review, and the lawyer as alternative while the injonction is still open."""
        self.lawyer_review = True
        if self.alternative is None and self.status == "admissible":
            self.alternative = "lawyer"


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
    route = _Route(lawyer_review=extra_review)
    _blocked_by_proceedings(route, claim, settings)
    not_due = _not_admissible(route, claim, out_of_scope, settings)
    barred = _prescription_route(route, prescription)
    _dispute_and_cheque(route, claim, amounts)
    _admissible(route, claim, prescription, amounts)
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


def _blocked_by_proceedings(route: _Route, claim: Claim, settings: Settings) -> None:
    """Rulebook 2.9: collective proceedings or an admissible over-indebtedness file block any action."""
    debtor = claim.debtor
    proceedings = debtor.collective_proceedings
    if proceedings is not None:
        route.status, route.alternative, route.court_allowed = "blocked", "declaration_de_creance", False
        route.add(
            "collective_proceedings_block",
            "C. com. L622-21 ; L631-14 ; L641-3",
            f"Le débiteur est en {PROCEEDING_KINDS[proceedings.kind]} depuis le "
            f"{french_date(proceedings.opened_on)} : toute action en paiement (injonction, mise en demeure "
            "menaçant de poursuites, exécution) est interdite. La créance doit être déclarée au mandataire "
            "judiciaire ou au liquidateur.",
            "blocking",
        )
        if proceedings.published_on is None:
            route.lawyer_review = True
            route.add(
                "declaration_deadline_unknown",
                "C. com. R622-24",
                "Date de publication du jugement d'ouverture au BODACC inconnue : le délai de déclaration "
                "de deux mois court à compter de cette publication. Vérifiez le BODACC.",
                "warning",
            )
        else:
            _declaration_deadlines(route, claim, proceedings.published_on, settings)
        if any(inv.performance_date > proceedings.opened_on for inv in claim.invoices):
            route.lawyer_review = True
            route.add(
                "post_opening_claim",
                "C. com. L622-17",
                "Au moins une créance est née après le jugement d'ouverture : son régime (créance "
                "postérieure) doit être examiné par un avocat.",
                "warning",
            )
    elif debtor.over_indebtedness:
        route.status, route.alternative, route.court_allowed = "blocked", "lawyer", False
        route.lawyer_review = True
        route.add(
            "over_indebtedness_block",
            "C. conso. L722-2 ; L722-5",
            "Le dossier de surendettement du débiteur a été déclaré recevable : les procédures d'exécution "
            "sont suspendues et interdites. Le dossier est confié à un avocat.",
            "blocking",
        )


def _declaration_months(route: _Route, claim: Claim) -> int:
    """C. com. R622-24: two months, two more for a creditor outside metropolitan France."""
    months = DECLARATION_MONTHS
    if not claim.creditor.in_metropolitan_france:
        if claim.debtor.in_metropolitan_france:
            months += DECLARATION_EXTRA_MONTHS_ABROAD
        else:
            route.lawyer_review = True
            route.add(
                "declaration_deadline_overseas",
                "C. com. R622-24",
                "Procédure ouverte hors de France métropolitaine et créancier non résident en "
                "métropole : l'allongement du délai de déclaration est à vérifier par un avocat.",
                "warning",
            )
    return months


def _declaration_deadlines(route: _Route, claim: Claim, published_on: date, settings: Settings) -> None:
    """The déclaration de créance and relevé de forclusion deadlines (C. com. L622-24, L622-26)."""
    months = _declaration_months(route, claim)
    declaration_deadline = add_months(published_on, months, settings.FEB29_RULE)
    relief_deadline = add_months(published_on, RELIEF_MONTHS, settings.FEB29_RULE)
    route.declaration_deadline, route.relief_deadline = declaration_deadline, relief_deadline
    route.add(
        "declaration_deadline",
        "C. com. L622-24 ; R622-24",
        f"Déclarer la créance au plus tard le {french_date(declaration_deadline)} ({months} mois à "
        f"compter de la publication au BODACC du {french_date(published_on)}) ; la date "
        "d'envoi fait foi.",
        "info",
    )
    if not is_working_day(declaration_deadline):
        route.add(
            "declaration_deadline_not_extended",
            "C. com. R622-24 (Rulebook 2.9, POLICY)",
            f"Le délai de déclaration se termine le {french_date(declaration_deadline)}, un samedi, "
            "un dimanche ou un jour férié : par prudence, il n'est pas reporté au jour ouvrable "
            "suivant. Déclarez avant.",
            "warning",
        )
    if claim.as_of > declaration_deadline:
        route.lawyer_review = True
        route.alternative = "lawyer"
        route.add(
            "declaration_deadline_passed",
            "C. com. L622-26",
            "Le délai de déclaration est expiré : seule une demande en relevé de forclusion reste "
            f"possible, au plus tard le {french_date(relief_deadline)}. Confiez le dossier à un "
            "avocat.",
            "warning",
        )


def _not_admissible(route: _Route, claim: Claim, out_of_scope: OutOfScope | None, settings: Settings) -> bool:
    """Rulebook 2.1-2.2, 2.8: debtor abroad, invoice not due, claim out of scope. True when not due."""
    debtor = claim.debtor
    if route.status != "blocked" and not debtor.in_france:
        _debtor_abroad(route, claim)
    not_due = _not_exigible(route, claim, settings)
    if out_of_scope is not None:
        route.court_allowed = False
        route.lawyer_review = True
        route.refuse("lawyer")
        route.add(out_of_scope.code, out_of_scope.article, out_of_scope.message, "blocking")
    if claim.nature == "carriage_of_goods" and not debtor.in_france:
        route.lawyer_review = True
        route.add(
            "international_carriage_out_of_scope",
            "C. com. L133-6 (Rulebook 1.1)",
            "Transport avec un débiteur à l'étranger : s'il s'agit d'un transport international (CMR), il "
            "est hors périmètre du moteur. À vérifier par un avocat.",
            "warning",
        )
    return not_due


def _debtor_abroad(route: _Route, claim: Claim) -> None:
    """Rulebook 2.8: no French injonction; the European order for payment inside the EU (not Denmark)."""
    debtor = claim.debtor
    route.court_allowed = False
    if debtor.country in EOP_MEMBER_STATES:
        route.refuse("european_order_for_payment")
        route.add(
            "debtor_abroad_eu",
            "Règl. (CE) n° 1896/2006 ; Règl. (UE) n° 1215/2012",
            "Débiteur domicilié dans un autre État membre : pas d'injonction de payer française, mais "
            "une injonction de payer européenne (formulaire A), par l'intermédiaire d'un avocat."
            + (
                " Un consommateur ne peut être poursuivi que dans l'État de son domicile."
                if debtor.acts_as_consumer
                else ""
            ),
            "blocking",
        )
    else:
        route.refuse("lawyer")
        route.add(
            "debtor_abroad_outside_eop",
            "Règl. (CE) n° 1896/2006, art. 2 (Rulebook 2.8)",
            "Débiteur domicilié hors de l'Union européenne ou au Danemark : ni injonction française ni "
            "injonction européenne ; le dossier est confié à un avocat.",
            "blocking",
        )


def _prescription_route(route: _Route, prescription: PrescriptionResult | None) -> bool:
    """Rulebook 1.2: a time-barred claim is refused, one at risk or urgent goes to a lawyer (True: barred)."""
    if prescription is None:
        route.lawyer_review = True
        return False
    if prescription.status == "barred":
        route.court_allowed = False
        route.refuse(None)
        route.add(
            "ip_refused_time_barred",
            f"{prescription.rule.article} ; CPC 1405",
            "Créance prescrite : aucune injonction de payer ni aucune lettre de relance ne doit être "
            "envoyée.",
            "blocking",
        )
        return True
    if prescription.status == "at_risk":
        route.suggest_lawyer()
        route.add(
            "lawyer_review_prescription_at_risk",
            "Rulebook 1.2",
            "Prescription à risque : pas de mise en demeure ni d'injonction automatique ; un avocat décide.",
            "warning",
        )
    elif prescription.urgent:
        route.suggest_lawyer()
        route.add(
            "lawyer_now_prescription_urgent",
            "Cass., 10 juill. 1990, n° 89-13.345 ; CPC 1411",
            f"Fin du délai de prescription le {french_date(prescription.last_day)} : la requête ne "
            "l'interrompt pas et l'ordonnance doit être signifiée avant cette date. Le dossier part "
            "immédiatement chez un avocat plutôt que dans la file des injonctions.",
            "warning",
        )
    return False


def _dispute_and_cheque(route: _Route, claim: Claim, amounts: AmountsResult | None) -> None:
    """CPC 1405: a disputed claim, a cheque action or nothing left owed is not for the injonction."""
    if claim.disputed:
        route.lawyer_review = True
        route.refuse("lawyer")
        route.add(
            "ip_refused_disputed",
            "CPC 1405 ; CPC 1409",
            "Le débiteur conteste la créance par écrit : elle n'est pas certaine au sens de l'injonction "
            "de payer. Une action ordinaire, par un avocat, est nécessaire.",
            "blocking",
        )
    if claim.nature == "cheque":
        route.lawyer_review = True
        route.refuse("lawyer")
        route.add(
            "cheque_action_not_in_1405",
            "CPC 1405",
            "L'action cambiaire sur un chèque ne figure pas parmi les cas de l'article 1405 ; la créance "
            "sous-jacente (facture) peut en relever. À examiner par un avocat.",
            "blocking",
        )
    if amounts is not None and amounts.total <= 0:
        route.refuse(None)
        route.add("nothing_owed", "C. civ. 1342", "Rien n'est plus dû au titre de cette créance.", "blocking")


def _admissible(
    route: _Route, claim: Claim, prescription: PrescriptionResult | None, amounts: AmountsResult | None
) -> None:
    """CPC 1405: the injonction is open when nothing above refused it."""
    if route.status != "admissible":
        return
    not_barred = prescription is not None and prescription.status == "not_barred"
    route.add(
        "ip_admissible",
        "CPC 1405 1°" if claim.nature != "bill_of_exchange" else "CPC 1405 2°",
        "Créance d'origine contractuelle ou légale, d'un montant déterminé, certaine, liquide et "
        "exigible, "
        + ("non prescrite, " if not_barred else "")
        + "non contestée, débiteur en France : l'injonction de payer est ouverte (principal et "
        "accessoires légaux ; ni frais de recouvrement, ni indemnité complémentaire)."
        + (
            ""
            if not route.lawyer_review
            else " Aucune requête automatique : un avocat examine d'abord le dossier."
        ),
    )
    if amounts is not None:
        base = amounts.principal_outstanding + amounts.interest
        if base > LAWYER_MANDATORY_ABOVE:
            route.add(
                "lawyer_after_opposition",
                "CPC 853 ; CPC 760-761",
                f"Montant supérieur à {french_euros(LAWYER_MANDATORY_ABOVE)} : en cas d'opposition du "
                "débiteur, la représentation par avocat sera obligatoire.",
            )


@dataclass(frozen=True, slots=True)
class _Court:
    kind: str | None = None
    cerfa: str | None = None
    name: str | None = None
    city: str | None = None
    address: str | None = None
    confirmed: bool | None = None


def _court(route: _Route, claim: Claim, settings: Settings) -> _Court:
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
    route: _Route, amounts: AmountsResult | None, settings: Settings, excluded: bool
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


def _not_exigible(route: _Route, claim: Claim, settings: Settings) -> bool:
    """Rulebook 2.1-2.2: an invoice not yet due (or dated after ``as_of``) is not exigible; the injonction
    is refused with one blocking finding per such invoice. True when there is one."""
    items = not_due_invoices(claim, settings)
    if not items:
        return False
    route.refuse(None)
    for finding in exigibility_findings(items, claim.as_of):
        route.findings.append(finding)
        route.reasons.append(finding.code)
    return True


def _locate_court(
    claim: Claim, kind: str, add: Any, settings: Settings
) -> tuple[str | None, str | None, str | None, bool | None, bool]:
    """Territorial competence (CPC 1406): the court of the debtor's domicile or seat."""
    courts = _courts_module()
    debtor = claim.debtor
    if courts is None:
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
        court = courts.find_court(
            kind, debtor.postal_code, debtor.city, debtor.country, protection_seat=settings.JCP_SEAT
        )
    except courts.CourtNotFound as missing:
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
