"""Maileva's REST APIs over HTTP (paths relative to the twin's base): the token endpoint, then, each with
``Authorization: Bearer <token>``, registered_mail/v4, electronic_qualified_registered_mail/v1,
electronic_mail_emitter/v1 (the OTP) and notification_center/v2 (the webhook subscriptions); with
Maileva's status codes, ``Location`` headers and error shapes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from infra.local.fake_maileva.errors import MailevaError, invalid, unreadable_body
from infra.local.fake_maileva.records import ELECTRONIC, PAPER
from infra.local.fake_maileva.responses import Response, empty, json_response, pdf_response
from infra.local.fake_maileva.settings import (
    DEFAULT_PAGE_COUNT,
    LRE,
    MAIL_EMITTER,
    MAX_PAGE_COUNT,
    NOTIFICATION_CENTER,
    REGISTERED_MAIL,
    TOKEN_PATH,
)

if TYPE_CHECKING:
    from infra.local.fake_maileva.simulation import FakeMaileva

PRODUCTS = {REGISTERED_MAIL: PAPER, LRE: ELECTRONIC}
DOWNLOADS = {
    PAPER: ("deposit_proof", "acknowledgement_of_receipt", "undelivered_mail"),
    ELECTRONIC: ("deposit_proof", "delivery_proof"),
}


class RestApi:
    """Answers the API requests of one twin."""

    def __init__(self, fake: FakeMaileva) -> None:
        self._fake = fake

    def handle(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Response:
        """``path``: what follows the twin's base (``/registered_mail/v4/sendings``…); ``headers`` have
        lower-case names."""
        if path == TOKEN_PATH:
            if method != "POST":
                return json_response(405, {"error": "invalid_request", "error_description": "POST only"})
            status, answer = self._fake.issue_token(body, headers)
            return json_response(status, answer, {"Cache-Control": "no-store", "Pragma": "no-cache"})
        try:
            self._fake.check_token(headers)
            return self._route(method, path, query, headers, body)
        except MailevaError as error:
            return json_response(error.status, error.as_json())

    def _route(self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes) -> Response:
        for base, product in PRODUCTS.items():
            if path.startswith(base + "/"):
                return self._product(product, base, method, path[len(base) :], query, headers, body)
        if path.startswith(MAIL_EMITTER + "/"):
            return self._emitter(method, path[len(MAIL_EMITTER) :], query)
        if path.startswith(NOTIFICATION_CENTER + "/"):
            return self._notification_center(method, path[len(NOTIFICATION_CENTER) :], query, body)
        return _unknown(method, path)

    def _product(
        self,
        product: str,
        base: str,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Response:
        fake = self._fake
        location = f"{fake.api_base}{base}"
        match method, path.strip("/").split("/"):
            case "POST", ["sendings"]:
                created = fake.create_sending(product, _json(body))
                return json_response(201, created, {"Location": f"{location}/sendings/{created['id']}"})
            case "GET", ["sendings"]:
                start, count = _paging(query)
                return json_response(200, fake.list_sendings(product, start, count, "/sendings"))
            case "GET", ["sendings", sending_id]:
                return json_response(200, fake.sending(product, sending_id))
            case "DELETE", ["sendings", sending_id]:
                fake.delete_sending(product, sending_id)
                return empty(204)
            case "POST", ["sendings", sending_id, "submit"]:
                submitted = fake.submit(product, sending_id)
                status = 200 if product == PAPER else 202
                return json_response(status, submitted, {"Location": f"{location}/sendings/{sending_id}"})
            case "POST", ["sendings", sending_id, "documents"]:
                content_type = headers.get("content-type", "")
                document = fake.add_document(product, sending_id, content_type, body)
                where = f"{location}/sendings/{sending_id}/documents/{document['id']}"
                return json_response(201, document, {"Location": where})
            case "GET", ["sendings", sending_id, "documents"]:
                listed = fake.documents(product, sending_id)
                return json_response(200, {"documents": listed, "paging": {"total_results": len(listed)}})
            case "GET", ["sendings", sending_id, "documents", document_id]:
                return json_response(200, fake.document(product, sending_id, document_id))
        return self._recipients(product, location, method, path, query, body)

    def _recipients(
        self, product: str, location: str, method: str, path: str, query: str, body: bytes
    ) -> Response:
        fake = self._fake
        match method, path.strip("/").split("/"):
            case "POST", ["sendings", sending_id, "recipients"]:
                created = fake.add_recipient(product, sending_id, _json(body))
                where = f"{location}/sendings/{sending_id}/recipients/{created['id']}"
                return json_response(201, created, {"Location": where})
            case "GET", ["sendings", sending_id, "recipients"]:
                start, count = _paging(query)
                listing = f"/sendings/{sending_id}/recipients"
                return json_response(200, fake.recipients(product, sending_id, start, count, listing))
            case "GET", ["sendings", sending_id, "recipients", recipient_id]:
                return json_response(200, fake.recipient(product, sending_id, recipient_id))
            case "GET", ["sendings", sending_id, "recipients", recipient_id, download]:
                kind = download.removeprefix("download_")
                if download.startswith("download_") and kind in DOWNLOADS[product]:
                    content = fake.proof(product, sending_id, recipient_id, kind)
                    return pdf_response(content, f"{kind}_{recipient_id}.pdf")
        return _unknown(method, path)

    def _emitter(self, method: str, path: str, query: str) -> Response:
        match method, path.strip("/").split("/"):
            case "POST", ["senders", sender_id, "authenticate_by_otp"]:
                code = _query(query).get("otp_code", "")
                return json_response(200, self._fake.authenticate_by_otp(sender_id, code))
        return _unknown(method, path)

    def _notification_center(self, method: str, path: str, query: str, body: bytes) -> Response:
        fake = self._fake
        match method, path.strip("/").split("/"):
            case "POST", ["subscriptions"]:
                created = fake.create_subscription(_json(body))
                where = f"{fake.api_base}{NOTIFICATION_CENTER}/subscriptions/{created['id']}"
                return json_response(201, created, {"Location": where})
            case "GET", ["subscriptions"]:
                start, count = _paging(query)
                return json_response(200, fake.subscriptions(start, count, "/subscriptions"))
            case "GET", ["subscriptions", subscription_id]:
                return json_response(200, fake.subscription(subscription_id))
            case "DELETE", ["subscriptions", subscription_id]:
                fake.delete_subscription(subscription_id)
                return empty(204)
        return _unknown(method, path)


def _unknown(method: str, path: str) -> Response:
    return json_response(
        404,
        {
            "code": "NOT_FOUND",
            "message": f"{method} {path} : ressource inconnue de la simulation locale de Maileva (seules les "
            "opérations utilisées par la plateforme sont simulées)",
        },
    )


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8")) if body.strip() else None
    except (UnicodeDecodeError, ValueError):
        raise unreadable_body() from None


def _query(query: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}


def _paging(query: str) -> tuple[int, int]:
    """``start_index`` (from 1) and ``count`` (1 to 500, 50 by default) of a list."""
    args = _query(query)
    try:
        start = int(args.get("start_index") or 1)
        count = int(args.get("count") or DEFAULT_PAGE_COUNT)
    except ValueError:
        raise invalid("INVALID_PAGING", "start_index et count doivent être des entiers") from None
    if start < 1 or not 1 <= count <= MAX_PAGE_COUNT:
        raise invalid("INVALID_PAGING", f"start_index ≥ 1 et 1 ≤ count ≤ {MAX_PAGE_COUNT}")
    return start, count
