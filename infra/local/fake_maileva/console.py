"""``/_local/maileva``: the twin's console (every sending of both products, newest first, with a form per
thing that can happen to each letter at the recipient's, the webhook subscriptions and deliveries, the
sender's current one-time code), its actions under ``/_local/maileva/console/…``, and the same as JSON
under ``/_local/maileva/api/``.

An action answers 303 back to the console, or ``{"recipient": …}`` when the request accepts JSON (the
tests); refusals are a small French page, or Maileva's error JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from infra.local.fake_maileva import pages
from infra.local.fake_maileva.errors import MailevaError, invalid
from infra.local.fake_maileva.records import PRODUCTS
from infra.local.fake_maileva.responses import (
    PDF_TYPE,
    Response,
    html_response,
    json_response,
    message,
    redirect,
)
from infra.local.fake_maileva.settings import PREFIX

if TYPE_CHECKING:
    from infra.local.fake_maileva.simulation import FakeMaileva

ERROR_TITLES = {400: "Action refusée", 404: "Introuvable", 409: "Action impossible"}


def handle(fake: FakeMaileva, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Response:
    """``path``: what follows ``/_local/maileva`` (empty, ``/console/…`` or ``/api/…``)."""
    parts = [part for part in path.split("/") if part]
    match method, parts:
        case "GET", []:
            return html_response(200, pages.console_page(fake.console_snapshot(), api_base=fake.api_base))
        case "GET", ["api", "sendings"]:
            return json_response(200, {"sendings": fake.all_sendings()})
        case "GET", ["api", "deliveries"]:
            return json_response(200, {"deliveries": fake.deliveries()})
        case "POST", ["console", product, sending_id, recipient_id, action] if product in PRODUCTS:
            return _act(fake, product, sending_id, recipient_id, action, headers, body)
        case "GET", ["console", product, sending_id, recipient_id, "proof", kind] if product in PRODUCTS:
            return _proof(fake, product, sending_id, recipient_id, kind)
        case "GET", ["console", *_]:
            status, content_type, page, _ = message(
                405, "Action non permise", "Cette action se fait par un bouton de la console."
            )
            return status, content_type, page, {"Allow": "POST"}
    return message(404, "Page introuvable", "Cette page de la simulation Maileva n'existe pas.")


def _act(
    fake: FakeMaileva,
    product: str,
    sending_id: str,
    recipient_id: str,
    action: str,
    headers: Mapping[str, str],
    body: bytes,
) -> Response:
    wants_json = "application/json" in headers.get("accept", "")
    try:
        day = _day(headers, body)
        recipient = fake.act(product, sending_id, recipient_id, action, day)
    except MailevaError as error:
        if wants_json:
            return json_response(
                error.status, {"errors": [{"code": c, "message": m} for c, m in error.errors]}
            )
        return message(error.status, ERROR_TITLES.get(error.status, "Erreur"), error.message)
    if wants_json:
        return json_response(200, {"recipient": recipient})
    return redirect(f"{PREFIX}#{recipient_id}")


def _proof(fake: FakeMaileva, product: str, sending_id: str, recipient_id: str, kind: str) -> Response:
    """A proof opened from the console (the API's download needs a token; a person has none)."""
    try:
        content = fake.proof(product, sending_id, recipient_id, kind)
    except MailevaError as error:
        return message(404, "Preuve introuvable", error.message)
    return 200, PDF_TYPE, content, {"Content-Disposition": f'inline; filename="{kind}.pdf"'}


def _day(headers: Mapping[str, str], body: bytes) -> date | None:
    """The ``date`` field (``YYYY-MM-DD``) of the form or JSON body; None when empty (today)."""
    text = body.decode("utf-8", "replace")
    value: Any
    if "application/json" in headers.get("content-type", ""):
        try:
            value = (json.loads(text) or {}).get("date") if text.strip() else None
        except (ValueError, AttributeError):
            raise invalid("INVALID_DATE", "Le corps de la requête n'est pas un JSON valide") from None
    else:
        value = (parse_qs(text).get("date") or [""])[-1]
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise invalid("INVALID_DATE", f"Date invalide : « {value} » (attendu : AAAA-MM-JJ)") from None
