"""Paying on the real local platform: the creditor's Checkout opens on the local Stripe simulation, the
« Payer » button posts a signed webhook back to the API, the claim moves on; redelivering the same event
five times at once changes nothing more."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.e2e.platform import RunningPlatform
from tests.e2e.terms import accept_cgv
from tests.e2e.test_intake_e2e import CONTENT, PROFILE, pdf
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"})


def submitted_claim(platform: RunningPlatform, api: requests.Session) -> tuple[str, dict]:
    claim_id = api.post(f"{platform.url}/v1/claims", json={"content": CONTENT}).json()["claim_id"]
    slot = api.post(
        f"{platform.url}/v1/claims/{claim_id}/documents",
        json={"filename": "facture.pdf", "content_type": "application/pdf"},
    ).json()
    requests.post(slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": pdf()}, timeout=10)
    document_id = slot["document"]["document_id"]
    assert api.post(f"{platform.url}/v1/claims/{claim_id}/documents/{document_id}/confirm").status_code == 200
    result = api.post(f"{platform.url}/v1/claims/{claim_id}/submit", json=accept_cgv(platform.url)).json()
    return claim_id, result["checkout"]


def test_paying_on_the_local_checkout_page_moves_the_claim_on_once(platform):
    api = requests.Session()
    signed_in = api.post(
        f"{platform.url}/v1/auth/signin",
        json={"email": "creancier@demo.localhost", "password": "Creancier2026"},
    ).json()
    api.headers["Authorization"] = f"Bearer {signed_in['id_token']}"
    api.put(f"{platform.url}/v1/me/profile", json=PROFILE)
    claim_id, checkout = submitted_claim(platform, api)
    assert checkout["url"].startswith(f"{platform.url}/_local/checkout/")

    page = requests.get(checkout["url"], timeout=10)
    assert page.status_code == 200 and "simulé" in page.text and "29,00" in page.text
    paid = requests.post(f"{checkout['url']}/pay", allow_redirects=False, timeout=30)
    assert paid.status_code == 303
    assert paid.headers["Location"].startswith(f"{platform.url}/#/creances/{claim_id}?paiement=ok")
    assert checkout["session_id"] in paid.headers["Location"]

    deadline = time.monotonic() + 20
    while (claim := api.get(f"{platform.url}/v1/claims/{claim_id}").json())["status"] == "awaiting_payment":
        assert time.monotonic() < deadline, claim
        time.sleep(0.2)
    assert claim["status"] in {"assessing", "notice_sent", "escalation_offered"}, claim["status"]
    assert claim["checkouts"][0]["status"] == "paid"

    [event] = [
        e
        for e in requests.get(f"{platform.url}/_local/stripe/api/events", timeout=10).json()["events"]
        if e["type"] == "checkout.session.completed"
    ]
    replies: list[int] = []

    def redeliver() -> None:
        reply = requests.post(
            f"{platform.url}/_local/stripe/events/{event['id']}/redeliver", allow_redirects=False, timeout=30
        )
        replies.append(reply.status_code)

    threads = [threading.Thread(target=redeliver) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    time.sleep(2)
    timeline = api.get(f"{platform.url}/v1/claims/{claim_id}/timeline").json()["events"]
    payments = [e for e in timeline if "Paiement reçu" in e["reason"]]
    assert len(payments) == 1
    # The payment moved the claim once (the escalation then goes on with its own steps).
    assert len([e for e in timeline if e["kind"] == "status_changed" and e["to_status"] == "assessing"]) == 1
    assert api.get(f"{platform.url}/v1/claims/{claim_id}/timeline/verify").json()["valid"] is True
    sfn = platform.aws_client("stepfunctions")
    [machine] = sfn.list_state_machines()["stateMachines"]
    listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
    assert [e["name"] for e in listed if e["name"].startswith(claim_id)] == [f"{claim_id}-notice"]
    # One invoice, emailed once with its PDF (in the background, once rendered), however often it came.
    deadline = time.monotonic() + 30
    while not _invoice_emails(platform):
        assert time.monotonic() < deadline, "the invoice was never emailed"
        time.sleep(0.5)
    time.sleep(3)  # and no second one arrives
    [invoice] = _invoice_emails(platform)
    assert [(a["filename"], a["content_type"]) for a in invoice["attachments"]] == [
        (f"{invoice['subject'].split()[2]}.pdf", "application/pdf")
    ]


def _invoice_emails(platform: RunningPlatform) -> list[dict]:
    status, box = platform.get("/_local/api/mailbox")
    assert status == 200
    return [
        m
        for m in box["messages"]
        if "creancier@demo.localhost" in m["to"] and m["subject"].startswith("Votre facture FA-")
    ]
