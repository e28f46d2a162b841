"""The local platform's single origin: the Chalice API (as ``chalice local`` serves it) plus the static
``frontend/`` folder, so the browser UI and the API share one URL as they do behind CloudFront on AWS.

``/_local/…`` pages exist only here (never on AWS): the mailbox of what SES sent, attachments included,
and, when no real Stripe key is set, the Stripe simulation (``infra/local/fake_stripe/``): its API under
``/_local/stripe/v1/…``, its console at ``/_local/stripe``, its checkout pages at ``/_local/checkout/…``;
and, when no real Maileva is configured, the Maileva twin (``infra/local/fake_maileva/``): its APIs and its
console under ``/_local/maileva``.

Every response gets the security headers CloudFront adds on AWS (``infra/aws/stack/edge.py``), when the answer
does not carry them already: the web interface's Content-Security-Policy for ``frontend/`` (its own files,
plus the document storage it uploads to), the API's for everything Chalice answers (the app sets them on
its JSON answers; Chalice's own answers, such as the authorizer's 401, get them here), and a policy for the
``/_local/`` pages that allows their inline ``<style>`` but no script at all. No HSTS: this is plain HTTP.

A request body over :data:`MAX_BODY_BYTES` (what a Lambda behind API Gateway accepts) is refused with a
French 413 before it is read."""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import posixpath
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from chalice.local import ChaliceRequestHandler, LocalDevServer

from chalicelib.api.errors import (
    API_SECURITY_HEADERS,
    COMMON_SECURITY_HEADERS,
    frontend_content_security_policy,
)

if TYPE_CHECKING:
    from infra.local.fake_maileva import FakeMaileva
    from infra.local.fake_stripe import FakeStripe

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
LOCAL_PREFIX = "/_local/"
STRIPE_PAGES = "/_local/stripe"
STRIPE_PREFIXES = ("/_local/stripe/", "/_local/checkout/")
MAILEVA_PAGES = "/_local/maileva"
MAILEVA_PREFIX = "/_local/maileva/"


def _whole(query: dict[str, str], name: str, default: int) -> int:
    """A non-negative whole number from the query string (``default`` when absent or malformed)."""
    value = query.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


ATTACHMENT_PATH = re.compile(r"/_local/api/mailbox/(?P<id>[^/]+)/attachments/(?P<index>\d{1,3})")
# The largest request body taken, as on AWS, where a synchronous Lambda invocation carries at most 6 MB (API
# Gateway itself stops at 10 MB): a bigger body is refused with 413 before it is read.
MAX_BODY_BYTES = 6 * 1024 * 1024
BODY_TOO_LARGE = {
    "error": {
        "code": "body_too_large",
        "message": f"La requête est trop volumineuse (au plus {MAX_BODY_BYTES // (1024 * 1024)} Mo).",
    }
}
LENGTH_REQUIRED = {
    "error": {
        "code": "length_required",
        "message": "La longueur de la requête (en-tête Content-Length) est obligatoire.",
    }
}
# The local pages (mailbox, Stripe simulation): inline <style>, no script, forms posted to themselves, the
# emails shown in sandboxed frames (srcdoc) with their images.
LOCAL_PAGES_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


# Paths browsers and crawlers ask for by themselves, served from another file of frontend/ (the same on AWS:
# infra/aws/publish_frontend.py uploads the file under both names).
ALIASES = {"/favicon.ico": "/favicon.svg"}


def static_file(url_path: str, root: Path = FRONTEND) -> Path | None:
    """The file of ``root`` a GET for ``url_path`` should return, or None (then the API answers).

    Refuses anything that would leave ``root`` (``..``, encoded slashes, absolute paths)."""
    path = unquote(urlsplit(url_path).path)
    normalised = posixpath.normpath(path)
    if "\x00" in path or not normalised.startswith("/"):
        return None
    relative = ALIASES.get(normalised, normalised).lstrip("/")
    candidate = (root / relative).resolve() if relative else root / "index.html"
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


def storage_origins() -> list[str]:
    """Where the browser sends evidence: the origin of a presigned POST (locally the embedded AWS)."""
    from chalicelib.adapters.document_store import DocumentStore

    url = urlsplit(DocumentStore().presigned_post("content-security-policy", "application/pdf")["url"])
    return [f"{url.scheme}://{url.netloc}"]


class PlatformRequestHandler(ChaliceRequestHandler):
    server_version = "claims-local"
    # Which security headers the response being written gets: "frontend", "local" or "api".
    _profile = "api"
    _sent_headers: set[str]

    def send_response(self, code: int, message: str | None = None) -> None:
        self._sent_headers = set()
        super().send_response(code, message)

    def send_header(self, keyword: str, value: str) -> None:
        if hasattr(self, "_sent_headers"):
            self._sent_headers.add(keyword.lower())
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        """The security headers of the response's kind, except those the answer already carries."""
        for name, value in self._security_headers().items():
            if name.lower() not in getattr(self, "_sent_headers", set()):
                super().send_header(name, value)
        super().end_headers()

    def _security_headers(self) -> dict[str, str]:
        if self._profile == "frontend":
            policy = getattr(self.server, "frontend_csp", None) or frontend_content_security_policy([])
            return COMMON_SECURITY_HEADERS | {"Content-Security-Policy": policy}
        if self._profile == "local":
            return COMMON_SECURITY_HEADERS | {"Content-Security-Policy": LOCAL_PAGES_CSP}
        return API_SECURITY_HEADERS

    def _set_profile(self) -> None:
        path = urlsplit(self.path).path
        if path == STRIPE_PAGES or path.startswith(LOCAL_PREFIX):
            self._profile = "local"
        elif self.command in ("GET", "HEAD") and static_file(self.path) is not None:
            self._profile = "frontend"
        else:
            self._profile = "api"

    def _refuse_oversized_body(self) -> bool:
        """Answer 413 (or 411 for a body of unknown length) without reading the body; True when refused."""
        length = (self.headers.get("Content-Length") or "").strip()
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        if chunked and not length:
            refusal: tuple[int, dict[str, Any]] | None = (411, LENGTH_REQUIRED)
        elif length and (not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY_BYTES):
            refusal = (413, BODY_TOO_LARGE)
        else:
            refusal = None
        if refusal is None:
            return False
        self._profile = "api"
        self.close_connection = True  # the unread body must not be taken for the next request
        status, body = refusal
        self._send(
            status,
            "application/json; charset=utf-8",
            json.dumps(body, ensure_ascii=False).encode(),
            {"Connection": "close"},
        )
        return True

    def _fake_stripe(self) -> Any:
        """The Stripe simulation when this request is for it (and it is mounted), else None."""
        fake = getattr(self.server, "fake_stripe", None)
        path = urlsplit(self.path).path
        if fake is None or not (path == STRIPE_PAGES or path.startswith(STRIPE_PREFIXES)):
            return None
        return fake

    def _fake_maileva(self) -> Any:
        """The Maileva twin when this request is for it (and it is mounted), else None."""
        fake = getattr(self.server, "fake_maileva", None)
        path = urlsplit(self.path).path
        if fake is None or not (path == MAILEVA_PAGES or path.startswith(MAILEVA_PREFIX)):
            return None
        return fake

    def _stripe(self, fake: Any) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        status, content_type, content, headers = fake.handle(
            self.command, split.path, split.query, self.headers, body
        )
        self._send(status, content_type, content, headers)

    def _static_or_api(self) -> None:
        self._set_profile()
        if self._refuse_oversized_body():
            return
        if (fake := self._fake_stripe() or self._fake_maileva()) is not None:
            self._stripe(fake)  # the same call for either simulation
            return
        if urlsplit(self.path).path.startswith(LOCAL_PREFIX):
            self._local_page()
            return
        target = static_file(self.path)
        if target is not None:
            self._send_static(target)
        else:
            self._generic_handle()

    def _stripe_or_api(self) -> None:
        self._set_profile()
        if self._refuse_oversized_body():
            return
        if (fake := self._fake_stripe() or self._fake_maileva()) is not None:
            self._stripe(fake)  # the same call for either simulation
        else:
            self._generic_handle()

    def _maileva_or_api(self) -> None:
        self._set_profile()
        if self._refuse_oversized_body():
            return
        if (fake := self._fake_maileva()) is not None:
            self._stripe(fake)
        else:
            self._generic_handle()

    # The base class binds do_GET = do_POST = _generic_handle at class creation, so override the verbs
    # themselves. POST goes to Chalice except for the Stripe simulation's and the Maileva twin's pages and
    # APIs; DELETE except for the Maileva twin's.
    do_GET = do_HEAD = _static_or_api
    do_POST = _stripe_or_api
    do_DELETE = _maileva_or_api

    def _api_only(self) -> None:
        self._set_profile()
        if self._refuse_oversized_body():
            return
        self._generic_handle()

    # The other verbs go to Chalice, with the API's headers.
    do_PUT = do_PATCH = do_OPTIONS = _api_only

    def _local_page(self) -> None:
        from infra.local import mailbox

        address = urlsplit(self.path)
        path = address.path.rstrip("/")
        query = {key: values[-1] for key, values in parse_qs(address.query).items()}
        region = os.environ.get("AWS_DEFAULT_REGION", "eu-west-3")
        if path == "/_local/mailbox":
            shown = mailbox.page(region, _whole(query, "page", 1))
            self._send(200, "text/html; charset=utf-8", shown.encode())
        elif path == "/_local/api/mailbox":
            # Newest first; ``offset`` and ``limit`` for a page (everything by default: the tests read it).
            limit = _whole(query, "limit", 0) or None
            listing = mailbox.messages(region, offset=_whole(query, "offset", 0), limit=limit)
            listed = {"messages": listing, "total": mailbox.count(region)}
            body = json.dumps(listed, ensure_ascii=False).encode()
            self._send(200, "application/json; charset=utf-8", body)
        elif found := ATTACHMENT_PATH.fullmatch(path):
            self._send_attachment(mailbox.attachment(region, unquote(found["id"]), int(found["index"])))
        else:
            body = json.dumps({"error": {"code": "not_found", "message": "Page locale inconnue."}}).encode()
            self._send(404, "application/json; charset=utf-8", body)

    def _send_attachment(self, found: tuple[str, str, bytes] | None) -> None:
        if found is None:
            error = {"error": {"code": "not_found", "message": "Pièce jointe introuvable."}}
            body = json.dumps(error, ensure_ascii=False).encode()
            self._send(404, "application/json; charset=utf-8", body)
            return
        filename, content_type, content = found
        disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
        self._send(200, content_type, content, {"Content-Disposition": disposition})

    def _send_static(self, target: Path) -> None:
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        self._send(200, content_type, target.read_bytes())

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quieter than the default access log
        if args and str(args[1] if len(args) > 1 else "").startswith(("4", "5")):
            super().log_message(format, *args)


# A browser that closes a tab mid-request (a poll, a download) leaves its socket closed under the server:
# one line in the log, not a traceback.
CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def _platform_server_class() -> type:
    from chalice.local import ThreadedHTTPServer

    class PlatformHTTPServer(ThreadedHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            error = sys.exc_info()[1]
            if isinstance(error, CLIENT_GONE):
                logging.getLogger("claims.local").info(
                    "client %s gone before the answer was sent (%s)", client_address[0], type(error).__name__
                )
                return
            super().handle_error(request, client_address)

    return PlatformHTTPServer


def create_server(
    app: Any,
    config: Any,
    host: str,
    port: int,
    *,
    fake_stripe: FakeStripe | None = None,
    fake_maileva: FakeMaileva | None = None,
) -> LocalDevServer:
    """The local server; ``fake_stripe`` mounts the Stripe simulation (only without real Stripe keys),
    ``fake_maileva`` the Maileva twin (only without a real Maileva)."""
    from chalice.local import CustomLocalChalice, LocalChalice

    # What chalice.local.create_local_server does, with our handler class.
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    server = LocalDevServer(
        app, config, host, port, handler_cls=PlatformRequestHandler, server_cls=_platform_server_class()
    )
    server.server.fake_stripe = fake_stripe  # read by each request handler (PlatformRequestHandler)
    server.server.fake_maileva = fake_maileva
    server.server.frontend_csp = frontend_content_security_policy(storage_origins())
    return server
