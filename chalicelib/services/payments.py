"""Pay per claim: Stripe Checkout for each payable step, the webhook's effects (exactly once), refunds.

Effects are idempotent by construction — a payment already recorded on the claim is not recorded again,
the escalation's execution has a deterministic name — on top of the API's Powertools idempotency on the
Stripe event id. Paying for the notice moves the claim to *assessing* and starts the escalation; paying
for the dossier resumes the execution waiting for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from chalicelib import logs
from chalicelib.clock import day_of
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.actors import STRIPE_ACTOR
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import ConcurrentUpdate, DomainError, Forbidden, InvalidTransition, NotFound
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import (
    STEP_DESCRIPTIONS_FR,
    STEP_LABELS_FR,
    Checkout,
    CheckoutStatus,
    PaymentMismatch,
    PaymentStep,
    euros,
    refund_mismatch,
    session_mismatch,
)
from chalicelib.services.ports import PaymentGateway, TermsLedger, WorkflowEngine
from chalicelib.services.terms import CgvConsent, require_acceptance

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.services.invoices import Invoicing

logger = logging.getLogger("claims.payments")

HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.expired",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "charge.refunded",
    }
)
_PAYABLE: Mapping[ClaimStatus, PaymentStep] = {
    ClaimStatus.AWAITING_PAYMENT: PaymentStep.NOTICE,
    ClaimStatus.ESCALATION_OFFERED: PaymentStep.DOSSIER,
}


class NotPayable(DomainError):
    code = "not_payable"


@dataclass(frozen=True)
class Prices:
    notice_cents: int
    dossier_cents: int

    def of(self, step: PaymentStep) -> int:
        return self.notice_cents if step is PaymentStep.NOTICE else self.dossier_cents


def _money_fr(cents: int) -> str:
    return f"{euros(cents).replace('.', ',')} €"


# ---------------------------------------------------------------------------------------------------
# checkout
# ---------------------------------------------------------------------------------------------------
def payable_step(claim: Claim) -> PaymentStep:
    step = _PAYABLE.get(claim.status)
    if step is None:
        raise NotPayable("Aucun paiement n'est attendu pour cette créance à ce stade.")
    return step


def open_checkout(
    claims: ClaimRepository,
    gateway: PaymentGateway,
    identity: Identity,
    claim_id: str,
    *,
    prices: Prices,
    base_url: str,
    now: dt.datetime,
    accounts: TermsLedger,
    consent: CgvConsent,
) -> tuple[Claim, Checkout]:
    """The Checkout the creditor pays through for the claim's current step: the open one if there is
    one, else a new Stripe Checkout Session (an expired or failed one leaves the claim payable again).
    Only once the account accepted the conditions générales de vente in force (``consent``: services/terms).
    """
    if identity.role is not Role.CREDITOR:
        raise Forbidden("Seul le créancier peut payer sa créance.")
    claim = claims.get_for(identity, claim_id)
    step = payable_step(claim)
    claim = require_acceptance(accounts, claims, identity, claim_id, consent, now=now) or claim
    current = claim.checkout_for(step)
    if current is not None and current.usable:
        return claim, current
    if current is not None and current.settled:
        raise NotPayable("Cette étape est déjà payée.")
    amount = prices.of(step)
    attempt = sum(1 for c in claim.checkouts if c.step is step) + 1
    page = f"{base_url.rstrip('/')}/#/creances/{claim_id}"
    session = gateway.create_checkout(
        claim_id=claim_id,
        step=step.value,
        amount_cents=amount,
        product_name=f"{STEP_LABELS_FR[step]} — créance {claim.reference or claim_id} ({claim.debtor_name})",
        description=STEP_DESCRIPTIONS_FR[step],
        customer_email=identity.email,
        success_url=f"{page}?paiement=ok&session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{page}?paiement=annule",
        idempotency_key=f"checkout-{claim_id}-{step.value}-{attempt}",
    )
    checkout = Checkout(
        session_id=session.session_id,
        step=step,
        amount_cents=amount,
        status=CheckoutStatus.OPEN,
        created_at=now,
        url=session.url,
    )
    updated = claims.record(
        claim_id,
        kind=EventKind.PAYMENT,
        actor=identity.user_id,
        reason=f"Paiement demandé : {STEP_LABELS_FR[step]}, {_money_fr(amount)} "
        f"(session {session.session_id})",
        change=lambda c: c.with_checkout(checkout),
        now=now,
    )
    return updated, checkout


# ---------------------------------------------------------------------------------------------------
# webhook events
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What an event did, for the webhook's answer and the logs."""

    event_id: str
    event_type: str
    result: str
    claim_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.event_type,
            "result": self.result,
            "claim_id": self.claim_id,
        }


def handle_event(
    event: Mapping[str, Any],
    *,
    claims: ClaimRepository,
    workflow: WorkflowEngine,
    now: dt.datetime,
    invoicing: Invoicing | None = None,
) -> Outcome:
    """``invoicing``: issue the fee invoice of a payment and the credit note of a refund (issue 24,
    chalicelib/services/invoices.py) before the claim records them, so their emails name the number."""
    event_id, event_type = str(event.get("id")), str(event.get("type"))
    if event_type not in HANDLED_EVENTS:
        return Outcome(event_id, event_type, "ignored")
    data = event.get("data") or {}
    obj: Mapping[str, Any] = data.get("object") or {}
    metadata = obj.get("metadata") or {}
    claim_id = metadata.get("claim_id") or obj.get("client_reference_id")
    if not claim_id:
        return Outcome(event_id, event_type, "ignored: no claim id in the event")
    logs.bind(claim_id=str(claim_id), stripe_event_id=event_id)  # the webhook request's lines (logs.py)
    try:
        claim = claims.get(str(claim_id))
    except NotFound:
        logger.warning("stripe event %s names an unknown claim %s", event_id, claim_id)
        return Outcome(event_id, event_type, "ignored: unknown claim", str(claim_id))

    if event_type == "charge.refunded":
        notes = invoicing.for_refund(claim, obj, now=now) if invoicing is not None else []
        credit_note = notes[-1].number if notes else ""
        result = _record_refund(claims, claim, obj, event_id=event_id, now=now, credit_note=credit_note)
    else:
        checkout = claim.checkout(str(obj.get("id")))
        if checkout is None:
            logger.warning(
                "stripe event %s: session %s not on claim %s", event_id, obj.get("id"), claim.claim_id
            )
            return Outcome(event_id, event_type, "ignored: unknown session", claim.claim_id)
        _refuse_if(session_mismatch(checkout, obj), event_id, claim.claim_id)
        payment_status = obj.get("payment_status")
        if event_type in _PAYING_EVENTS and payment_status not in _PAYING_EVENTS[event_type]:
            _refuse_if(f"{event_type} with payment_status {payment_status!r}", event_id, claim.claim_id)
        invoice_number = ""
        if invoicing is not None and event_type in _PAYING_EVENTS and payment_status == "paid":
            invoice_number = invoicing.for_payment(
                claim, checkout, obj, event_type=event_type, now=now
            ).number
        if event_type == "checkout.session.completed" and payment_status == "paid":
            result = _paid(claims, workflow, claim, checkout, obj, now=now, invoice_number=invoice_number)
        elif event_type == "checkout.session.completed":
            result = _update_checkout(
                claims, claim, checkout, CheckoutStatus.PROCESSING, "Paiement par virement en attente", now
            )
        elif event_type == "checkout.session.async_payment_succeeded":
            result = _paid(claims, workflow, claim, checkout, obj, now=now, invoice_number=invoice_number)
        elif event_type == "checkout.session.async_payment_failed":
            result = _update_checkout(
                claims,
                claim,
                checkout,
                CheckoutStatus.FAILED,
                "Paiement échoué : la créance reste à payer",
                now,
            )
        else:  # checkout.session.expired
            result = _update_checkout(
                claims,
                claim,
                checkout,
                CheckoutStatus.EXPIRED,
                "Session de paiement expirée : la créance reste à payer",
                now,
            )
    return Outcome(event_id, event_type, result, claim.claim_id)


# The payment statuses each event may carry: a completed session is paid, or unpaid while a deferred
# payment (bank transfer) is on its way; a deferred payment that succeeded is paid. Anything else (e.g.
# ``no_payment_required``, a session of 0 €) is not a payment of the claim.
_PAYING_EVENTS: Mapping[str, frozenset[str]] = {
    "checkout.session.completed": frozenset({"paid", "unpaid"}),
    "checkout.session.async_payment_succeeded": frozenset({"paid"}),
}


def _refuse_if(mismatch: str | None, event_id: str, claim_id: str) -> None:
    """Refuse (400, nothing recorded) an event that does not match what was created for the claim."""
    if mismatch is None:
        return
    logger.warning("stripe event %s refused for claim %s: %s", event_id, claim_id, mismatch)
    raise PaymentMismatch(
        "L'événement de paiement ne correspond pas au paiement demandé pour cette créance "
        "(montant, devise ou statut) : il est refusé."
    )


def _update_checkout(
    claims: ClaimRepository,
    claim: Claim,
    checkout: Checkout,
    status: CheckoutStatus,
    reason: str,
    now: dt.datetime,
) -> str:
    if checkout.settled or checkout.status is status:
        return "no change"
    updated = replace(checkout, status=status)
    claims.record(
        claim.claim_id,
        kind=EventKind.PAYMENT,
        actor=STRIPE_ACTOR,
        reason=f"{reason} (session {checkout.session_id})",
        change=lambda c: c.with_checkout(updated),
        now=now,
    )
    return f"checkout {status.value}"


def _paid(
    claims: ClaimRepository,
    workflow: WorkflowEngine,
    claim: Claim,
    checkout: Checkout,
    session: Mapping[str, Any],
    *,
    now: dt.datetime,
    invoice_number: str = "",
) -> str:
    if checkout.settled:
        return "already paid"
    paid = checkout.paid(
        at=now,
        payment_intent=str(session.get("payment_intent") or ""),
        invoice_id=str(session.get("invoice") or ""),
    )
    reason = f"Paiement reçu : {STEP_LABELS_FR[checkout.step]}, {_money_fr(checkout.amount_cents)}"
    receipt = Notification(
        "payment_received",
        {"amount_paid": euros(checkout.amount_cents), "paid_on": day_of(now).isoformat()}
        | ({"invoice_number": invoice_number} if invoice_number else {}),
    )
    try:
        if checkout.step is PaymentStep.NOTICE and claim.status is ClaimStatus.AWAITING_PAYMENT:
            updated = claims.transition(
                claim.claim_id,
                ClaimStatus.ASSESSING,
                actor=STRIPE_ACTOR,
                reason=reason,
                change=lambda c: c.with_checkout(paid),
                expected_version=claim.version,
                now=now,
                notify=receipt,
                current=claim,
            )
        else:
            updated = claims.record(
                claim.claim_id,
                kind=EventKind.PAYMENT,
                actor=STRIPE_ACTOR,
                reason=reason,
                change=lambda c: c.with_checkout(paid),
                expected_version=claim.version,
                now=now,
                notify=receipt,
                current=claim,
            )
    except (ConcurrentUpdate, InvalidTransition):
        # Another delivery got there first; if it recorded this payment, there is nothing left to do.
        fresh = claims.get(claim.claim_id)
        recorded = fresh.checkout(checkout.session_id)
        if recorded is not None and recorded.settled:
            return "already paid"
        raise

    if checkout.step is PaymentStep.NOTICE:
        if updated.status is ClaimStatus.ASSESSING:
            name = f"{claim.claim_id}-notice"
            execution = workflow.execution_arn(name)
            # Recorded before the start, so the execution's first writes never race this one.
            claims.record(
                claim.claim_id,
                kind=EventKind.NOTE,
                actor=STRIPE_ACTOR,
                reason="Traitement lancé : vérification de la créance puis mise en demeure",
                change=lambda c: replace(c, execution_arn=execution),
                now=now,
                current=updated,
            )
            workflow.start_once(name, {"claim_id": claim.claim_id})
            return "paid; escalation started"
        return f"paid while {updated.status.value}"
    if updated.task_token:
        workflow.send_task_success(
            updated.task_token, {"dossier_paid": True, "session_id": checkout.session_id}
        )
        claims.record(
            claim.claim_id,
            kind=EventKind.NOTE,
            actor=STRIPE_ACTOR,
            reason="Dossier payé : constitution du dossier d'injonction de payer",
            change=lambda c: replace(c, task_token=""),
            now=now,
        )
        return "paid; escalation resumed"
    return "paid; no execution waiting"


def _record_refund(
    claims: ClaimRepository,
    claim: Claim,
    charge: Mapping[str, Any],
    *,
    event_id: str,
    now: dt.datetime,
    credit_note: str = "",
) -> str:
    payment_intent = str(charge.get("payment_intent") or "")
    checkout = next(
        (c for c in claim.checkouts if payment_intent and c.payment_intent == payment_intent), None
    )
    if checkout is None:
        return "ignored: no payment of this claim matches the charge"
    _refuse_if(refund_mismatch(checkout, charge), event_id, claim.claim_id)
    total_refunded = int(charge.get("amount_refunded") or 0)
    if total_refunded <= checkout.refunded_cents:
        return "refund already recorded"
    newly = total_refunded - checkout.refunded_cents
    refunded = checkout.refunded(total_refunded)
    why = "la créance ne peut pas être traitée" if claim.status is ClaimStatus.REJECTED else "remboursement"
    claims.record(
        claim.claim_id,
        kind=EventKind.REFUND,
        actor=STRIPE_ACTOR,
        reason=f"Remboursement effectué : {_money_fr(newly)} ({STEP_LABELS_FR[checkout.step]})",
        change=lambda c: c.with_checkout(refunded),
        now=now,
        notify=Notification(
            "refund_issued",
            {"refund_amount": euros(newly), "reason": why, "refunded_on": day_of(now).isoformat()}
            | ({"credit_note_number": credit_note} if credit_note else {}),
        ),
    )
    return "refund recorded"


# ---------------------------------------------------------------------------------------------------
# rejection after payment
# ---------------------------------------------------------------------------------------------------
def reject_and_refund(
    claims: ClaimRepository,
    gateway: PaymentGateway,
    claim_id: str,
    *,
    reasons: list[dict[str, str]],
    actor: str,
    now: dt.datetime,
    reviewed_by: str = "",
) -> Claim:
    """Refuse a paid claim (e.g. the debtor turns out to be in liquidation): the claim is *rejected* with
    the reasons, every payment still held is refunded through Stripe, and the creditor is told why. The
    refund itself is recorded when Stripe confirms it (``charge.refunded``). ``reviewed_by``: the partner
    lawyer whose review refused it (the email then gives the lawyer's reason, not the engine's)."""
    claim = claims.get(claim_id)
    summary = " ; ".join(r.get("message", "") for r in reasons) or "motif non précisé"
    to_refund = [
        c for c in claim.checkouts if c.settled and c.payment_intent and c.amount_cents > c.refunded_cents
    ]
    if claim.status is not ClaimStatus.REJECTED:
        total = sum(c.amount_cents - c.refunded_cents for c in to_refund)
        context: dict[str, Any] = {
            "reasons": [dict(r) for r in reasons] or [summary],
            "refund_amount": euros(total),
        }
        if reviewed_by:
            context["reviewed_by"] = reviewed_by
        claim = claims.transition(
            claim_id,
            ClaimStatus.REJECTED,
            actor=actor,
            reason=f"Créance refusée : {summary}",
            now=now,
            notify=Notification("claim_rejected", context),
        )
    for checkout in to_refund:
        amount = checkout.amount_cents - checkout.refunded_cents
        refund = gateway.refund(
            payment_intent=checkout.payment_intent,
            amount_cents=amount,
            claim_id=claim_id,
            idempotency_key=f"refund-{checkout.session_id}",
        )
        claims.record(
            claim_id,
            kind=EventKind.REFUND,
            actor=actor,
            reason=f"Remboursement demandé : {_money_fr(amount)} "
            f"({STEP_LABELS_FR[checkout.step]}, {refund.refund_id})",
            now=now,
        )
    return claims.get(claim_id)
