"""The twin alone on its own port, for tests (the local platform mounts :meth:`FakeMaileva.handle` in its
own web server instead)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from infra.local.fake_maileva.simulation import FakeMaileva


def serve_fake_maileva(
    host: str = "127.0.0.1", port: int = 0, public_url: str | None = None, **options: Any
) -> tuple[FakeMaileva, ThreadingHTTPServer]:
    """The twin alone on ``host:port`` (0: a free port), served by a daemon thread; its base is then
    ``fake.api_base`` (``http://127.0.0.1:<port>/_local/maileva``). Stop with ``server.shutdown();
    server.server_close(); fake.close()``. ``options``: the other :class:`FakeMaileva` arguments
    (``clock``, ``retry_delays``, ``senders``…)."""
    holder: list[FakeMaileva] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "fake-maileva"

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

        do_GET = do_POST = do_DELETE = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound_port = server.server_address[1]
    fake = FakeMaileva(public_url=public_url or f"http://{host}:{bound_port}", **options)
    holder.append(fake)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-maileva", daemon=True
    ).start()
    return fake, server
