"""The answers the simulation gives over HTTP: ``(status, content type, body, extra headers)``, as JSON
(Stripe's API) or as an HTML page (the checkout page, the console and their small error pages)."""

from __future__ import annotations

import json
from typing import Any

from infra.local.fake_stripe import pages

# (status, content type, body, extra headers): what :meth:`FakeStripe.handle` answers.
Response = tuple[int, str, bytes, dict[str, str]]

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")
    return status, JSON_TYPE, body, dict(headers or {})


def html_response(status: int, page: str) -> Response:
    return status, HTML_TYPE, page.encode("utf-8"), {}


def message(status: int, title: str, text: str) -> Response:
    """A small page that says one thing (an unknown session, a refund refused…)."""
    return html_response(status, pages.message_page(title, text))


def not_found(text: str = "Cette page de la simulation n'existe pas.") -> Response:
    return message(404, "Page introuvable", text)


def redirect(location: str) -> Response:
    """303 to ``location`` (after a form's POST, as Stripe's pages do)."""
    return 303, HTML_TYPE, pages.redirect_page(location).encode("utf-8"), {"Location": location}


def method_not_allowed() -> Response:
    status, content_type, body, _ = message(
        405, "Action non permise", "Cette action se fait par un bouton de la page."
    )
    return status, content_type, body, {"Allow": "POST"}
