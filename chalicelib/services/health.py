"""Is the platform up? Versions of what runs, and whether each outside system answers (the details are
for operators: ``GET /v1/operator/health``; ``GET /health`` says only ok or degraded)."""

from __future__ import annotations

import platform
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata

from chalicelib.adapters.health_probes import ProbeResult

_VERSIONED_PACKAGES = ("claims-platform", "chalice", "boto3", "pynamodb", "aws-lambda-powertools", "moto")


@dataclass(frozen=True)
class HealthReport:
    ok: bool
    versions: Mapping[str, str]
    services: Mapping[str, ProbeResult]

    @property
    def status(self) -> str:
        return "ok" if self.ok else "degraded"

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "versions": dict(self.versions),
            "services": {name: {"ok": r.ok, "detail": r.detail} for name, r in self.services.items()},
        }


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in _VERSIONED_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue  # moto is absent from the Lambda package, and that is expected
    return found


def check_health(probes: Mapping[str, Callable[[], ProbeResult]]) -> HealthReport:
    """Run every probe concurrently (each has its own short timeout)."""
    with ThreadPoolExecutor(max_workers=max(1, len(probes))) as pool:
        futures = {name: pool.submit(probe) for name, probe in probes.items()}
        results = {name: future.result() for name, future in futures.items()}
    return HealthReport(ok=all(r.ok for r in results.values()), versions=versions(), services=results)
