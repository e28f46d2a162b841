"""Configuration, read once from environment variables.

Every resource name has a default that the local platform (`make run`) uses; on AWS the CDK stack sets
the same variables. Nothing else in the code base reads ``os.environ`` for configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

APP_NAME = "claims"


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    claims_table: str
    claim_events_table: str
    accounts_table: str
    idempotency_table: str
    documents_bucket: str
    mail_sender: str
    state_machine_arn: str
    # True only on the embedded local platform and in tests: enables local-only pages and shortcuts.
    local_mode: bool
    # POLICY (rulebook 4.2, item 5): calendar days from first presentation given by the formal notice.
    notice_period_days_b2b: int
    notice_period_days_b2c: int

    @property
    def resource_prefix(self) -> str:
        return f"{APP_NAME}-{self.stage}"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


@cache
def get_settings() -> Settings:
    stage = _env("CLAIMS_STAGE", "local")
    prefix = f"{APP_NAME}-{stage}"
    region = _env("AWS_DEFAULT_REGION", _env("AWS_REGION", "eu-west-3"))
    return Settings(
        stage=stage,
        region=region,
        claims_table=_env("CLAIMS_TABLE", f"{prefix}-claims"),
        claim_events_table=_env("CLAIM_EVENTS_TABLE", f"{prefix}-claim-events"),
        accounts_table=_env("ACCOUNTS_TABLE", f"{prefix}-accounts"),
        idempotency_table=_env("IDEMPOTENCY_TABLE", f"{prefix}-idempotency"),
        documents_bucket=_env("DOCUMENTS_BUCKET", f"{prefix}-documents"),
        mail_sender=_env("MAIL_SENDER", "recouvrement@claims.localhost"),
        state_machine_arn=_env(
            "ESCALATION_STATE_MACHINE_ARN",
            f"arn:aws:states:{region}:123456789012:stateMachine:{prefix}-escalation",
        ),
        local_mode=_flag("CLAIMS_LOCAL_MODE", stage == "local"),
        notice_period_days_b2b=int(_env("NOTICE_PERIOD_DAYS_B2B", "8")),
        notice_period_days_b2c=int(_env("NOTICE_PERIOD_DAYS_B2C", "15")),
    )
