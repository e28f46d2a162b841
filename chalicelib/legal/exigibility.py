"""Exigibility (rulebook 2.1): only a debt whose term has arrived may be claimed.

"Exigible: the term has arrived / condition fulfilled (CPCE L111-2; 2233)" and the injonction de payer is
open only for such a claim (CPC 1405, rulebook 2.2). An invoice whose due date is still ahead on the day
of the assessment (``as_of``), or that is dated — or whose goods or services are dated — after that day,
is not exigible: the engine gives one blocking finding per such invoice, naming it and the day it becomes
claimable, and the route refuses the injonction. A future date is not an input error (the creditor may
simply be early): the finding says what to do in French.

Pure: no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chalicelib.legal.findings import Finding
from chalicelib.legal.model import Claim, Invoice
from chalicelib.legal.regime import interest_regime
from chalicelib.legal.settings import Settings

# C. com. L441-10 I: absent an agreed term, payment is due 30 days after receipt of goods / performance.
STATUTORY_TERM_DAYS = 30

NotDueReason = Literal["dated_after_as_of", "performed_after_as_of", "not_yet_due"]
CODES: dict[NotDueReason, str] = {
    "dated_after_as_of": "invoice_dated_after_assessment",
    "performed_after_as_of": "invoice_performed_after_assessment",
    "not_yet_due": "invoice_not_yet_due",
}
NOT_DUE_CODES = frozenset(CODES.values())
ARTICLE = "CPC 1405 ; CPCE L111-2 ; C. civ. 2233 (Rulebook 2.1)"
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_date(day: date) -> str:
    """``2025-04-19`` → ``19 avril 2025`` (``1er`` for the first day of a month)."""
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class NotDue:
    """An invoice the platform may not claim yet, and the first day it may."""

    invoice: Invoice
    reason: NotDueReason
    due_on: date  # the day payment is owed
    claimable_from: date  # first day a reminder, a notice or a requête may be made

    @property
    def code(self) -> str:
        return CODES[self.reason]


def due_day(claim: Claim, invoice: Invoice) -> date:
    """The day payment of ``invoice`` is owed: the due date printed or agreed; without one, 30 days after
    performance between professionals (C. com. L441-10 I), else the invoice's date (payable on receipt)."""
    if invoice.due_date is not None:
        return invoice.due_date
    if interest_regime(claim) == "b2b_penalties":
        return invoice.performance_date + timedelta(days=STATUTORY_TERM_DAYS)
    return invoice.issue_date


def claimable_from(due_on: date, settings: Settings) -> date:
    """First day the platform acts on a debt owed on ``due_on`` (``CLAIMABLE_FROM``, POLICY)."""
    if settings.CLAIMABLE_FROM == "day_after_due_date":
        return due_on + timedelta(days=1)
    return due_on


def not_due_invoices(claim: Claim, settings: Settings) -> tuple[NotDue, ...]:
    """Every invoice that is not exigible on ``claim.as_of``, in the order filed."""
    out: list[NotDue] = []
    for invoice in claim.invoices:
        due_on = due_day(claim, invoice)
        first = claimable_from(due_on, settings)
        reason: NotDueReason | None = None
        if invoice.issue_date > claim.as_of:
            reason = "dated_after_as_of"
        elif invoice.performance_date > claim.as_of:
            reason = "performed_after_as_of"
        elif first > claim.as_of:
            reason = "not_yet_due"
        if reason is not None:
            start = max(first, invoice.issue_date, invoice.performance_date)
            out.append(NotDue(invoice, reason, due_on, start))
    return tuple(out)


def _message(item: NotDue, as_of: date) -> str:
    number = item.invoice.number
    after = (
        f"aucune relance, mise en demeure ni injonction de payer ne peut la viser avant le "
        f"{french_date(item.claimable_from)}. Retirez-la de la créance ou attendez cette date."
    )
    if item.reason == "dated_after_as_of":
        return (
            f"La facture n° {number} est datée du {french_date(item.invoice.issue_date)}, après la date "
            f"d'examen ({french_date(as_of)}) : elle n'est pas encore exigible. Vérifiez sa date ou "
            "retirez-la de la créance : une facture à venir ne peut pas être réclamée."
        )
    if item.reason == "performed_after_as_of":
        return (
            f"La livraison ou la prestation de la facture n° {number} est datée du "
            f"{french_date(item.invoice.performance_date)}, après la date d'examen ({french_date(as_of)}) : "
            "la créance n'est pas encore exigible. Vérifiez cette date ou retirez la facture de la créance : "
            "une prestation à venir ne peut pas être réclamée."
        )
    if item.due_on == as_of:
        return (
            f"La facture n° {number} arrive à échéance aujourd'hui ({french_date(item.due_on)}) : le "
            f"débiteur peut encore la payer ce jour ; {after}"
        )
    return f"La facture n° {number} n'est exigible que le {french_date(item.due_on)} : {after}"


def exigibility_findings(items: tuple[NotDue, ...], as_of: date) -> list[Finding]:
    """One blocking finding per invoice not exigible; its ``detail`` is the invoice's number."""
    return [
        Finding(item.code, ARTICLE, _message(item, as_of), "route", "blocking", item.invoice.number)
        for item in items
    ]
