"""One claim's story read from the structured logs (chalicelib/logs.py): the API calls on it, Stripe's
webhook and the state machine's tasks all carry its id, the tasks the execution's name, and no line carries
an email address, a token, a password or a secret."""

from __future__ import annotations

import time

import pytest

from tests.helpers.json_logs import JsonLines, json_logs
from tests.integration.accounts_helpers import PASSWORD
from tests.integration.claims_helpers import (
    PROFILE,
    cgv,
    create_claim,
    creditor,
    get,
    pdf_bytes,
    post,
    upload,
)
from tests.integration.test_escalation_workflow import claim_in, entered_states, wait_for_end
from tests.integration.test_payments import SECRET, deliver

pytestmark = pytest.mark.integration

CREDITOR_EMAIL = "claire@atelier-numerique.fr"  # claims_helpers.creditor's
DEBTOR_EMAIL = "compta@rhone-distribution.example.fr"  # claims_helpers.b2b_content's


def assert_nothing_private(captured: JsonLines, *secrets: str) -> None:
    for secret in (CREDITOR_EMAIL, DEBTOR_EMAIL, PASSWORD, PROFILE["iban"], SECRET, "Bearer", *secrets):
        assert secret not in captured.text, secret


def wait_for_line(captured: JsonLines, found, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in captured.lines:
            if found(line):
                return line
        time.sleep(0.05)
    raise AssertionError(f"no such line in {captured.lines}")


def test_a_claims_api_calls_carry_its_id_and_the_callers_role_only(api):
    with json_logs() as captured:
        token = creditor(api)
        claim_id = create_claim(api, token)["claim_id"]
        assert get(api, f"/v1/claims/{claim_id}", token).status_code == 200
        assert post(api, f"/v1/claims/{claim_id}/precheck", {}, token).status_code == 200
    created = captured.with_message("POST /v1/claims 201")[0]
    read = captured.with_message("GET /v1/claims/{claim_id} 200")[0]
    checked = captured.with_message("POST /v1/claims/{claim_id}/precheck 200")[0]
    for line in (created, read, checked):
        assert line["claim_id"] == claim_id and line["role"] == "creditor"
        assert line["request_id"] and isinstance(line["duration_ms"], int)
    story = [line for line in captured.lines if line.get("claim_id") == claim_id]
    assert len(story) >= 3
    assert_nothing_private(captured, token)


def test_a_workflow_task_carries_the_claim_id_and_the_execution_name(aws):
    from chalicelib.adapters.step_functions import StepFunctionsEngine
    from chalicelib.domain.claim import ClaimStatus
    from chalicelib.services.escalation import start_escalation

    claim_in([ClaimStatus.WITHDRAWN], claim_id="claim-logs")
    with json_logs() as captured:
        execution = start_escalation("claim-logs", engine=StepFunctionsEngine(aws.state_machine_arn))
        assert wait_for_end(execution)["status"] == "SUCCEEDED"
    assert entered_states(execution)[:2] == ["Route", "CheckClaim"]
    name = execution.rsplit(":", 1)[1]
    [done] = [
        line
        for line in captured.with_message("claims-local-check_claim done")
        if line.get("execution_name") == name
    ]
    assert done["claim_id"] == "claim-logs" and done["function_name"].endswith("check_claim")
    assert done["function_request_id"] and isinstance(done["duration_ms"], int)


def test_one_claims_story_from_submission_to_the_first_task(api, stripe):
    token = creditor(api)
    with json_logs() as captured:
        claim_id = create_claim(api, token)["claim_id"]
        assert upload(api, token, claim_id, pdf_bytes())[0].status_code == 200
        checkout = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token).json_body["checkout"]
        assert deliver(api, stripe.pay(checkout["session_id"]), fake=stripe).status_code == 200
        check = wait_for_line(
            captured,
            lambda line: line.get("message") == "claims-local-check_claim done",
        )
    assert check["claim_id"] == claim_id and check["execution_name"] == f"{claim_id}-notice"
    webhook = captured.with_message("POST /v1/webhooks/stripe 200")[0]
    assert webhook["claim_id"] == claim_id and webhook["stripe_event_id"].startswith("evt_")
    assert "role" not in webhook  # Stripe, not a signed-in caller
    story = [line["message"] for line in captured.lines if line.get("claim_id") == claim_id]
    for step in (
        "POST /v1/claims 201",
        "POST /v1/claims/{claim_id}/submit 200",
        "POST /v1/webhooks/stripe 200",
    ):
        assert step in story, story
    assert_nothing_private(captured, token)
