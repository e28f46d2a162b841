"""Configuration, read once from environment variables.

Every resource name has a default that the local platform (`make run`) uses; on AWS the CDK stack sets
the same variables. Nothing else in the code base reads ``os.environ`` for configuration.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from chalicelib.domain.abuse import DEFAULT_LIMITS, Limit, parse_override

APP_NAME = "claims"
PARIS = ZoneInfo("Europe/Paris")
SIMULATED_STRIPE_KEY = "sk_test_local_simulation"
SIMULATED_WEBHOOK_SECRET = "whsec_local_simulation"
# Values that are public (in this repository, in moto) and so prove nothing: never accepted outside the local
# platform.
PLACEHOLDER_SECRETS = frozenset(
    {SIMULATED_STRIPE_KEY, SIMULATED_WEBHOOK_SECRET, "", "changeme", "placeholder"}
)
# The functions that talk to Stripe, by their Chalice name (infra/aws/app_functions.py gives only them the
# Stripe keys): the API (checkout, webhook) and the check that refunds a blocked claim.
STRIPE_FUNCTIONS = frozenset({"api_handler", "check_claim"})


class MissingSecret(RuntimeError):
    """Outside the local platform, a secret is missing or is a public placeholder: the platform refuses to
    start (fail closed) rather than fall back to a value anyone can read. ``setting`` names the variable."""

    def __init__(self, setting: str, problem: str, stage: str) -> None:
        self.setting = setting
        super().__init__(
            f"{setting} {problem} (stage {stage!r}, outside the local platform): set it to the real value "
            "(AWS: the stage's Secrets Manager secret, infra/aws/config.json); the platform does not start "
            "without it"
        )


# How long a Lambda container keeps Stripe's keys read from Secrets Manager (Powertools' cache).
STRIPE_SECRET_MAX_AGE_S = 300


@dataclass(frozen=True)
class Seller:
    """Who sells the service: the operator's company, from OPERATOR_* variables."""

    legal_name: str
    legal_form: str
    siren: str
    vat_number: str
    address: str  # one line: street, postcode and town
    email: str
    phone: str = ""
    share_capital: str = ""  # e.g. "10 000 €"
    rcs: str = ""  # e.g. "RCS Paris"
    publication_director: str = ""
    host: str = "Amazon Web Services EMEA SARL, 38 avenue John F. Kennedy, L-1855 Luxembourg"
    demo: bool = False


DEMO_SELLER = Seller(
    legal_name="Recouvrement Démo SAS",
    legal_form="société par actions simplifiée",
    siren="900000001",  # fictitious (valid check digit): the demonstration company
    vat_number="FR68900000001",
    address="12 rue du Sentier, 75002 Paris",
    email="contact@recouvrement.localhost",
    phone="01 00 00 00 00",
    share_capital="10 000 €",
    rcs="RCS Paris",
    publication_director="Claire Martin",
    demo=True,
)


# The identity's fields, each an OPERATOR_<FIELD> variable (and, on AWS, the stage's operator_identity).
SELLER_FIELDS = tuple(name for name in Seller.__dataclass_fields__ if name != "demo")
# What a fee invoice and the mentions légales cannot do without (C. com. L441-9 and R123-237, LCEN art. 6):
# outside the local platform the app refuses to start while one is missing (:func:`seller_problems`).
SELLER_REQUIRED = ("legal_name", "legal_form", "siren", "vat_number", "address", "email")


def seller_problems(seller: Seller, *, local: bool) -> list[tuple[str, str]]:
    """``(variable, problem)`` for each part of the operator's identity that is missing or wrong: a required
    field empty, a SIREN whose check digit fails, a VAT number that is not the French number of that SIREN
    (python-stdnum's checks), an email without ``@``; and, outside the local platform, the demonstration
    company's fictitious SIREN. Empty when the identity can be printed on an invoice."""
    from stdnum.fr import siren as siren_number
    from stdnum.fr import tva

    problems = [
        (f"OPERATOR_{name.upper()}", "is missing")
        for name in SELLER_REQUIRED
        if not str(getattr(seller, name)).strip()
    ]
    siren = siren_number.compact(seller.siren) if seller.siren.strip() else ""
    if siren and not siren_number.is_valid(siren):
        problems.append(("OPERATOR_SIREN", f"{seller.siren!r} is not a valid SIREN (check digit)"))
    elif siren and not local and siren == DEMO_SELLER.siren:
        problems.append(("OPERATOR_SIREN", "is the demonstration company's fictitious SIREN"))
    vat = tva.compact(seller.vat_number) if seller.vat_number.strip() else ""
    if vat and (not tva.is_valid(vat) or not vat.endswith(siren)):
        problems.append(
            ("OPERATOR_VAT_NUMBER", f"{seller.vat_number!r} is not the French VAT number of SIREN {siren}")
        )
    if seller.email.strip() and "@" not in seller.email:
        problems.append(("OPERATOR_EMAIL", f"{seller.email!r} is not an email address"))
    return problems


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
    # Rates the scheduled feed proposes to the operator (chalicelib/services/rate_feed.py).
    rate_proposals_table: str
    # Abuse-limit counters (chalicelib/adapters/rate_limiter.py).
    rate_limits_table: str
    # A creditor's dashboard totals, kept by every claim write (chalicelib/domain/totals.py).
    claim_totals_table: str
    # Public registries' answers kept a day (chalicelib/adapters/company_registry.py).
    registry_cache_table: str
    # The debtor's links to their page (chalicelib/adapters/debtor_links.py).
    debtor_links_table: str
    # What debtors declared from their page: payments, disputes (chalicelib/adapters/debtor_declarations.py).
    debtor_declarations_table: str
    idempotency_table: str
    # The fee invoices and credit notes (chalicelib/services/invoices.py) and their numbering counters.
    invoices_table: str
    invoice_counters_table: str
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
    # Outside the local platform they have no default: missing, the platform refuses to start
    # (:func:`check_secrets`).
    stripe_secret_key: str = SIMULATED_STRIPE_KEY
    stripe_webhook_secret: str = SIMULATED_WEBHOOK_SECRET
    stripe_api_base: str = "http://127.0.0.1:8765/_local/stripe"
    # Prices per payable step, in cents, VAT included (POLICY: the operator's tariff).
    price_notice_cents: int = 2900
    price_dossier_cents: int = 8900
    # The operator's legal identity (issue 24): printed on the fee invoices and the mentions légales. The
    # local platform's defaults are a fictitious demonstration company, marked as such.
    seller: Seller = field(default_factory=lambda: DEMO_SELLER)
    # VAT on the fees, in percent (the prices above are VAT included): 20 % standard rate (CGI art. 278).
    vat_rate_percent: int = 20
    # The CGV version in force (a creditor accepts it before the first payment; a new one is accepted again).
    cgv_version: str = "2026-12-01"
    # Local platform only (CLAIMS_TODAY=YYYY-MM-DD): the business date of every service and page (see
    # chalicelib/clock.py), for demos and tests. Set on another stage, the platform refuses to start.
    today_override: dt.date | None = None
    # Registered mail (chalicelib/adapters/postal.py): ``local`` records and simulates it (local platform
    # only), ``manual`` leaves the printing and posting to an operator. Default: local on the local platform.
    postal_provider: str = "manual"
    # Local simulation only: calendar days between sending and the simulated first presentation.
    # The local simulation presents the letter on the day the letter itself assumes (letter date + 3,
    # documents/context.py PRESENTATION_ALLOWANCE_DAYS): letter, claim page and emails give one deadline.
    postal_first_presentation_days: int = 3
    # POSTAL_PROVIDER=maileva (chalicelib/adapters/maileva.py): Maileva's REST API — on the local platform its
    # twin at ``<public_url>/_local/maileva``. Credentials from the environment or, on AWS, from the Secrets
    # Manager secret ``maileva_secret_name`` (JSON with the same names, lower case, without MAILEVA_).
    maileva_api_base: str = "https://api.maileva.com"
    maileva_auth_url: str = "https://connexion.maileva.com/auth/realms/services/protocol/openid-connect"
    maileva_client_id: str = ""
    maileva_client_secret: str = ""
    maileva_username: str = ""
    maileva_password: str = ""
    # The qualified LRE's sender (electronic_mail_emitter) and its OTP key: both set, the LRE is used for the
    # debtors the rulebook allows (chalicelib/domain/registered_mail.py); else every letter goes on paper.
    maileva_lre_sender_id: str = ""
    maileva_lre_otp_key: str = ""
    # HTTP Basic credentials Maileva's webhooks present (notification_center subscriptions).
    maileva_webhook_login: str = ""
    maileva_webhook_password: str = ""
    maileva_secret_name: str = ""
    # The operator's estimate of a letter's price, in cents VAT excluded, when the provider reports none
    # (POLICY: shown to the operator and counted in bench/cost_model.py; the LREL's own price wins).
    postal_price_lrar_cents: int = 600
    postal_price_lre_cents: int = 400
    # The only origin browsers may call the API from (CORS): the web interface's, by default the public URL's
    # scheme, host and port (CLAIMS_ALLOWED_ORIGIN).
    allowed_origin: str = "http://127.0.0.1:8765"
    # The providers read by the ``check_rate_feeds`` schedule (chalicelib/adapters/rate_feeds.py): ``local``
    # serves recorded answers (local platform and tests only), ``live`` calls the ECB Data Portal and Banque
    # de France Webstat, ``off`` reads nothing. Default: local on the local platform, off elsewhere.
    rate_feed: str = "off"
    ecb_api_base: str = "https://data-api.ecb.europa.eu/service"
    # ECB Data Portal series of the main refinancing operations fixed rate (dates of change).
    ecb_mro_series: str = "FM/D.U2.EUR.4F.KR.MRR_FR.LEV"
    webstat_api_base: str = "https://webstat.banque-france.fr/api/explore/v2.1"
    # Webstat requires an API key (header ``Authorization: Apikey …``), from the Webstat account page. On AWS
    # it is read, when the feed runs, from the Secrets Manager secret ``webstat_secret_name`` (JSON:
    # ``{"api_key": "…"}``), never from the functions' configuration.
    webstat_api_key: str = ""
    webstat_secret_name: str = ""
    # Webstat series keys of the taux de l'intérêt légal (particuliers / autres cas). Not confirmed against
    # the live catalogue (README): set them from Webstat before switching RATE_FEED to live.
    webstat_legal_rate_particuliers: str = ""
    webstat_legal_rate_autres_cas: str = ""
    # Seconds an HTTP call to a provider may take (connection and each read).
    rate_feed_timeout_seconds: float = 10.0
    # The company registry of the debtor lookup (chalicelib/adapters/company_registry.py): ``live`` calls the
    # State's API Recherche d'entreprises (free, no key), ``local`` serves recorded answers (local platform
    # and tests only), ``off`` disables the lookup. Default: local on the local platform, live elsewhere.
    company_registry: str = "live"
    company_registry_api_base: str = "https://recherche-entreprises.api.gouv.fr"
    company_registry_timeout_seconds: float = 4.0
    # The BODACC's collective proceedings (chalicelib/adapters/bodacc.py), checked at submission and before
    # each escalation step: ``live`` calls the DILA's open BODACC API (no key), ``local`` recorded answers,
    # ``off`` no check (the creditor's declaration only). Default: local on the local platform, live
    # elsewhere.
    bodacc: str = "live"
    bodacc_api_base: str = "https://bodacc-datadila.opendatasoft.com/api/explore/v2.1"
    bodacc_timeout_seconds: float = 4.0
    # POLICY: abuse limits by name (chalicelib/domain/abuse.py), each overridable with
    # CLAIMS_LIMIT_<NAME>=<attempts>/<seconds>.
    limits: Mapping[str, Limit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    # How many proxies in front of the API append the client's address to X-Forwarded-For (on AWS: 1,
    # CloudFront; API Gateway's own address is the request's source IP). 0: the source IP is the client.
    trusted_proxy_hops: int = 0

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


# The local twin's account (infra/local/fake_maileva/settings.py): public values, local platform only.
LOCAL_MAILEVA = {
    "client_id": "claims-local",
    "client_secret": "local-secret",
    "username": "claims-operator",
    "password": "local-password",
    "lre_sender_id": "0f6a9a4e-5c1b-4f6e-9a57-2d5e8f1b7c30",
    "lre_otp_key": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "webhook_login": "claims-webhook",
    "webhook_password": "local-webhook-secret",
}


def _maileva(public_url: str, local: bool) -> dict[str, Any]:
    base = f"{public_url}/_local/maileva" if local else ""
    values: dict[str, Any] = {
        "maileva_api_base": _env("MAILEVA_API_BASE", base or "https://api.maileva.com").rstrip("/"),
        "maileva_auth_url": _env(
            "MAILEVA_AUTH_URL",
            (base or "https://connexion.maileva.com") + "/auth/realms/services/protocol/openid-connect",
        ).rstrip("/"),
        "maileva_secret_name": _env("MAILEVA_SECRET_NAME", ""),
        "postal_price_lrar_cents": int(_env("POSTAL_PRICE_LRAR_CENTS", "600")),
        "postal_price_lre_cents": int(_env("POSTAL_PRICE_LRE_CENTS", "400")),
    }
    twin = local and "/_local/maileva" in values["maileva_api_base"]
    for name, local_value in LOCAL_MAILEVA.items():
        values[f"maileva_{name}"] = _env(f"MAILEVA_{name.upper()}", local_value if twin else "")
    return values


def _seller(local: bool) -> Seller:
    """OPERATOR_LEGAL_NAME, _LEGAL_FORM, _SIREN, _VAT_NUMBER, _ADDRESS, _EMAIL, _PHONE, _SHARE_CAPITAL, _RCS,
    _PUBLICATION_DIRECTOR, _HOST; on the local platform the demonstration company fills what is unset."""
    base = DEMO_SELLER if local else Seller("", "", "", "", "", "")
    values = {name: _env(f"OPERATOR_{name.upper()}", str(getattr(base, name))) for name in SELLER_FIELDS}
    return Seller(**values, demo=local and values["siren"] == DEMO_SELLER.siren)


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def _stripe_keys(local: bool) -> tuple[str, str]:
    """(secret key, webhook secret). On AWS from the Secrets Manager secret named by STRIPE_SECRET_NAME
    (JSON: secret_key, webhook_secret), read at run time through Powertools' cached parameters, so the keys
    are never in the functions' configuration; elsewhere from STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET,
    or the local simulation's — on the local platform only: elsewhere nothing falls back (fail closed)."""
    name = _env("STRIPE_SECRET_NAME", "")
    if name:
        from aws_lambda_powertools.utilities import parameters

        secret = parameters.get_secret(name, transform="json", max_age=STRIPE_SECRET_MAX_AGE_S)
        return str(secret["secret_key"]), str(secret["webhook_secret"])
    webhook_secret = _env("STRIPE_WEBHOOK_SECRET", SIMULATED_WEBHOOK_SECRET if local else "")
    return _env("STRIPE_SECRET_KEY", SIMULATED_STRIPE_KEY if local else ""), webhook_secret


@cache
def get_settings() -> Settings:
    stage = _env("CLAIMS_STAGE", "local")
    prefix = f"{APP_NAME}-{stage}"
    region = _env("AWS_DEFAULT_REGION", _env("AWS_REGION", "eu-west-3"))
    pool_id = _env("COGNITO_USER_POOL_ID", "")
    public_url = _env("CLAIMS_PUBLIC_URL", "http://127.0.0.1:8765").rstrip("/")
    local = stage == "local"
    stripe_key, stripe_webhook_secret = _stripe_keys(local)
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
        rate_proposals_table=_env("RATE_PROPOSALS_TABLE", f"{prefix}-rate-proposals"),
        rate_limits_table=_env("RATE_LIMITS_TABLE", f"{prefix}-rate-limits"),
        claim_totals_table=_env("CLAIM_TOTALS_TABLE", f"{prefix}-claim-totals"),
        registry_cache_table=_env("REGISTRY_CACHE_TABLE", f"{prefix}-registry-cache"),
        debtor_links_table=_env("DEBTOR_LINKS_TABLE", f"{prefix}-debtor-links"),
        debtor_declarations_table=_env("DEBTOR_DECLARATIONS_TABLE", f"{prefix}-debtor-declarations"),
        idempotency_table=_env("IDEMPOTENCY_TABLE", f"{prefix}-idempotency"),
        invoices_table=_env("INVOICES_TABLE", f"{prefix}-invoices"),
        invoice_counters_table=_env("INVOICE_COUNTERS_TABLE", f"{prefix}-invoice-counters"),
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
        seller=_seller(_flag("CLAIMS_LOCAL_MODE", stage == "local")),
        vat_rate_percent=int(_env("VAT_RATE_PERCENT", "20")),
        cgv_version=_env("CGV_VERSION", "2026-12-01"),
        postal_provider=_env(
            "POSTAL_PROVIDER", "local" if _flag("CLAIMS_LOCAL_MODE", stage == "local") else "manual"
        ).lower(),
        postal_first_presentation_days=int(_env("POSTAL_FIRST_PRESENTATION_DAYS", "3")),
        **_maileva(public_url, _flag("CLAIMS_LOCAL_MODE", stage == "local")),
        allowed_origin=_env("CLAIMS_ALLOWED_ORIGIN", _origin(public_url)),
        rate_feed=_rate_feed(stage),
        company_registry=_company_registry(stage),
        company_registry_api_base=_env(
            "COMPANY_REGISTRY_API_BASE", "https://recherche-entreprises.api.gouv.fr"
        ).rstrip("/"),
        bodacc=_local_live_off("BODACC", stage, elsewhere="live"),
        bodacc_api_base=_env(
            "BODACC_API_BASE", "https://bodacc-datadila.opendatasoft.com/api/explore/v2.1"
        ).rstrip("/"),
        ecb_api_base=_env("ECB_API_BASE", "https://data-api.ecb.europa.eu/service").rstrip("/"),
        ecb_mro_series=_env("ECB_MRO_SERIES", "FM/D.U2.EUR.4F.KR.MRR_FR.LEV"),
        webstat_api_base=_env("WEBSTAT_API_BASE", "https://webstat.banque-france.fr/api/explore/v2.1").rstrip(
            "/"
        ),
        webstat_api_key=_env("WEBSTAT_API_KEY", ""),
        webstat_secret_name=_env("WEBSTAT_SECRET_NAME", ""),
        webstat_legal_rate_particuliers=_env("WEBSTAT_LEGAL_RATE_PARTICULIERS", ""),
        webstat_legal_rate_autres_cas=_env("WEBSTAT_LEGAL_RATE_AUTRES_CAS", ""),
        rate_feed_timeout_seconds=float(_env("RATE_FEED_TIMEOUT_SECONDS", "10")),
        limits=_limits(),
        trusted_proxy_hops=int(_env("CLAIMS_TRUSTED_PROXY_HOPS", "0")),
    )


def _limits() -> dict[str, Limit]:
    """The abuse limits, each possibly overridden by CLAIMS_LIMIT_<NAME> (``10/900``)."""
    return {
        name: parse_override(limit, value) if (value := _env(f"CLAIMS_LIMIT_{name.upper()}", "")) else limit
        for name, limit in DEFAULT_LIMITS.items()
    }


def _local_live_off(variable: str, stage: str, *, elsewhere: str) -> str:
    """A provider's mode: ``local`` (recorded answers: the local platform's default, refused elsewhere, where
    it would pass recorded or fictitious data for real), ``live`` or ``off`` (``elsewhere`` by default)."""
    local = _flag("CLAIMS_LOCAL_MODE", stage == "local")
    value = _env(variable, "local" if local else elsewhere).lower()
    if value not in {"local", "live", "off"}:
        raise ValueError(f"{variable} must be local, live or off, got {value!r}")
    if value == "local" and not local:
        raise ValueError(f"{variable}=local serves recorded answers: local platform only (use live or off)")
    return value


def _company_registry(stage: str) -> str:
    """COMPANY_REGISTRY: the debtor lookup's registry (live by default off the local platform)."""
    return _local_live_off("COMPANY_REGISTRY", stage, elsewhere="live")


def _rate_feed(stage: str) -> str:
    """RATE_FEED: the rate providers read by the schedule (off by default off the local platform)."""
    return _local_live_off("RATE_FEED", stage, elsewhere="off")


def check_secrets(settings: Settings, *, stripe: bool = True) -> None:
    """Fail closed: outside the local platform (stage other than ``local``), :class:`MissingSecret` for the
    first secret that is missing or a public placeholder — the Stripe keys when ``stripe`` (the functions
    that call Stripe), the user pool the tokens' signing keys come from, moto's public signing key, which
    must not be accepted, and the operator's legal identity (OPERATOR_*, :func:`seller_problems`), printed on
    every fee invoice. Nothing to check on the local platform (its simulation is the point)."""
    if settings.stage == "local":
        return
    if settings.allow_local_signing_key:
        problem = "accepts moto's public signing key (kid 'dummy')"
        raise MissingSecret("CLAIMS_ALLOW_LOCAL_SIGNING_KEY", problem, settings.stage)
    for name, value in (
        ("COGNITO_USER_POOL_ID", settings.cognito_user_pool_id),
        ("COGNITO_CLIENT_ID", settings.cognito_client_id),
    ):
        if not value:
            raise MissingSecret(name, "is missing: tokens could not be verified", settings.stage)
    if stripe:
        check_stripe_secrets(settings)
    for setting, problem in seller_problems(settings.seller, local=False):
        raise MissingSecret(
            setting,
            f"{problem}: the fee invoices and the mentions légales print the operator's identity",
            settings.stage,
        )


def check_stripe_secrets(settings: Settings) -> None:
    """Outside the local platform, :class:`MissingSecret` unless both Stripe keys are real Stripe values."""
    if settings.stage == "local":
        return
    for name, value, prefix in (
        ("STRIPE_SECRET_KEY", settings.stripe_secret_key, ("sk_", "rk_")),
        ("STRIPE_WEBHOOK_SECRET", settings.stripe_webhook_secret, ("whsec_",)),
    ):
        if not value:
            raise MissingSecret(name, "is missing", settings.stage)
        if value in PLACEHOLDER_SECRETS or value.startswith(("sk_test_local", "whsec_local")):
            raise MissingSecret(name, "is the local simulation's public placeholder", settings.stage)
        if not value.startswith(prefix):
            expected = " or ".join(prefix)
            raise MissingSecret(name, f"is not a Stripe value (expected {expected}…)", settings.stage)


def calls_stripe(settings: Settings, function_name: str | None) -> bool:
    """Whether this process talks to Stripe: on Lambda (``AWS_LAMBDA_FUNCTION_NAME``, Chalice's naming
    ``claims-<stage>`` for the API, ``claims-<stage>-<name>`` for the others) only the
    :data:`STRIPE_FUNCTIONS`; anywhere else (a server, a script) the whole app, Stripe included."""
    if not function_name:
        return True
    prefix = settings.resource_prefix
    names = {prefix if name == "api_handler" else f"{prefix}-{name}" for name in STRIPE_FUNCTIONS}
    return function_name in names


def check_startup() -> Settings:
    """Called once when the app is imported (``app.py``), on every function: :func:`check_secrets` for this
    process. Raises :class:`MissingSecret`, so a misconfigured stage fails at start-up, loudly."""
    settings = get_settings.__wrapped__()  # not cached: importing the app must not freeze the settings
    check_secrets(settings, stripe=calls_stripe(settings, os.environ.get("AWS_LAMBDA_FUNCTION_NAME")))
    return settings


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
