"""The escalation state machine, run for real by moto, with its Lambda tasks routed to the app's handlers."""

import json
import time
from datetime import UTC, datetime

import pytest

from chalicelib.adapters.aws import client
from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.adapters.errors import TransientError
from chalicelib.adapters.step_functions import StepFunctionsEngine
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.services import escalation
from chalicelib.services.escalation import start_escalation
from tests.integration.outbox_helpers import status_email

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def claim_in(status_path: list[ClaimStatus], claim_id: str = "claim-wf") -> None:
    repository = ClaimRepository()
    repository.create(
        Claim(claim_id, "creditor-1", ClaimStatus.DRAFT, "Débiteur SAS", 50_000, NOW, NOW), actor="t"
    )
    for status in status_path:
        repository.transition(
            claim_id, status, actor="test", reason="préparation du test", notify=status_email(status)
        )


def wait_for_end(execution_arn: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    sfn = client("stepfunctions")
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError(f"execution still running after {timeout} s")


def history(execution_arn: str) -> list[dict]:
    return client("stepfunctions").get_execution_history(executionArn=execution_arn, maxResults=1000)[
        "events"
    ]


def entered_states(execution_arn: str) -> list[str]:
    return [
        e["stateEnteredEventDetails"]["name"]
        for e in history(execution_arn)
        if "stateEnteredEventDetails" in e
    ]


def start(aws) -> str:
    return start_escalation("claim-wf", engine=StepFunctionsEngine(aws.state_machine_arn))


def test_unpaid_claim_waits_for_the_notice_deadline_then_rereads_the_claim(aws):
    claim_in([ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT])
    started = time.monotonic()
    execution = start(aws)
    result = wait_for_end(execution)
    assert result["status"] == "SUCCEEDED", result
    assert entered_states(execution) == [
        "CheckClaim",
        "IsAdmissible",
        "WaitForNoticeDeadline",
        "ReadClaim",
        "IsSettled",
        "StillUnpaid",
    ]
    output = json.loads(result["output"])
    assert output["claim"] == {"status": "notice_sent"}
    # The 8-day wait was real (a TimestampPath 8 days ahead) but compressed by the time scale.
    deadline = datetime.strptime(output["check"]["notice_deadline"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert (deadline - datetime.now(UTC)).days >= 7
    assert time.monotonic() - started < 30


def test_a_claim_settled_during_the_wait_ends_settled(aws):
    from infra.local import localaws

    localaws.set_time_scale(8 * 86400 / 2)  # the 8-day wait lasts 2 s
    claim_in([ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT])
    execution = start(aws)
    deadline = time.monotonic() + 10
    while "WaitForNoticeDeadline" not in entered_states(execution):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    ClaimRepository().transition("claim-wf", ClaimStatus.SETTLED, actor="debtor", reason="Paiement reçu")
    result = wait_for_end(execution)
    assert result["status"] == "SUCCEEDED"
    assert entered_states(execution)[-1] == "Settled"


def test_a_withdrawn_claim_is_not_escalated(aws):
    claim_in([ClaimStatus.WITHDRAWN])
    execution = start(aws)
    assert wait_for_end(execution)["status"] == "SUCCEEDED"
    assert entered_states(execution)[-1] == "NotAdmissible"


def test_a_transient_handler_failure_is_retried(aws, monkeypatch):
    claim_in([ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT])
    real_check = escalation.check_claim
    calls = []

    def flaky_check(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise TransientError("DynamoDB throttled")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(escalation, "check_claim", flaky_check)
    execution = start(aws)
    assert wait_for_end(execution)["status"] == "SUCCEEDED"
    assert len(calls) == 2
    types = [event["type"] for event in history(execution)]
    assert types.count("TaskFailed") + types.count("LambdaFunctionFailed") == 1
    assert entered_states(execution)[-1] == "StillUnpaid"


def test_a_permanent_failure_is_caught_and_fails_the_execution(aws, monkeypatch):
    claim_in([ClaimStatus.AWAITING_PAYMENT])

    def broken(*args, **kwargs):
        raise TransientError("still down")

    monkeypatch.setattr(escalation, "check_claim", broken)
    execution = start(aws)
    result = wait_for_end(execution)
    assert result["status"] == "FAILED"
    assert result.get("error") == "EscalationFailed"
    types = [event["type"] for event in history(execution)]
    assert types.count("TaskFailed") + types.count("LambdaFunctionFailed") == 4  # first try + 3 retries
