"""The ``memory`` fixture: the services' claims repository and document store replaced, through the
composition root (``chalicelib.bootstrap.override``), by their in-memory twins
(``chalicelib/adapters/memory``, held to the real adapters by the contract suite in ``tests/contract/``).
For service tests that need nothing else from AWS: no moto to start, no tables to provision.

Use it from a test module or a conftest with ``from tests.memory import memory  # noqa: F401``.

Any call that still reaches AWS fails at once instead of leaving the machine: the SDK's endpoints point at
a closed local port while the fixture is active (a test that needs moto asks for ``aws`` instead).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from chalicelib import bootstrap
from chalicelib.adapters.memory import ClaimTables, InMemoryClaimRepository, InMemoryDocumentStore

# Nothing listens on the discard port of the loopback: a connection there is refused at once.
NOWHERE = "http://127.0.0.1:9"


@dataclass
class MemoryAdapters:
    """What ``bootstrap.claims()`` and ``bootstrap.documents()`` return while the fixture is active.
    ``new_claims()`` builds another repository on the same tables (as a second ``ClaimRepository()`` sees
    the same DynamoDB tables)."""

    tables: ClaimTables
    claims: InMemoryClaimRepository
    documents: InMemoryDocumentStore

    def new_claims(self) -> InMemoryClaimRepository:
        return InMemoryClaimRepository(self.tables)


def _forget_aws_clients() -> None:
    """Drop the cached boto3 clients and PynamoDB connections: the next ones read the endpoint again."""
    from chalicelib.adapters.aws import reset_clients
    from chalicelib.adapters.dynamo import ALL_MODELS, LOCAL_ONLY_MODELS

    reset_clients()
    for model in (*ALL_MODELS, *LOCAL_ONLY_MODELS):
        model._connection = None


@pytest.fixture
def memory(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryAdapters]:
    if "aws" in request.fixturenames:
        raise pytest.UsageError("a test runs on the in-memory adapters (memory) or on moto (aws), not both")
    tables = ClaimTables()
    adapters = MemoryAdapters(tables, InMemoryClaimRepository(tables), InMemoryDocumentStore())
    monkeypatch.setenv("AWS_ENDPOINT_URL", NOWHERE)
    _forget_aws_clients()
    try:
        with (
            bootstrap.override("claims", lambda: adapters.claims),
            bootstrap.override("documents", lambda: adapters.documents),
        ):
            yield adapters
    finally:
        monkeypatch.delenv("AWS_ENDPOINT_URL")
        _forget_aws_clients()
