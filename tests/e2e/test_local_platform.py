"""``make run`` for real: the platform as a subprocess, its health, its state machine, its data on restart."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest

from tests.e2e.platform import RunningPlatform
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CLAIMS_TABLE = "claims-local-claims"
STATE_MACHINE = "arn:aws:states:eu-west-3:123456789012:stateMachine:claims-local-escalation"


def put_claim(platform: RunningPlatform, claim_id: str, status: str) -> None:
    stamp = "2026-11-23T09:00:00.000000+0000"
    platform.aws_client("dynamodb").put_item(
        TableName=CLAIMS_TABLE,
        Item={
            "claim_id": {"S": claim_id},
            "creditor_id": {"S": "creditor-e2e"},
            "status": {"S": status},
            "debtor_name": {"S": "Rhône Distribution SARL"},
            "principal_cents": {"N": "100000"},
            "currency": {"S": "EUR"},
            "created_at": {"S": stamp},
            "updated_at": {"S": stamp},
            "event_count": {"N": "1"},
            "version": {"N": "1"},
        },
    )


PLATFORM = PlatformSpec(started=False)


def test_platform_serves_health_frontend_and_runs_the_escalation(platform):
    platform.start()  # within 60 s, or it fails (the start-up time itself is a benchmark figure, not a test)
    status, health = platform.get("/health")
    assert status == 200 and health["status"] == "ok"
    assert "services" not in health and "versions" not in health  # details are for operators
    assert health["stage"] == "local" and "today" in health
    status, page = platform.get("/")
    assert status == 200 and "Recouvrement de créances" in page

    claim_id = f"e2e-{uuid.uuid4().hex[:8]}"
    put_claim(platform, claim_id, "withdrawn")
    sfn = platform.aws_client("stepfunctions")
    execution = sfn.start_execution(
        stateMachineArn=STATE_MACHINE, name=claim_id, input=json.dumps({"claim_id": claim_id})
    )["executionArn"]
    deadline = time.monotonic() + 60
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        assert time.monotonic() < deadline, platform.log()
        time.sleep(0.1)
    assert described["status"] == "SUCCEEDED", platform.log()
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    entered = [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]
    # The definition, the Lambda routing and the getItem integration run; a withdrawn claim stops at once
    # (the full road is tests/e2e/test_escalation_e2e.py).
    assert entered == ["Route", "CheckClaim", "IsAdmissible", "NotAdmissible"]
    assert platform.stop() == 0
    assert "Plateforme arrêtée." in platform.log()


def test_a_claim_written_before_a_restart_is_still_there_after(platform):
    platform.start()
    put_claim(platform, "survivor", "draft")
    assert platform.stop() == 0

    again = RunningPlatform(platform.data_dir)
    try:
        again.start()
        item = again.aws_client("dynamodb").get_item(
            TableName=CLAIMS_TABLE, Key={"claim_id": {"S": "survivor"}}
        )
        assert item["Item"]["debtor_name"]["S"] == "Rhône Distribution SARL"
        assert item["Item"]["version"]["N"] == "1"
        # The claim plus the demo accounts (their users come back too, with the same ids).
        restored = re.search(r"éléments restaurés : (\d+), .* utilisateurs restaurés : (\d+)", again.log())
        assert restored and int(restored.group(1)) >= 1 and int(restored.group(2)) >= 3, again.log()
        assert again.stop() == 0
    finally:
        if again.process and again.process.poll() is None:
            again.process.kill()
