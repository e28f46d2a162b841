"""The document store against in-process moto S3: a browser-style upload through the presigned POST, then
reading, sizing, deleting, and the errors a caller must handle.

moto intercepts ``requests`` calls to AWS URLs in-process too, so the multipart POST below really goes to
moto's S3. moto does not check the POST policy (size range, Content-Type, signature): on AWS, S3 does. The
server-side size check therefore relies on ``DocumentStore.get`` reading one byte past the limit and on the
upload inspection, and is tested here on objects written directly.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse
from collections.abc import Iterator

import pytest
import requests
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from chalicelib.adapters.aws import client
from chalicelib.adapters.document_store import NOT_RECEIVED, DocumentStore
from chalicelib.adapters.errors import TransientError
from chalicelib.documents.inspection import MAX_UPLOAD_BYTES, inspect_upload
from chalicelib.domain.errors import NotFound, UploadRejected
from chalicelib.settings import get_settings

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.7\n% a small test body\n%%EOF\n"


@pytest.fixture
def store(aws: object) -> DocumentStore:
    return DocumentStore()


@pytest.fixture
def key(store: DocumentStore) -> str:
    return store.upload_key("claim-1", "doc-1")


def test_upload_keys_live_under_the_claim() -> None:
    assert DocumentStore.upload_key("c-42", "d-7") == "claims/c-42/uploads/d-7"


def test_the_store_uses_the_configured_bucket(store: DocumentStore) -> None:
    assert store.bucket == get_settings().documents_bucket


def test_a_browser_upload_through_the_presigned_post_can_be_read_back(store: DocumentStore, key: str) -> None:
    post = store.presigned_post(key, "application/pdf")

    response = requests.post(
        post["url"], data=post["fields"], files={"file": ("facture.pdf", PDF, "application/pdf")}, timeout=10
    )

    assert response.status_code == 204, response.text
    assert store.size(key) == len(PDF)
    assert store.get(key, MAX_UPLOAD_BYTES) == PDF
    head = client("s3").head_object(Bucket=store.bucket, Key=key)
    assert head["ContentType"] == "application/pdf"


def test_the_presigned_post_policy_limits_size_type_key_and_time(store: DocumentStore, key: str) -> None:
    before = dt.datetime.now(dt.UTC)

    post = store.presigned_post(key, "image/png", max_bytes=5000, expires_in=600)

    assert post["fields"]["key"] == key
    assert post["fields"]["Content-Type"] == "image/png"
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    conditions = policy["conditions"]
    assert ["content-length-range", 1, 5000] in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert {"bucket": store.bucket} in conditions
    assert {"key": key} in conditions
    expiration = dt.datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert dt.timedelta(seconds=590) <= expiration - before <= dt.timedelta(seconds=610)
    default = json.loads(base64.b64decode(store.presigned_post(key, "application/pdf")["fields"]["policy"]))
    assert ["content-length-range", 1, MAX_UPLOAD_BYTES] in default["conditions"]


def test_put_get_size_and_delete(store: DocumentStore) -> None:
    key = "claims/claim-1/letters/mise-en-demeure.pdf"

    store.put(key, PDF, "application/pdf")

    assert store.size(key) == len(PDF)
    assert store.get(key, len(PDF)) == PDF  # exactly at the limit: accepted
    store.delete(key)
    assert store.size(key) is None
    store.delete(key)  # deleting a missing object is not an error


def test_a_file_that_never_arrived_is_not_found(store: DocumentStore, key: str) -> None:
    with pytest.raises(NotFound) as caught:
        store.get(key, MAX_UPLOAD_BYTES)

    assert caught.value.message == NOT_RECEIVED
    assert store.size(key) is None


def test_an_empty_object_reads_as_empty_bytes(store: DocumentStore, key: str) -> None:
    store.put(key, b"", "application/pdf")

    assert store.get(key, MAX_UPLOAD_BYTES) == b""


def test_an_object_over_the_limit_comes_back_one_byte_too_long_and_is_refused(
    store: DocumentStore, key: str
) -> None:
    store.put(key, b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024), "application/pdf")

    content = store.get(key, MAX_UPLOAD_BYTES)

    assert len(content) == MAX_UPLOAD_BYTES + 1
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(content, filename="facture.pdf")
    assert caught.value.code == "file_too_large"


def test_get_asks_s3_for_one_byte_more_than_the_limit_only(store: DocumentStore, key: str) -> None:
    store.put(key, b"x" * 5000, "application/pdf")
    ranges: list[str] = []
    client("s3").meta.events.register(
        "before-call.s3.GetObject", lambda params, **_: ranges.append(params["headers"]["Range"])
    )

    assert store.get(key, 1000) == b"x" * 1001
    assert ranges == ["bytes=0-1000"]


def test_the_download_link_names_the_file(store: DocumentStore, key: str) -> None:
    store.put(key, PDF, "application/pdf")

    url = store.presigned_get(key, "Facture été n°12.pdf")

    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["response-content-disposition"] == [
        'attachment; filename="Facture ete no12.pdf"; '
        "filename*=UTF-8''Facture%20%C3%A9t%C3%A9%20n%C2%B012.pdf"
    ]
    assert query["X-Amz-Expires"] == ["300"]
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.content == PDF


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
