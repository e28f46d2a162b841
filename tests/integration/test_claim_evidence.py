"""Evidence uploads through the API on in-process moto: presigned POST to S3, server-side checks, the
SHA-256 on the claim and in the timeline, Factur-X pre-fill, and the full draft → submitted path."""

from __future__ import annotations

import hashlib
import io

import pytest

from tests.integration.claims_helpers import (
    cgv,
    create_claim,
    creditor,
    get,
    pdf_bytes,
    post,
    put_object_directly,
    upload,
)

pytestmark = pytest.mark.integration

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _object_exists(claim_id: str, document_id: str) -> bool:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    listed = client("s3").list_objects_v2(
        Bucket=get_settings().documents_bucket, Prefix=f"claims/{claim_id}/uploads/{document_id}"
    )
    return listed.get("KeyCount", 0) > 0


def _slot(api, token, claim_id, filename="facture.pdf", content_type="application/pdf"):
    response = post(
        api, f"/v1/claims/{claim_id}/documents", {"filename": filename, "content_type": content_type}, token
    )
    assert response.status_code == 201, response.json_body
    return response.json_body["document"]["document_id"]


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        pytest.param(PNG, "unsupported_type", "PNG", id="png-renamed-pdf"),
        pytest.param(
            b"Bonjour, ceci est un texte.\n" * 20, "unsupported_type", "texte", id="text-renamed-pdf"
        ),
        pytest.param(b"%PDF-1.7\n" + b"\x00garbage" * 2000, "pdf_corrupt", "PDF", id="corrupt-pdf"),
        pytest.param(None, "pdf_encrypted", "protégé", id="encrypted-pdf"),
        pytest.param(b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024), "file_too_large", "10", id="11-mb"),
    ],
)
def test_a_rejected_upload_is_deleted_and_explained_in_french(api, content, code, words):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    document_id = _slot(api, token, claim_id)
    put_object_directly(claim_id, document_id, content if content is not None else _encrypted_pdf())

    response = post(api, f"/v1/claims/{claim_id}/documents/{document_id}/confirm", {}, token)
    assert response.status_code == 422, response.json_body
    error = response.json_body["error"]
    assert error["code"] == code
    assert words.lower() in error["message"].lower(), error["message"]
    assert "facture.pdf" in error["message"]
    assert not _object_exists(claim_id, document_id)
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["documents"] == []


def test_an_accepted_pdf_gets_its_sha256_on_the_claim_and_in_the_timeline(api):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    content = pdf_bytes(pages=2)
    response, document_id = upload(api, token, claim_id, content)
    assert response.status_code == 200, response.json_body
    document = response.json_body["document"]
    assert document["status"] == "accepted" and document["pages"] == 2
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["media_type"] == "application/pdf" and document["size"] == len(content)

    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    added = [e for e in events if e["kind"] == "document_added"]
    assert added and added[-1]["document_hashes"] == {document_id: document["sha256"]}


def test_an_image_is_accepted_as_evidence(api):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    response, _ = upload(
        api,
        token,
        claim_id,
        PNG,
        filename="bon-de-livraison.png",
        kind="delivery_proof",
        content_type="image/png",
    )
    assert response.status_code == 200, response.json_body
    assert response.json_body["document"]["media_type"] == "image/png"
    assert response.json_body["prefill"] is None


def test_a_proof_of_partial_payment_is_an_evidence_kind_of_its_own(api):
    """What keeps some claims alive (C. civ. 2240: a partial payment interrupts prescription) is filed as
    what it is, and the dossier's bordereau lists it after the acknowledgements of debt."""
    from chalicelib.domain.claim import DocumentKind
    from chalicelib.services.dossier import _EXHIBIT_ORDER

    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    response, _ = upload(api, token, claim_id, pdf_bytes(), filename="virement.pdf", kind="payment_proof")
    assert response.status_code == 200, response.json_body
    assert response.json_body["document"]["kind_label"] == "Preuve de paiement partiel"
    order = list(_EXHIBIT_ORDER)
    assert order.index(DocumentKind.PAYMENT_PROOF) == order.index(DocumentKind.ACKNOWLEDGEMENT) + 1


def test_only_pdf_png_and_jpeg_slots_are_handed_out(api):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    response = post(
        api,
        f"/v1/claims/{claim_id}/documents",
        {"filename": "facture.docx", "content_type": "application/msword"},
        token,
    )
    assert response.status_code == 400
    assert response.json_body["error"]["field"] == "content_type"


def test_a_factur_x_invoice_prefills_the_claim(api):
    from tests.helpers.facturx_sample import facturx_invoice_pdf

    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    pdf = facturx_invoice_pdf(
        number="F-2026-042",
        amount="1234.56",
        seller_siren="732829320",
        buyer_siren="542051180",
        buyer_name="Rhône Distribution SARL",
    )
    response, _ = upload(api, token, claim_id, pdf, filename="F-2026-042.pdf")
    assert response.status_code == 200, response.json_body
    prefill = response.json_body["prefill"]
    assert prefill["source"] == "factur-x"
    assert prefill["invoice"]["number"] == "F-2026-042"
    assert prefill["invoice"]["amount_ttc"] == "1234.56"
    assert prefill["buyer"]["siren"] == "542051180"
    assert prefill["buyer"]["legal_name"] == "Rhône Distribution SARL"
    assert prefill["seller"]["siren"] == "732829320"


def test_draft_to_submitted_path(api, stripe):
    token = creditor(api)
    claim = create_claim(api, token)
    claim_id = claim["claim_id"]
    response, document_id = upload(api, token, claim_id, pdf_bytes())
    assert response.status_code == 200

    precheck = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert precheck["can_submit"] is True
    submitted = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token)
    assert submitted.status_code == 200, submitted.json_body
    view = submitted.json_body["claim"]
    assert view["status"] == "awaiting_payment" and view["editable"] is False
    assert view["assessment"]["amounts"]["total"] == "1061.26"
    assert submitted.json_body["checkout"]["amount"] == "29.00"

    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    [last] = [e for e in events if e["kind"] == "status_changed" and e["to_status"] == "awaiting_payment"]
    assert last["from_status"] == "draft"
    assert events[-1]["kind"] == "payment" and "29,00 €" in events[-1]["reason"]
    assert last["document_hashes"] == {document_id: response.json_body["document"]["sha256"]}
    assert get(api, f"/v1/claims/{claim_id}/timeline/verify", token).json_body["valid"] is True
    # A submitted claim is frozen: no more uploads, no more edits.
    late = post(
        api,
        f"/v1/claims/{claim_id}/documents",
        {"filename": "x.pdf", "content_type": "application/pdf"},
        token,
    )
    assert late.status_code == 409 and late.json_body["error"]["code"] == "not_editable"
