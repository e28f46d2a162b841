"""Claim intake on the real local platform over HTTP: the demo creditor files a claim, the browser-style
upload goes straight to the local S3 with the presigned POST (CORS allowed for the platform's origin),
the server checks the file, the pre-check prices the claim, and the claim is submitted."""

from __future__ import annotations

import io

import pytest
import requests

from tests.e2e.terms import accept_cgv
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROFILE = {
    "legal_name": "Atelier Numérique SAS",
    "category": "commercant",
    "siren": "732829320",
    "address": {"line1": "12 rue du Sentier", "postal_code": "75002", "city": "Paris"},
    "iban": "FR7630006000011234567890189",
    "signatory_name": "Claire Morel",
}
CONTENT = {
    "debtor": {
        "category": "commercant",
        "legal_name": "Rhône Distribution SARL",
        "siren": "542051180",
        "address": {"line1": "3 quai Saint-Antoine", "postal_code": "69002", "city": "Lyon"},
    },
    "invoices": [
        {
            "number": "F-2025-0012",
            "issue_date": "2025-01-02",
            "due_date": "2025-01-31",
            "amount_ttc": "1000.00",
        }
    ],
}


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"})


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_creditor_files_uploads_prechecks_and_submits_on_the_local_platform(platform):
    api = requests.Session()
    signed_in = api.post(
        f"{platform.url}/v1/auth/signin",
        json={"email": "creancier@demo.localhost", "password": "Creancier2026"},
    )
    assert signed_in.status_code == 200, signed_in.text
    api.headers["Authorization"] = f"Bearer {signed_in.json()['id_token']}"
    assert api.put(f"{platform.url}/v1/me/profile", json=PROFILE).status_code == 200

    created = api.post(f"{platform.url}/v1/claims", json={"content": CONTENT})
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]

    slot = api.post(
        f"{platform.url}/v1/claims/{claim_id}/documents",
        json={"filename": "F-2025-0012.pdf", "kind": "invoice", "content_type": "application/pdf"},
    ).json()
    form = slot["upload"]
    assert form["url"].startswith(platform.aws_endpoint), form["url"]
    preflight = requests.options(
        form["url"],
        headers={
            "Origin": platform.url,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") in {platform.url, "*"}, preflight.headers
    sent = requests.post(
        form["url"],
        data=form["fields"],
        files={"file": ("F-2025-0012.pdf", pdf(), "application/pdf")},
        headers={"Origin": platform.url},
        timeout=10,
    )
    assert sent.status_code in (200, 201, 204), sent.text
    document_id = slot["document"]["document_id"]
    confirmed = api.post(f"{platform.url}/v1/claims/{claim_id}/documents/{document_id}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["document"]["status"] == "accepted"

    precheck = api.post(f"{platform.url}/v1/claims/{claim_id}/precheck").json()
    assert precheck["can_submit"] is True and precheck["amounts"]["total"] == "1061.26"
    submitted = api.post(f"{platform.url}/v1/claims/{claim_id}/submit", json=accept_cgv(platform.url))
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["claim"]["status"] == "awaiting_payment"
    assert api.get(f"{platform.url}/v1/claims/{claim_id}/timeline/verify").json()["valid"] is True

    status, document = platform.get("/openapi.json")
    assert status == 200 and "/v1/claims" in document["paths"]
