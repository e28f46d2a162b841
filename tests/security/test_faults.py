"""AWS services failing for a while, injected in the local platform (``infra.local.localaws.inject_fault``:
every call to the service fails as if its endpoint were unreachable). Passing outages are retried; a long
one leaves the claim in ``needs_attention`` at worst, with the creditor and the operator told; nothing is
lost, and the operator's redrive resumes the claim at its step once the service is back."""

from __future__ import annotations

import time

import pytest

from chalicelib.adapters.claims_repository import ClaimRepository
from infra.local import localaws
from tests.helpers.notice import notice_json
from tests.integration.accounts_helpers import mailbox
from tests.integration.claims_helpers import creditor, get, post
from tests.integration.test_escalation_pipeline import (
    CREDITOR,
    DEBTOR,
    deliver,
    paid_claim,
    timeline,
    wait_status,
)

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def no_faults_left():
    yield
    localaws.clear_faults()


def operator(api) -> str:
    from tests.integration.test_authorization import operator_token

    return operator_token(api)


def wait_mail(address: str, words: str, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    while not (found := [m for m in mailbox(address) if words in m["subject"]]):
        assert time.monotonic() < deadline, [m["subject"] for m in mailbox(address)]
        time.sleep(0.1)
    return found


def test_s3_down_while_the_dossier_is_assembled_then_the_operator_redrives(api, stripe, monkeypatch):
    monkeypatch.setenv("OPERATOR_ALERT_EMAIL", "alertes@plateforme.fr")
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    accepted = post(api, f"/v1/claims/{claim_id}/escalation", {"decision": "accept"}, token)
    assert accepted.status_code == 201, accepted.json_body

    localaws.inject_fault("s3", 600)  # longer than every retry of the task
    deliver(api, stripe, stripe.pay(accepted.json_body["session_id"]))
    attention = wait_status(api, token, claim_id, "needs_attention")
    assert attention["checkouts"][-1]["status"] == "paid"  # the payment is kept
    wait_mail(CREDITOR, "examin")  # the creditor is told a person looks at it
    [alert] = wait_mail("alertes@plateforme.fr", "Intervention requise")
    assert "S3" in alert["body"] and claim_id in alert["body"]

    # While S3 is down the operator's redrive starts nothing useful: it fails again, nothing is lost.
    localaws.clear_faults()
    ops = operator(api)
    redriven = post(api, f"/v1/operator/claims/{claim_id}/redrive", {}, ops)
    assert redriven.status_code == 200 and redriven.json_body["execution_arn"], redriven.json_body
    ready = wait_status(api, token, claim_id, "dossier_ready")
    # The dossier was paid once and never offered again; the timeline tells the whole story and verifies.
    assert [c["step"] for c in ready["checkouts"]] == ["notice", "dossier"]
    changes = [e["to_status"] for e in timeline(api, token, claim_id) if e["kind"] == "status_changed"]
    assert changes[-3:] == ["needs_attention", "escalation_offered", "dossier_ready"]
    assert changes.count("escalation_offered") == 2  # back to its step once, by the redrive
    offers = [
        m
        for m in mailbox(CREDITOR)
        if "injonction de payer" in m["subject"].lower() and "propos" in m["subject"].lower()
    ]
    assert len(offers) <= 1, [m["subject"] for m in offers]
    wait_mail(CREDITOR, "traitement repris")
    assert get(api, f"/v1/claims/{claim_id}/timeline/verify", token).json_body["valid"] is True


def test_ses_down_for_a_moment_is_retried_and_the_debtor_gets_one_notice(api, stripe):
    token = creditor(api)
    localaws.fail_next_calls("ses", 2)  # the notice step (4 attempts) and the outbox retry past it
    claim_id = paid_claim(api, stripe, token)
    claim = wait_status(api, token, claim_id, "escalation_offered", timeout=90)
    assert claim["status"] == "escalation_offered"
    deadline = time.monotonic() + 30
    while len([m for m in mailbox(DEBTOR) if m["attachments"]]) < 1:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(1)
    assert len([m for m in mailbox(DEBTOR) if m["attachments"]]) == 1  # one letter, one copy


def test_ses_down_for_good_during_the_notice_hands_the_claim_over_and_the_letter_is_sent_once(api, stripe):
    token = creditor(api)
    localaws.inject_fault("ses", 600)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "needs_attention")
    # The registered letter went before the email failed: recorded once, never posted twice.
    first = notice_json(ClaimRepository().get(claim_id))
    localaws.clear_faults()
    redriven = post(api, f"/v1/operator/claims/{claim_id}/redrive", {}, operator(api))
    assert redriven.status_code == 200, redriven.json_body
    wait_status(api, token, claim_id, "escalation_offered", timeout=60)
    after = notice_json(ClaimRepository().get(claim_id))
    if first.get("tracking_number"):
        assert after["tracking_number"] == first["tracking_number"]
    deadline = time.monotonic() + 30
    while len([m for m in mailbox(DEBTOR) if m["attachments"]]) < 1:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(1)
    assert len([m for m in mailbox(DEBTOR) if m["attachments"]]) == 1


def test_dynamodb_down_answers_a_french_503_and_nothing_is_half_written(api, stripe):
    token = creditor(api)
    claims = get(api, "/v1/claims", token)
    assert claims.status_code == 200
    localaws.inject_fault("dynamodb", 600)
    down = get(api, "/v1/claims", token)
    assert down.status_code == 503, down.body
    assert (
        "réessay" in down.json_body["error"]["message"].lower()
        or "indisponible" in down.json_body["error"]["message"].lower()
    )
    created = post(api, "/v1/claims", {"content": {}}, token)
    assert created.status_code in {400, 503}
    localaws.clear_faults()
    assert get(api, "/v1/claims", token).json_body == claims.json_body  # nothing was half written
