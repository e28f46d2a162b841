"""The escalation (Step Functions): the state machine from the same ``escalation.asl.json`` as the local
platform, its placeholders filled with the stage's function ARNs and table names (``infra/spec.py``), its
role, its logs and tracing.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn

from infra.aws.app_functions import AppFunction
from infra.aws.config import StageConfig
from infra.spec import STATE_MACHINE_TABLES, escalation_substitutions, state_machine_name

# What Step Functions needs to deliver an execution's logs to CloudWatch Logs (no resource-level permission).
STATE_MACHINE_LOG_DELIVERY = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)
# X-Ray tracing of the executions (no resource-level permission either).
STATE_MACHINE_TRACING = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
)


def state_machine_arn(scope: cdk.Stack, config: StageConfig) -> str:
    """Known before the state machine exists: the functions' environment and roles need it, and the state
    machine needs the functions."""
    return scope.format_arn(
        service="states",
        resource="stateMachine",
        resource_name=state_machine_name(config.prefix),
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )


def substitutions(
    chalice: Any, functions: list[AppFunction], tables: dict[str, dynamodb.Table]
) -> dict[str, str]:
    """The definition's placeholders filled: the state machine's functions (not the API's) by their ARN,
    the tables it reads by their name."""
    return escalation_substitutions(
        {
            f.name: chalice.get_resource(f.logical_id).get_att("Arn").to_string()
            for f in functions
            if f.kind in {"pdf", "other"}
        },
        {variable.lower(): table.table_name for variable, table in tables.items()},
    )


def _role(
    scope: cdk.Stack, config: StageConfig, values: dict[str, str], tables: dict[str, dynamodb.Table]
) -> iam.Role:
    role = iam.Role(
        scope,
        "StateMachineRole",
        assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
        description=f"{config.prefix}: the escalation state machine",
    )
    function_arns = [v for k, v in values.items() if k.endswith("FunctionArn")]
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["lambda:InvokeFunction"],
            resources=[arn for value in function_arns for arn in (value, f"{value}:*")],
        )
    )
    read_tables = [
        tables[field.upper()] for placeholder, field in STATE_MACHINE_TABLES.items() if placeholder in values
    ]
    role.add_to_policy(
        iam.PolicyStatement(actions=["dynamodb:GetItem"], resources=[t.table_arn for t in read_tables])
    )
    # X-Ray tracing of the executions, and their logs delivered to CloudWatch Logs: none of these
    # actions has resource-level permissions (Step Functions' documented policy).
    role.add_to_policy(iam.PolicyStatement(actions=list(STATE_MACHINE_TRACING), resources=["*"]))
    role.add_to_policy(iam.PolicyStatement(actions=list(STATE_MACHINE_LOG_DELIVERY), resources=["*"]))
    return role


def escalation_state_machine(
    scope: cdk.Stack,
    config: StageConfig,
    chalice: Any,
    functions: list[AppFunction],
    tables: dict[str, dynamodb.Table],
) -> sfn.CfnStateMachine:
    from chalicelib.workflow.definition import load_definition

    name = state_machine_name(config.prefix)
    values = substitutions(chalice, functions, tables)
    role = _role(scope, config, values, tables)
    # Every event (level ALL, as cdk-nag SF1 asks) without execution data: which state ran, failed and
    # why, never the personal data the states carry (debtor's name and address).
    log_group = logs.CfnLogGroup(
        scope,
        "EscalationLogs",
        log_group_name=f"/aws/vendedlogs/states/{name}",
        retention_in_days=config.log_retention_days,
    )
    machine = sfn.CfnStateMachine(
        scope,
        "EscalationStateMachine",
        state_machine_name=name,
        state_machine_type="STANDARD",
        role_arn=role.role_arn,
        definition=load_definition(),
        definition_substitutions=values,
        tracing_configuration=sfn.CfnStateMachine.TracingConfigurationProperty(enabled=True),
        logging_configuration=sfn.CfnStateMachine.LoggingConfigurationProperty(
            level="ALL",
            include_execution_data=False,
            destinations=[
                sfn.CfnStateMachine.LogDestinationProperty(
                    cloud_watch_logs_log_group=sfn.CfnStateMachine.CloudWatchLogsLogGroupProperty(
                        log_group_arn=log_group.attr_arn
                    )
                )
            ],
        ),
    )
    # The role's policy is a resource of its own: create it before the state machine may run.
    policy = role.node.try_find_child("DefaultPolicy")
    if policy is not None:
        machine.node.add_dependency(policy)
    return machine
