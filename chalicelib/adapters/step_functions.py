"""The escalation state machine on AWS Step Functions (or the local platform's)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from chalicelib.adapters.aws import client


class StepFunctionsEngine:
    def __init__(self, state_machine_arn: str) -> None:
        self.state_machine_arn = state_machine_arn

    def start(self, claim_id: str, payload: dict[str, Any]) -> str:
        """Start one execution; its name carries the claim id (always named: moto needs it)."""
        name = f"{claim_id}-{uuid.uuid4().hex[:12]}"[:80]
        response = client("stepfunctions").start_execution(
            stateMachineArn=self.state_machine_arn, name=name, input=json.dumps(payload)
        )
        return str(response["executionArn"])

    def describe(self, execution_arn: str) -> dict[str, Any]:
        response: dict[str, Any] = client("stepfunctions").describe_execution(executionArn=execution_arn)
        return response
