"""The answers the twin gives over HTTP: ``(status, content type, body, extra headers)``, as JSON (the
APIs), PDF (the proofs), nothing (204), or an HTML page (the console and its small error pages)."""

from __future__ import annotations

import json
from typing import Any

from infra.local.fake_maileva import pages

# (status, content type, body, extra headers): what :meth:`FakeMaileva.handle` answers.
Response = tuple[int, str, bytes, dict[str, str]]

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
PDF_TYPE = "application/pdf"


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")
    return status, JSON_TYPE, body, dict(headers or {})


def empty(status: int = 204, headers: dict[str, str] | None = None) -> Response:
    return status, JSON_TYPE, b"", dict(headers or {})


def pdf_response(content: bytes, filename: str) -> Response:
    return 200, PDF_TYPE, content, {"Content-Disposition": f'attachment; filename="{filename}"'}


def html_response(status: int, page: str) -> Response:
    return status, HTML_TYPE, page.encode("utf-8"), {}


def message(status: int, title: str, text: str) -> Response:
    """A small page that says one thing (an unknown letter, an action refused…)."""
    return html_response(status, pages.message_page(title, text))


def redirect(location: str) -> Response:
    """303 to ``location`` (after a console form's POST)."""
    return 303, HTML_TYPE, pages.redirect_page(location).encode("utf-8"), {"Location": location}
