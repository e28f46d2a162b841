"""boto3 clients, created lazily and shared.

Endpoints come from the standard ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>`` variables, so the same
code talks to AWS or to the embedded local platform. Nothing outside ``chalicelib/adapters`` creates clients.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from chalicelib.settings import get_settings

_lock = threading.Lock()


@cache
def _session() -> Any:
    import boto3

    return boto3.session.Session(region_name=get_settings().region)


@cache
def client(service: str, *, fast_fail: bool = False) -> Any:
    """A boto3 client for ``service``. ``fast_fail`` gives short timeouts and no retries (health checks)."""
    from botocore.config import Config

    config = (
        Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 1})
        if fast_fail
        else Config(retries={"mode": "standard", "max_attempts": 4})
    )
    with _lock:  # boto3 sessions are not thread-safe while creating clients
        return _session().client(service, config=config)


@cache
def transactions_connection(region: str) -> Any:
    """One PynamoDB connection per process for ``TransactWrite``: building its botocore client costs
    about 0.2 s (endpoint data), far too much to pay on every request."""
    from pynamodb.connection import Connection

    return Connection(region=region)


def reset_clients() -> None:
    """Forget cached clients (tests switch between in-process and server-mode local AWS)."""
    client.cache_clear()
    _session.cache_clear()
    transactions_connection.cache_clear()
