"""The operator's file of one claim (issue 24, ``GET /v1/operator/claims/{claim_id}``) on the in-process
platform: the claim, its creditor, the payments and refunds with their Stripe references, the fee invoices,
the registered letter, the lawyer, the emails (never their content) and the timeline with its actors — for
operators only (creditors and lawyers: 403, an unknown claim: 404)."""

from __future__ import annotations

import re
import time

import pytest

from tests.integration.claims_helpers import cgv, create_claim, creditor, get, pdf_bytes, post, upload
from tests.integration.test_escalation_pipeline import deliver
from tests.integration.test_lawyers import assigned_lawyer, lawyer, ready_dossier
from tests.integration.test_payments import operator_token

pytestmark = pytest.mark.integration
CREDITOR_EMAIL = "claire@atelier-numerique.fr"


def _file(api, token, claim_id: str, *, until=lambda file: True, timeout: float = 30) -> dict:
    """The operator's file, once ``until(file)`` holds (the outbox and Stripe's events catch up)."""
    deadline = time.monotonic() + timeout
    while True:
        response = get(api, f"/v1/operator/claims/{claim_id}", token)
        assert response.status_code == 200, response.json_body
        if until(response.json_body):
            return response.json_body
        assert time.monotonic() < deadline, response.json_body
        time.sleep(0.2)


def test_the_operator_sees_payments_refunds_and_invoices_with_their_stripe_references(api, stripe):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    assert upload(api, token, claim_id, pdf_bytes())[0].status_code == 200
    submitted = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token)
    assert submitted.status_code == 200, submitted.json_body
    deliver(api, stripe, stripe.pay(submitted.json_body["checkout"]["session_id"]))
    operator = operator_token(api)
    reason = "Le débiteur est en liquidation judiciaire."
    rejected = post(api, f"/v1/operator/claims/{claim_id}/reject", {"reasons": [reason]}, operator)
    assert rejected.status_code == 200, rejected.json_body
    [refunded] = [e for e in stripe.events() if e["type"] == "charge.refunded"]
    deliver(api, stripe, refunded)

    file = _file(api, operator, claim_id, until=lambda f: any(e["status"] == "sent" for e in f["emails"]))
    assert file["claim"]["claim_id"] == claim_id and file["claim"]["status"] == "rejected"
    assert file["claim"]["reference"] == "DOS-2025-001" and file["claim"]["principal"] == "1000.00"
    assert file["debtor"]["name"] == "Rhône Distribution SARL" and file["debtor"]["siren"] == "542051180"
    assert file["creditor"]["email"] == CREDITOR_EMAIL
    assert (
        file["creditor"]["legal_name"] == "Atelier Numérique SAS" and file["creditor"]["siren"] == "732829320"
    )
    assert file["creditor"]["user_id"]

    # The payment and its refund, with Stripe's ids; the refund asked by the operator, confirmed by Stripe.
    [payment] = file["payments"]
    assert payment["step"] == "notice" and payment["amount"] == "29.00" and payment["status"] == "refunded"
    assert payment["stripe_session_id"].startswith("cs_") and payment["stripe_payment_intent"].startswith(
        "pi_"
    )
    [refund] = file["refunds"]
    assert refund["stripe_refund_id"].startswith("re_") and refund["amount"] == "29.00"
    assert refund["stripe_payment_intent"] == payment["stripe_payment_intent"]
    assert refund["requested_by"] == "ops@plateforme.fr (opérateur de la plateforme, vous)"
    assert refund["confirmed_on"] == "2025-03-31" and refund["credit_note"] == "FA-2025-000002"
    assert refund["step_label"] == "Mise en demeure"

    # The invoice and its credit note, with the Stripe objects they were issued for.
    assert [(i["number"], i["kind"], i["amount_ttc"]) for i in file["invoices"]] == [
        ("FA-2025-000001", "invoice", "29.00"),
        ("FA-2025-000002", "credit_note", "-29.00"),
    ]
    invoice, note = file["invoices"]
    assert invoice["stripe_payment_intent"] == payment["stripe_payment_intent"]
    assert (
        note["stripe_refund_id"] == refund["stripe_refund_id"] and note["credited_number"] == "FA-2025-000001"
    )

    # The emails: what, to whom, how it went — never what they say.
    kinds = {e["kind"] for e in file["emails"]}
    assert {"claim_submitted", "payment_received", "claim_rejected"} <= kinds, kinds
    rejection = next(e for e in file["emails"] if e["kind"] == "claim_rejected")
    assert rejection["recipient"] == "creditor" and rejection["recipient_label"] == "Créancier"
    assert rejection["kind_label"].startswith("La créance ne peut pas être traitée")
    assert set(rejection) == {
        "outbox_id",
        "kind",
        "kind_label",
        "recipient",
        "recipient_label",
        "status",
        "status_label",
        "attempts",
        "queued_at",
        "sent_at",
        "error",
    }
    assert "liquidation" not in str(file["emails"])

    # The whole timeline, each event with its actor in words and its reason as recorded (Stripe ids kept).
    events = file["timeline"]
    assert [e["sequence"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["actor_label"] == f"{CREDITOR_EMAIL} (créancier)"
    assert any(e["actor_label"] == "Stripe (paiements)" for e in events)
    asked = next(e for e in events if e["reason"].startswith("Remboursement demandé"))
    assert refund["stripe_refund_id"] in asked["reason"] and asked["actor_label"] == refund["requested_by"]
    assert file["letter"] is None and file["lawyer"] is None

    # The creditor's own view of the claim still shows no Stripe payment or refund id.
    creditor_view = str(get(api, f"/v1/claims/{claim_id}", token).json_body)
    assert "pi_" not in creditor_view and not re.search(r"\bre_", creditor_view)


def test_only_an_operator_opens_the_file_and_an_unknown_claim_is_not_found(api, stripe):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    _, lawyer_token = lawyer(api, "me.rhone@barreau-lyon.fr", departements=("69",))
    operator = operator_token(api)
    for refused in (token, lawyer_token):
        response = get(api, f"/v1/operator/claims/{claim_id}", refused)
        assert response.status_code == 403, response.json_body
        assert response.json_body["error"]["message"].startswith("Cette action est réservée au rôle")
    assert get(api, f"/v1/operator/claims/{claim_id}", None).status_code == 401
    unknown = get(api, "/v1/operator/claims/clm_inconnue", operator)
    assert unknown.status_code == 404
    assert unknown.json_body["error"]["message"] == "Cette créance est introuvable."
    draft = get(api, f"/v1/operator/claims/{claim_id}", operator).json_body
    assert draft["claim"]["status"] == "draft" and draft["payments"] == [] and draft["invoices"] == []


def test_the_file_of_a_dossier_names_the_registered_letter_and_the_lawyer(api, stripe):
    token = creditor(api)
    lawyer_id, _ = lawyer(api, "me.rhone@barreau-lyon.fr", departements=("69",))
    claim_id = ready_dossier(api, stripe, token)
    assert assigned_lawyer(claim_id) == lawyer_id
    operator = operator_token(api)

    file = _file(api, operator, claim_id, until=lambda f: f["lawyer"] and f["lawyer"]["lawyer_id"])
    letter = file["letter"]
    assert letter["status"] == "sent" and letter["channel"] in ("lrar", "lre") and letter["channel_label"]
    assert letter["provider"] == "local" and "provider_ref" in letter  # the simulation has no reference
    assert letter["outcome_label"] and letter["deadline"]
    lawyer_file = file["lawyer"]
    assert lawyer_file["lawyer_id"] == lawyer_id and lawyer_file["email"] == "me.rhone@barreau-lyon.fr"
    assert lawyer_file["barreau"] == "Lyon" and lawyer_file["assigned_at"] and lawyer_file["declines"] == []
    assert [p["step"] for p in file["payments"]] == ["notice", "dossier"]
    assert all(p["stripe_payment_intent"].startswith("pi_") for p in file["payments"])
    assert file["refunds"] == []
    sent = {(e["recipient"], e["kind"]) for e in file["emails"]}
    assert {("lawyer", "dossier_assigned"), ("creditor", "escalation_offered")} <= sent, sent
    assert any(e["actor_label"] == "Plateforme (traitement automatique)" for e in file["timeline"])
