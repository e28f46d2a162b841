"""``synth``: the AWS stack synthesised once per test session, offline (``cdk synth``, like ``make synth``).

No AWS account is reached: no credentials are passed to the CDK command line, only a region. The first run on
a machine builds Chalice's dependency layer (minutes: every wheel is fetched for Lambda's platform); later
runs reuse it from ``~/.cache/claims-platform`` (``infra/aws/staging.py``) and take about 40 s. The cloud
assembly (~70 MB of assets) is deleted at the end of the session, or, when pytest-xdist workers share it,
by the next run an hour later.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AWS_DIR = ROOT / "infra" / "aws"
CDK = AWS_DIR / "node_modules" / ".bin" / "cdk"
STAGE = "dev"


@dataclass(frozen=True)
class Synthesized:
    out_dir: Path
    template_path: Path
    template: dict[str, Any]
    seconds: float
    log: str
    left_chalice_out: bool = False

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template["Resources"]

    def of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.resources.items() if r["Type"] == kind}

    def asset(self, key: str) -> Path:
        """The file in the assembly that is uploaded as the S3 object ``key`` (``<hash>.zip``)."""
        return self.out_dir / f"asset.{key}"


def cdk_environment() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "CLAIMS_", "COGNITO_", "STRIPE_"))
    }
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "CDK_DISABLE_VERSION_CHECK": "1",
            "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
            "CDK_CLI_NOTICES": "false",
        }
    )
    return env


def ensure_cdk_cli() -> Path:
    if not CDK.exists():  # `make test` installs it; a bare pytest run installs it here from the lock file
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=AWS_DIR, check=True, capture_output=True)
    return CDK


def _synthesise(cli: Path, out_dir: Path, stage: str = STAGE, config: Path | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    context = ["-c", f"stage={stage}", *(["-c", f"config={config}"] if config else [])]
    result = subprocess.run(
        [str(cli), "synth", "--quiet", "--no-notices", *context, "--output", str(out_dir)],
        cwd=AWS_DIR,
        env=cdk_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-5000:]
    return {
        "seconds": time.perf_counter() - started,
        "log": log[-20000:],
        # checked right after the synth, while no other synth can run (see the lock below)
        "left_chalice_out": (AWS_DIR / "chalice.out").exists(),
    }


@pytest.fixture(scope="session")
def synth() -> Iterator[Synthesized]:
    """One synth per test run, shared by the pytest-xdist workers: the first to take the lock synthesises
    into a directory named after the run, the others wait and read it (two synths at once would share
    ``infra/aws/chalice.out`` and the dependency cache)."""
    import fcntl

    cli = ensure_cdk_cli()
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    shared = run_id is not None
    tmp = Path(tempfile.gettempdir())
    out_dir = tmp / f"claims-cdk-out-{run_id}" if shared else Path(tempfile.mkdtemp(prefix="claims-cdk-out-"))
    try:
        with (tmp / "claims-cdk-synth.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for stale in tmp.glob("claims-cdk-out-*"):  # assemblies of earlier runs (~70 MB each)
                if stale != out_dir and time.time() - stale.stat().st_mtime > 3600:
                    shutil.rmtree(stale, ignore_errors=True)
            done = out_dir / "synth.json"
            if shared and done.exists():
                facts = json.loads(done.read_text())
            else:
                facts = _synthesise(cli, out_dir)
                done.write_text(json.dumps(facts))
        template_path = out_dir / f"{STAGE}.template.json"
        yield Synthesized(
            out_dir,
            template_path,
            json.loads(template_path.read_text()),
            facts["seconds"],
            facts["log"],
            facts["left_chalice_out"],
        )
    finally:
        if not shared:
            shutil.rmtree(out_dir, ignore_errors=True)


# The operator's legal identity as the functions receive it (a real company's shape: a SIREN and its French
# VAT number); outside the local platform the app does not start without it.
IDENTITY = {
    "legal_name": "Recouvrement Exemple SAS",
    "legal_form": "société par actions simplifiée",
    "siren": "732829320",
    "vat_number": "FR44732829320",
    "address": "1 rue de l'Exemple, 75001 Paris",
    "email": "contact@recouvrement.example.fr",
    "share_capital": "10 000 €",
    "rcs": "RCS Paris",
}
OPERATOR_IDENTITY = {f"OPERATOR_{name.upper()}": value for name, value in IDENTITY.items()}


# The prod stage with everything an operator sets once the first deploy went through: custom domain and
# certificate, alarm address, SES domain verified (Cognito through SES), sandbox recipients, the rate feed.
CONFIGURED_PROD = {
    "region": "eu-west-3",
    "account": "123456789012",
    "public_url": "https://recouvrement.example.fr",
    "domain_name": "recouvrement.example.fr",
    "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-123456789012",
    "mail_domain": "mail.recouvrement.example.fr",
    "mail_sender": "recouvrement@mail.recouvrement.example.fr",
    "operator_email": "operateur@example.fr",
    "sandbox_recipients": ["operateur@example.fr", "testeur@example.fr"],
    "alarm_email": "astreinte@example.fr",
    "stripe_secret_name": "claims/prod/stripe",
    # The daily rate feed on: Webstat's key in its secret, the legal rate's two series (illustrative keys:
    # the real ones are to be read from the Webstat catalogue, README).
    "rate_feed": "live",
    "webstat_secret_name": "claims/prod/webstat",
    "webstat_legal_rate_particuliers": "EXAMPLE.S.FR.TAUX_LEGAL.PARTICULIERS",
    "webstat_legal_rate_autres_cas": "EXAMPLE.S.FR.TAUX_LEGAL.AUTRES_CAS",
    # The registered letters through Maileva, its account in a secret (issue 23).
    "postal_provider": "maileva",
    "maileva_secret_name": "claims/prod/maileva",
    "deletion_protection": True,
    "log_retention_days": 365,
    "cognito_email_via_ses": True,
    "operator_identity": IDENTITY,
}


@pytest.fixture(scope="session")
def synth_prod() -> Iterator[Synthesized]:
    """The fully configured prod stage (``CONFIGURED_PROD``), synthesised once per test run and shared by the
    pytest-xdist workers like ``synth`` (a synth costs 20-30 s of both cores: once, not once per worker)."""
    import fcntl

    cli = ensure_cdk_cli()
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    shared = run_id is not None
    tmp = Path(tempfile.gettempdir())
    work = tmp / f"claims-cdk-prod-{run_id}" if shared else Path(tempfile.mkdtemp(prefix="claims-cdk-prod-"))
    out_dir = work / "cdk.out"
    try:
        with (tmp / "claims-cdk-synth.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for stale in tmp.glob("claims-cdk-prod-*"):  # assemblies of earlier runs
                if stale != work and time.time() - stale.stat().st_mtime > 3600:
                    shutil.rmtree(stale, ignore_errors=True)
            done = work / "synth.json"
            if shared and done.exists():
                facts = json.loads(done.read_text())
            else:
                work.mkdir(parents=True, exist_ok=True)
                config = work / "config.json"
                config.write_text(json.dumps({"stages": {"prod": CONFIGURED_PROD}}))
                facts = _synthesise(cli, out_dir, "prod", config)
                done.write_text(json.dumps(facts))
        template_path = out_dir / "prod.template.json"
        yield Synthesized(
            out_dir, template_path, json.loads(template_path.read_text()), facts["seconds"], facts["log"]
        )
    finally:
        if not shared:
            shutil.rmtree(work, ignore_errors=True)
