"""Paying per claim (prefix /v1): the prices, the creditor's Checkout, Stripe's webhook, and the operator's
rejection of a paid claim (refunded automatically).

``POST /v1/webhooks/stripe`` has no authorizer: Stripe proves itself with the ``Stripe-Signature`` header,
verified with ``stripe``'s own code on the **raw** body (a forged or stale signature is a 400 and changes
nothing). Each event takes effect once, however many times Stripe delivers it.
"""

from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.adapters.idempotency import AlreadyInProgress, run_once
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.claim_schemas import CheckoutBody, CheckoutView, ClaimView, RejectBody
from chalicelib.api.errors import API_CORS, handles_errors, json_response, response_for
from chalicelib.api.validation import parse_body
from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.payments import STEP_DESCRIPTIONS_FR, STEP_LABELS_FR, PaymentStep, euros
from chalicelib.services.payments import Prices, handle_event, open_checkout, reject_and_refund
from chalicelib.services.terms import CgvConsent
from chalicelib.settings import MissingSecret, get_settings

payment_routes = Blueprint(__name__)


def _prices() -> Prices:

    settings = get_settings()
    return Prices(settings.price_notice_cents, settings.price_dossier_cents)


def price_list() -> list[dict[str, Any]]:

    prices = _prices()
    return [
        {
            "step": step.value,
            "label": STEP_LABELS_FR[step],
            "description": STEP_DESCRIPTIONS_FR[step],
            "amount": euros(prices.of(step)),
            "amount_cents": prices.of(step),
            "currency": "EUR",
            "vat_included": True,
        }
        for step in PaymentStep
    ]


@payment_routes.route("/prices", methods=["GET"], cors=API_CORS)
@handles_errors
def prices() -> Response:
    return json_response({"prices": price_list()})


def open_checkout_for(identity: Identity, claim_id: str, cgv_version: str | None = None) -> tuple[Any, Any]:
    """The claim's checkout, once the conditions générales de vente in force are accepted (``cgv_version``:
    the version the creditor ticked in this request, if any)."""
    settings = get_settings()
    return open_checkout(
        bootstrap.claims(),
        bootstrap.stripe(),
        identity,
        claim_id,
        prices=_prices(),
        base_url=settings.public_url,
        now=business_now(),
        accounts=bootstrap.accounts(),
        consent=CgvConsent(in_force=settings.cgv_version, offered=cgv_version),
    )


@payment_routes.route("/claims/{claim_id}/checkout", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(payment_routes, Role.CREDITOR)
def checkout(identity: Identity, claim_id: str) -> Response:

    request = payment_routes.current_request
    body = parse_body(request, CheckoutBody) if (request.raw_body or b"").strip() else CheckoutBody()
    _, opened = open_checkout_for(identity, claim_id, body.cgv_version)
    return json_response(CheckoutView.of(opened).model_dump(mode="json"), 201)


@payment_routes.route("/webhooks/stripe", methods=["POST"], cors=False)
def stripe_webhook() -> Response:
    request = payment_routes.current_request
    headers = {name.lower(): value for name, value in (request.headers or {}).items()}
    status, body = receive_stripe_event(request.raw_body or b"", headers.get("stripe-signature"))
    return json_response(body, status)


def receive_stripe_event(raw_body: bytes | str, signature: str | None) -> tuple[int, dict[str, Any]]:
    """Never a stack trace: 400 for a bad signature or an event that does not match the claim's checkout
    (amount, currency, payment status, refund), 503 without the real webhook secret, 409 while the same
    event is being processed (Stripe retries), 503 for a passing outage (Stripe retries), 200 once handled
    or deliberately ignored."""

    from chalicelib.adapters.stripe_gateway import InvalidWebhook

    try:
        event = bootstrap.stripe().verify_webhook(raw_body, signature)
    except InvalidWebhook as invalid:
        return 400, {"error": {"code": invalid.code, "message": invalid.message}}
    except MissingSecret as error:
        # Fail closed: without the real webhook secret nothing is verified, so nothing is accepted.
        response = response_for(error)
        body = response.body if isinstance(response.body, dict) else json.loads(response.body)
        return response.status_code, body
    try:
        outcome = run_once(str(event["id"]), lambda: _handle(event), namespace="stripe-event")
    except AlreadyInProgress as busy:
        return 409, {"error": {"code": busy.code, "message": busy.message}}
    except Exception as error:
        response = response_for(error)
        body = response.body if isinstance(response.body, dict) else json.loads(response.body)
        return response.status_code, body
    return 200, {"received": True, **outcome}


def _handle(event: dict[str, Any]) -> dict[str, Any]:

    outcome = handle_event(
        event,
        claims=bootstrap.claims(),
        workflow=bootstrap.engine(),
        now=business_now(),
        invoicing=bootstrap.invoicing(),
    )
    return outcome.as_dict()


@payment_routes.route(
    "/operator/claims/{claim_id}/reject", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(payment_routes, Role.OPERATOR)
def reject_claim(identity: Identity, claim_id: str) -> Response:

    body = parse_body(payment_routes.current_request, RejectBody)
    claim = reject_and_refund(
        bootstrap.claims(),
        bootstrap.stripe(),
        claim_id,
        reasons=[{"code": "operator", "message": reason, "article": ""} for reason in body.reasons],
        actor=identity.user_id,
        now=business_now(),
    )
    return json_response(ClaimView.of(claim).model_dump(mode="json"))
