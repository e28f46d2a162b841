"""What S3 checks before it serves a request, for the embedded S3 (moto serves anyone, with anything).

* Anonymous requests are refused (403 AccessDenied): listing the bucket or reading an object needs a
  signature, as on the real, private bucket.
* A request signed in its ``Authorization`` header must name the platform's access key (403
  InvalidAccessKeyId otherwise): the local platform has one set of credentials.
* A presigned URL (``X-Amz-Signature`` in the query) is checked like S3 does: the SigV4 signature of the
  method, path, query and signed headers with the platform's secret key (403 SignatureDoesNotMatch), and its
  expiry (``localaws._expire_presigned_urls``).
* A browser upload with a presigned POST form is checked like S3 does: the policy's signature, its
  expiration, and every condition (bucket, key, Content-Type, content-length-range…); a form field the
  policy does not name is refused.

Pure functions on plain data; ``infra/local/localaws.py`` wires them into moto.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit


@dataclass(frozen=True)
class Refusal:
    code: str  # S3's error code
    message: str


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str


_ANONYMOUS = Refusal("AccessDenied", "Access Denied")
_BAD_SIGNATURE = Refusal(
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided.",
)
_UNKNOWN_KEY = Refusal(
    "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
)


def _signing_key(secret: str, date: str, region: str, service: str = "s3") -> bytes:
    key = hmac.new(f"AWS4{secret}".encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _quote(value: str) -> str:
    return quote(value, safe="-_.~")


def check_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    credentials: Credentials,
    *,
    form_upload: bool,
) -> Refusal | None:
    """None when S3 would let the request in (a form upload is checked later, by :func:`check_post_form`)."""
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    params = dict(query)
    if "X-Amz-Signature" in params:
        return _check_presigned_url(method, url, query, headers, credentials)
    authorization = headers.get("Authorization") or headers.get("authorization") or ""
    if authorization:
        credential = authorization.partition("Credential=")[2].partition("/")[0]
        if not credential and authorization.startswith("AWS "):  # SigV2: "AWS key:signature"
            credential = authorization[4:].partition(":")[0]
        return None if credential == credentials.access_key else _UNKNOWN_KEY
    if method.upper() == "OPTIONS":  # a CORS preflight: the bucket's CORS rules answer it
        return None
    if form_upload:
        return None
    return _ANONYMOUS


def _check_presigned_url(
    method: str,
    url: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    credentials: Credentials,
) -> Refusal | None:
    params = dict(query)
    if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        return _ANONYMOUS
    access_key, _, scope = params.get("X-Amz-Credential", "").partition("/")
    if access_key != credentials.access_key:
        return _UNKNOWN_KEY
    date, _, rest = scope.partition("/")
    region, _, service = rest.partition("/")
    service = service.partition("/")[0]
    signed_headers = params.get("X-Amz-SignedHeaders", "host")
    lowered = {name.lower(): value for name, value in headers.items()}
    lowered.setdefault("host", urlsplit(url).netloc)  # an in-process request may not carry it yet
    canonical_headers = "".join(
        f"{name}:{' '.join(str(lowered.get(name, '')).split())}\n" for name in signed_headers.split(";")
    )
    canonical_query = "&".join(
        f"{_quote(key)}={_quote(value)}" for key, value in sorted(query) if key != "X-Amz-Signature"
    )
    canonical_uri = quote(unquote(urlsplit(url).path) or "/", safe="/~")
    canonical_request = "\n".join(
        (
            method.upper(),
            canonical_uri,
            canonical_query,
            canonical_headers,
            signed_headers,
            "UNSIGNED-PAYLOAD",
        )
    )
    string_to_sign = "\n".join(
        (
            "AWS4-HMAC-SHA256",
            params.get("X-Amz-Date", ""),
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        )
    )
    expected = hmac.new(
        _signing_key(credentials.secret_key, date, region, service or "s3"),
        string_to_sign.encode(),
        hashlib.sha256,
    ).hexdigest()
    return None if hmac.compare_digest(expected, params["X-Amz-Signature"]) else _BAD_SIGNATURE


# Form fields S3 does not ask the policy about.
_UNCHECKED_FIELDS = {"policy", "x-amz-signature", "file", "awsaccesskeyid", "signature"}


def check_post_form(
    bucket: str,
    fields: Mapping[str, str],
    file_size: int,
    credentials: Credentials,
    now: dt.datetime | None = None,
) -> Refusal | None:
    """A browser upload (presigned POST): None when the policy is signed by the platform, unexpired, and
    every field and the file's size meet its conditions."""
    lowered = {name.lower(): value for name, value in fields.items()}
    policy_b64 = lowered.get("policy", "")
    signature = lowered.get("x-amz-signature", "")
    if not policy_b64 or not signature or lowered.get("x-amz-algorithm") != "AWS4-HMAC-SHA256":
        return _ANONYMOUS
    access_key, _, scope = lowered.get("x-amz-credential", "").partition("/")
    if access_key != credentials.access_key:
        return _UNKNOWN_KEY
    date, _, rest = scope.partition("/")
    region = rest.partition("/")[0]
    expected = hmac.new(
        _signing_key(credentials.secret_key, date, region), policy_b64.encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return _BAD_SIGNATURE
    try:
        policy = json.loads(base64.b64decode(policy_b64, validate=True))
        expiration = dt.datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
        conditions = list(policy.get("conditions", []))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return Refusal("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.")
    if (now or dt.datetime.now(dt.UTC)) > expiration:
        return Refusal("AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {name: value for name, value in lowered.items()} | {"bucket": bucket}
    named: set[str] = {"bucket"}
    for condition in conditions:
        refusal = _condition(condition, values, file_size, named)
        if refusal is not None:
            return refusal
    for name in lowered:
        if name not in named and name not in _UNCHECKED_FIELDS and not name.startswith("x-ignore-"):
            return Refusal(
                "AccessDenied",
                f"Invalid according to Policy: Extra input fields: {name}",
            )
    return None


def _condition(condition: Any, values: Mapping[str, str], file_size: int, named: set[str]) -> Refusal | None:
    def failed() -> Refusal:
        return Refusal("AccessDenied", f"Invalid according to Policy: Policy Condition failed: {condition}")

    if isinstance(condition, dict):
        for name, expected in condition.items():
            named.add(name.lower())
            if values.get(name.lower()) != str(expected):
                return failed()
        return None
    if not isinstance(condition, list) or len(condition) != 3:
        return failed()
    operator = str(condition[0]).lower()
    if operator == "content-length-range":
        low, high = int(condition[1]), int(condition[2])
        return (
            None
            if low <= file_size <= high
            else Refusal(
                "EntityTooLarge" if file_size > high else "EntityTooSmall",
                "Your proposed upload exceeds the maximum allowed size"
                if file_size > high
                else "Your proposed upload is smaller than the minimum allowed size",
            )
        )
    name = str(condition[1]).lower().removeprefix("$")
    named.add(name)
    actual = values.get(name, "")
    if operator == "eq":
        return None if actual == str(condition[2]) else failed()
    if operator == "starts-with":
        return None if actual.startswith(str(condition[2])) else failed()
    return failed()
