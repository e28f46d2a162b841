"""The local platform behaves as AWS does where an attacker would look (issue 20): its embedded S3 serves
nobody anonymously, checks presigned links and upload policies, and answers CORS for the platform's own
origin only; its web server refuses a body bigger than a Lambda would take, in French, before reading it."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
import requests

from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
BUCKET = "claims-local-documents"
EVIL = "https://attaquant.example"


PLATFORM = PlatformSpec()


@pytest.fixture
def stored_key(platform):
    s3 = platform.aws_client("s3")
    key = "claims/essai/uploads/piece"
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1.7 contenu du creancier")
    return key


def _status(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_embedded_s3_refuses_anonymous_listing_and_reading(platform, stored_key):
    status, _, body = _status(f"{platform.aws_endpoint}/{BUCKET}")
    assert status == 403 and b"AccessDenied" in body and stored_key.encode() not in body
    status, _, body = _status(f"{platform.aws_endpoint}/{BUCKET}/{stored_key}")
    assert status == 403 and b"creancier" not in body
    status, _, _ = _status(f"{platform.aws_endpoint}/{BUCKET}?list-type=2&prefix=claims/")
    assert status == 403


def test_presigned_links_are_checked_as_s3_checks_them(platform, stored_key):
    s3 = platform.aws_client("s3")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": stored_key}, ExpiresIn=60)
    status, _, body = _status(url)
    assert status == 200 and body.startswith(b"%PDF")
    # The same signature for another object, or with a longer life, is refused.
    status, _, body = _status(url.replace("/piece?", "/autre?"))
    assert status == 403 and b"SignatureDoesNotMatch" in body
    status, _, _ = _status(url.replace("X-Amz-Expires=60", "X-Amz-Expires=86400"))
    assert status == 403


def test_an_upload_form_is_held_to_its_policy_and_its_origin(platform):
    s3 = platform.aws_client("s3")
    post = s3.generate_presigned_post(
        Bucket=BUCKET,
        Key="claims/essai/uploads/nouvelle",
        Fields={"Content-Type": "application/pdf"},
        Conditions=[["content-length-range", 1, 1000], {"Content-Type": "application/pdf"}],
        ExpiresIn=60,
    )
    pdf = ("piece.pdf", b"%PDF-1.7 ok", "application/pdf")
    own = requests.post(
        post["url"], data=post["fields"], files={"file": pdf}, headers={"Origin": platform.url}
    )
    assert own.status_code == 204, own.text
    assert own.headers.get("Access-Control-Allow-Origin") == platform.url

    foreign = requests.post(post["url"], data=post["fields"], files={"file": pdf}, headers={"Origin": EVIL})
    assert "Access-Control-Allow-Origin" not in foreign.headers  # the browser hides the answer from that site

    elsewhere = post["fields"] | {"key": "claims/autre-creance/uploads/piece"}
    assert requests.post(post["url"], data=elsewhere, files={"file": pdf}).status_code == 403
    too_big = ("piece.pdf", b"%PDF" + b"x" * 2000, "application/pdf")
    assert requests.post(post["url"], data=post["fields"], files={"file": too_big}).status_code == 400
    svg = post["fields"] | {"Content-Type": "image/svg+xml"}
    assert requests.post(post["url"], data=svg, files={"file": pdf}).status_code == 403
    assert (
        requests.post(post["url"], data={"key": "claims/x/uploads/y"}, files={"file": pdf}).status_code == 403
    )


def test_cors_answers_only_the_platforms_origin(platform, stored_key):
    preflight = {"Access-Control-Request-Method": "POST"}
    status, headers, _ = _status(f"{platform.aws_endpoint}/{BUCKET}", "OPTIONS", {"Origin": EVIL} | preflight)
    assert "Access-Control-Allow-Origin" not in headers and status == 403
    status, headers, _ = _status(
        f"{platform.aws_endpoint}/{BUCKET}", "OPTIONS", {"Origin": platform.url} | preflight
    )
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == platform.url
    url = platform.aws_client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": stored_key}, ExpiresIn=60
    )
    _, headers, _ = _status(url, headers={"Origin": EVIL})
    assert "Access-Control-Allow-Origin" not in headers
    # Nor does any other service of the embedded AWS echo a foreign origin.
    _, headers, _ = _status(f"{platform.aws_endpoint}/moto-api/", headers={"Origin": EVIL})
    assert headers.get("Access-Control-Allow-Origin") not in (EVIL, "*")


def test_the_web_server_refuses_an_oversized_body_in_french_before_reading_it(platform):
    host = urlsplit(platform.url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.putrequest("POST", "/v1/auth/signin")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(200 * 1024 * 1024))  # announced, never sent
    connection.endheaders()
    connection.send(b'{"email": "')
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 413
    assert body["error"]["code"] == "body_too_large"
    assert "trop volumineuse" in body["error"]["message"]
    # A normal request still works afterwards.
    status, answer = platform.get("/health")
    assert status == 200 and answer["status"] == "ok"
