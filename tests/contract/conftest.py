"""The two implementations of each port the contract tests run against: the real adapter on in-process
moto (the ``aws`` fixture, marked ``integration``) and its in-memory twin (``chalicelib/adapters/memory``).

A test asks for ``claims`` or ``documents`` and runs once per implementation; whatever a test needs to
observe outside the port (the table's item count, an object's stored Content-Type, what a browser gets
from a link) goes through the small helpers below, implemented once per backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.adapters.document_store import DocumentStore
from tests.memory import memory  # noqa: F401  (fixture)

BACKENDS = [pytest.param("moto", marks=pytest.mark.integration), "memory"]


@dataclass
class ClaimsBackend:
    """``new()``: a repository on the backend's tables (every one built by ``new`` sees the same data, as
    every ``ClaimRepository()`` sees the same DynamoDB tables); ``count()``: the claims table's items."""

    name: str
    new: Callable[..., ClaimRepository]
    count: Callable[[], int]


@pytest.fixture(params=BACKENDS)
def claims(request: pytest.FixtureRequest) -> ClaimsBackend:
    if request.param == "moto":
        request.getfixturevalue("aws")
        from chalicelib.adapters.dynamo import ClaimModel

        def new_on_dynamodb(*, wake_sender: Callable[[str], None] | None = None) -> ClaimRepository:
            return ClaimRepository(wake_sender=wake_sender)

        return ClaimsBackend("moto", new_on_dynamodb, ClaimModel.count)

    from chalicelib.adapters.memory import ClaimTables, InMemoryClaimRepository

    tables = ClaimTables()

    def new_in_memory(*, wake_sender: Callable[[str], None] | None = None) -> ClaimRepository:
        return InMemoryClaimRepository(tables, wake_sender=wake_sender)

    return ClaimsBackend("memory", new_in_memory, lambda: len(tables.claims))


@dataclass
class DocumentsBackend:
    """The store, and the browser's side: ``upload(post, filename, content, content_type)`` sends the
    presigned POST's form, ``download(url)`` follows a link (content, Content-Type); ``stored_type(key)``
    is the object's Content-Type as stored (None when missing)."""

    name: str
    store: DocumentStore
    upload: Callable[[dict[str, Any], str, bytes, str], None]
    download: Callable[[str], tuple[bytes, str]]
    stored_type: Callable[[str], str | None]


def _s3_backend() -> DocumentsBackend:
    from chalicelib.adapters.aws import client

    store = DocumentStore()

    def upload(post: dict[str, Any], filename: str, content: bytes, content_type: str) -> None:
        response = requests.post(
            post["url"], data=post["fields"], files={"file": (filename, content, content_type)}, timeout=10
        )
        assert response.status_code == 204, response.text

    def download(url: str) -> tuple[bytes, str]:
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, response.text
        return response.content, response.headers["Content-Type"]

    def stored_type(key: str) -> str | None:
        try:
            return str(client("s3").head_object(Bucket=store.bucket, Key=key)["ContentType"])
        except client("s3").exceptions.ClientError:
            return None

    return DocumentsBackend("moto", store, upload, download, stored_type)


def _memory_backend() -> DocumentsBackend:
    from chalicelib.adapters.memory import InMemoryDocumentStore

    store = InMemoryDocumentStore()

    def upload(post: dict[str, Any], filename: str, content: bytes, content_type: str) -> None:
        store.receive_post(post["fields"], content)

    def download(url: str) -> tuple[bytes, str]:
        found = store.open_link(url)
        return found.content, found.content_type

    return DocumentsBackend("memory", store, upload, download, store.content_type)


@pytest.fixture(params=BACKENDS)
def documents(request: pytest.FixtureRequest) -> DocumentsBackend:
    if request.param == "moto":
        request.getfixturevalue("aws")
        return _s3_backend()
    return _memory_backend()
