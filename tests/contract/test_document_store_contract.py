"""What every document store does, on S3 (in-process moto) and in memory alike: a browser-style upload
through the presigned POST, then reading, sizing, copying, listing, deleting, the download link, and the
errors a caller must handle.

The S3-only behaviours (the Range header sent, throttling and refusals from S3) stay in
tests/integration/test_document_store.py. moto does not check the POST policy (size range, Content-Type,
signature): on AWS, S3 does, and so does the in-memory twin. The server-side size check therefore relies on
``DocumentStore.get`` reading one byte past the limit and on the upload inspection, and is tested here on
objects written directly.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.parse

import pytest

from chalicelib.adapters.document_store import NOT_RECEIVED, DocumentStore
from chalicelib.adapters.memory import InMemoryDocumentStore
from chalicelib.documents.inspection import MAX_UPLOAD_BYTES, inspect_upload
from chalicelib.domain.errors import NotFound, UploadRejected
from chalicelib.settings import get_settings
from tests.contract.conftest import DocumentsBackend

PDF = b"%PDF-1.7\n% a small test body\n%%EOF\n"


@pytest.fixture
def store(documents: DocumentsBackend) -> DocumentStore:
    return documents.store


@pytest.fixture
def key(store: DocumentStore) -> str:
    return store.upload_key("claim-1", "doc-1")


@pytest.mark.parametrize("store_class", [DocumentStore, InMemoryDocumentStore])
def test_upload_keys_live_under_the_claim(store_class: type[DocumentStore]) -> None:
    assert store_class.upload_key("c-42", "d-7") == "claims/c-42/uploads/d-7"


@pytest.mark.parametrize("store_class", [DocumentStore, InMemoryDocumentStore])
def test_the_store_uses_the_configured_bucket(store_class: type[DocumentStore]) -> None:
    assert store_class().bucket == get_settings().documents_bucket
    assert store_class("other-bucket").bucket == "other-bucket"


def test_a_browser_upload_through_the_presigned_post_can_be_read_back(
    documents: DocumentsBackend, store: DocumentStore, key: str
) -> None:
    post = store.presigned_post(key, "application/pdf")

    documents.upload(post, "facture.pdf", PDF, "application/pdf")

    assert store.size(key) == len(PDF)
    assert store.get(key, MAX_UPLOAD_BYTES) == PDF
    assert documents.stored_type(key) == "application/pdf"


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


def test_put_get_size_and_delete(documents: DocumentsBackend, store: DocumentStore) -> None:
    key = "claims/claim-1/letters/mise-en-demeure.pdf"

    store.put(key, PDF, "application/pdf")

    assert store.size(key) == len(PDF)
    assert store.get(key, len(PDF)) == PDF  # exactly at the limit: accepted
    assert documents.stored_type(key) == "application/pdf"
    store.delete(key)
    assert store.size(key) is None
    assert documents.stored_type(key) is None
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


def test_get_reads_one_byte_more_than_the_limit_only(store: DocumentStore, key: str) -> None:
    store.put(key, b"x" * 5000, "application/pdf")

    assert store.get(key, 1000) == b"x" * 1001
    assert store.get(key, 5000) == b"x" * 5000


def test_the_download_link_names_the_file(
    documents: DocumentsBackend, store: DocumentStore, key: str
) -> None:
    store.put(key, PDF, "application/pdf")

    url = store.presigned_get(key, "Facture été n°12.pdf")

    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["response-content-disposition"] == [
        'attachment; filename="Facture ete no12.pdf"; '
        "filename*=UTF-8''Facture%20%C3%A9t%C3%A9%20n%C2%B012.pdf"
    ]
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-cache-control"] == ["private, no-store"]
    content, content_type = documents.download(url)
    assert content == PDF
    assert content_type == "application/pdf"


def test_the_download_link_sends_the_type_it_names(
    documents: DocumentsBackend, store: DocumentStore, key: str
) -> None:
    store.put(key, b"a;b\n", "application/octet-stream")

    csv_link = store.presigned_get(key, "export.csv", expires_in=60)
    other_link = store.presigned_get(key, "export.bin", content_type="text/plain")

    assert urllib.parse.parse_qs(urllib.parse.urlsplit(csv_link).query)["X-Amz-Expires"] == ["60"]
    assert documents.download(csv_link) == (b"a;b\n", "text/csv; charset=utf-8")
    assert documents.download(other_link) == (b"a;b\n", "text/plain")


def test_copy_keeps_bytes_and_type_and_a_missing_source_is_not_found(
    documents: DocumentsBackend, store: DocumentStore, key: str
) -> None:
    store.put(key, PDF, "application/pdf")

    store.copy(key, "claims/claim-1/sealed/doc-1")

    assert store.get("claims/claim-1/sealed/doc-1", MAX_UPLOAD_BYTES) == PDF
    assert documents.stored_type("claims/claim-1/sealed/doc-1") == "application/pdf"
    assert store.get(key, MAX_UPLOAD_BYTES) == PDF  # the source stays
    with pytest.raises(NotFound) as caught:
        store.copy("claims/claim-1/uploads/never", "claims/claim-1/sealed/never")
    assert caught.value.message == NOT_RECEIVED
    assert store.size("claims/claim-1/sealed/never") is None


def test_keys_under_a_prefix_and_deleting_many(store: DocumentStore) -> None:
    keys = [
        "claims/abc/uploads/d-2",
        "claims/abc/notice/mise-en-demeure.pdf",
        "claims/abcd/uploads/d-1",
        "claims/abc/uploads/d-1",
    ]
    for name in keys:
        store.put(name, b"%PDF-1.7", "application/pdf")

    under = store.keys_under("claims/abc/")

    assert under == sorted(k for k in keys if k.startswith("claims/abc/"))  # not claims/abcd/
    assert store.keys_under("claims/none/") == []
    store.delete_many([*under, "claims/abc/missing"])  # a missing one is not an error
    assert store.keys_under("claims/abc/") == []
    assert store.keys_under("claims/") == ["claims/abcd/uploads/d-1"]
    store.delete_many([])


def test_a_conditional_put_writes_only_the_first_time(store: DocumentStore) -> None:
    key = "exports/creditor-1/suite-aucun.txt"
    assert store.put_new(key, b"exp_1", "text/plain")
    assert not store.put_new(key, b"exp_2", "text/plain")  # the first writer's stays
    assert store.get(key, 100) == b"exp_1"
