"""``/_local/stripe``: the simulation's console (its sessions, events and webhook deliveries, with buttons
to refund a payment or send an event again) and the same as JSON under ``/_local/stripe/api/``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.local.fake_stripe import pages
from infra.local.fake_stripe.errors import FakeStripeError
from infra.local.fake_stripe.responses import (
    Response,
    html_response,
    json_response,
    message,
    method_not_allowed,
    not_found,
    redirect,
)
from infra.local.fake_stripe.settings import API_PREFIX

if TYPE_CHECKING:
    from infra.local.fake_stripe.simulation import FakeStripe


def handle(fake: FakeStripe, method: str, path: str) -> Response:
    """``path``: what follows ``/_local/stripe`` (the REST API under ``/v1`` is not routed here)."""
    parts = [part for part in path.split("/") if part]
    match method, parts:
        case "GET", []:
            page = pages.console_page(
                fake.console_snapshot(), api_base=fake.api_base, webhook_url=fake.webhook_url
            )
            return html_response(200, page)
        case "GET", ["api", "events"]:
            return json_response(200, fake.event_log())
        case "GET", ["api", "sessions"]:
            return json_response(200, {"sessions": fake.sessions()})
        case "POST", ["events", event_id, "redeliver"]:
            return _redeliver(fake, event_id)
        case "POST", ["sessions", session_id, "refund"]:
            return _refund(fake, session_id)
        case "GET", ["events", _, "redeliver"] | ["sessions", _, "refund"]:
            return method_not_allowed()
    return not_found()


def _redeliver(fake: FakeStripe, event_id: str) -> Response:
    try:
        fake.redeliver(event_id, wait=fake.first_delivery_wait)
    except FakeStripeError:
        return message(404, "Événement introuvable", "Cet événement n'existe pas.")
    return redirect(API_PREFIX)


def _refund(fake: FakeStripe, session_id: str) -> Response:
    intent = fake.payment_intent_of(session_id)
    if intent is None:
        return message(404, "Session introuvable", "Rien à rembourser.")
    try:
        fake.refund(intent)
    except FakeStripeError as error:
        return message(409, "Remboursement impossible", error.message)
    return redirect(API_PREFIX)
