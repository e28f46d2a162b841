"""Admissibility of the injonction de payer (rulebook 1.2, 2.1-2.2, 2.8-2.9): blocked, refused or open?

Each section of the route is one rule over a :class:`RouteState`, the accumulator of findings and flags
that :func:`chalicelib.legal.route.decide_route` runs in a fixed order: collective proceedings or
over-indebtedness block; a debtor abroad, an invoice not yet due or a claim out of scope make it not
admissible; the prescription, a dispute or a cheque send it to a lawyer; otherwise it is open.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Literal

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


def is_working_day(day: date) -> bool:
    """Not a Saturday, a Sunday or a French national public holiday (``holidays`` loaded lazily)."""
    return day.weekday() < 5 and day not in _french_holidays(day.year)


@cache
def _french_holidays(year: int) -> Container[date]:
    import holidays  # heavy import, only needed for a déclaration de créance deadline

    days: Container[date] = holidays.country_holidays("FR", years=year)
    return days


@dataclass(slots=True)
class RouteState:
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


def blocked_by_proceedings(route: RouteState, claim: Claim, settings: Settings) -> None:
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


def _declaration_months(route: RouteState, claim: Claim) -> int:
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


def _declaration_deadlines(route: RouteState, claim: Claim, published_on: date, settings: Settings) -> None:
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


def not_admissible(
    route: RouteState, claim: Claim, out_of_scope: OutOfScope | None, settings: Settings
) -> bool:
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


def _debtor_abroad(route: RouteState, claim: Claim) -> None:
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


def prescription_route(route: RouteState, prescription: PrescriptionResult | None) -> bool:
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


def dispute_and_cheque(route: RouteState, claim: Claim, amounts: AmountsResult | None) -> None:
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


def admissible(
    route: RouteState, claim: Claim, prescription: PrescriptionResult | None, amounts: AmountsResult | None
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


def _not_exigible(route: RouteState, claim: Claim, settings: Settings) -> bool:
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
