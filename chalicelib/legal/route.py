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
from dataclasses import dataclass
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
    findings: list[Finding] = []
    reasons: list[str] = []

    def add(code: str, article: str, message: str, level: Level = "info", detail: str | None = None) -> None:
        findings.append(Finding(code, article, message, "route", level, detail))
        if level != "info":
            reasons.append(code)

    debtor = claim.debtor
    status: IpStatus = "admissible"
    alternative: Alternative | None = None
    lawyer_review = extra_review
    declaration_deadline: date | None = None
    relief_deadline: date | None = None
    court_allowed = True

    # --- blocked: collective proceedings, over-indebtedness (rulebook 2.9) ------------------------
    proceedings = debtor.collective_proceedings
    if proceedings is not None:
        status, alternative, court_allowed = "blocked", "declaration_de_creance", False
        add(
            "collective_proceedings_block",
            "C. com. L622-21 ; L631-14 ; L641-3",
            f"Le débiteur est en {PROCEEDING_KINDS[proceedings.kind]} depuis le "
            f"{french_date(proceedings.opened_on)} : toute action en paiement (injonction, mise en demeure "
            "menaçant de poursuites, exécution) est interdite. La créance doit être déclarée au mandataire "
            "judiciaire ou au liquidateur.",
            "blocking",
        )
        if proceedings.published_on is None:
            lawyer_review = True
            add(
                "declaration_deadline_unknown",
                "C. com. R622-24",
                "Date de publication du jugement d'ouverture au BODACC inconnue : le délai de déclaration "
                "de deux mois court à compter de cette publication. Vérifiez le BODACC.",
                "warning",
            )
        else:
            months = DECLARATION_MONTHS
            court_in_metropole = debtor.in_metropolitan_france
            if not claim.creditor.in_metropolitan_france:
                if court_in_metropole:
                    months += DECLARATION_EXTRA_MONTHS_ABROAD
                else:
                    lawyer_review = True
                    add(
                        "declaration_deadline_overseas",
                        "C. com. R622-24",
                        "Procédure ouverte hors de France métropolitaine et créancier non résident en "
                        "métropole : l'allongement du délai de déclaration est à vérifier par un avocat.",
                        "warning",
                    )
            declaration_deadline = add_months(proceedings.published_on, months, settings.FEB29_RULE)
            relief_deadline = add_months(proceedings.published_on, RELIEF_MONTHS, settings.FEB29_RULE)
            add(
                "declaration_deadline",
                "C. com. L622-24 ; R622-24",
                f"Déclarer la créance au plus tard le {french_date(declaration_deadline)} ({months} mois à "
                f"compter de la publication au BODACC du {french_date(proceedings.published_on)}) ; la date "
                "d'envoi fait foi.",
                "info",
            )
            if not is_working_day(declaration_deadline):
                add(
                    "declaration_deadline_not_extended",
                    "C. com. R622-24 (Rulebook 2.9, POLICY)",
                    f"Le délai de déclaration se termine le {french_date(declaration_deadline)}, un samedi, "
                    "un dimanche ou un jour férié : par prudence, il n'est pas reporté au jour ouvrable "
                    "suivant. Déclarez avant.",
                    "warning",
                )
            if claim.as_of > declaration_deadline:
                lawyer_review = True
                alternative = "lawyer"
                add(
                    "declaration_deadline_passed",
                    "C. com. L622-26",
                    "Le délai de déclaration est expiré : seule une demande en relevé de forclusion reste "
                    f"possible, au plus tard le {french_date(relief_deadline)}. Confiez le dossier à un "
                    "avocat.",
                    "warning",
                )
        if any(inv.performance_date > proceedings.opened_on for inv in claim.invoices):
            lawyer_review = True
            add(
                "post_opening_claim",
                "C. com. L622-17",
                "Au moins une créance est née après le jugement d'ouverture : son régime (créance "
                "postérieure) doit être examiné par un avocat.",
                "warning",
            )
    elif debtor.over_indebtedness:
        status, alternative, court_allowed = "blocked", "lawyer", False
        lawyer_review = True
        add(
            "over_indebtedness_block",
            "C. conso. L722-2 ; L722-5",
            "Le dossier de surendettement du débiteur a été déclaré recevable : les procédures d'exécution "
            "sont suspendues et interdites. Le dossier est confié à un avocat.",
            "blocking",
        )

    # --- not admissible (rulebook 2.1-2.2, 2.8) ---------------------------------------------------
    def refuse(alt: Alternative | None) -> None:
        nonlocal status, alternative
        if status != "blocked":
            status = "not_admissible"
            if alternative is None:
                alternative = alt

    in_france = debtor.in_france
    if status != "blocked" and not in_france:
        court_allowed = False
        if debtor.country in EOP_MEMBER_STATES:
            refuse("european_order_for_payment")
            add(
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
            refuse("lawyer")
            add(
                "debtor_abroad_outside_eop",
                "Règl. (CE) n° 1896/2006, art. 2 (Rulebook 2.8)",
                "Débiteur domicilié hors de l'Union européenne ou au Danemark : ni injonction française ni "
                "injonction européenne ; le dossier est confié à un avocat.",
                "blocking",
            )
    not_due = _not_exigible(claim, settings, refuse, findings, reasons)
    if out_of_scope is not None:
        court_allowed = False
        lawyer_review = True
        refuse("lawyer")
        add(out_of_scope.code, out_of_scope.article, out_of_scope.message, "blocking")
    if claim.nature == "carriage_of_goods" and not in_france:
        lawyer_review = True
        add(
            "international_carriage_out_of_scope",
            "C. com. L133-6 (Rulebook 1.1)",
            "Transport avec un débiteur à l'étranger : s'il s'agit d'un transport international (CMR), il "
            "est hors périmètre du moteur. À vérifier par un avocat.",
            "warning",
        )

    barred = prescription is not None and prescription.status == "barred"
    if prescription is not None:
        if barred:
            court_allowed = False
            refuse(None)
            add(
                "ip_refused_time_barred",
                f"{prescription.rule.article} ; CPC 1405",
                "Créance prescrite : aucune injonction de payer ni aucune lettre de relance ne doit être "
                "envoyée.",
                "blocking",
            )
        elif prescription.status == "at_risk":
            lawyer_review = True
            if alternative is None and status == "admissible":
                alternative = "lawyer"
            add(
                "lawyer_review_prescription_at_risk",
                "Rulebook 1.2",
                "Prescription à risque : pas de mise en demeure ni d'injonction automatique ; un avocat "
                "décide.",
                "warning",
            )
        elif prescription.urgent:
            lawyer_review = True
            if alternative is None and status == "admissible":
                alternative = "lawyer"
            add(
                "lawyer_now_prescription_urgent",
                "Cass., 10 juill. 1990, n° 89-13.345 ; CPC 1411",
                f"Fin du délai de prescription le {french_date(prescription.last_day)} : la requête ne "
                "l'interrompt pas et l'ordonnance doit être signifiée avant cette date. Le dossier part "
                "immédiatement chez un avocat plutôt que dans la file des injonctions.",
                "warning",
            )
    else:
        lawyer_review = True

    if claim.disputed:
        lawyer_review = True
        refuse("lawyer")
        add(
            "ip_refused_disputed",
            "CPC 1405 ; CPC 1409",
            "Le débiteur conteste la créance par écrit : elle n'est pas certaine au sens de l'injonction "
            "de payer. Une action ordinaire, par un avocat, est nécessaire.",
            "blocking",
        )
    if claim.nature == "cheque":
        lawyer_review = True
        refuse("lawyer")
        add(
            "cheque_action_not_in_1405",
            "CPC 1405",
            "L'action cambiaire sur un chèque ne figure pas parmi les cas de l'article 1405 ; la créance "
            "sous-jacente (facture) peut en relever. À examiner par un avocat.",
            "blocking",
        )
    if amounts is not None and amounts.total <= 0:
        refuse(None)
        add("nothing_owed", "C. civ. 1342", "Rien n'est plus dû au titre de cette créance.", "blocking")

    if status == "admissible":
        not_barred = prescription is not None and prescription.status == "not_barred"
        add(
            "ip_admissible",
            "CPC 1405 1°" if claim.nature != "bill_of_exchange" else "CPC 1405 2°",
            "Créance d'origine contractuelle ou légale, d'un montant déterminé, certaine, liquide et "
            "exigible, "
            + ("non prescrite, " if not_barred else "")
            + "non contestée, débiteur en France : l'injonction de payer est ouverte (principal et "
            "accessoires légaux ; ni frais de recouvrement, ni indemnité complémentaire)."
            + (
                ""
                if not lawyer_review
                else " Aucune requête automatique : un avocat examine d'abord le dossier."
            ),
        )
        if amounts is not None:
            base = amounts.principal_outstanding + amounts.interest
            if base > LAWYER_MANDATORY_ABOVE:
                add(
                    "lawyer_after_opposition",
                    "CPC 853 ; CPC 760-761",
                    f"Montant supérieur à {french_euros(LAWYER_MANDATORY_ABOVE)} : en cas d'opposition du "
                    "débiteur, la représentation par avocat sera obligatoire.",
                )

    # --- court ------------------------------------------------------------------------------------
    kind = cerfa = name = city = address = None
    confirmed: bool | None = None
    choice = court_kind(claim, settings) if court_allowed else None
    if choice is not None:
        kind, cerfa = choice.kind, CERFA[choice.kind]
        add(
            "competent_court",
            choice.article,
            f"Juge compétent : {COURT_LABELS[choice.kind]} — {choice.reason}. Formulaire Cerfa n° {cerfa} "
            "(version à vérifier sur service-public.fr).",
        )
        if choice.article.startswith("Com. 18 nov. 2020"):
            add(
                "court_option_non_merchant_creditor",
                "Com. 18 nov. 2020, n° 19-19.463",
                "Le créancier non commerçant peut aussi saisir le tribunal judiciaire contre un commerçant.",
            )
        name, city, address, confirmed, court_review = _locate_court(claim, choice.kind, add, settings)
        lawyer_review = lawyer_review or court_review
        if claim.jurisdiction_clause:
            add(
                "jurisdiction_clause_ignored",
                "CPC 1406",
                "La clause attributive de juridiction est réputée non écrite pour l'injonction de payer : "
                "le juge compétent est celui du domicile ou du siège du débiteur.",
            )
        if choice.kind == JUDICIAL:
            add(
                "art_750_1_not_applicable",
                "CPC 750-1 ; Cass. 2e civ., avis, 25 sept. 2025, n° 25-70.013",
                "La tentative préalable de résolution amiable de l'article 750-1 ne s'applique pas à "
                "l'injonction de payer.",
            )

    # --- small claims (rulebook 3.2) --------------------------------------------------------------
    small: bool | None
    if not in_france or status == "blocked" or barred or out_of_scope is not None or not_due:
        small = False
    elif amounts is None:
        small = None
        add(
            "small_claims_unknown",
            "CPCE L125-1 ; R125-1",
            "Éligibilité à la procédure simplifiée de recouvrement des petites créances non déterminée : "
            "les intérêts n'ont pas pu être calculés.",
            "warning",
        )
    else:
        base = amounts.principal_outstanding + amounts.interest
        small = 0 < base <= settings.SMALL_CLAIMS_CEILING
        if small:
            add(
                "small_claims_eligible",
                "CPCE L125-1 ; R125-1",
                f"Principal et intérêts ({french_euros(base)}) n'excèdent pas "
                f"{french_euros(settings.SMALL_CLAIMS_CEILING)} : la procédure simplifiée de recouvrement "
                "des petites créances par commissaire de justice est possible (frais à la charge du "
                "créancier).",
            )

    result = RouteResult(
        injonction_de_payer=status,
        court_kind=kind,
        court_name=name,
        court_city=city,
        court_address=address,
        court_confirmed=confirmed,
        cerfa=cerfa,
        small_claims_eligible=small,
        alternative=alternative,
        declaration_deadline=declaration_deadline,
        relief_deadline=relief_deadline,
        lawyer_review=lawyer_review,
        reasons=tuple(reasons),
    )
    return result, findings


def _not_exigible(
    claim: Claim, settings: Settings, refuse: Any, findings: list[Finding], reasons: list[str]
) -> bool:
    """Rulebook 2.1-2.2: an invoice not yet due (or dated after ``as_of``) is not exigible; the injonction
    is refused with one blocking finding per such invoice. True when there is one."""
    items = not_due_invoices(claim, settings)
    if not items:
        return False
    refuse(None)
    for finding in exigibility_findings(items, claim.as_of):
        findings.append(finding)
        reasons.append(finding.code)
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
