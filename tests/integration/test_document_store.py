"""The document store's S3-only behaviours, against in-process moto: the Range it asks for, and the errors
S3 answers that a caller must handle. What every document store does (upload through the presigned POST,
read, size, delete, links) is the contract suite's, run on S3 and in memory: tests/contract/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from chalicelib.adapters.aws import client
from chalicelib.adapters.document_store import DocumentStore
from chalicelib.adapters.errors import TransientError
from chalicelib.documents.inspection import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.7\n% a small test body\n%%EOF\n"


@pytest.fixture
def store(aws: object) -> DocumentStore:
    return DocumentStore()


@pytest.fixture
def key(store: DocumentStore) -> str:
    return store.upload_key("claim-1", "doc-1")


def test_get_asks_s3_for_one_byte_more_than_the_limit_only(store: DocumentStore, key: str) -> None:
    store.put(key, b"x" * 5000, "application/pdf")
    ranges: list[str] = []

    def record_range(params: dict, **_: object) -> None:
        ranges.append(params["headers"]["Range"])

    # The test's own hook on the shared client (kept from test to test): taken off when the test ends.
    events = client("s3").meta.events
    events.register("before-call.s3.GetObject", record_range)
    try:
        assert store.get(key, 1000) == b"x" * 1001
    finally:
        events.unregister("before-call.s3.GetObject", record_range)
    assert ranges == ["bytes=0-1000"]


@pytest.fixture
def stubbed_s3(aws: object) -> Iterator[Stubber]:
    with Stubber(client("s3")) as stubber:
        yield stubber


def test_a_throttled_or_failing_s3_is_a_transient_error(
    stubbed_s3: Stubber, store: DocumentStore, key: str
) -> None:
    failures = [("SlowDown", 503), ("InternalError", 500), ("ServiceUnavailable", 503), ("Throttling", 400)]
    for code, status in failures:
        stubbed_s3.add_client_error("get_object", service_error_code=code, http_status_code=status)

    for code, _ in failures:
        with pytest.raises(TransientError, match=code):
            store.get(key, MAX_UPLOAD_BYTES)


def test_a_refused_access_is_not_retried(stubbed_s3: Stubber, store: DocumentStore, key: str) -> None:
    stubbed_s3.add_client_error("put_object", service_error_code="AccessDenied", http_status_code=403)

    with pytest.raises(ClientError):
        store.put(key, PDF, "application/pdf")
