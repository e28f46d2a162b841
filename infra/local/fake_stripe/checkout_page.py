"""``/_local/checkout/<session id>``: the page that plays Stripe Checkout (GET) and what the person does on
it (POST ``…/pay``, ``…/pay-deferred``, ``…/cancel``, ``…/expire``, ``…/settle-succeeded``,
``…/settle-failed``), each answered by a redirect as Stripe's hosted page does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from infra.local.fake_stripe import pages
from infra.local.fake_stripe.errors import FakeStripeError
from infra.local.fake_stripe.records import Session
from infra.local.fake_stripe.responses import (
    Response,
    html_response,
    message,
    method_not_allowed,
    not_found,
    redirect,
)
from infra.local.fake_stripe.settings import CHECKOUT_PREFIX

if TYPE_CHECKING:
    from infra.local.fake_stripe.simulation import FakeStripe

UNKNOWN_SESSION = (
    "Cette session de paiement n'existe pas dans la simulation. Elle a peut-être été créée avant un "
    "redémarrage de la plateforme locale (la simulation garde tout en mémoire)."
)


def handle(fake: FakeStripe, method: str, path: str, body: bytes) -> Response:
    """``path``: what follows ``/_local/checkout/`` (``<session id>`` or ``<session id>/<action>``)."""
    parts = [part for part in path.split("/") if part]
    if not parts or len(parts) > 2:
        return not_found()
    snapshot = fake.checkout_snapshot(parts[0])
    if snapshot is None:
        return message(404, "Session de paiement introuvable", UNKNOWN_SESSION)
    session, refunded = snapshot
    if len(parts) == 1:
        if method != "GET":
            return method_not_allowed()
        return html_response(200, pages.checkout_page(session, refunded))
    if method != "POST":
        return method_not_allowed()
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return _act(fake, session, parts[1], form.get("email") or None)


def _act(fake: FakeStripe, session: Session, action: str, email: str | None) -> Response:
    """Do what the button ``action`` says, then send the person where Stripe would."""
    page_url = f"{CHECKOUT_PREFIX}/{session.id}"
    if action == "cancel":
        return redirect(session.cancel_url or page_url)
    actions: dict[str, Callable[[], dict[str, Any]]] = {
        "pay": lambda: fake.pay(session.id, email=email),
        "pay-deferred": lambda: fake.pay_deferred(session.id, email=email),
        "expire": lambda: fake.expire(session.id),
        "settle-succeeded": lambda: fake.settle_deferred(session.id, True),
        "settle-failed": lambda: fake.settle_deferred(session.id, False),
    }
    if action not in actions:
        return not_found("Action inconnue.")
    try:
        event = actions[action]()
    except FakeStripeError:
        return redirect(page_url)  # already paid or expired: the page shows what happened
    fake.wait_first_delivery(str(event["id"]))
    if action in ("pay", "pay-deferred") and session.success_url:
        return redirect(session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id))
    if action == "expire" and session.cancel_url:
        return redirect(session.cancel_url)
    return redirect(page_url)
