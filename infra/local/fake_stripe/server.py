"""The simulation alone on its own port, for tests and benchmarks (the local platform mounts
:meth:`FakeStripe.handle` in its own web server instead)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from infra.local.fake_stripe.settings import DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET
from infra.local.fake_stripe.simulation import FakeStripe


def serve_fake_stripe(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    public_url: str | None = None,
    webhook_url: str | None = None,
    secret_key: str = DEFAULT_SECRET_KEY,
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
    **options: Any,
) -> tuple[FakeStripe, ThreadingHTTPServer]:
    """The simulation alone on ``host:port`` (0: a free port), served by a daemon thread. The SDK's base
    address is then ``fake.api_base``. Stop with ``server.shutdown(); server.server_close(); fake.close()``.
    ``options``: the other :class:`FakeStripe` arguments (``retry_delays``, ``clock``…)."""
    holder: list[FakeStripe] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "fake-stripe"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            status, content_type, content, extra = holder[0].handle(
                self.command, split.path, split.query, self.headers, body
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_POST = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound_port = server.server_address[1]
    fake = FakeStripe(
        public_url=public_url or f"http://{host}:{bound_port}",
        webhook_url=webhook_url,
        secret_key=secret_key,
        webhook_secret=webhook_secret,
        **options,
    )
    holder.append(fake)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-stripe", daemon=True
    ).start()
    return fake, server
