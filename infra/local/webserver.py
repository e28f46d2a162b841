"""The local platform's single origin: the Chalice API (as ``chalice local`` serves it) plus the static
``frontend/`` folder, so the browser UI and the API share one URL as they do behind CloudFront on AWS.

``/_local/…`` pages exist only here (never on AWS): the mailbox of what SES sent, attachments included,
and, when no real Stripe key is set, the Stripe simulation (``infra/local/fake_stripe.py``): its API under
``/_local/stripe/v1/…``, its console at ``/_local/stripe``, its checkout pages at ``/_local/checkout/…``."""

from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from chalice.local import ChaliceRequestHandler, LocalDevServer

if TYPE_CHECKING:
    from infra.local.fake_stripe import FakeStripe

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
LOCAL_PREFIX = "/_local/"
STRIPE_PAGES = "/_local/stripe"
STRIPE_PREFIXES = ("/_local/stripe/", "/_local/checkout/")
ATTACHMENT_PATH = re.compile(r"/_local/api/mailbox/(?P<id>[^/]+)/attachments/(?P<index>\d{1,3})")


def static_file(url_path: str, root: Path = FRONTEND) -> Path | None:
    """The file of ``root`` a GET for ``url_path`` should return, or None (then the API answers).

    Refuses anything that would leave ``root`` (``..``, encoded slashes, absolute paths)."""
    path = unquote(urlsplit(url_path).path)
    normalised = posixpath.normpath(path)
    if "\x00" in path or not normalised.startswith("/"):
        return None
    relative = normalised.lstrip("/")
    candidate = (root / relative).resolve() if relative else root / "index.html"
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return None
    return candidate if candidate.is_file() else None


class PlatformRequestHandler(ChaliceRequestHandler):
    server_version = "claims-local"

    def _fake_stripe(self) -> Any:
        """The Stripe simulation when this request is for it (and it is mounted), else None."""
        fake = getattr(self.server, "fake_stripe", None)
        path = urlsplit(self.path).path
        if fake is None or not (path == STRIPE_PAGES or path.startswith(STRIPE_PREFIXES)):
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
        if (fake := self._fake_stripe()) is not None:
            self._stripe(fake)
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
        if (fake := self._fake_stripe()) is not None:
            self._stripe(fake)
        else:
            self._generic_handle()

    # The base class binds do_GET = do_POST = _generic_handle at class creation, so override the verbs
    # themselves. POST goes to Chalice except for the Stripe simulation's pages and API.
    do_GET = do_HEAD = _static_or_api
    do_POST = _stripe_or_api

    def _local_page(self) -> None:
        from infra.local import mailbox

        path = urlsplit(self.path).path.rstrip("/")
        region = os.environ.get("AWS_DEFAULT_REGION", "eu-west-3")
        if path == "/_local/mailbox":
            self._send(200, "text/html; charset=utf-8", mailbox.page(region).encode())
        elif path == "/_local/api/mailbox":
            body = json.dumps({"messages": mailbox.messages(region)}, ensure_ascii=False).encode()
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


def create_server(
    app: Any, config: Any, host: str, port: int, *, fake_stripe: FakeStripe | None = None
) -> LocalDevServer:
    """The local server; ``fake_stripe`` mounts the Stripe simulation (only without real Stripe keys)."""
    from chalice.local import CustomLocalChalice, LocalChalice

    # What chalice.local.create_local_server does, with our handler class.
    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    server = LocalDevServer(app, config, host, port, handler_cls=PlatformRequestHandler)
    server.server.fake_stripe = fake_stripe  # read by each request handler (PlatformRequestHandler)
    return server
