"""What the creditor pays for, per claim: one Stripe Checkout per payable step, and what became of it.

Pure. Amounts in integer cents (VAT included). A checkout is *open* until Stripe says it was paid, is being
paid by a deferred method (*processing*), failed, expired, or was refunded (fully or partly).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import InvalidInput

# The only currency the platform charges in (Stripe's lower-case ISO code).
CURRENCY = "eur"


class PaymentStep(StrEnum):
    NOTICE = "notice"  # the formal notice (mise en demeure) and its follow-up
    DOSSIER = "dossier"  # the injonction-de-payer dossier handed to a lawyer


STEP_LABELS_FR: Mapping[PaymentStep, str] = {
    PaymentStep.NOTICE: "Mise en demeure",
    PaymentStep.DOSSIER: "Dossier d'injonction de payer",
}
STEP_DESCRIPTIONS_FR: Mapping[PaymentStep, str] = {
    PaymentStep.NOTICE: (
        "Vérification de la créance, calcul des sommes dues et envoi de la mise en demeure au débiteur"
    ),
    PaymentStep.DOSSIER: (
        "Constitution du dossier d'injonction de payer (requête, décompte, bordereau de pièces)"
    ),
}


class CheckoutStatus(StrEnum):
    OPEN = "open"
    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


CHECKOUT_STATUS_LABELS_FR: Mapping[CheckoutStatus, str] = {
    CheckoutStatus.OPEN: "En attente de paiement",
    CheckoutStatus.PROCESSING: "Paiement en cours de traitement",
    CheckoutStatus.PAID: "Payé",
    CheckoutStatus.FAILED: "Paiement échoué",
    CheckoutStatus.EXPIRED: "Session de paiement expirée",
    CheckoutStatus.REFUNDED: "Remboursé",
    CheckoutStatus.PARTIALLY_REFUNDED: "Remboursé en partie",
}


@dataclass(frozen=True)
class Checkout:
    session_id: str
    step: PaymentStep
    amount_cents: int
    status: CheckoutStatus
    created_at: datetime
    url: str = ""
    payment_intent: str = ""
    paid_at: datetime | None = None
    refunded_cents: int = 0
    invoice_id: str = ""

    @property
    def settled(self) -> bool:
        """Money was received for this step (even if some was given back since)."""
        return self.status in {
            CheckoutStatus.PAID,
            CheckoutStatus.REFUNDED,
            CheckoutStatus.PARTIALLY_REFUNDED,
        }

    @property
    def usable(self) -> bool:
        """The creditor can still pay through it (or is paying)."""
        return self.status in {CheckoutStatus.OPEN, CheckoutStatus.PROCESSING}

    def paid(self, *, at: datetime, payment_intent: str, invoice_id: str = "") -> Checkout:
        return replace(
            self,
            status=CheckoutStatus.PAID,
            paid_at=at,
            payment_intent=payment_intent or self.payment_intent,
            invoice_id=invoice_id or self.invoice_id,
        )

    def refunded(self, total_refunded_cents: int) -> Checkout:
        full = total_refunded_cents >= self.amount_cents
        return replace(
            self,
            refunded_cents=total_refunded_cents,
            status=CheckoutStatus.REFUNDED if full else CheckoutStatus.PARTIALLY_REFUNDED,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "step": self.step.value,
            "amount_cents": self.amount_cents,
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "url": self.url,
            "payment_intent": self.payment_intent,
            "paid_at": self.paid_at.isoformat() if self.paid_at else None,
            "refunded_cents": self.refunded_cents,
            "invoice_id": self.invoice_id,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checkout:
        paid_at = data.get("paid_at")
        return cls(
            session_id=str(data["session_id"]),
            step=PaymentStep(data["step"]),
            amount_cents=int(data["amount_cents"]),
            status=CheckoutStatus(data["status"]),
            created_at=datetime.fromisoformat(str(data["created_at"])),
            url=str(data.get("url", "")),
            payment_intent=str(data.get("payment_intent", "")),
            paid_at=datetime.fromisoformat(str(paid_at)) if paid_at else None,
            refunded_cents=int(data.get("refunded_cents", 0)),
            invoice_id=str(data.get("invoice_id", "")),
        )


def euros(cents: int) -> str:
    """``2900`` → ``"29.00"`` (the legal engine's and the emails' decimal strings)."""
    return f"{cents // 100}.{cents % 100:02d}"


class PaymentMismatch(InvalidInput):
    """A Stripe event that does not match what was created for the claim (amount, currency, payment
    status, refund larger than the payment): refused (400), logged, nothing recorded."""

    code = "payment_mismatch"


def _cents(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def session_mismatch(checkout: Checkout, session: Mapping[str, Any]) -> str | None:
    """Why a Checkout Session in an event is not the one created for ``checkout`` (its amount, its
    currency), or None when it matches."""
    amount = _cents(session.get("amount_total"))
    if amount != checkout.amount_cents:
        return f"amount_total {session.get('amount_total')!r} != {checkout.amount_cents} created"
    if session.get("currency") != CURRENCY:
        return f"currency {session.get('currency')!r} != {CURRENCY!r}"
    return None


def refund_mismatch(checkout: Checkout, charge: Mapping[str, Any]) -> str | None:
    """Why a refunded charge does not fit ``checkout``'s payment: another amount or currency, or more
    refunded than was paid. None when it fits."""
    amount = _cents(charge.get("amount"))
    refunded = _cents(charge.get("amount_refunded"))
    if amount != checkout.amount_cents:
        return f"charge amount {charge.get('amount')!r} != {checkout.amount_cents} paid"
    if charge.get("currency") != CURRENCY:
        return f"currency {charge.get('currency')!r} != {CURRENCY!r}"
    if refunded is None or not 0 <= refunded <= amount:
        return f"amount_refunded {charge.get('amount_refunded')!r} outside 0..{amount}"
    return None
