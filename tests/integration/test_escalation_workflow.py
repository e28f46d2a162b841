"""The escalation state machine on claims moved by hand (no payment): what it does with a claim that is
no longer in the automatic path."""

import time
from datetime import UTC, datetime

import pytest

from chalicelib.adapters.aws import client
from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.adapters.step_functions import StepFunctionsEngine
from chalicelib.domain.claim import Claim, ClaimStatus
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


def entered_states(execution_arn: str) -> list[str]:
    events = client("stepfunctions").get_execution_history(executionArn=execution_arn, maxResults=1000)[
        "events"
    ]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


@pytest.mark.parametrize("status", [ClaimStatus.WITHDRAWN, ClaimStatus.SETTLED])
def test_a_claim_out_of_the_automatic_path_is_not_escalated(aws, status):
    path = (
        [ClaimStatus.WITHDRAWN]
        if status is ClaimStatus.WITHDRAWN
        else [
            ClaimStatus.AWAITING_PAYMENT,
            ClaimStatus.ASSESSING,
            ClaimStatus.NOTICE_SENT,
            ClaimStatus.SETTLED,
        ]
    )
    claim_in(path)
    execution = start_escalation("claim-wf", engine=StepFunctionsEngine(aws.state_machine_arn))
    assert wait_for_end(execution)["status"] == "SUCCEEDED"
    assert entered_states(execution) == ["Route", "CheckClaim", "IsAdmissible", "NotAdmissible"]
