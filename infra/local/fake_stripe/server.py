"""The simulation alone on its own port, for tests and benchmarks (the local platform mounts
:meth:`FakeStripe.handle` in its own web server instead)."""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from typing import Any

from infra.local.fake_stripe.settings import DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET
from infra.local.fake_stripe.simulation import FakeStripe
from infra.local.twin_server import serve_twin


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
    return serve_twin(
        host,
        port,
        lambda bound: FakeStripe(
            public_url=public_url or f"http://{host}:{bound}",
            webhook_url=webhook_url,
            secret_key=secret_key,
            webhook_secret=webhook_secret,
            **options,
        ),
        name="fake-stripe",
        methods=("GET", "POST", "HEAD"),
    )
