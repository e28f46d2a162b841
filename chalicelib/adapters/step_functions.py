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

    def start_once(self, name: str, payload: dict[str, Any]) -> str:
        """Start the execution called ``name`` unless it already exists: a duplicate delivery of the
        same payment (or a retried Lambda) can never start a second escalation for one claim."""
        sfn = client("stepfunctions")
        try:
            response = sfn.start_execution(
                stateMachineArn=self.state_machine_arn, name=name[:80], input=json.dumps(payload)
            )
        except sfn.exceptions.ExecutionAlreadyExists:
            return self.execution_arn(name)
        return str(response["executionArn"])

    def execution_arn(self, name: str) -> str:
        return f"{self.state_machine_arn.replace(':stateMachine:', ':execution:')}:{name[:80]}"

    def is_running(self, execution_arn: str) -> bool:
        sfn = client("stepfunctions")
        try:
            status = sfn.describe_execution(executionArn=execution_arn)["status"]
        except (sfn.exceptions.ExecutionDoesNotExist, sfn.exceptions.InvalidArn):
            return False
        return str(status) == "RUNNING"

    def send_task_success(self, task_token: str, output: dict[str, Any]) -> None:
        client("stepfunctions").send_task_success(taskToken=task_token, output=json.dumps(output))

    def describe(self, execution_arn: str) -> dict[str, Any]:
        response: dict[str, Any] = client("stepfunctions").describe_execution(executionArn=execution_arn)
        return response
