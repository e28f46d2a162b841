"""One local twin (the Stripe simulation, Maileva's) alone on its own port, for tests and benchmarks: the
local platform mounts their ``handle`` in its own web server instead."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit


class Twin(Protocol):
    def handle(
        self, method: str, path: str, query: str, headers: Any, body: bytes
    ) -> tuple[int, str, bytes, Mapping[str, str]]: ...


T = TypeVar("T", bound=Twin)


def serve_twin(
    host: str, port: int, make: Callable[[int], T], *, name: str, methods: tuple[str, ...]
) -> tuple[T, ThreadingHTTPServer]:
    """``make(bound_port)`` builds the twin once the port is known; its ``handle`` answers ``methods``
    (GET, POST…) from a daemon thread. Stop with ``server.shutdown(); server.server_close()`` and the
    twin's own ``close()``."""
    holder: list[T] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = name

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            status, content_type, content, extra = holder[0].handle(
                self.command, split.path, split.query, self.headers, body
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for header, value in extra.items():
                self.send_header(header, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    for method in methods:
        setattr(Handler, f"do_{method}", Handler._serve)
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    holder.append(make(server.server_address[1]))
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    ).start()
    return holder[0], server
