"""Foundation figures: cold import of the API entry point, and one full local state-machine execution."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def _cold(code: str) -> float:
    """Median wall time of a fresh interpreter running ``code``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_imports() -> list[tuple[str, str]]:
    interpreter = _cold("pass")
    bare = _cold("from chalice import Chalice; Chalice(app_name='bare')")
    ours = _cold("import app")
    ratio = (ours - interpreter) / max(bare - interpreter, 1e-6)
    return [
        ("cold start: bare interpreter (median of 7)", f"{interpreter * 1000:.0f} ms"),
        ("cold start: bare Chalice app (median of 7)", f"{bare * 1000:.0f} ms"),
        ("cold start: `import app` (API entry point, median of 7)", f"{ours * 1000:.0f} ms"),
        ("cold start: import cost ratio, app / bare Chalice", f"{ratio:.1f}×"),
    ]


def state_machine_execution() -> list[tuple[str, str]]:
    for variable in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        os.environ.pop(variable)
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"}
    )
    from datetime import UTC, datetime

    from moto import mock_aws

    from chalicelib.adapters.aws import client, reset_clients
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.step_functions import StepFunctionsEngine
    from chalicelib.domain.claim import Claim, ClaimStatus
    from chalicelib.settings import get_settings
    from infra.local import localaws
    from infra.local.provision import provision

    localaws.install(time_scale=1e9)
    reset_clients()
    durations = []
    with mock_aws(config=localaws.MOTO_CONFIG):
        import app

        provisioned = provision(get_settings(), app.app)
        engine = StepFunctionsEngine(provisioned.state_machine_arn)
        repository = ClaimRepository()
        sfn = client("stepfunctions")
        now = datetime.now(UTC)
        for run in range(RUNS):
            claim_id = f"bench-{run}"
            repository.create(Claim(claim_id, "c", ClaimStatus.WITHDRAWN, "D", 1, now, now), actor="bench")
            started = time.perf_counter()
            execution = engine.start(claim_id, {"claim_id": claim_id})
            while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
                time.sleep(0.005)
            durations.append(time.perf_counter() - started)
    reset_clients()
    return [
        (
            "escalation: one short execution, in-process moto (median of 7)",
            f"{statistics.median(durations) * 1000:.0f} ms (Route, CheckClaim Lambda task, Choice, end)",
        )
    ]


def run() -> list[tuple[str, str]]:
    return cold_imports() + state_machine_execution()
