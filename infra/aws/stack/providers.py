"""The public services the functions call, as the stage configures them (``infra/aws/config.json``): the
company registry behind the debtor lookup, the daily rate feed (ECB and Banque de France Webstat) and the
registered letters' provider (Maileva, its account in a Secrets Manager secret).

Their modes and the Webstat series go into every function's environment (``chalicelib/settings.py`` reads
them); Webstat's API key stays in the Secrets Manager secret the operator creates, read at run time by the
functions that run the feed (the daily schedule and the operator's « vérifier maintenant », in the API).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from infra.aws.config import StageConfig

MAILEVA_HOSTS = {
    False: ("api.maileva.com", "connexion.maileva.com"),
    True: ("api.sandbox.maileva.net", "connexion.sandbox.maileva.net"),
}


def environment(config: StageConfig) -> dict[str, str]:
    variables = {
        "COMPANY_REGISTRY": config.company_registry,
        "RATE_FEED": config.rate_feed,
        "POSTAL_PROVIDER": config.postal_provider,
    }
    if config.postal_provider == "maileva":
        api, auth = MAILEVA_HOSTS[config.maileva_sandbox]
        variables.update(
            MAILEVA_SECRET_NAME=config.maileva_secret_name,
            MAILEVA_API_BASE=f"https://{api}",
            MAILEVA_AUTH_URL=f"https://{auth}/auth/realms/services/protocol/openid-connect",
        )
    if config.rate_feed == "live":
        variables.update(
            WEBSTAT_SECRET_NAME=config.webstat_secret_name,
            WEBSTAT_LEGAL_RATE_PARTICULIERS=config.webstat_legal_rate_particuliers,
            WEBSTAT_LEGAL_RATE_AUTRES_CAS=config.webstat_legal_rate_autres_cas,
        )
    return variables


def grant_read(scope: cdk.Stack, config: StageConfig, role: iam.Role) -> None:
    """``role`` may read the Webstat secret (nothing when the feed is off)."""
    from infra.aws.stack.stripe_secret import grant_secret_read

    if config.rate_feed == "live":
        grant_secret_read(scope, role, config.webstat_secret_name)
    if config.postal_provider == "maileva":  # the letters (workflow) and the webhook's check (API)
        grant_secret_read(scope, role, config.maileva_secret_name)
