"""The embedded S3's checks (``infra/local/s3_access.py``) against what botocore really signs."""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import boto3
import pytest

from infra.local.s3_access import Credentials, check_post_form, check_request

CREDENTIALS = Credentials("local", "local-secret")
BUCKET = "claims-local-documents"


@pytest.fixture
def s3():
    return boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:5999",
        region_name="eu-west-3",
        aws_access_key_id=CREDENTIALS.access_key,
        aws_secret_access_key=CREDENTIALS.secret_key,
    )


def _get(url: str, **headers: str):
    host = urlsplit(url).netloc
    return check_request("GET", url, {"Host": host, **headers}, CREDENTIALS, form_upload=False)


@pytest.mark.parametrize("key", ["claims/c1/uploads/d1", "claims/c1/documents/déjà vu+1 (copie).pdf"])
def test_a_presigned_download_signed_by_the_platform_is_accepted(s3, key):
    url = s3.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": BUCKET,
            "Key": key,
            "ResponseContentDisposition": "attachment; filename*=UTF-8''facture%20d%C3%A9j%C3%A0.pdf",
            "ResponseContentType": "application/pdf",
        },
        ExpiresIn=300,
    )
    assert _get(url) is None


def test_a_tampered_or_foreign_presigned_download_is_refused(s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "a/b"}, ExpiresIn=300)
    parts = urlsplit(url)
    assert _get(url.replace("/a/b?", "/a/c?")).code == "SignatureDoesNotMatch"
    query = dict(parse_qsl(parts.query))
    assert _get(parts._replace(query=urlencode(query | {"X-Amz-Expires": "999999"})).geturl()).code == (
        "SignatureDoesNotMatch"
    )
    other = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:5999",
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="not-the-secret",
    )
    forged = other.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "a/b"})
    assert _get(forged).code == "SignatureDoesNotMatch"


def test_anonymous_requests_are_refused_and_signed_ones_need_the_platforms_key():
    assert _get(f"http://127.0.0.1:5999/{BUCKET}").code == "AccessDenied"
    assert _get(f"http://127.0.0.1:5999/{BUCKET}/a/b").code == "AccessDenied"
    signed = (
        "AWS4-HMAC-SHA256 Credential=local/20261203/eu-west-3/s3/aws4_request, SignedHeaders=host, "
        "Signature=x"
    )
    assert _get(f"http://127.0.0.1:5999/{BUCKET}", Authorization=signed) is None
    other = signed.replace("Credential=local/", "Credential=AKIAOTHER/")
    assert _get(f"http://127.0.0.1:5999/{BUCKET}", Authorization=other).code == "InvalidAccessKeyId"
    preflight = check_request(
        "OPTIONS", f"http://127.0.0.1:5999/{BUCKET}", {}, CREDENTIALS, form_upload=False
    )
    assert preflight is None


def _form(s3, key="claims/c1/uploads/d1", content_type="application/pdf", max_bytes=100, expires=900):
    post = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[["content-length-range", 1, max_bytes], {"Content-Type": content_type}],
        ExpiresIn=expires,
    )
    return post["fields"]


def test_a_presigned_post_is_held_to_its_policy(s3):
    fields = _form(s3)
    assert check_post_form(BUCKET, fields, 50, CREDENTIALS) is None
    assert (
        check_post_form(BUCKET, fields | {"key": "claims/c2/uploads/x"}, 50, CREDENTIALS).code
        == "AccessDenied"
    )
    assert check_post_form(BUCKET, fields | {"Content-Type": "image/svg+xml"}, 50, CREDENTIALS) is not None
    assert check_post_form(BUCKET, fields, 101, CREDENTIALS).code == "EntityTooLarge"
    assert check_post_form(BUCKET, fields, 0, CREDENTIALS).code == "EntityTooSmall"
    assert check_post_form("another-bucket", fields, 50, CREDENTIALS) is not None
    assert check_post_form(BUCKET, fields | {"acl": "public-read"}, 50, CREDENTIALS) is not None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert "expired" in check_post_form(BUCKET, fields, 50, CREDENTIALS, now=later).message
    # A policy rewritten by the browser (a bigger size) no longer matches its signature.
    policy = json.loads(base64.b64decode(fields["policy"]))
    policy["conditions"][0] = ["content-length-range", 1, 10**9]
    rewritten = fields | {"policy": base64.b64encode(json.dumps(policy).encode()).decode()}
    assert check_post_form(BUCKET, rewritten, 50, CREDENTIALS).code == "SignatureDoesNotMatch"
    without = {k: v for k, v in fields.items() if k != "x-amz-signature"}
    assert check_post_form(BUCKET, without, 50, CREDENTIALS).code == "AccessDenied"
