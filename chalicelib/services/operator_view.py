"""An operator's file of one claim (issue 24): what a support request on a claim needs, in one read — the
claim, its creditor's account, the payments with their Stripe references and what became of each refund,
the fee invoices, the partner lawyer's account, the claim's emails (as the outbox holds them, never their
content) and the whole timeline with who did what.

Operators only (``Forbidden`` otherwise, whatever the route says); an unknown claim is ``NotFound``. Stripe's
identifiers are for this file: the creditor's own views keep leaving them out (``claim_schemas.user_words``).
Reads only, through the repositories the composition root gives (``chalicelib/bootstrap.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from chalicelib.clock import day_of
from chalicelib.domain.accounts import ROLE_LABELS_FR, Account, Identity, Role
from chalicelib.domain.actors import (
    DEBTOR_PAGE_ACTOR,
    PLATFORM_ACTOR,
    POSTAL_ACTOR,
    RETENTION_ACTOR,
    STRIPE_ACTOR,
)
from chalicelib.domain.claim import AuditEvent, Claim, EventKind
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.fee_invoices import FeeInvoice
from chalicelib.domain.lawyer_case import LawyerCase
from chalicelib.domain.notifications import OutboxItem
from chalicelib.domain.payments import STEP_LABELS_FR, PaymentStep
from chalicelib.services.ports import AccountFinder

OPERATORS_ONLY = "Cette page est réservée aux opérateurs de la plateforme."

# The actors the platform writes in the timeline itself (domain/actors.py), said in words; any other actor
# is an account id, looked up.
SYSTEM_ACTORS: Mapping[str, str] = {
    STRIPE_ACTOR: "Stripe (paiements)",
    PLATFORM_ACTOR: "Plateforme (traitement automatique)",
    POSTAL_ACTOR: "Plateforme (suivi de l'envoi recommandé)",
    RETENTION_ACTOR: "Plateforme (durées de conservation)",
    DEBTOR_PAGE_ACTOR: "Débiteur (page en ligne)",
}
# A Stripe refund's id (``re_…``) or, when Stripe listed no refund, the charge's (``ch_…``): how the
# refund events and the credit notes name a refund.
_STRIPE_REFUND = re.compile(r"\b(?:re|ch|pyr)_[A-Za-z0-9]+")
_AMOUNT_FR = re.compile(r"(\d+),(\d{2}) €")
_STEPS_BY_LABEL = {label: step for step, label in STEP_LABELS_FR.items()}


class ClaimRecords(Protocol):
    """What the file reads of the claims repository (ClaimRepository and its in-memory twin)."""

    def get_for(self, identity: Identity, claim_id: str) -> Claim: ...
    def events(self, claim_id: str) -> list[AuditEvent]: ...
    def emails_of(self, claim_ids: Sequence[str]) -> list[OutboxItem]: ...


class ClaimInvoices(Protocol):
    """What the file reads of the fee invoices (adapters/invoices_repository.py)."""

    def for_claim(self, claim_id: str) -> list[FeeInvoice]: ...


@dataclass(frozen=True)
class RefundLine:
    """One refund of a payment of the claim: asked of Stripe (by whom, when), then confirmed by Stripe's
    ``charge.refunded`` (the credit note it made). ``stripe_ref`` is Stripe's refund id (or the charge's);
    empty for a confirmation whose request the timeline does not name (an older claim)."""

    stripe_ref: str
    step: PaymentStep | None
    amount_cents: int | None
    requested_at: datetime | None = None
    requested_by: str = ""
    confirmed_on: date | None = None
    credit_note: str = ""
    payment_intent: str = ""


@dataclass(frozen=True)
class ClaimFile:
    claim: Claim
    creditor: Account | None
    lawyer: Account | None
    lawyer_case: LawyerCase | None
    invoices: tuple[FeeInvoice, ...]
    refunds: tuple[RefundLine, ...]
    emails: tuple[OutboxItem, ...]
    events: tuple[AuditEvent, ...]
    # Who is who: every actor of the timeline and every lawyer of the dossier's history, in words.
    people: Mapping[str, str]

    def person(self, actor: str) -> str:
        return self.people.get(actor, actor)


def claim_file(
    identity: Identity,
    claim_id: str,
    *,
    claims: ClaimRecords,
    accounts: AccountFinder,
    invoices: ClaimInvoices,
) -> ClaimFile:
    """The operator's file of ``claim_id`` (``NotFound`` when there is none)."""
    if identity.role is not Role.OPERATOR:
        raise Forbidden(OPERATORS_ONLY)
    claim = claims.get_for(identity, claim_id)
    events = tuple(sorted(claims.events(claim.claim_id), key=lambda event: event.sequence))
    # A claim's invoices are its creditor's (as services/invoices.claim_invoices reads them).
    issued = tuple(i for i in invoices.for_claim(claim.claim_id) if i.creditor_id == claim.creditor_id)
    case = LawyerCase.from_json(claim.lawyer_case) if claim.lawyer_case else None
    lawyer_id = claim.assigned_lawyer_id or (case.lawyer_id if case else "")
    found: dict[str, Account | None] = {}

    def account(user_id: str) -> Account | None:
        if user_id and user_id not in found:
            found[user_id] = accounts.find(user_id)
        return found.get(user_id)

    creditor = account(claim.creditor_id)
    lawyer = account(lawyer_id) if lawyer_id else None
    others = [event.actor for event in events] + [d.lawyer_id for d in (case.declines if case else ())]
    return ClaimFile(
        claim=claim,
        creditor=creditor,
        lawyer=lawyer,
        lawyer_case=case,
        invoices=issued,
        refunds=refund_lines(events, issued, claim),
        emails=tuple(claims.emails_of([claim.claim_id])),
        events=events,
        people=people_of(others, identity, account),
    )


# --- who did what ------------------------------------------------------------------------------------------
def person_label(account: Account) -> str:
    return f"{account.email} ({ROLE_LABELS_FR[account.role]})"


def people_of(
    actors: Iterable[str], identity: Identity, find: Callable[[str], Account | None]
) -> dict[str, str]:
    """Each actor in words: the platform's own by name, the caller as themselves, an account by its email
    and role; an actor no account has (an operator without a profile, a test) stays as written."""
    labels: dict[str, str] = {}
    for actor in dict.fromkeys(actors):
        if not actor or actor in labels:
            continue
        if actor in SYSTEM_ACTORS:
            labels[actor] = SYSTEM_ACTORS[actor]
        elif actor.startswith("platform:"):
            labels[actor] = "Plateforme (traitement automatique)"
        elif actor == identity.user_id:
            labels[actor] = f"{identity.email or actor} ({ROLE_LABELS_FR[identity.role]}, vous)"
        elif " " not in actor and (found := find(actor)) is not None:
            labels[actor] = person_label(found)
        else:
            labels[actor] = actor
    return labels


# --- refunds -----------------------------------------------------------------------------------------------
def refund_lines(
    events: Sequence[AuditEvent], invoices: Sequence[FeeInvoice], claim: Claim
) -> tuple[RefundLine, ...]:
    """The claim's refunds, one line each, oldest first. A line is a refund asked of Stripe — the
    timeline's « Remboursement demandé : 29,00 € (Mise en demeure, re_…) », by the operator or after a
    lawyer's refusal — then confirmed by Stripe: its « Remboursement effectué » event goes to the oldest
    request of the same step not yet confirmed, and the credit note of that refund id names the line's
    credit note. A confirmation or a credit note that matches no request (an older claim) is a line of its
    own."""
    lines: list[RefundLine] = []
    for event in (e for e in events if e.kind is EventKind.REFUND):
        step = _step_in(event.reason)
        ref = _STRIPE_REFUND.search(event.reason)
        if ref is not None:
            lines.append(
                RefundLine(
                    stripe_ref=ref.group(0),
                    step=step,
                    amount_cents=_cents_in(event.reason),
                    requested_at=event.at,
                    requested_by=event.actor,
                    payment_intent=_payment_intent(claim, step),
                )
            )
            continue
        at = next(
            (n for n, line in enumerate(lines) if line.confirmed_on is None and line.step == step), None
        )
        if at is None:
            lines.append(
                RefundLine(
                    stripe_ref="",
                    step=step,
                    amount_cents=_cents_in(event.reason),
                    confirmed_on=day_of(event.at),
                    payment_intent=_payment_intent(claim, step),
                )
            )
        else:
            lines[at] = replace(lines[at], confirmed_on=day_of(event.at))
    for note in (i for i in invoices if i.is_credit_note):
        ref_id = note.stripe_refund_id
        at = next((n for n, line in enumerate(lines) if line.stripe_ref and line.stripe_ref == ref_id), None)
        if at is None:
            at = next(
                (n for n, line in enumerate(lines) if not line.stripe_ref and line.step == note.step), None
            )
        line = lines[at] if at is not None else RefundLine(note.stripe_refund_id, note.step, None)
        noted = replace(
            line,
            stripe_ref=line.stripe_ref or note.stripe_refund_id,
            confirmed_on=line.confirmed_on or note.issued_on,
            credit_note=note.number,
            amount_cents=-note.amounts.ttc_cents,
            payment_intent=note.stripe_payment_intent or line.payment_intent,
        )
        if at is None:
            lines.append(noted)
        else:
            lines[at] = noted
    return tuple(lines)


def _step_in(reason: str) -> PaymentStep | None:
    """The step a refund event names in its parenthesis: « … (Mise en demeure, re_…) »."""
    inside = reason.rpartition("(")[2].rstrip(")")
    return _STEPS_BY_LABEL.get(inside.split(",")[0].strip())


def _cents_in(reason: str) -> int | None:
    """« Remboursement demandé : 29,00 € (…) » → 2900."""
    found = _AMOUNT_FR.search(reason)
    return int(found.group(1)) * 100 + int(found.group(2)) if found else None


def _payment_intent(claim: Claim, step: PaymentStep | None) -> str:
    checkout = claim.checkout_for(step) if step is not None else None
    return checkout.payment_intent if checkout is not None else ""
