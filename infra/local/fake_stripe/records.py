"""The Stripe objects the simulation keeps in memory (Checkout Sessions, line items, payment intents,
charges) and the JSON shapes Stripe gives them: what changes when Stripe's object format does."""

from __future__ import annotations

import copy
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from infra.local.fake_stripe.webhooks import Delivery


def new_id(prefix: str, length: int = 24) -> str:
    """A Stripe-looking identifier: ``prefix`` then random letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


@dataclass
class LineItem:
    id: str
    name: str
    description: str | None
    unit_amount: int
    quantity: int
    currency: str
    price_id: str = field(default_factory=lambda: new_id("price_"))
    product_id: str = field(default_factory=lambda: new_id("prod_", 14))

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": self.amount,
            "amount_tax": 0,
            "amount_total": self.amount,
            "currency": self.currency,
            "description": self.name,
            "price": {
                "id": self.price_id,
                "object": "price",
                "active": False,
                "currency": self.currency,
                "livemode": False,
                "product": self.product_id,
                "type": "one_time",
                "unit_amount": self.unit_amount,
                "unit_amount_decimal": str(self.unit_amount),
            },
            "quantity": self.quantity,
        }


@dataclass
class Session:
    """A Checkout Session and what the person did on its page."""

    id: str
    created: int
    expires_at: int
    currency: str
    line_items: list[LineItem]
    success_url: str | None
    cancel_url: str | None
    client_reference_id: str | None
    customer_email: str | None
    metadata: dict[str, str]
    payment_intent_metadata: dict[str, str]
    payment_intent_description: str | None
    locale: str | None
    invoice_creation: bool
    status: str = "open"  # open | complete | expired
    payment_status: str = "unpaid"  # unpaid | paid | no_payment_required
    payment_intent: str | None = None
    invoice: str | None = None
    details_email: str | None = None
    payment_method: str | None = None  # "card" | "bank_transfer" once the person chose
    deferred_outcome: str | None = None  # None (pending) | "succeeded" | "failed", bank transfers only
    completed_at: int | None = None

    @property
    def amount_total(self) -> int:
        return sum(item.amount for item in self.line_items)


@dataclass
class Charge:
    id: str
    payment_intent: str
    session_id: str
    amount: int
    currency: str
    created: int
    metadata: dict[str, str]
    receipt_email: str | None
    payment_method: str
    amount_refunded: int = 0
    refunds: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "charge",
            "amount": self.amount,
            "amount_captured": self.amount,
            "amount_refunded": self.amount_refunded,
            "captured": True,
            "created": self.created,
            "currency": self.currency,
            "livemode": False,
            "metadata": dict(self.metadata),
            "paid": True,
            "payment_intent": self.payment_intent,
            "payment_method_details": {"type": self.payment_method},
            "receipt_email": self.receipt_email,
            "refunded": self.amount_refunded >= self.amount,
            "refunds": {
                "object": "list",
                "data": copy.deepcopy(self.refunds),
                "has_more": False,
                "total_count": len(self.refunds),
                "url": f"/v1/charges/{self.id}/refunds",
            },
            "status": "succeeded",
        }


@dataclass
class PaymentIntent:
    id: str
    session_id: str
    amount: int
    currency: str
    metadata: dict[str, str]
    status: str  # processing | succeeded | requires_payment_method
    charge: str | None = None


def refund_json(
    refund_id: str, charge: Charge, amount: int, *, created: int, reason: str | None, metadata: dict[str, str]
) -> dict[str, Any]:
    """A ``refund`` object (always ``succeeded`` in the simulation)."""
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge.id,
        "created": created,
        "currency": charge.currency,
        "metadata": metadata,
        "payment_intent": charge.payment_intent,
        "reason": reason,
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def session_json(session: Session, *, url: str | None, expand: Iterable[str] = ()) -> dict[str, Any]:
    """The ``checkout.session`` object; ``url`` is the checkout page's (given only while it is open)."""
    details: dict[str, Any] | None = None
    if session.status == "complete":
        details = {
            "address": None,
            "email": session.details_email,
            "name": None,
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        }
    result: dict[str, Any] = {
        "id": session.id,
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": session.amount_total,
        "amount_total": session.amount_total,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": session.cancel_url,
        "client_reference_id": session.client_reference_id,
        "client_secret": None,
        "created": session.created,
        "currency": session.currency,
        "customer": None,
        "customer_creation": "if_required",
        "customer_details": details,
        "customer_email": session.customer_email,
        "expires_at": session.expires_at,
        "invoice": session.invoice,
        "invoice_creation": {
            "enabled": session.invoice_creation,
            "invoice_data": {"description": None, "footer": None, "metadata": {}},
        },
        "livemode": False,
        "locale": session.locale,
        "metadata": dict(session.metadata),
        "mode": "payment",
        "payment_intent": session.payment_intent,
        "payment_link": None,
        "payment_method_collection": "if_required",
        "payment_method_types": ["card", "customer_balance"],
        "payment_status": session.payment_status,
        "status": session.status,
        "submit_type": None,
        "success_url": session.success_url,
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        # As on Stripe, the URL is given only while the session can be paid.
        "url": url if session.status == "open" else None,
    }
    if "line_items" in set(expand):
        result["line_items"] = line_items_json(session)
    return result


def line_items_json(session: Session) -> dict[str, Any]:
    """The session's line items as Stripe lists them (``GET …/line_items`` or ``expand[]=line_items``)."""
    return {
        "object": "list",
        "data": [item.as_json() for item in session.line_items],
        "has_more": False,
        "url": f"/v1/checkout/sessions/{session.id}/line_items",
    }


def event_json(
    event_id: str,
    event_type: str,
    obj: dict[str, Any],
    *,
    api_version: str,
    created: int,
    previous_attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An ``event`` object wrapping ``obj`` (and what changed, when Stripe says so)."""
    data: dict[str, Any] = {"object": obj}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": event_id,
        "object": "event",
        "api_version": api_version,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


@dataclass(frozen=True)
class ConsoleSnapshot:
    """What the console page shows, copied at one instant: sessions (newest first), the ids of those with
    something left to refund, events (newest first) and their delivery attempts by event id."""

    sessions: list[Session]
    refundable: set[str]
    events: list[dict[str, Any]]
    deliveries: dict[str, list[Delivery]]
