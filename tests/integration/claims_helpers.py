"""Helpers of the claims API tests: a signed-in creditor with a complete profile, claim contents, PDFs."""

from __future__ import annotations

import io
import json

from tests.integration.accounts_helpers import get, post, put, signed_up_creditor

PROFILE = {
    "legal_name": "Atelier Numérique SAS",
    "category": "commercant",
    "legal_form": "SAS",
    "siren": "732829320",
    "address": {"line1": "12 rue du Sentier", "postal_code": "75002", "city": "Paris"},
    "iban": "FR7630006000011234567890189",
    "signatory_name": "Claire Morel",
    "signatory_title": "Présidente",
}


def creditor(api, email="claire@atelier-numerique.fr") -> str:
    """A signed-up creditor whose profile is complete; returns the ID token."""
    token = signed_up_creditor(api, email)
    response = put(api, "/v1/me/profile", PROFILE, token)
    assert response.status_code == 200, response.json_body
    return token


def b2b_content(**changes) -> dict:
    """Shared legal case 01 (b2b-basic) as a claim content: 1 000 € due 31 Jan 2025, debtor in Lyon."""
    content = {
        "reference": "DOS-2025-001",
        "debtor": {
            "category": "commercant",
            "legal_name": "Rhône Distribution SARL",
            "legal_form": "SARL",
            "siren": "542051180",
            "address": {"line1": "3 quai Saint-Antoine", "postal_code": "69002", "city": "Lyon"},
            "email": "compta@rhone-distribution.example.fr",
        },
        "invoices": [
            {
                "number": "F-2025-0012",
                "issue_date": "2025-01-02",
                "performance_date": "2025-01-02",
                "due_date": "2025-01-31",
                "amount_ttc": "1000.00",
                "description": "Développement d'un site vitrine",
            }
        ],
    }
    content.update(changes)
    return content


def b2c_barred_content() -> dict:
    """A consumer's invoice of 2022: two years (C. conso. L218-2) are long past."""
    return {
        "debtor": {
            "category": "consumer",
            "legal_name": "Jean Dupont",
            "title": "M.",
            "address": {"line1": "4 rue des Lilas", "postal_code": "44000", "city": "Nantes"},
        },
        "invoices": [
            {
                "number": "F-2022-0101",
                "issue_date": "2022-03-01",
                "due_date": "2022-03-15",
                "amount_ttc": "850.00",
            }
        ],
    }


def cgv() -> dict:
    """The body that accepts the conditions générales de vente in force (needed before the first payment)."""
    from chalicelib.settings import get_settings

    return {"cgv_version": get_settings().cgv_version}


def create_claim(api, token, content=None):
    response = post(api, "/v1/claims", {"content": content or b2b_content()}, token)
    assert response.status_code == 201, response.json_body
    return response.json_body


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(
    api, token, claim_id, content: bytes, *, filename="facture.pdf", kind="invoice", content_type=None
):
    """Ask for a presigned POST, send the bytes to S3 with it (as a browser would), confirm."""
    import requests

    slot = post(
        api,
        f"/v1/claims/{claim_id}/documents",
        {"filename": filename, "kind": kind, "content_type": content_type or "application/pdf"},
        token,
    )
    assert slot.status_code == 201, slot.json_body
    form = slot.json_body["upload"]
    sent = requests.post(form["url"], data=form["fields"], files={"file": (filename, content)}, timeout=30)
    assert sent.status_code in (200, 201, 204), sent.text
    document_id = slot.json_body["document"]["document_id"]
    return post(api, f"/v1/claims/{claim_id}/documents/{document_id}/confirm", {}, token), document_id


def put_object_directly(claim_id: str, document_id: str, content: bytes) -> None:
    """Bypass the presigned POST's limits, as a hostile client could: the server-side check must catch it."""
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    client("s3").put_object(
        Bucket=get_settings().documents_bucket,
        Key=f"claims/{claim_id}/uploads/{document_id}",
        Body=content,
    )


def body(response) -> dict:
    return json.loads(response.body)


__all__ = ["get", "post", "put"]
