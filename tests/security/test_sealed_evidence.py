"""Evidence sealed once checked (issue 20, high): the presigned upload form stays valid 15 minutes after
``…/confirm``; re-posting it after confirmation — even after payment — used to replace a checked clean PDF
with a hostile one that the dossier then carried. Now the checked bytes are copied at confirmation to a key no
upload form can write, and every later use (dossier, the lawyer's copy, the notice's download) verifies the
SHA-256 recorded then and refuses a mismatch loudly."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO

import pytest
import requests

from chalicelib.adapters.aws import client
from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.settings import get_settings
from tests.helpers.notice import notice_json
from tests.integration.claims_helpers import create_claim, creditor, get, pdf_bytes, post

pytestmark = pytest.mark.integration

HOSTILE_PDF = (
    b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _slot(api, token, claim_id) -> dict:
    slot = post(
        api,
        f"/v1/claims/{claim_id}/documents",
        {"filename": "facture.pdf", "kind": "invoice", "content_type": "application/pdf"},
        token,
    )
    assert slot.status_code == 201, slot.json_body
    return slot.json_body


def _send(form: dict, content: bytes) -> None:
    sent = requests.post(
        form["url"], data=form["fields"], files={"file": ("facture.pdf", content)}, timeout=30
    )
    assert sent.status_code in (200, 201, 204), sent.text


def _object(key: str) -> bytes:
    return client("s3").get_object(Bucket=get_settings().documents_bucket, Key=key)["Body"].read()


def _tamper(key: str, content: bytes) -> None:
    client("s3").put_object(Bucket=get_settings().documents_bucket, Key=key, Body=content)


def test_re_posting_the_upload_form_after_confirmation_changes_nothing_that_is_used(api):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    slot = _slot(api, token, claim_id)
    clean = pdf_bytes(2)
    _send(slot["upload"], clean)
    document_id = slot["document"]["document_id"]
    confirmed = post(api, f"/v1/claims/{claim_id}/documents/{document_id}/confirm", {}, token)
    assert confirmed.status_code == 200, confirmed.json_body

    # The same form, still within its 15 minutes, with hostile bytes: S3 takes them at the upload key…
    _send(slot["upload"], HOSTILE_PDF)
    [document] = ClaimRepository().get(claim_id).documents
    # …but the evidence lives at its sealed key, which holds the checked bytes.
    assert document.storage_key == f"claims/{claim_id}/sealed/{document_id}"
    assert document.storage_key != slot["upload"]["fields"]["key"]
    assert _object(document.storage_key) == clean
    assert document.sha256 == hashlib.sha256(clean).hexdigest()
    shown = get(api, f"/v1/claims/{claim_id}", token).json_body["documents"][0]
    assert shown["sha256"] == hashlib.sha256(clean).hexdigest()


def test_a_sealed_piece_changed_behind_the_platforms_back_is_never_put_in_a_dossier(api, stripe):
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.clock import business_now
    from chalicelib.domain.errors import IntegrityError
    from chalicelib.services.dossier import assemble_claim_dossier
    from tests.integration.test_escalation_pipeline import paid_claim, wait_status

    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    [document] = ClaimRepository().get(claim_id).documents
    _tamper(document.storage_key, HOSTILE_PDF)
    with pytest.raises(IntegrityError) as refused:
        assemble_claim_dossier(
            ClaimRepository(),
            claim_id,
            accounts=AccountRepository(),
            store=DocumentStore(),
            today=get_settings().today(),
            now=business_now(),
        )
    assert "ne correspond plus à l'empreinte" in refused.value.message
    assert ClaimRepository().get(claim_id).status.value == "escalation_offered"  # no dossier was made


def test_the_escalation_hands_a_tampered_claim_to_an_operator(api, stripe):
    """Through the state machine: the dossier's task fails on the mismatch, the claim needs attention and the
    operator is alerted; no dossier object is written."""
    from tests.integration.test_escalation_pipeline import deliver, paid_claim, timeline, wait_status

    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    [document] = ClaimRepository().get(claim_id).documents
    _tamper(document.storage_key, HOSTILE_PDF)
    accepted = post(api, f"/v1/claims/{claim_id}/escalation", {"decision": "accept"}, token)
    deliver(api, stripe, stripe.pay(accepted.json_body["session_id"]))
    wait_status(api, token, claim_id, "needs_attention")
    reasons = " ".join(e["reason"] for e in timeline(api, token, claim_id))
    assert "IntegrityError" in reasons
    listed = client("s3").list_objects_v2(
        Bucket=get_settings().documents_bucket, Prefix=f"claims/{claim_id}/"
    )
    assert not [o["Key"] for o in listed.get("Contents", []) if "/dossier" in o["Key"]]


def test_the_lawyers_copy_and_the_notice_download_are_verified(api, stripe):
    from tests.integration.test_lawyers import assigned_lawyer, lawyer, ready_dossier

    token = creditor(api)
    lyon_id, me_lyon = lawyer(api, "me.lyon@barreau-lyon.fr", departements=("69",))
    claim_id = ready_dossier(api, stripe, token)
    assert assigned_lawyer(claim_id) == lyon_id
    dossier = (notice_json(ClaimRepository().get(claim_id)))["dossier"]
    # An untouched dossier: the lawyer's copy holds exactly the bytes hashed at assembly.
    link = post(api, f"/v1/lawyer/dossiers/{claim_id}/links", {"document": "zip"}, me_lyon)
    assert link.status_code == 201, link.json_body
    fetched = requests.get(link.json_body["url"], timeout=10).content
    assert hashlib.sha256(fetched).hexdigest() == dossier["sha256_zip"]
    assert zipfile.ZipFile(BytesIO(fetched)).namelist()

    # The merged PDF changed in the bucket: no link, a 409 in French, the operator alerted.
    _tamper(dossier["pdf_key"], HOSTILE_PDF)
    refused = post(api, f"/v1/lawyer/dossiers/{claim_id}/links", {"document": "pdf"}, me_lyon)
    assert refused.status_code == 409
    assert refused.json_body["error"]["code"] == "integrity_error"
    assert "a été modifié" in refused.json_body["error"]["message"]

    notice = notice_json(ClaimRepository().get(claim_id))
    _tamper(notice["pdf_key"], HOSTILE_PDF)
    download = get(api, f"/v1/claims/{claim_id}/notice/pdf", token)
    assert download.status_code == 409
    assert download.json_body["error"]["code"] == "integrity_error"
    events = ClaimRepository().events(claim_id)
    assert sum("empreinte différente" in e.reason for e in events) == 2
