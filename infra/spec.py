"""What the AWS stack (``infra/aws/``) and the local platform (``infra/local/``) both create, declared once.

Both host the same ``app.py`` and the same ``escalation.asl.json``; what they must agree on beyond that
lives here: the logical names Chalice gives functions, how the escalation's placeholders are filled, the
idempotency table's layout, the documents bucket's upload rule and the Cognito user pool. Neither side
imports the other (an import-linter contract in ``pyproject.toml``); both import this module. Cheap to
import: no CDK, no boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.accounts import PASSWORD_POLICY, ROLE_LABELS_FR, Role
from chalicelib.workflow.definition import placeholders


def camel_case(name: str) -> str:
    """``check_claim`` → ``CheckClaim``: the logical id Chalice's CDK construct gives a function."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part)


# --- the escalation state machine ------------------------------------------------------------------------
# The tables the definition reads itself (DynamoDB getItem): its placeholder → the settings field naming it.
STATE_MACHINE_TABLES = {"ClaimsTable": "claims_table", "ClaimEventsTable": "claim_events_table"}


def function_arn_placeholder(function_name: str) -> str:
    """The placeholder of ``escalation.asl.json`` a function's ARN fills: ``${CheckClaimFunctionArn}``."""
    return f"{camel_case(function_name)}FunctionArn"


def state_machine_name(resource_prefix: str) -> str:
    return f"{resource_prefix}-escalation"


def escalation_substitutions(
    function_arns: Mapping[str, str], table_names: Mapping[str, str]
) -> dict[str, str]:
    """The value of every placeholder of the definition, sorted by name: ``function_arns`` maps a Chalice
    function name to its ARN, ``table_names`` a settings field (``claims_table``…) to the table's name.
    A placeholder that names neither is a ``LookupError``."""
    known = {function_arn_placeholder(name): arn for name, arn in function_arns.items()}
    known |= {
        placeholder: table_names[field]
        for placeholder, field in STATE_MACHINE_TABLES.items()
        if field in table_names
    }
    values: dict[str, str] = {}
    for name in sorted(placeholders()):
        if name not in known:
            raise LookupError(f"escalation.asl.json uses ${{{name}}}: no function or table of the platform")
        values[name] = known[name]
    return values


# --- data ------------------------------------------------------------------------------------------------
# The idempotency table: the layout Powertools' DynamoDBPersistenceLayer expects (a string key, a TTL).
IDEMPOTENCY_KEY = "id"
IDEMPOTENCY_TTL_ATTRIBUTE = "expiration"
# The browser sends evidence straight to the documents bucket with a presigned POST from the platform's
# origin: the bucket's CORS rule (the allowed origin is the platform's public address).
UPLOAD_CORS_METHODS = ("POST", "GET")
UPLOAD_CORS_HEADERS = ("*",)
UPLOAD_CORS_MAX_AGE_S = 3000


# --- identity (Cognito) ----------------------------------------------------------------------------------
# The user pool: sign-in by email, French messages, one group per role. The API's request shapes and
# CloudFormation's properties have the same names, so both sides pass these as they are.
USER_POOL_CONFIG: dict[str, Any] = {
    "Policies": {"PasswordPolicy": PASSWORD_POLICY},
    "UsernameAttributes": ["email"],
    "AutoVerifiedAttributes": ["email"],
    "AccountRecoverySetting": {"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
    "VerificationMessageTemplate": {
        "DefaultEmailOption": "CONFIRM_WITH_CODE",
        "EmailSubject": "Votre code de vérification",
        "EmailMessage": "Bonjour,\n\nVotre code de vérification est : {####}\n",
    },
    "AdminCreateUserConfig": {
        "AllowAdminCreateUserOnly": False,
        "InviteMessageTemplate": {
            "EmailSubject": "Invitation à la plateforme de recouvrement",
            "EmailMessage": (
                "Bonjour,\n\nVous êtes invité(e) sur la plateforme de recouvrement de créances.\n"
                "Identifiant : {username}\nMot de passe provisoire : {####}\n\n"
                "À votre première connexion, vous choisirez votre propre mot de passe.\n"
            ),
        },
    },
}
USER_POOL_CLIENT_CONFIG: dict[str, Any] = {
    "GenerateSecret": False,
    "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    "PreventUserExistenceErrors": "ENABLED",
}
GROUP_PRECEDENCE = {Role.OPERATOR: 1, Role.LAWYER: 2, Role.CREDITOR: 3}


def user_pool_name(resource_prefix: str) -> str:
    return f"{resource_prefix}-users"


def user_pool_client_name(resource_prefix: str) -> str:
    return f"{user_pool_name(resource_prefix)}-web"


def user_pool_groups() -> list[tuple[Role, str, int]]:
    """(role, description, precedence) of every group of the pool, one per role."""
    return [(role, ROLE_LABELS_FR[role], GROUP_PRECEDENCE[role]) for role in Role]
