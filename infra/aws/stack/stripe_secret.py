"""Stripe's keys on AWS: a Secrets Manager secret the operator creates (``stripe_secret_name`` in
``infra/aws/config.json``), read at run time by the functions that call Stripe (``STRIPE_FUNCTIONS``).

Its name goes into their environment and their roles may read it; the keys themselves never go into the
functions' configuration, where anyone allowed to read it would see them.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from infra.aws.config import StageConfig


def environment(scope: cdk.Stack, config: StageConfig) -> dict[str, str]:
    """The secret's name, which chalicelib/settings.py reads (a warning when the stage has none)."""
    name = config.stripe_secret_name
    if not name:
        cdk.Annotations.of(scope).add_warning_v2(
            "claims:no-stripe-secret",
            "No stripe_secret_name in infra/aws/config.json: payments cannot work on AWS.",
        )
        return {}
    return {"STRIPE_SECRET_NAME": name}


def grant_read(scope: cdk.Stack, config: StageConfig, role: iam.Role) -> None:
    if config.stripe_secret_name:
        grant_secret_read(scope, role, config.stripe_secret_name)


def grant_secret_read(scope: cdk.Stack, role: iam.Role, name: str) -> None:
    """``role`` may read the secret the operator created under ``name`` (and nothing else)."""
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["secretsmanager:GetSecretValue"],
            # A secret's ARN ends with "-" and six random characters.
            resources=[
                scope.format_arn(
                    service="secretsmanager",
                    resource="secret",
                    resource_name=f"{name}-??????",
                    arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        )
    )
