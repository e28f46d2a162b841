"""Configuration, read once from environment variables.

Every resource name has a default that the local platform (`make run`) uses; on AWS the CDK stack sets
the same variables. Nothing else in the code base reads ``os.environ`` for configuration.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

APP_NAME = "claims"
PARIS = ZoneInfo("Europe/Paris")
SIMULATED_STRIPE_KEY = "sk_test_local_simulation"
# How long a Lambda container keeps Stripe's keys read from Secrets Manager (Powertools' cache).
STRIPE_SECRET_MAX_AGE_S = 300


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    claims_table: str
    claim_events_table: str
    accounts_table: str
    imports_table: str
    # Claim emails waiting to be sent (chalicelib/services/outbox.py).
    outbox_table: str
    rates_table: str
    idempotency_table: str
    documents_bucket: str
    mail_sender: str
    # Who receives the operator's alerts (a claim that needs attention).
    operator_email: str
    state_machine_arn: str
    # The address users open (links in emails).
    public_url: str
    # True only on the embedded local platform and in tests: enables local-only pages and shortcuts.
    local_mode: bool
    # Amazon Cognito user pool (accounts and sign-in). Locally the ids are only known after provisioning:
    # the devserver and the test fixture export them, then call ``get_settings.cache_clear()``.
    cognito_user_pool_id: str
    cognito_client_id: str
    # The ``iss`` claim tokens must carry (moto uses the real AWS URL too).
    cognito_issuer: str
    # Where the pool's public keys are read; locally the moto server's copy.
    jwks_url: str
    # moto signs tokens with a static key shipped inside moto (kid "dummy"): accepted only when the local
    # platform switches this on (CLAIMS_ALLOW_LOCAL_SIGNING_KEY=1). Never on AWS.
    allow_local_signing_key: bool
    # POLICY (rulebook 4.2, item 5): calendar days from first presentation given by the formal notice.
    notice_period_days_b2b: int
    notice_period_days_b2c: int
    # POLICY: days a courteous reminder (relance) gives before the formal notice follows; and the days the
    # creditor has to answer the offer of an injonction de payer (the state machine's timeout says 30 too).
    reminder_wait_days: int = 7
    # Stripe. Without STRIPE_SECRET_KEY the platform talks to the local simulation served by the local
    # platform at ``<public_url>/_local/stripe`` (checkout page + signed webhooks), never to Stripe.
    stripe_secret_key: str = "sk_test_local_simulation"
    stripe_webhook_secret: str = "whsec_local_simulation"
    stripe_api_base: str = "http://127.0.0.1:8765/_local/stripe"
    # Prices per payable step, in cents, VAT included (POLICY: the operator's tariff).
    price_notice_cents: int = 2900
    price_dossier_cents: int = 8900
    # Local platform only (CLAIMS_TODAY=YYYY-MM-DD): the business date of every service and page (see
    # chalicelib/clock.py), for demos and tests. Set on another stage, the platform refuses to start.
    today_override: dt.date | None = None
    # Registered mail (chalicelib/adapters/postal.py): ``local`` records and simulates it (local platform
    # only), ``manual`` leaves the printing and posting to an operator. Default: local on the local platform.
    postal_provider: str = "manual"
    # Local simulation only: calendar days between sending and the simulated first presentation.
    postal_first_presentation_days: int = 2
    # The only origin browsers may call the API from (CORS): the web interface's, by default the public URL's
    # scheme, host and port (CLAIMS_ALLOWED_ORIGIN).
    allowed_origin: str = "http://127.0.0.1:8765"

    @property
    def resource_prefix(self) -> str:
        return f"{APP_NAME}-{self.stage}"

    @property
    def stripe_simulated(self) -> bool:
        return self.stripe_secret_key == SIMULATED_STRIPE_KEY

    def today(self) -> dt.date:
        """Today in Europe/Paris: the day a claim is assessed on."""
        if self.local_mode and self.today_override is not None:
            return self.today_override
        return dt.datetime.now(PARIS).date()


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def _stripe_keys() -> tuple[str, str]:
    """(secret key, webhook secret). On AWS from the Secrets Manager secret named by STRIPE_SECRET_NAME
    (JSON: secret_key, webhook_secret), read at run time through Powertools' cached parameters, so the keys
    are never in the functions' configuration; elsewhere from STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET,
    or the local simulation's."""
    name = _env("STRIPE_SECRET_NAME", "")
    if name:
        from aws_lambda_powertools.utilities import parameters

        secret = parameters.get_secret(name, transform="json", max_age=STRIPE_SECRET_MAX_AGE_S)
        return str(secret["secret_key"]), str(secret["webhook_secret"])
    webhook_secret = _env("STRIPE_WEBHOOK_SECRET", "whsec_local_simulation")
    return _env("STRIPE_SECRET_KEY", SIMULATED_STRIPE_KEY), webhook_secret


@cache
def get_settings() -> Settings:
    stage = _env("CLAIMS_STAGE", "local")
    prefix = f"{APP_NAME}-{stage}"
    region = _env("AWS_DEFAULT_REGION", _env("AWS_REGION", "eu-west-3"))
    pool_id = _env("COGNITO_USER_POOL_ID", "")
    public_url = _env("CLAIMS_PUBLIC_URL", "http://127.0.0.1:8765").rstrip("/")
    stripe_key, stripe_webhook_secret = _stripe_keys()
    issuer = _env("COGNITO_ISSUER", f"https://cognito-idp.{region}.amazonaws.com/{pool_id}")
    return Settings(
        stage=stage,
        region=region,
        claims_table=_env("CLAIMS_TABLE", f"{prefix}-claims"),
        claim_events_table=_env("CLAIM_EVENTS_TABLE", f"{prefix}-claim-events"),
        accounts_table=_env("ACCOUNTS_TABLE", f"{prefix}-accounts"),
        imports_table=_env("IMPORTS_TABLE", f"{prefix}-imports"),
        outbox_table=_env("OUTBOX_TABLE", f"{prefix}-outbox"),
        rates_table=_env("RATES_TABLE", f"{prefix}-rates"),
        idempotency_table=_env("IDEMPOTENCY_TABLE", f"{prefix}-idempotency"),
        documents_bucket=_env("DOCUMENTS_BUCKET", f"{prefix}-documents"),
        mail_sender=_env("MAIL_SENDER", "recouvrement@claims.localhost"),
        operator_email=_env("OPERATOR_ALERT_EMAIL", "operateur@demo.localhost"),
        state_machine_arn=_env(
            "ESCALATION_STATE_MACHINE_ARN",
            f"arn:aws:states:{region}:123456789012:stateMachine:{prefix}-escalation",
        ),
        public_url=public_url,
        local_mode=_flag("CLAIMS_LOCAL_MODE", stage == "local"),
        cognito_user_pool_id=pool_id,
        cognito_client_id=_env("COGNITO_CLIENT_ID", ""),
        cognito_issuer=issuer,
        jwks_url=_env("COGNITO_JWKS_URL", f"{issuer}/.well-known/jwks.json"),
        allow_local_signing_key=_flag("CLAIMS_ALLOW_LOCAL_SIGNING_KEY", False),
        notice_period_days_b2b=int(_env("NOTICE_PERIOD_DAYS_B2B", "8")),
        notice_period_days_b2c=int(_env("NOTICE_PERIOD_DAYS_B2C", "15")),
        reminder_wait_days=int(_env("REMINDER_WAIT_DAYS", "7")),
        today_override=_today_override(stage),
        stripe_secret_key=stripe_key,
        stripe_webhook_secret=stripe_webhook_secret,
        stripe_api_base=_env(
            "STRIPE_API_BASE",
            f"{public_url}/_local/stripe" if stripe_key == SIMULATED_STRIPE_KEY else "https://api.stripe.com",
        ),
        price_notice_cents=int(_env("PRICE_NOTICE_CENTS", "2900")),
        price_dossier_cents=int(_env("PRICE_DOSSIER_CENTS", "8900")),
        postal_provider=_env(
            "POSTAL_PROVIDER", "local" if _flag("CLAIMS_LOCAL_MODE", stage == "local") else "manual"
        ).lower(),
        postal_first_presentation_days=int(_env("POSTAL_FIRST_PRESENTATION_DAYS", "2")),
        allowed_origin=_env("CLAIMS_ALLOWED_ORIGIN", _origin(public_url)),
    )


def _origin(url: str) -> str:
    """``https://example.fr`` from ``https://example.fr/app/``: what browsers send as ``Origin``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def _today_override(stage: str) -> dt.date | None:
    """CLAIMS_TODAY, accepted on the local platform only: on AWS there is only the real clock."""
    value = _date(_env("CLAIMS_TODAY", ""))
    if value is not None and (stage != "local" or not _flag("CLAIMS_LOCAL_MODE", True)):
        raise ValueError(
            f"CLAIMS_TODAY is for the local platform only (stage {stage!r}): unset it, the real clock is used"
        )
    return value


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"CLAIMS_TODAY must be a date YYYY-MM-DD, got {value!r}") from None
