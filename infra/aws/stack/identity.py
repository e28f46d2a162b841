"""Accounts and sign-in (Cognito): the user pool, one group per role, the web client; and the API's right
to administer the pool's users.

The pool's settings are ``infra/spec.py``'s: the local platform creates the same
(``infra/local/provision.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam

from infra.aws.config import StageConfig
from infra.aws.stack.mail import Mail
from infra.spec import (
    USER_POOL_CLIENT_CONFIG,
    USER_POOL_CONFIG,
    camel_case,
    user_pool_client_name,
    user_pool_groups,
    user_pool_name,
)

# What the API does to accounts (chalicelib/adapters/identity.py): invitations, sign-up, roles, deletion.
USER_ADMINISTRATION = (
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminConfirmSignUp",
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminUpdateUserAttributes",
)


@dataclass(frozen=True)
class UserPool:
    pool: cognito.CfnUserPool
    client: cognito.CfnUserPoolClient


def _send_through_ses(pool: cognito.CfnUserPool, config: StageConfig, mail: Mail) -> None:
    """Only once SES shows the domain verified (the flag's comment in config.py): Cognito checks the
    identity when the pool is created or updated, and a failure rolls the deploy back."""
    pool.add_property_override(
        "EmailConfiguration",
        {
            "EmailSendingAccount": "DEVELOPER",
            "SourceArn": mail.identity.email_identity_arn,
            "From": config.mail_sender,
            "ConfigurationSet": mail.configuration_set_name,
        },
    )
    pool.node.add_dependency(mail.identity)


def user_pool(scope: cdk.Stack, config: StageConfig, mail: Mail, retain: cdk.RemovalPolicy) -> UserPool:
    """The pool exactly as infra/local/provision.py creates it locally (same settings, same groups)."""
    pool = cognito.CfnUserPool(
        scope,
        "UserPool",
        user_pool_name=user_pool_name(config.prefix),
        deletion_protection="ACTIVE" if config.deletion_protection else "INACTIVE",
    )
    for key, value in USER_POOL_CONFIG.items():
        pool.add_property_override(key, value)
    if config.cognito_email_via_ses:
        _send_through_ses(pool, config, mail)
    pool.apply_removal_policy(retain)
    for role, description, precedence in user_pool_groups():
        cognito.CfnUserPoolGroup(
            scope,
            f"Group{camel_case(role.value)}",
            user_pool_id=pool.ref,
            group_name=role.value,
            description=description,
            precedence=precedence,
        )
    client = cognito.CfnUserPoolClient(
        scope, "UserPoolWebClient", user_pool_id=pool.ref, client_name=user_pool_client_name(config.prefix)
    )
    for key, value in USER_POOL_CLIENT_CONFIG.items():
        client.add_property_override(key, value)
    return UserPool(pool, client)


def grant_user_administration(role: iam.Role, users: UserPool) -> None:
    role.add_to_policy(
        iam.PolicyStatement(actions=list(USER_ADMINISTRATION), resources=[users.pool.attr_arn])
    )
