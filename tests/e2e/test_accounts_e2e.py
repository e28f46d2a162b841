"""Sign-up on the real local platform over HTTP: the code arrives in the local mailbox, the creditor signs
in with a token the authorizer verifies against the moto server's JWKS, and edits their profile."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.e2e.platform import RunningPlatform
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def call(
    platform: RunningPlatform, method: str, path: str, body: Any = None, token: str = ""
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(platform.url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


PLATFORM = PlatformSpec()


def test_a_creditor_signs_up_with_the_code_from_the_local_mailbox(platform):
    email = "e2e@atelier-dupont.fr"
    password = "Motdepasse2026"
    status, body = call(platform, "POST", "/v1/auth/signup", {"email": email, "password": password})
    assert status == 202, body

    status, mailbox = platform.get("/_local/api/mailbox")
    assert status == 200
    [message] = [m for m in mailbox["messages"] if email in m["to"]]
    assert message["subject"] == "Votre code de vérification"
    code = re.search(r"\b(\d{6})\b", message["body"]).group(1)
    status, page = platform.get("/_local/mailbox")
    assert status == 200 and "Boîte aux lettres locale" in page and email in page

    assert call(platform, "POST", "/v1/auth/confirm", {"email": email, "code": code})[0] == 200
    status, tokens = call(platform, "POST", "/v1/auth/signin", {"email": email, "password": password})
    assert status == 200, tokens
    token = tokens["id_token"]

    assert call(platform, "GET", "/v1/me")[0] == 401
    assert call(platform, "GET", "/v1/me", token="pas-un-jeton")[0] == 401
    header, payload, signature = token.split(".")
    assert call(platform, "GET", "/v1/me", token=f"{header}.{payload}x.{signature}")[0] == 401
    status, me = call(platform, "GET", "/v1/me", token=token)
    assert status == 200 and me["role"] == "creditor", me
    profile = {
        "legal_name": "Atelier Dupont SARL",
        "category": "commercant",
        "siren": "732829320",
        "address": {"line1": "12 rue de la République", "postal_code": "69002", "city": "Lyon"},
        "iban": "FR14 2004 1010 0505 0001 3M02 607",
        "signatory_name": "Claire Dupont",
    }
    status, refused = call(platform, "PUT", "/v1/me/profile", profile, token)
    assert status == 400 and refused["error"]["field"] == "iban", refused
    profile["iban"] = "FR14 2004 1010 0505 0001 3M02 606"
    status, saved = call(platform, "PUT", "/v1/me/profile", profile, token)
    assert status == 200 and saved["profile"]["iban"] == "FR1420041010050500013M02606", saved
    assert call(platform, "GET", "/v1/operator/lawyers", token=token)[0] == 403


def test_the_demo_operator_signs_in_and_sees_the_demo_lawyer(platform):
    import time

    deadline = time.monotonic() + 15  # the banner reaches the log file when the platform's output is flushed
    while "operateur@demo.localhost" not in platform.log():
        assert time.monotonic() < deadline, platform.log()
        time.sleep(0.2)
    status, tokens = call(
        platform,
        "POST",
        "/v1/auth/signin",
        {"email": "operateur@demo.localhost", "password": "Operateur2026"},
    )
    assert status == 200, tokens
    status, listed = call(platform, "GET", "/v1/operator/lawyers", token=tokens["id_token"])
    assert status == 200
    assert [lawyer["email"] for lawyer in listed["lawyers"]] == ["avocat@demo.localhost"]
