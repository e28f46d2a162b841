"""RULEBOOK 1.2: a claim whose prescription is ``at_risk`` gets "lawyer review, no automatic MED/IP". Paid
for, it is not notified: the escalation hands it to a partner lawyer's review (a callback), the creditor is
told why, and nothing reaches the debtor until the lawyer approves; a refusal rejects and refunds it with
the lawyer's reason. The state machine runs for real (moto), tasks routed to the app's handlers."""

from __future__ import annotations

import time

import pytest

from chalicelib.adapters.claims_repository import ClaimRepository
from tests.integration.accounts_helpers import mailbox
from tests.integration.claims_helpers import cgv, create_claim, creditor, get, pdf_bytes, post, upload
from tests.integration.test_escalation_pipeline import (
    CREDITOR,
    deliver,
    execution_of,
    states_entered,
    timeline,
    wait_status,
)
from tests.integration.test_lawyers import lawyer, wait_mail

pytestmark = pytest.mark.integration
DEBTOR = "paul.girard@example.fr"


def at_risk_content() -> dict:
    """A consumer's works of 1 March 2023 invoiced on 1 June 2023, due 30 June: on 31 March 2025 (the
    tests' business day) the early end of the two years (C. conso. L218-2, from completion) has passed,
    the late one (from the due date) has not — rulebook case 10's situation."""
    return {
        "reference": "DOS-RISQUE-01",
        "debtor": {
            "category": "consumer",
            "legal_name": "Paul Girard",
            "title": "M.",
            "address": {"line1": "8 rue Mercière", "postal_code": "69002", "city": "Lyon"},
            "email": DEBTOR,
        },
        "invoices": [
            {
                "number": "F-2023-0120",
                "issue_date": "2023-06-01",
                "performance_date": "2023-03-01",
                "due_date": "2023-06-30",
                "amount_ttc": "950.00",
                "description": "Réfection de la toiture",
            }
        ],
        "reminder_first": False,
    }


def submitted(api, token) -> tuple[str, dict]:
    claim_id = create_claim(api, token, at_risk_content())["claim_id"]
    response, _ = upload(api, token, claim_id, pdf_bytes())
    assert response.status_code == 200
    result = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token)
    assert result.status_code == 200, result.json_body
    return claim_id, result.json_body


def in_review(api, stripe, token) -> str:
    claim_id, body = submitted(api, token)
    deliver(api, stripe, stripe.pay(body["checkout"]["session_id"]))
    wait_status(api, token, claim_id, "lawyer_review")
    return claim_id


def test_the_precheck_says_a_lawyer_will_review_before_any_letter(api, stripe):
    token = creditor(api)
    claim_id = create_claim(api, token, at_risk_content())["claim_id"]
    precheck = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert precheck["prescription"]["status"] == "at_risk"
    assert precheck["can_submit"] is True
    review = precheck["review"]
    assert review["required"] is True
    assert any(r["code"] == "lawyer_review_prescription_at_risk" for r in review["reasons"])
    assert "un avocat décide" in review["reasons"][0]["message"]

    b2b = create_claim(api, token)["claim_id"]
    assert post(api, f"/v1/claims/{b2b}/precheck", {}, token).json_body["review"] is None


def test_an_at_risk_claim_paid_for_is_not_notified_but_reviewed_then_approved(api, stripe):
    token = creditor(api)
    lawyer_id, me_lyon = lawyer(api, "me.lyon@barreau-lyon.fr", departements=("69",))
    _, me_other = lawyer(api, "me.autre@barreau-lyon.fr", departements=("75",))
    claim_id = in_review(api, stripe, token)

    claim = ClaimRepository().get(claim_id)
    assert claim.assigned_lawyer_id == lawyer_id and claim.notice is None
    assert claim.review["reasons"][0]["code"] == "lawyer_review_prescription_at_risk"
    execution = execution_of(claim_id)[0]["executionArn"]
    entered = states_entered(execution)
    assert "LawyerReview" in entered and "SendNotice" not in entered and "SendReminder" not in entered
    # The creditor is told why; the lawyer is asked; the debtor gets nothing.
    told = wait_mail(CREDITOR, "examen par un avocat avant tout envoi")
    assert "Prescription à risque" in told["text"] and "Aucun courrier n'est envoyé" in told["text"]
    asked = wait_mail("me.lyon@barreau-lyon.fr", "Revue avant mise en demeure")
    assert f"/#/avocat/dossiers/{claim_id}" in asked["text"]
    view = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert view["status_label"] == "En revue par un avocat"
    assert view["review"]["required"] and view["review"]["decision"] == ""

    # The reviewing lawyer sees it with its reasons; another lawyer does not.
    listed = get(api, "/v1/lawyer/dossiers", me_lyon).json_body["dossiers"]
    assert [d["claim_id"] for d in listed] == [claim_id]
    detail = get(api, f"/v1/lawyer/dossiers/{claim_id}", me_lyon).json_body
    assert detail["actions"] == ["approve", "refuse"] and detail["accepted"] is False
    assert detail["court"]["name"].startswith("Tribunal")
    assert detail["review"]["reasons"][0]["article"] == "Rulebook 1.2"
    assert get(api, f"/v1/lawyer/dossiers/{claim_id}", me_other).status_code == 404
    forbidden = post(api, f"/v1/lawyer/dossiers/{claim_id}/review", {"decision": "approve"}, me_other)
    assert forbidden.status_code == 404
    assert mailbox(DEBTOR) == []

    approved = post(
        api,
        f"/v1/lawyer/dossiers/{claim_id}/review",
        {
            "decision": "approve",
            "note": "Facture émise tardivement mais travaux réceptionnés : envoi possible.",
        },
        me_lyon,
    )
    assert approved.status_code == 200, approved.json_body
    notified = wait_status(api, token, claim_id, "notice_sent")
    assert notified["review"]["decision"] == "approved"
    assert notified["review"]["note"].startswith("Facture émise tardivement")
    assert "LawyerReview" in states_entered(execution) and "SendNotice" in states_entered(execution)
    assert wait_mail(CREDITOR, "accord de l'avocat")
    assert wait_mail(DEBTOR, "mise en demeure de payer")
    # Approved once: a second click changes nothing; the claim left the lawyer's review list.
    again = post(api, f"/v1/lawyer/dossiers/{claim_id}/review", {"decision": "approve"}, me_lyon)
    assert again.status_code == 404  # no longer assigned to them
    steps = [e["to_status"] for e in timeline(api, token, claim_id) if e["kind"] == "status_changed"]
    assert steps[-4:] == ["assessing", "lawyer_review", "assessing", "notice_sent"]


def test_a_refusal_rejects_and_refunds_with_the_lawyers_reason_and_nothing_reaches_the_debtor(api, stripe):
    token = creditor(api)
    _, me_lyon = lawyer(api, "me.lyon@barreau-lyon.fr", departements=("69",))
    claim_id = in_review(api, stripe, token)

    empty = post(api, f"/v1/lawyer/dossiers/{claim_id}/review", {"decision": "refuse"}, me_lyon)
    assert empty.status_code == 400 and "motif" in empty.json_body["error"]["message"]
    reason = "La prescription est probablement acquise : les travaux ont été achevés le 1er mars 2023."
    refused = post(
        api, f"/v1/lawyer/dossiers/{claim_id}/review", {"decision": "refuse", "note": reason}, me_lyon
    )
    assert refused.status_code == 200, refused.json_body
    claim = wait_status(api, token, claim_id, "rejected")
    assert claim["review"]["decision"] == "refused" and claim["review"]["note"] == reason
    rejected = wait_mail(CREDITOR, "ne peut pas être traitée")
    assert reason in rejected["text"] and "avocat partenaire, estime" in rejected["text"]
    events = timeline(api, token, claim_id)
    assert any(e["kind"] == "refund" for e in events)
    execution = execution_of(claim_id)[0]["executionArn"]
    deadline = time.monotonic() + 20
    while get_status(execution) == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert get_status(execution) == "SUCCEEDED"
    assert "ReviewRefused" in states_entered(execution) and "SendNotice" not in states_entered(execution)
    time.sleep(1.0)
    assert mailbox(DEBTOR) == []
    assert ClaimRepository().get(claim_id).notice is None


def test_a_restarted_review_keeps_its_lawyer_and_still_waits_for_the_decision(api, stripe):
    from chalicelib.adapters.step_functions import StepFunctionsEngine
    from chalicelib.clock import business_now
    from chalicelib.services.escalation import redrive
    from chalicelib.settings import get_settings

    token = creditor(api)
    lawyer_id, me_lyon = lawyer(api, "me.lyon@barreau-lyon.fr", departements=("69",))
    claim_id = in_review(api, stripe, token)
    # The platform stops: its executions are gone (moto keeps them in memory only), the claim remains.
    from chalicelib.adapters.dynamo import ClaimModel

    [execution] = execution_of(claim_id)
    claims = ClaimRepository()
    old_token = claims.get(claim_id).task_token
    assert old_token
    lost = execution["executionArn"].rsplit(":", 1)[0] + ":lost-in-the-restart"
    ClaimModel.get(claim_id).update(actions=[ClaimModel.execution_arn.set(lost)])
    engine = StepFunctionsEngine(get_settings().state_machine_arn)
    assert redrive(claims, engine, claims.get(claim_id), now=business_now())
    deadline = time.monotonic() + 20
    while claims.get(claim_id).task_token in {"", old_token}:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    [redriven] = [e for e in execution_of(claim_id) if "redrive" in e["name"]]
    assert states_entered(redriven["executionArn"])[:2] == ["Route", "LawyerReview"]
    claim = claims.get(claim_id)
    assert claim.status.value == "lawyer_review" and claim.assigned_lawyer_id == lawyer_id
    assert len(mailbox("me.lyon@barreau-lyon.fr")) == 1  # not asked twice

    approved = post(api, f"/v1/lawyer/dossiers/{claim_id}/review", {"decision": "approve"}, me_lyon)
    assert approved.status_code == 200, approved.json_body
    wait_status(api, token, claim_id, "notice_sent")


def get_status(execution_arn: str) -> str:
    from chalicelib.adapters.aws import client

    return client("stepfunctions").describe_execution(executionArn=execution_arn)["status"]
