"""The functions' two roles and what they may do: the API's (and its authorizer's), and the workflow's (the
state machine's tasks and background work).

No ``*`` action on data: every statement lists its actions, on the stage's own resources; ``*`` only for
actions without resource-level permissions (X-Ray, SES's verification status). The state machine's own
role is in ``workflow.py``; the Cognito and Stripe grants in ``identity.py`` and ``stripe_secret.py``.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

from infra.aws.app_functions import ASYNC_FUNCTIONS
from infra.aws.config import StageConfig
from infra.aws.stack.mail import Mail, configuration_set_arn, ses_identity_arn
from infra.spec import state_machine_name

DYNAMO_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable")
DYNAMO_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
)
# The audit trail is append-only (ARCHITECTURE "must"): new items only, never an update or a delete.
DYNAMO_APPEND_ONLY = ("dynamodb:PutItem", "dynamodb:ConditionCheckItem")
EVENTS_TABLE_VARIABLE = "CLAIM_EVENTS_TABLE"
# What the app does with an escalation (chalicelib/adapters/step_functions.py and the callbacks).
STATE_MACHINE_ACTIONS = (
    "states:StartExecution",
    "states:DescribeStateMachine",
    "states:SendTaskSuccess",
    "states:SendTaskFailure",
    "states:SendTaskHeartbeat",
)


def lambda_role(scope: cdk.Stack, config: StageConfig, name: str, purpose: str) -> iam.Role:
    """A role for functions: their own log streams and X-Ray traces, nothing else yet."""
    role = iam.Role(
        scope,
        name,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{config.prefix}: {purpose}",
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[
                scope.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=f"/aws/lambda/{config.prefix}*",
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        )
    )
    # X-Ray (Powertools Tracer): these two actions have no resource-level permission.
    role.add_to_policy(
        iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"])
    )
    return role


def function_arn(scope: cdk.Stack, config: StageConfig, name: str) -> str:
    """The ARN of one of the stage's functions, by its Chalice name (``claims-<stage>-<name>``)."""
    return scope.format_arn(
        service="lambda",
        resource="function",
        resource_name=f"{config.prefix}-{name}",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )


def _grant_tables(role: iam.Role, tables: dict[str, dynamodb.Table], idempotency: dynamodb.Table) -> None:
    data_tables = [t for v, t in tables.items() if v != EVENTS_TABLE_VARIABLE] + [idempotency]
    role.add_to_policy(
        iam.PolicyStatement(
            actions=[*DYNAMO_READ, "dynamodb:Scan", *DYNAMO_WRITE],
            resources=[arn for t in data_tables for arn in (t.table_arn, f"{t.table_arn}/index/*")],
        )
    )
    if EVENTS_TABLE_VARIABLE in tables:
        events = tables[EVENTS_TABLE_VARIABLE]
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[*DYNAMO_READ, *DYNAMO_APPEND_ONLY],
                resources=[events.table_arn, f"{events.table_arn}/index/*"],
            )
        )


def _grant_documents(role: iam.Role, documents: s3.Bucket) -> None:
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            resources=[documents.arn_for_objects("*")],
        )
    )
    # ListBucket: a missing key answers 404 instead of 403; the health probe's HeadBucket needs it too.
    role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[documents.bucket_arn]))


def _grant_sending(scope: cdk.Stack, config: StageConfig, role: iam.Role, mail: Mail) -> None:
    # SES authorises a send against the sender's identity and the configuration set, and in the sandbox
    # against each recipient's identity too. The mailer sends through the v2 API, authorised as ses:SendEmail.
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["ses:SendEmail", "ses:SendRawEmail"],
            resources=[
                mail.identity.email_identity_arn,
                ses_identity_arn(scope, config.mail_sender),
                configuration_set_arn(scope, mail),
                *(ses_identity_arn(scope, address) for address in config.sandbox_recipients),
            ],
        )
    )
    # The health probe reads the sender's verification status: no resource-level permission exists.
    role.add_to_policy(
        iam.PolicyStatement(actions=["ses:GetIdentityVerificationAttributes"], resources=["*"])
    )


def _grant_escalation(scope: cdk.Stack, config: StageConfig, role: iam.Role, state_machine_arn: str) -> None:
    executions = scope.format_arn(
        service="states",
        resource="execution",
        resource_name=f"{state_machine_name(config.prefix)}:*",
        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
    )
    role.add_to_policy(
        iam.PolicyStatement(actions=list(STATE_MACHINE_ACTIONS), resources=[state_machine_arn])
    )
    role.add_to_policy(iam.PolicyStatement(actions=["states:DescribeExecution"], resources=[executions]))


def _grant_background_work(scope: cdk.Stack, config: StageConfig, role: iam.Role) -> None:
    # Background work started by the app itself (chalicelib/adapters/lambda_invoker.py): the bulk import, the
    # data export, the PDFs, the outbox sender… The functions themselves run with the workflow role.
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["lambda:InvokeFunction"],
            resources=[
                function_arn(scope, config, name) for name in sorted(ASYNC_FUNCTIONS - {"sweep_outbox"})
            ],
        )
    )


def grant_runtime(
    scope: cdk.Stack,
    config: StageConfig,
    role: iam.Role,
    *,
    tables: dict[str, dynamodb.Table],
    idempotency: dynamodb.Table,
    documents: s3.Bucket,
    mail: Mail,
    state_machine_arn: str,
) -> None:
    """What every function may do at run time: the tables (the audit trail append-only), the documents,
    sending email, the escalation's executions and starting background work."""
    _grant_tables(role, tables, idempotency)
    _grant_documents(role, documents)
    _grant_sending(scope, config, role, mail)
    _grant_escalation(scope, config, role, state_machine_arn)
    _grant_background_work(scope, config, role)


def grant_dead_letters(role: iam.Role, dlq: sqs.Queue) -> None:
    """Lambda sends an asynchronous function's failed events to its DLQ with the function's own role."""
    role.add_to_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dlq.queue_arn]))
