"""The twin alone on its own port, for tests (the local platform mounts :meth:`FakeMaileva.handle` in its
own web server instead)."""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from typing import Any

from infra.local.fake_maileva.simulation import FakeMaileva
from infra.local.twin_server import serve_twin


def serve_fake_maileva(
    host: str = "127.0.0.1", port: int = 0, public_url: str | None = None, **options: Any
) -> tuple[FakeMaileva, ThreadingHTTPServer]:
    """The twin alone on ``host:port`` (0: a free port), served by a daemon thread; its base is then
    ``fake.api_base`` (``http://127.0.0.1:<port>/_local/maileva``). Stop with ``server.shutdown();
    server.server_close(); fake.close()``. ``options``: the other :class:`FakeMaileva` arguments
    (``clock``, ``retry_delays``, ``senders``…)."""
    return serve_twin(
        host,
        port,
        lambda bound: FakeMaileva(public_url=public_url or f"http://{host}:{bound}", **options),
        name="fake-maileva",
        methods=("GET", "POST", "DELETE", "HEAD"),
    )
