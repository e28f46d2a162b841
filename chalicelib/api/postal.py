"""The registered letter's provider (prefix /v1): its webhook, and the creditor's corrected address.

``POST /v1/webhooks/maileva`` has no authorizer: Maileva proves itself with the HTTP Basic credentials of
its notification-center subscription (compared in constant time; none configured: 503, nothing accepted).
The body only names the letter: what happened is read from Maileva's API (services/notice/delivery.py), so
a forged call cannot move a claim. Maileva expects 201 and retries anything else.

``POST /v1/claims/{id}/notice/address``: after a letter came back undeliverable, the creditor gives the
right address; the letter goes again (the ``send_notice`` function, started in the background).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, Field

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.validation import parse_body
from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role

LOG = logging.getLogger("claims.postal")
postal_routes = Blueprint(__name__)


def _basic_ok(header: str | None) -> bool | None:
    """True/False for the Basic credentials; None when the platform has none configured."""
    from chalicelib.adapters.maileva import credentials
    from chalicelib.settings import get_settings

    account = credentials(get_settings())
    if not account.webhook_login or not account.webhook_password:
        return None
    if not header or not header.lower().startswith("basic "):
        return False
    try:
        login, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(login.encode(), account.webhook_login.encode()) & hmac.compare_digest(
        password.encode(), account.webhook_password.encode()
    )


def _error(status: int, code: str, message: str) -> Response:
    return json_response({"error": {"code": code, "message": message}}, status)


@postal_routes.route("/webhooks/maileva", methods=["POST"], cors=False)
def maileva_webhook() -> Response:
    request = postal_routes.current_request
    headers = {name.lower(): value for name, value in (request.headers or {}).items()}
    verdict = _basic_ok(headers.get("authorization"))
    if verdict is None:
        return _error(503, "webhook_not_configured", "Webhook Maileva non configuré.")
    if not verdict:
        return _error(401, "unauthenticated", "Identifiants du webhook invalides.")
    try:
        body = json.loads(request.raw_body or b"{}")
    except ValueError:
        return _error(400, "invalid_json", "Corps JSON invalide.")
    if not isinstance(body, dict):
        return _error(400, "invalid_json", "Corps JSON invalide.")
    status, answer = receive_maileva_event(body)
    return json_response(answer, status)


def receive_maileva_event(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """201 once handled or deliberately ignored (a resource that is not one of our letters); 503 for a
    passing outage (Maileva retries)."""
    from chalicelib.adapters.errors import TransientError
    from chalicelib.domain.errors import NotFound
    from chalicelib.services.notice.delivery import provider_ref_of, refresh_delivery

    claim_id = str(body.get("resource_custom_data") or body.get("resource_custom_id") or "")
    resource_id = str(body.get("resource_id") or "")
    if not claim_id or len(claim_id) > 64 or not resource_id:
        return 201, {"received": True, "ignored": "not a claim's letter"}
    claims = bootstrap.claims()
    try:
        claim = claims.get(claim_id)
    except NotFound:
        return 201, {"received": True, "ignored": "unknown claim"}
    if resource_id not in provider_ref_of(claim).split(":"):
        return 201, {"received": True, "ignored": "not this claim's letter"}
    try:
        update = refresh_delivery(
            claim_id,
            claims=claims,
            store=bootstrap.documents(),
            postal=bootstrap.postal(),
            now=business_now(),
        )
    except TransientError as error:
        LOG.warning("maileva webhook for %s: %s", claim_id, error)
        return 503, {"error": {"code": "unavailable", "message": "Réessayez plus tard."}}
    return 201, {"received": True, **update.as_dict()}


class AddressBody(BaseModel):
    line1: str = Field(min_length=1, max_length=200, description="Numéro et voie")
    line2: str = Field(default="", max_length=200, description="Complément d'adresse")
    postal_code: str = Field(min_length=5, max_length=5, description="Code postal (5 chiffres)")
    city: str = Field(min_length=1, max_length=100, description="Commune")


@postal_routes.route(
    "/claims/{claim_id}/notice/address", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(postal_routes, Role.CREDITOR)
def correct_notice_address(identity: Identity, claim_id: str) -> Response:
    from chalicelib.adapters.lambda_invoker import invoke_async
    from chalicelib.services.notice.delivery import correct_address

    bootstrap.claims().get_for(identity, claim_id)  # someone else's claim is 404 whatever the body
    body = parse_body(postal_routes.current_request, AddressBody)
    claim = correct_address(
        claim_id,
        address=body.model_dump(),
        claims=bootstrap.claims(),
        identity=identity,
        now=business_now(),
    )
    invoke_async("send_notice", {"claim_id": claim_id})
    return json_response({"claim_id": claim_id, "status": claim.status.value, "resending": True}, 202)
