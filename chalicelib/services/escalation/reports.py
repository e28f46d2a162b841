"""What a creditor reports on a running escalation: paid in full, a debtor's partial payment, a dispute.
Changes with what creditors may report.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import ConcurrentUpdate, InvalidInput, InvalidTransition
from chalicelib.domain.notifications import Notification

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository


# ---------------------------------------------------------------------------------------------------
# creditor's reports on a running escalation
# ---------------------------------------------------------------------------------------------------
_SETTLEABLE = frozenset(
    {
        ClaimStatus.NOTICE_SENT,
        ClaimStatus.DISPUTED,
        ClaimStatus.ESCALATION_OFFERED,
        ClaimStatus.DOSSIER_READY,
        ClaimStatus.WITH_LAWYER,
        ClaimStatus.FILED,
        # after the order the debtor may still pay (or be made to): the claim is settled
        ClaimStatus.ORDER_GRANTED,
        ClaimStatus.ORDER_REJECTED,
        ClaimStatus.SERVED,
        ClaimStatus.OPPOSED,
        ClaimStatus.ENFORCEMENT,
    }
)


def report_paid_in_full(
    claims: ClaimRepository,
    claim_id: str,
    *,
    actor: str,
    note: str,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
) -> Claim:
    """The debtor paid: the claim is settled now; a waiting execution notices it at its next read (or at
    once when it waits for the creditor's answer)."""
    claim = claims.get(claim_id)
    if claim.status not in _SETTLEABLE:
        raise InvalidTransition(
            "Le paiement complet ne peut être déclaré qu'après l'envoi de la mise en demeure."
        )
    token = claim.task_token if claim.status is ClaimStatus.ESCALATION_OFFERED else ""
    updated = claims.transition(
        claim_id,
        ClaimStatus.SETTLED,
        actor=actor,
        reason=f"Le créancier déclare la créance réglée{f' : {note}' if note else ''}",
        change=lambda c: replace(c, task_token="" if token else c.task_token),
        notify=Notification("settled", {"settled_on": clock.day_of(now).isoformat()}),
        now=now,
    )
    if token:
        resume(token, {"decision": "settled"})
    return updated


def record_debtor_payment(
    claims: ClaimRepository,
    claim_id: str,
    *,
    actor: str,
    paid_on: dt.date,
    amount: Any,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
    attempts: int = 8,
) -> Claim:
    """The debtor paid part of the claim after the notice: the payment joins the claim's content, so the
    amounts, the décompte and the dossier are computed on the balance from now on. A payment that covers
    the whole principal still due settles the claim.

    The new content is computed from the claim as read and written only if nobody changed the claim since
    (its version): two payments recorded at once never overwrite each other. The one that loses the race
    reads the claim again and is recorded on top (``attempts`` times at most, then a 409)."""
    for attempt in range(attempts):
        try:
            return _record_debtor_payment(
                claims, claim_id, actor=actor, paid_on=paid_on, amount=amount, resume=resume, now=now
            )
        except ConcurrentUpdate:
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # spread the writers out
    raise AssertionError("unreachable")


def _record_debtor_payment(
    claims: ClaimRepository,
    claim_id: str,
    *,
    actor: str,
    paid_on: dt.date,
    amount: Any,
    resume: Callable[[str, dict[str, Any]], None],
    now: dt.datetime,
) -> Claim:
    from chalicelib.domain.claim_content import ClaimContent, PaymentPart

    claim = claims.get(claim_id)
    if claim.status not in _SETTLEABLE or claim.content is None:
        raise InvalidTransition(
            "Un paiement du débiteur ne peut être déclaré qu'après l'envoi de la mise en demeure."
        )
    value = checked_payment(amount, paid_on, clock.day_of(now))
    content = ClaimContent.model_validate(claim.content)
    balance = content.balance
    updated_content = content.model_copy(
        update={"payments": [*content.payments, PaymentPart(date=paid_on, amount=value)]}
    )
    if value >= balance:
        claims.record(
            claim_id,
            kind=EventKind.PAYMENT,
            actor=actor,
            reason=f"Paiement du débiteur : {_fr(value)} le {paid_on.strftime('%d/%m/%Y')} (solde réglé)",
            change=lambda c: replace(c, content=updated_content.as_json()),
            expected_version=claim.version,
            now=now,
        )
        return report_paid_in_full(
            claims, claim_id, actor=actor, note="paiement du solde", resume=resume, now=now
        )
    remaining = balance - value
    return claims.record(
        claim_id,
        kind=EventKind.PAYMENT,
        actor=actor,
        reason=(
            f"Paiement partiel du débiteur : {_fr(value)} le {paid_on.strftime('%d/%m/%Y')} ; "
            f"reste dû en principal : {_fr(remaining)}"
        ),
        change=lambda c: replace(c, content=updated_content.as_json()),
        expected_version=claim.version,
        now=now,
    )


def checked_payment(amount: Any, paid_on: dt.date, today: dt.date) -> Any:
    """A payment's amount as a Decimal, refused in French when it is not a positive amount within bounds or
    when its date is in the future (the creditor's report and the debtor's declaration alike)."""
    from chalicelib.domain.claim_content import MAX_AMOUNT, parse_amount

    try:
        value = parse_amount(amount)
    except ValueError as error:
        raise InvalidInput(str(error), field="amount") from None
    if value <= 0:
        raise InvalidInput("Le montant doit être supérieur à zéro.", field="amount")
    if value > MAX_AMOUNT:
        raise InvalidInput("Le montant dépasse 10 000 000 € : vérifiez la saisie.", field="amount")
    if paid_on > today:
        raise InvalidInput("La date du paiement ne peut pas être dans le futur.", field="date")
    return value


def _fr(amount: Any) -> str:
    """``Decimal("1234.5")`` → ``1 234,50 €`` (babel's French format)."""
    from chalicelib.documents.formatting import euros as french_euros

    return french_euros(amount)


def report_dispute(
    claims: ClaimRepository, claim_id: str, *, actor: str, summary: str, now: dt.datetime
) -> Claim:
    claim = claims.get(claim_id)
    if claim.status is not ClaimStatus.NOTICE_SENT:
        raise InvalidTransition(
            "Une contestation ne peut être signalée qu'après l'envoi de la mise en demeure."
        )
    return claims.transition(
        claim_id,
        ClaimStatus.DISPUTED,
        actor=actor,
        reason=f"Le débiteur conteste la créance : {summary}",
        notify=Notification(
            "disputed",
            {"disputed_on": clock.day_of(now).isoformat(), "dispute_summary": summary or "non précisé"},
        ),
        now=now,
    )
