"""cdk-nag's AWS Solutions rules (``infra/aws/app.py`` runs them on every synth): the findings this platform
accepts, each on the construct it concerns and with its reason. Any other finding fails the synth."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

# The wildcards of the platform's roles, every one scoped to the stage's own resources (tests/infra/
# test_aws_stack.py checks no data action is granted on "*"):
_LAMBDA_ROLE_WILDCARDS = (
    "Wildcards limited to the stage's own resources: <table>/index/* (queries on the tables' own GSIs), "
    "<documents bucket>/* (claim files are keyed by claim id), /aws/lambda/claims-<stage>* (the functions' "
    "log groups), execution:claims-<stage>-escalation:* (executions of the stage's state machine); '*' only "
    "for actions without resource-level permissions (X-Ray PutTraceSegments/PutTelemetryRecords, SES "
    "GetIdentityVerificationAttributes)."
)
_STATE_MACHINE_WILDCARDS = (
    "<function>:* lets the state machine invoke versions and aliases of the stage's own functions; '*' only "
    "for X-Ray and CloudWatch Logs delivery actions, which have no resource-level permissions (Step "
    "Functions' documented policy)."
)


def _ack(scope: Construct, rule: str, reason: str) -> None:
    cdk.Validations.of(scope).acknowledge(
        cdk.Acknowledgment(id=f"AwsSolutions::AwsSolutions-{rule}", reason=reason)
    )


def _render(value: Any) -> str:
    """A policy's resource as cdk-nag writes it in a finding (``<Logical.Arn>/index/*``)."""
    if isinstance(value, str):
        return value
    if "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        return f"<{logical_id}.{attribute}>"
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
        return re.sub(r"\$\{([^}]+)\}", r"<\1>", value["Fn::Sub"])
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_render(part) for part in parts)
    raise ValueError(f"cannot render {value!r}")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcard_findings(stack: cdk.Stack, policy: iam.Policy) -> list[str]:
    """The granular IAM5 findings of ``policy``: each wildcard resource and action, one by one, so that a new
    wildcard is a new finding (and fails the synth until someone justifies it here)."""
    found = []
    for statement in stack.resolve(policy.document.to_json())["Statement"]:
        for resource in _as_list(statement.get("Resource", [])):
            if "*" in (text := _render(resource)):
                found.append(f"IAM5[Resource::{text}]")
        for action in _as_list(statement.get("Action", [])):
            if "*" in action:
                found.append(f"IAM5[Action::{action}]")
    return found


def _child(stack: cdk.Stack, path: str) -> Construct | None:
    node: Construct | None = stack
    for part in path.split("/"):
        node = node.node.try_find_child(part) if node is not None else None
    return node


def acknowledge(stack: cdk.Stack) -> None:
    found = {path: _child(stack, path) for path in _PATHS}
    for path, rules in _PATHS.items():
        construct = found[path]
        if construct is None:
            continue
        for rule, reason in rules:
            if rule == "CFR4" and _has_certificate(stack):
                continue  # a custom domain gets TLSv1.2_2021: nothing to acknowledge
            if rule == "IAM5":
                policy = construct.node.try_find_child("DefaultPolicy")
                if policy is None:  # CodeBuild's project: its role holds the policy
                    role = construct.node.try_find_child("Role")
                    policy = role.node.try_find_child("DefaultPolicy") if role is not None else None
                assert isinstance(policy, iam.Policy), path
                for finding in _wildcard_findings(stack, policy):
                    _ack(policy, finding, reason)
                continue
            _ack(construct, rule, reason)


def _has_certificate(stack: cdk.Stack) -> bool:
    config = getattr(stack, "config", None)
    return bool(config and config.domain_name and config.certificate_arn)


_PATHS: dict[str, list[tuple[str, str]]] = {
    "ApiRole": [("IAM5", _LAMBDA_ROLE_WILDCARDS)],
    "WorkflowRole": [("IAM5", _LAMBDA_ROLE_WILDCARDS)],
    "StateMachineRole": [("IAM5", _STATE_MACHINE_WILDCARDS)],
    "FrontendBucket": [
        (
            "S1",
            "Static web pages published by make deploy, served only through CloudFront (OAC); reads are "
            "CloudFront's and its standard logging is the place to add access logs.",
        )
    ],
    "DocumentsBucket": [
        (
            "S1",
            "Every access goes through the platform's functions, which record each document action in the "
            "append-only claim events (the audit trail); S3 server access logs would duplicate it with the "
            "claim ids in clear in a second bucket to retain and protect.",
        )
    ],
    "Distribution": [
        (
            "CFR1",
            "A French creditors' platform with no legal reason to refuse a country: no geo restriction.",
        ),
        (
            "CFR2",
            "No WAF (from $5/month per web ACL plus rules): the API answers only CloudFront (API key) and "
            "API Gateway throttles it, tighter on /v1/auth/* and the Stripe webhook.",
        ),
        (
            "CFR3",
            "Access logging needs a log bucket with ACLs (CloudFront standard logging v1); the API's own "
            "logs and metrics, and the dashboard, cover the platform's operation.",
        ),
        (
            "CFR4",
            "Without a custom domain (domain_name + certificate_arn) the distribution uses the "
            "*.cloudfront.net certificate, whose security policy CloudFront fixes; with one, TLSv1.2_2021.",
        ),
    ],
    "UserPool": [
        (
            "COG1",
            "The password policy is the local platform's (USER_POOL_CONFIG of infra/spec.py, which both "
            "create the pool from); its strength is set there, with the app's own checks.",
        ),
        (
            "COG2",
            "MFA is not offered yet: creditors, lawyers and operators sign in with email and password "
            "(a product decision, see ARCHITECTURE); operators' accounts are created by invitation only.",
        ),
        (
            "COG8",
            "The Plus feature plan (threat protection) is billed per active user; not enabled until the "
            "platform has users to justify it.",
        ),
    ],
    "FailedEvents": [
        (
            "SQS3",
            "This queue is itself the dead-letter queue of the asynchronous functions (their "
            "DeadLetterQueue in the SAM template, which cdk-nag does not read); an alarm watches its depth.",
        )
    ],
    "CloudFrontOriginKey": [
        (
            "SMG4",
            "The API key CloudFront sends to API Gateway: rotating it means redeploying both with the same "
            "value (cdk deploy after changing the secret), not a Lambda rotation.",
        )
    ],
    # The PDF layer builder (stack <prefix>-pdf-layer).
    "Builder": [
        (
            "CB4",
            "The build's only artefact is the published public-domain layer (fonts and open-source "
            "libraries); CodeBuild encrypts with the AWS-managed key.",
        ),
        (
            "IAM5",
            "CodeBuild's default grants: its log streams and report groups, reading the source asset "
            "(s3:GetObject*, List*, GetBucket* on the CDK assets bucket object).",
        ),
    ],
}
