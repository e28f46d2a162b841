"""Pay per claim on in-process moto with the local Stripe simulation: Checkout on submission, verified
webhooks (forged or stale → 400, nothing changes), effects exactly once, expiry, deferred payments,
rejection after payment with an automatic refund."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time

import pytest

from tests.integration.accounts_helpers import PASSWORD, mailbox
from tests.integration.claims_helpers import cgv, create_claim, creditor, get, pdf_bytes, post, upload
from tests.integration.outbox_helpers import status_email, wait_for_mail

pytestmark = pytest.mark.integration

SECRET = "whsec_local_simulation"


def deliver(api, event=None, *, payload=None, header=None, fake=None):
    if event is not None:
        payload, header = fake.signed(event)
    return api.http.post(
        "/v1/webhooks/stripe",
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        body=payload,
    )


def submitted(api, token):
    claim_id = create_claim(api, token)["claim_id"]
    response, _ = upload(api, token, claim_id, pdf_bytes())
    assert response.status_code == 200
    result = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token)
    assert result.status_code == 200, result.json_body
    return claim_id, result.json_body


def executions(claim_id):
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    listed = client("stepfunctions").list_executions(stateMachineArn=get_settings().state_machine_arn)
    return [e for e in listed["executions"] if e["name"].startswith(claim_id)]


def operator_token(api):
    from chalicelib.bootstrap import identity_provider
    from chalicelib.domain.accounts import Role
    from tests.integration.accounts_helpers import post as raw_post

    identity_provider().create_user("ops@plateforme.fr", PASSWORD, Role.OPERATOR)
    return raw_post(api, "/v1/auth/signin", {"email": "ops@plateforme.fr", "password": PASSWORD}).json_body[
        "id_token"
    ]


def test_prices_are_shown_before_checkout(api):
    prices = {p["step"]: p for p in get(api, "/v1/prices").json_body["prices"]}
    assert prices["notice"]["amount"] == "29.00" and prices["dossier"]["amount"] == "89.00"
    assert prices["notice"]["vat_included"] is True


def test_submitting_opens_a_checkout_session_for_the_claim(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    checkout = result["checkout"]
    assert checkout["amount"] == "29.00" and checkout["status"] == "open" and checkout["step"] == "notice"
    session = stripe.retrieve_checkout_session(checkout["session_id"])
    assert session["client_reference_id"] == claim_id
    assert session["metadata"] == {"claim_id": claim_id, "step": "notice"}
    assert session["customer_email"] == "claire@atelier-numerique.fr"
    assert session["success_url"].startswith(f"http://127.0.0.1:8765/#/creances/{claim_id}?paiement=ok")
    assert session["amount_total"] == 2900
    assert checkout["url"] == session["url"]
    # Asking again gives the same open session, not a second one.
    again = post(api, f"/v1/claims/{claim_id}/checkout", {}, token).json_body
    assert again["session_id"] == checkout["session_id"]
    [email] = wait_for_mail("claire@atelier-numerique.fr", lambda m: "paiement" in m["body"].lower())
    assert "29,00" in email["body"]


def test_a_forged_signature_is_refused_and_changes_nothing(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    event = stripe.pay(result["checkout"]["session_id"])
    payload, header = stripe.signed(event)
    forged = header.replace("v1=", "v1=0")[: len(header)]
    response = deliver(api, payload=payload, header=forged)
    assert response.status_code == 400 and response.json_body["error"]["code"] == "invalid_webhook"
    other_secret = hmac.new(
        b"whsec_other", f"{int(time.time())}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    response = deliver(api, payload=payload, header=f"t={int(time.time())},v1={other_secret}")
    assert response.status_code == 400
    tampered = payload.replace('"paid"', '"unpaid"')
    assert deliver(api, payload=tampered, header=header).status_code == 400
    assert deliver(api, payload=payload, header=None).status_code == 400
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "awaiting_payment"
    assert executions(claim_id) == []


def test_a_signature_outside_the_tolerance_is_refused(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    payload, _ = stripe.signed(stripe.pay(result["checkout"]["session_id"]))
    stale = int(time.time()) - 3600
    signature = hmac.new(SECRET.encode(), f"{stale}.{payload}".encode(), hashlib.sha256).hexdigest()
    response = deliver(api, payload=payload, header=f"t={stale},v1={signature}")
    assert response.status_code == 400 and "tolerance" in response.json_body["error"]["message"].lower()
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "awaiting_payment"


def test_paying_starts_the_escalation_once_and_is_recorded(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    event = stripe.pay(result["checkout"]["session_id"])
    response = deliver(api, event, fake=stripe)
    assert response.status_code == 200, response.json_body
    assert response.json_body["result"] == "paid; escalation started"
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["status"] == "assessing"
    assert claim["checkouts"][0]["status"] == "paid"
    [execution] = executions(claim_id)
    assert execution["name"] == f"{claim_id}-notice"
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert any(e["to_status"] == "assessing" and "Paiement reçu" in e["reason"] for e in events)
    # Stripe delivers it again, later: same answer, nothing more happens.
    again = deliver(api, event, fake=stripe)
    assert again.status_code == 200 and again.json_body["result"] == "paid; escalation started"
    assert len(executions(claim_id)) == 1
    assert len(get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]) == len(events)


def test_the_same_event_delivered_five_times_concurrently_takes_effect_once(api, stripe):
    from chalicelib.api.payments import receive_stripe_event

    token = creditor(api)
    claim_id, result = submitted(api, token)
    event = stripe.pay(result["checkout"]["session_id"])
    before = len(get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"])
    barrier = threading.Barrier(5)
    statuses: list[int] = []

    def delivery() -> None:
        payload, header = stripe.signed(event)
        barrier.wait(timeout=10)
        statuses.append(receive_stripe_event(payload.encode(), header)[0])

    threads = [threading.Thread(target=delivery) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == 5 and set(statuses) <= {200, 409} and 200 in statuses
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    changes = [e for e in events[before:] if e["kind"] == "status_changed"]
    assert [(e["from_status"], e["to_status"]) for e in changes] == [("awaiting_payment", "assessing")]
    assert len(executions(claim_id)) == 1


def test_an_expired_session_leaves_the_claim_payable_again(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    first = result["checkout"]["session_id"]
    assert deliver(api, stripe.expire(first), fake=stripe).status_code == 200
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["status"] == "awaiting_payment" and claim["payable"] is True
    assert claim["checkouts"][0]["status"] == "expired"
    reopened = post(api, f"/v1/claims/{claim_id}/checkout", {}, token)
    assert reopened.status_code == 201 and reopened.json_body["session_id"] != first
    assert deliver(api, stripe.pay(reopened.json_body["session_id"]), fake=stripe).status_code == 200
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "assessing"


def test_a_deferred_payment_waits_then_counts_or_leaves_the_claim_payable(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    session = result["checkout"]["session_id"]
    assert deliver(api, stripe.pay_deferred(session), fake=stripe).status_code == 200
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["status"] == "awaiting_payment" and claim["checkouts"][0]["status"] == "processing"
    assert deliver(api, stripe.settle_deferred(session, succeeded=False), fake=stripe).status_code == 200
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["checkouts"][0]["status"] == "failed" and claim["payable"] is True

    second = post(api, f"/v1/claims/{claim_id}/checkout", {}, token).json_body["session_id"]
    deliver(api, stripe.pay_deferred(second), fake=stripe)
    assert deliver(api, stripe.settle_deferred(second, succeeded=True), fake=stripe).status_code == 200
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "assessing"


def test_a_claim_rejected_after_payment_is_refunded_and_the_creditor_told_why(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    deliver(api, stripe.pay(result["checkout"]["session_id"]), fake=stripe)
    reason = "Le débiteur est en liquidation judiciaire : la créance doit être déclarée au liquidateur."
    rejected = post(api, f"/v1/operator/claims/{claim_id}/reject", {"reasons": [reason]}, operator_token(api))
    assert rejected.status_code == 200, rejected.json_body
    assert rejected.json_body["status"] == "rejected"

    [refund_event] = [e for e in stripe.events() if e["type"] == "charge.refunded"]
    assert refund_event["data"]["object"]["amount_refunded"] == 2900
    assert deliver(api, refund_event, fake=stripe).status_code == 200
    assert deliver(api, refund_event, fake=stripe).status_code == 200  # redelivered: recorded once
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["checkouts"][0]["status"] == "refunded" and claim["checkouts"][0]["refunded"] == "29.00"
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    refunds = [e["reason"] for e in events if e["kind"] == "refund"]
    assert len(refunds) == 2 and "Remboursement effectué : 29,00 €" in refunds[-1]
    [rejection] = wait_for_mail("claire@atelier-numerique.fr", lambda m: "liquidation" in m["body"])
    assert "29,00" in rejection["body"]
    [refund] = wait_for_mail("claire@atelier-numerique.fr", lambda m: "remboursement de" in m["subject"])
    assert "29,00" in refund["body"]
    # One email per change, however often Stripe redelivered the events.
    subjects = [m["subject"] for m in mailbox("claire@atelier-numerique.fr")]
    assert len(subjects) == len(set(subjects)), subjects


def test_an_unknown_event_type_is_acknowledged_and_ignored(api, stripe):
    event = {"id": "evt_x", "object": "event", "type": "customer.created", "data": {"object": {}}}
    response = deliver(api, event, fake=stripe)
    assert response.status_code == 200 and response.json_body["result"] == "ignored"
    json.dumps(response.json_body)


def test_a_paid_claim_found_blocked_when_processed_is_rejected_and_refunded_automatically(api, stripe):
    from chalicelib.adapters.dynamo import ClaimModel

    token = creditor(api)
    claim_id, result = submitted(api, token)
    # Between submission and payment, the debtor went into liquidation (BODACC).
    item = ClaimModel.get(claim_id)
    content = dict(item.content)
    content["debtor"] = content["debtor"] | {
        "collective_proceedings": {
            "kind": "liquidation",
            "opened_on": "2025-03-10",
            "published_on": "2025-03-20",
        }
    }
    item.update(actions=[ClaimModel.content.set(content)])

    assert deliver(api, stripe.pay(result["checkout"]["session_id"]), fake=stripe).status_code == 200
    deadline = time.monotonic() + 20
    while get(api, f"/v1/claims/{claim_id}", token).json_body["status"] != "rejected":
        assert time.monotonic() < deadline, get(api, f"/v1/claims/{claim_id}/timeline", token).json_body
        time.sleep(0.1)
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    rejection = next(e for e in events if e["to_status"] == "rejected")
    assert "liquidation" in rejection["reason"] and rejection["actor"] == "plateforme"
    # The refund is asked for right after the rejection is saved, by the same (background) task.
    deadline = time.monotonic() + 10
    while not (refunds := [e for e in stripe.events() if e["type"] == "charge.refunded"]):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    [refund_event] = refunds
    assert deliver(api, refund_event, fake=stripe).status_code == 200
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["checkouts"][0]["status"] == "refunded"
    wait_for_mail("claire@atelier-numerique.fr", lambda m: "liquidation" in m["body"])


def test_paying_for_the_dossier_resumes_the_waiting_execution(stripe):
    from dataclasses import replace
    from datetime import UTC, datetime

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.stripe_gateway import StripeGateway
    from chalicelib.domain.accounts import Account, Identity, Role
    from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
    from chalicelib.services.payments import Prices, handle_event, open_checkout
    from chalicelib.services.terms import CgvConsent

    class TermsAccepted:  # the creditor accepted the CGV in force when submitting the claim
        def find(self, user_id):
            return Account(user_id, "c@example.fr", Role.CREDITOR, cgv_version="2026-12-01")

        def accept_terms(self, user_id, version, at):
            raise AssertionError("nothing new to accept")

    class Recorder:
        def __init__(self):
            self.resumed: list[tuple[str, dict]] = []

        def start_once(self, name, payload):
            raise AssertionError("the dossier step must not start a new execution")

        def execution_arn(self, name):
            raise AssertionError("the dossier step must not name a new execution")

        def send_task_success(self, token, output):
            self.resumed.append((token, output))

    now = datetime.now(UTC)
    claims = ClaimRepository()
    claims.create(
        Claim("clm-dossier", "creditor-1", ClaimStatus.DRAFT, "Débiteur SARL", 100_000, now, now), actor="t"
    )
    for status in ("awaiting_payment", "assessing", "notice_sent", "escalation_offered"):
        claims.transition(
            "clm-dossier",
            ClaimStatus(status),
            actor="t",
            reason="préparation",
            notify=status_email(ClaimStatus(status)),
        )
    claims.record(
        "clm-dossier",
        kind=EventKind.NOTE,
        actor="workflow",
        reason="En attente de la décision du créancier",
        change=lambda c: replace(c, task_token="token-123"),
    )
    identity = Identity("creditor-1", "c@example.fr", Role.CREDITOR)
    _, checkout = open_checkout(
        claims,
        StripeGateway(),
        identity,
        "clm-dossier",
        prices=Prices(2900, 8900),
        base_url="http://x",
        now=now,
        accounts=TermsAccepted(),
        consent=CgvConsent(in_force="2026-12-01"),
    )
    assert checkout.amount_cents == 8900 and checkout.step.value == "dossier"
    workflow = Recorder()
    outcome = handle_event(stripe.pay(checkout.session_id), claims=claims, workflow=workflow, now=now)
    assert outcome.result == "paid; escalation resumed"
    assert workflow.resumed == [("token-123", {"dossier_paid": True, "session_id": checkout.session_id})]
    stored = claims.get("clm-dossier")
    assert stored.task_token == "" and stored.checkout_for(checkout.step).status.value == "paid"
