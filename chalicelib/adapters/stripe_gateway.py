"""Stripe, through the official SDK: Checkout Sessions, refunds, and webhook signature verification.

The API base is configurable (``STRIPE_API_BASE``): without real keys it is the local platform's
simulation (``infra/local/fake_stripe/``), which answers like Stripe and signs its webhooks the same
way; with ``STRIPE_SECRET_KEY`` / ``STRIPE_WEBHOOK_SECRET`` set it is Stripe (test or live mode). The code
path after this module is the same. Nothing else imports ``stripe``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.errors import TransientError
from chalicelib.domain.errors import DomainError
from chalicelib.settings import Settings, check_stripe_secrets, get_settings

# Stripe's events are a few kilobytes; a body this large is not one of them.
MAX_WEBHOOK_CHARS = 512 * 1024


class InvalidWebhook(DomainError):
    """The webhook's signature or timestamp does not verify, or its body is not an event (400)."""

    code = "invalid_webhook"


class PaymentProviderError(DomainError):
    """Stripe refused the request for a reason that retrying will not fix."""

    code = "payment_provider_error"


@dataclass(frozen=True)
class CheckoutSession:
    session_id: str
    url: str
    expires_at: int | None


@dataclass(frozen=True)
class Refund:
    refund_id: str
    amount_cents: int
    status: str


class StripeGateway:
    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or get_settings()
        # Fail closed even if the start-up check was bypassed: outside the local platform, no Stripe call and
        # no webhook verification with a missing or public placeholder key (MissingSecret, answered 503).
        check_stripe_secrets(self._settings)
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import stripe

            self._client = stripe.StripeClient(
                self._settings.stripe_secret_key,
                base_addresses={"api": self._settings.stripe_api_base},
                max_network_retries=2,
            )
        return self._client

    def _call(self, operation: str, call: Any) -> Any:
        import stripe

        try:
            return call()
        except (stripe.APIConnectionError, stripe.RateLimitError) as error:
            raise TransientError(f"stripe {operation}: {error}") from error
        except stripe.APIError as error:
            raise TransientError(f"stripe {operation}: {error}") from error
        except stripe.StripeError as error:
            raise PaymentProviderError(
                "Le prestataire de paiement a refusé l'opération ; l'équipe a été prévenue.",
                details=[{"field": operation, "message": str(error.user_message or error)}],
            ) from error

    def create_checkout(
        self,
        *,
        claim_id: str,
        step: str,
        amount_cents: int,
        product_name: str,
        description: str,
        customer_email: str,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutSession:
        """One payment, in euros, VAT included; the claim id rides in metadata and ``client_reference_id``
        (and in the payment intent's metadata, so charges and refunds can be traced back)."""
        metadata = {"claim_id": claim_id, "step": step}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "eur",
                        "unit_amount": amount_cents,
                        "product_data": {"name": product_name, "description": description},
                    },
                    "quantity": 1,
                }
            ],
            "client_reference_id": claim_id,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "invoice_creation": {"enabled": True},
            "locale": "fr",
        }
        if customer_email:
            params["customer_email"] = customer_email
        session = self._call(
            "checkout.sessions.create",
            lambda: self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            ),
        )
        return CheckoutSession(str(session.id), str(session.url), getattr(session, "expires_at", None))

    def expire_checkout(self, session_id: str) -> None:
        self._call("checkout.sessions.expire", lambda: self.client.v1.checkout.sessions.expire(session_id))

    def refund(
        self, *, payment_intent: str, amount_cents: int, claim_id: str, idempotency_key: str
    ) -> Refund:
        params = {
            "payment_intent": payment_intent,
            "amount": amount_cents,
            "reason": "requested_by_customer",
            "metadata": {"claim_id": claim_id},
        }
        refund = self._call(
            "refunds.create",
            lambda: self.client.v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            ),
        )
        return Refund(str(refund.id), int(refund.amount), str(refund.status))

    def verify_webhook(self, payload: bytes | str, signature_header: str | None) -> dict[str, Any]:
        """The event, if ``Stripe-Signature`` verifies against the **raw** body within Stripe's default
        tolerance (300 s); otherwise :class:`InvalidWebhook` (the caller answers 400)."""
        import stripe

        try:
            text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
        except UnicodeDecodeError:
            raise InvalidWebhook("Le corps du webhook n'est pas un texte UTF-8.") from None
        if len(text) > MAX_WEBHOOK_CHARS:
            raise InvalidWebhook("Le corps du webhook est trop volumineux.")
        if not signature_header:
            raise InvalidWebhook("Signature Stripe absente.")
        try:
            stripe.WebhookSignature.verify_header(
                text, signature_header, self._settings.stripe_webhook_secret, stripe.Webhook.DEFAULT_TOLERANCE
            )
        except stripe.SignatureVerificationError as error:
            raise InvalidWebhook(f"Signature Stripe invalide : {error.user_message or error}") from None
        try:
            event = json.loads(text)
        except (ValueError, RecursionError):
            raise InvalidWebhook("Le corps du webhook n'est pas un JSON valide.") from None
        if not isinstance(event, dict) or event.get("object") != "event" or not event.get("id"):
            raise InvalidWebhook("Le corps du webhook n'est pas un événement Stripe.")
        return event
