"""The stage configuration of the AWS stack: ``infra/aws/config.json``, one entry per stage.

Everything an operator sets for their own account lives there (region, sender address, public URL, the
WeasyPrint layer, the name of the Stripe secret). Secrets themselves never do: the stack references the
Secrets Manager secret by name and CloudFormation resolves it at deploy time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from chalicelib.settings import SELLER_FIELDS

HERE = Path(__file__).resolve().parent
CONFIG_PATH = HERE / "config.json"


@dataclass(frozen=True)
class StageConfig:
    name: str
    region: str = "eu-west-3"
    # Empty: the account of the credentials used at deploy time (synth works without any).
    account: str = ""
    # The address users open (links in emails, CORS of the documents bucket). Empty: the CloudFront
    # distribution's own address, known only after the first deploy (see README).
    public_url: str = ""
    # Optional custom domain for the distribution; its certificate must be in us-east-1.
    domain_name: str = ""
    certificate_arn: str = ""
    # The sending domain: the stack creates its SES identity with DKIM (outputs the three CNAME records
    # to add to its DNS). One per stage: SES identities are per account and region, so two stages in one
    # account need two domains (e.g. dev.recouvrement.example.fr and recouvrement.example.fr).
    mail_domain: str = "example.fr"
    # The From address of every email, at mail_domain.
    mail_sender: str = "recouvrement@example.fr"
    operator_email: str = "operateur@example.fr"
    # While the account is in the SES sandbox, SES sends only to verified addresses: each one listed here
    # becomes an identity (AWS emails it a link to click). Empty once the account left the sandbox.
    sandbox_recipients: tuple[str, ...] = field(default_factory=tuple)
    # Who receives the alarms (SNS email subscription); empty: alarms without a subscriber.
    alarm_email: str = ""
    # Secrets Manager secret (JSON: {"secret_key": "sk_…", "webhook_secret": "whsec_…"}), created by the
    # operator before the first deploy.
    stripe_secret_name: str = ""
    # The public services the functions call (infra/aws/stack/providers.py). ``company_registry``: the State's
    # « API Recherche d'entreprises » behind the debtor lookup (``live``, no key) or ``off``. ``rate_feed``:
    # the daily check of the ECB's and the Banque de France's rates, which proposes each new semester to the
    # operator (``off``, or ``live``, which needs the Webstat secret — JSON ``{"api_key": "…"}``, created
    # by the operator like Stripe's — and the two Webstat series of the legal rate, README).
    company_registry: str = "live"
    rate_feed: str = "off"
    webstat_secret_name: str = ""
    webstat_legal_rate_particuliers: str = ""
    webstat_legal_rate_autres_cas: str = ""
    # The registered letters (README, « Sending the mise en demeure by registered mail »): ``manual`` (an
    # operator prints and posts them) or ``maileva`` (its API; the account in the Secrets Manager secret
    # ``maileva_secret_name``, created by the operator; ``maileva_sandbox`` for Maileva's sandbox).
    postal_provider: str = "manual"
    maileva_secret_name: str = ""
    maileva_sandbox: bool = False
    # WeasyPrint's native libraries and fonts (infra/aws/layers/weasyprint/build.sh). By default the layer
    # the stage's CodeBuild project published (make pdf-layer), read from the SSM parameter
    # ``weasyprint_layer_parameter`` at deploy time. Alternatives: a published layer version ARN, or the zip
    # the script builds with local Docker (make pdf-layer-docker; relative to infra/aws).
    weasyprint_layer_arn: str = ""
    weasyprint_layer_zip: str = ""
    deletion_protection: bool = False
    log_retention_days: int = 30
    # Cognito sends its emails (codes, invitations) through the SES domain identity instead of its own
    # mailer (limited to 50 emails a day). Cognito refuses an unverified identity, so this stays false on
    # the first deploy; set it once the DNS records are in and SES shows the domain verified, then deploy
    # again (README, "Deploying to AWS").
    cognito_email_via_ses: bool = False
    # The operator's legal identity, printed on every fee invoice and on the mentions légales (issue 24):
    # legal_name, legal_form, siren, vat_number, address, email, and optionally phone, share_capital, rcs,
    # publication_director, host. The functions receive it as OPERATOR_* variables and refuse to start
    # without a complete, valid one (chalicelib.settings.seller_problems); ``make deploy`` checks it first.
    operator_identity: Mapping[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        """``claims-<stage>``: the prefix of every resource name, as ``chalicelib.settings`` expects."""
        return f"claims-{self.name}"

    @property
    def weasyprint_layer_parameter(self) -> str:
        """The SSM parameter holding the WeasyPrint layer's version ARN (infra/aws/pdf_layer_stack.py)."""
        return f"/{self.prefix}/weasyprint-layer-arn"

    def layer_zip_path(self) -> Path | None:
        if not self.weasyprint_layer_zip:
            return None
        path = Path(self.weasyprint_layer_zip)
        return path if path.is_absolute() else HERE / path


def _stage(name: str, settings: dict[str, Any], path: Path) -> StageConfig:
    known = {f.name for f in fields(StageConfig)}
    unknown = set(settings) - known
    if unknown:
        raise KeyError(f"unknown setting(s) for stage {name!r} in {path}: {', '.join(sorted(unknown))}")
    values = dict(settings)
    if "sandbox_recipients" in values:
        values["sandbox_recipients"] = tuple(values["sandbox_recipients"])
    config = StageConfig(name=name, **values)
    for setting in ("company_registry", "rate_feed"):
        if (mode := getattr(config, setting)) not in {"live", "off"}:
            raise ValueError(f"stage {name!r}: {setting} must be live or off, not {mode!r}")
    if config.postal_provider not in {"manual", "maileva"}:
        raise ValueError(f"stage {name!r}: postal_provider must be manual or maileva")
    if config.postal_provider == "maileva" and not config.maileva_secret_name:
        raise ValueError(
            f"stage {name!r}: postal_provider maileva needs maileva_secret_name (README, Maileva)"
        )
    if config.rate_feed == "live":
        needed = ("webstat_secret_name", "webstat_legal_rate_particuliers", "webstat_legal_rate_autres_cas")
        missing = [setting for setting in needed if not getattr(config, setting)]
        if missing:
            raise ValueError(f"stage {name!r}: rate_feed live needs {', '.join(missing)} (README, Webstat)")
    identity = config.operator_identity
    wrong = set(identity) - set(IDENTITY_FIELDS)
    if wrong:
        raise KeyError(f"stage {name!r}: unknown operator_identity field(s): {', '.join(sorted(wrong))}")
    if any(str(value).strip() for value in identity.values()):
        # Filled in: it must be right (an empty one is the example's, refused by ``make deploy`` only).
        require_operator_identity(config)
    if config.mail_sender.rpartition("@")[2].lower() != config.mail_domain.lower():
        raise ValueError(f"stage {name!r}: mail_sender {config.mail_sender} is not at mail_domain")
    return config


# chalicelib.settings.Seller's fields.
IDENTITY_FIELDS = SELLER_FIELDS


def operator_environment(config: StageConfig) -> dict[str, str]:
    """The OPERATOR_* variables of the functions, from ``operator_identity`` (the fields set)."""
    return {
        f"OPERATOR_{name.upper()}": str(value).strip()
        for name, value in config.operator_identity.items()
        if str(value).strip()
    }


def require_operator_identity(config: StageConfig) -> None:
    """ValueError naming what is missing or wrong in the stage's ``operator_identity``: the functions would
    refuse to start with it (``chalicelib.settings.check_startup``), so ``make deploy`` stops before."""
    from chalicelib.settings import Seller, seller_problems

    values: dict[str, Any] = {
        name: str(config.operator_identity.get(name, "")).strip() for name in IDENTITY_FIELDS
    }
    if not values["host"]:
        values.pop("host")  # the default host (AWS EMEA) applies
    problems = seller_problems(Seller(**values), local=False)
    if problems:
        listed = "; ".join(
            f"{variable.removeprefix('OPERATOR_').lower()} {problem}" for variable, problem in problems
        )
        raise ValueError(
            f"stage {config.name!r}: operator_identity in infra/aws/config.json: {listed} (the fee invoices "
            "and the mentions légales print the operator's identity; README, « Deploying to AWS »)"
        )


def load_stage(name: str, path: Path = CONFIG_PATH) -> StageConfig:
    """One stage, checked against the others: two stages may share an account, never an SES identity."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    stages = data.get("stages", {})
    if name not in stages:
        raise KeyError(f"stage {name!r} is not in {path} (stages: {', '.join(sorted(stages))})")
    configs = {stage: _stage(stage, settings, path) for stage, settings in stages.items()}
    mine = configs[name]
    for other in configs.values():
        if other.name == name:
            continue
        if other.mail_domain.lower() == mine.mail_domain.lower():
            raise ValueError(
                f"stages {name!r} and {other.name!r} send from the same domain {mine.mail_domain}: one SES "
                "identity per domain and account, give each stage its own (e.g. a subdomain)"
            )
        shared = {a.lower() for a in mine.sandbox_recipients} & {a.lower() for a in other.sandbox_recipients}
        if shared:
            raise ValueError(f"stages {name!r} and {other.name!r} both list {sorted(shared)} as recipients")
    return mine


def main(argv: list[str] | None = None) -> int:
    """``python -m infra.aws.config STAGE`` (``make deploy``, before anything is built): the stage is
    complete enough to be deployed — today, its operator identity."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    stage = args[0] if args else "dev"
    try:
        require_operator_identity(load_stage(stage))
    except (KeyError, ValueError) as error:
        print(f"make deploy: {error}", file=sys.stderr)
        return 1
    print(f"stage {stage!r}: ready to deploy")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
