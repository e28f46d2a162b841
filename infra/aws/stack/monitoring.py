"""Watching the stage: the alarms (to an SNS topic, emailed to ``alarm_email``) and one dashboard.

Alarmed: escalations that end badly, every function's errors and throttles, the API's 5xx, claims that
need an operator, email bounces, complaints and reputation, and failed background events in the DLQ.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn

from infra.aws.app_functions import NEEDS_ATTENTION_FUNCTION, AppFunction
from infra.aws.config import StageConfig
from infra.aws.stack.api_gateway import API_STAGE
from infra.aws.stack.mail import MAIL_METRIC_DIMENSION, Mail

FIVE_MINUTES = cdk.Duration.minutes(5)
# SES reviews an account above 5 % bounces or 0.1 % complaints: alarmed when the reputation reaches these.
MAIL_REPUTATION_LIMITS = (("Reputation.BounceRate", 0.05), ("Reputation.ComplaintRate", 0.001))


@dataclass(frozen=True)
class Watched:
    """What the alarms and the dashboard watch."""

    functions: list[AppFunction]
    state_machine: sfn.CfnStateMachine
    mail: Mail
    dlq: sqs.Queue


def _alarm_topic(scope: cdk.Stack, config: StageConfig) -> sns.Topic:
    topic = sns.Topic(scope, "Alarms", topic_name=f"{config.prefix}-alarms", enforce_ssl=True)
    # enforce_ssl gives the topic a policy of its own with only the SSL deny, which replaces SNS's
    # default policy: CloudWatch could no longer publish. Its right, back, for this stage's alarms only
    # (and over TLS: the deny still applies to it).
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarmsOfThisStage",
            actions=["sns:Publish"],
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            resources=[topic.topic_arn],
            conditions={
                "StringEquals": {"aws:SourceAccount": scope.account},
                "ArnLike": {
                    "aws:SourceArn": scope.format_arn(
                        service="cloudwatch",
                        resource="alarm",
                        resource_name=f"{config.prefix}-*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                },
            },
        )
    )
    if config.alarm_email:
        topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
    return topic


class _Alarms:
    """Creates the stage's alarms, each named ``<prefix>-<id>`` and sent to the topic."""

    def __init__(self, scope: cdk.Stack, config: StageConfig, topic: sns.Topic) -> None:
        self.scope = scope
        self.prefix = config.prefix
        self.action = cw_actions.SnsAction(topic)

    def add(self, alarm_id: str, metric: cloudwatch.IMetric, description: str, threshold: float = 1) -> None:
        created = cloudwatch.Alarm(
            self.scope,
            alarm_id,
            alarm_name=f"{self.prefix}-{alarm_id}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        created.add_alarm_action(self.action)


def _sum(namespace: str, name: str, dimensions: dict[str, str], period: cdk.Duration = FIVE_MINUTES):
    return cloudwatch.Metric(
        namespace=namespace, metric_name=name, dimensions_map=dimensions, statistic="Sum", period=period
    )


def _escalation_alarms(alarms: _Alarms, watched: Watched) -> None:
    machine = {"StateMachineArn": watched.state_machine.attr_arn}
    for metric_name in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"):
        alarms.add(
            f"Escalation{metric_name}",
            _sum("AWS/States", metric_name, machine),
            f"An escalation execution ended badly ({metric_name}).",
        )


def _function_alarms(alarms: _Alarms, watched: Watched) -> None:
    for function in watched.functions:
        name = function.function_name(alarms.prefix)
        alarms.add(
            f"{function.logical_id}Errors",
            _sum("AWS/Lambda", "Errors", {"FunctionName": name}),
            f"The function {name} failed.",
        )
        alarms.add(
            f"{function.logical_id}Throttles",
            _sum("AWS/Lambda", "Throttles", {"FunctionName": name}),
            f"Lambda throttled {name} (the account's concurrency is exhausted).",
        )


def _mail_alarms(alarms: _Alarms, watched: Watched) -> None:
    """Bounces and complaints of the stage's configuration set (its event destination), and the account's
    reputation as SES computes it."""
    mail = {MAIL_METRIC_DIMENSION: watched.mail.configuration_set_name}
    hour = cdk.Duration.hours(1)
    for event in ("Bounce", "Complaint"):
        alarms.add(
            f"Mail{event}s",
            _sum("AWS/SES", event, mail, period=hour),
            f"An email of {alarms.prefix} ended in a {event.lower()} (SES event of the configuration set).",
        )
    for metric_name, threshold in MAIL_REPUTATION_LIMITS:
        alarms.add(
            f"Mail{metric_name.replace('.', '')}",
            cloudwatch.Metric(namespace="AWS/SES", metric_name=metric_name, statistic="Maximum", period=hour),
            f"SES {metric_name} reached {threshold:.1%}: SES may pause sending.",
            threshold=threshold,
        )


def alarms(scope: cdk.Stack, config: StageConfig, watched: Watched) -> sns.Topic:
    """Every alarm of the stage, sent to the returned topic."""
    topic = _alarm_topic(scope, config)
    created = _Alarms(scope, config, topic)
    _escalation_alarms(created, watched)
    _function_alarms(created, watched)
    created.add(
        "Api5xx",
        _sum("AWS/ApiGateway", "5XXError", {"ApiName": config.prefix, "Stage": API_STAGE}),
        "The API answered 5xx: an unhandled error or a function that timed out.",
    )
    created.add(
        "ClaimsNeedAttention",
        _sum("AWS/Lambda", "Invocations", {"FunctionName": f"{config.prefix}-{NEEDS_ATTENTION_FUNCTION}"}),
        "An escalation step failed for good: a claim is in needs_attention and waits for an operator.",
    )
    _mail_alarms(created, watched)
    created.add(
        "FailedEventsInDlq",
        watched.dlq.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
        "A background event (import, emails, outbox sweep) failed after its retries: see the DLQ.",
    )
    return topic


def dashboard(scope: cdk.Stack, config: StageConfig, watched: Watched) -> cloudwatch.Dashboard:
    """One page for the stage: the API, the functions, the escalations, the DLQ and the emails."""

    def metric(namespace: str, name: str, dimensions: dict[str, str], label: str, stat: str = "Sum"):
        return cloudwatch.Metric(
            namespace=namespace,
            metric_name=name,
            dimensions_map=dimensions,
            statistic=stat,
            period=FIVE_MINUTES,
            label=label,
        )

    api = {"ApiName": config.prefix, "Stage": API_STAGE}
    names = [f.function_name(config.prefix) for f in watched.functions]
    machine = {"StateMachineArn": watched.state_machine.attr_arn}
    mail = {MAIL_METRIC_DIMENSION: watched.mail.configuration_set_name}
    board = cloudwatch.Dashboard(scope, "Dashboard", dashboard_name=config.prefix)
    board.add_widgets(
        cloudwatch.GraphWidget(
            title="API",
            left=[metric("AWS/ApiGateway", m, api, m) for m in ("Count", "4XXError", "5XXError")],
            right=[metric("AWS/ApiGateway", "Latency", api, "p95 latency", "p95")],
        ),
        cloudwatch.GraphWidget(
            title="Escalations",
            left=[
                metric("AWS/States", m, machine, m)
                for m in (
                    "ExecutionsStarted",
                    "ExecutionsSucceeded",
                    "ExecutionsFailed",
                    "ExecutionsTimedOut",
                )
            ],
        ),
    )
    board.add_widgets(
        cloudwatch.GraphWidget(
            title="Function errors",
            left=[metric("AWS/Lambda", "Errors", {"FunctionName": n}, n) for n in names],
        ),
        cloudwatch.GraphWidget(
            title="Function throttles",
            left=[metric("AWS/Lambda", "Throttles", {"FunctionName": n}, n) for n in names],
        ),
    )
    board.add_widgets(
        cloudwatch.GraphWidget(
            title="Failed background events (DLQ)",
            left=[watched.dlq.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES)],
        ),
        cloudwatch.GraphWidget(
            title="Emails",
            left=[metric("AWS/SES", m, mail, m) for m in ("Send", "Delivery", "Bounce", "Complaint")],
        ),
        cloudwatch.AlarmStatusWidget(
            title="Alarms",
            alarms=[a for a in scope.node.children if isinstance(a, cloudwatch.Alarm)],
        ),
    )
    return board
