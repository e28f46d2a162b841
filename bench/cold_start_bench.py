"""Cold imports of the Lambda packages, with and without the compiled bytecode the stack ships.

The packages are rebuilt the way infra/aws/packaging.py builds them (the staged app code and the dependency
layer), for the runtime's Python (3.13, found or fetched by scripts/lambda-python.sh, which ``make bench``
runs) — or, without one, for the Python running the bench, as a proxy. Each figure is the median of fresh
processes importing only from the packages (``-I -S``): the API (``import app``) and a PDF function
(``app`` plus WeasyPrint). "Without bytecode" points Python's cache at an empty folder it may not write
to, as on Lambda's read-only disk.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3
CACHE = Path.home() / ".cache" / "claims-platform" / "bench-packages"

_IMPORT = """
import sys, time
sys.path[:0] = [sys.argv[1], sys.argv[2]]
t = time.perf_counter()
import app
if sys.argv[3] == "pdf":
    import weasyprint
    from chalicelib.documents import render
print(time.perf_counter() - t)
"""


def _interpreter() -> tuple[str, str]:
    """(interpreter, its version): the Lambda runtime's when one is at hand, else this one."""
    from infra.aws.packaging import PYTHON_VERSION, find_target_python

    target = find_target_python()
    if target:
        return target, PYTHON_VERSION
    return sys.executable, f"{sys.version_info.major}.{sys.version_info.minor}"


def _packages(python: str, version: str) -> tuple[Path, Path]:
    from infra.aws.packaging import PLATFORM, build_site, compile_tree
    from infra.aws.staging import stage_source

    requirements = (ROOT / "requirements.txt").read_bytes()
    key = hashlib.sha256(requirements + version.encode()).hexdigest()[:16]
    site = CACHE / f"layer-{key}" / "python"
    if not (site.parent / "done").exists():
        build_site(ROOT / "requirements.txt", site, version, PLATFORM, python)
        (site.parent / "done").write_text("")
    code = CACHE / "code"
    stage_source("bench", {}, target=code)
    import chalice.app

    (code / "chalice").mkdir(exist_ok=True)
    (code / "chalice" / "app.py").write_bytes(Path(chalice.app.__file__).read_bytes())
    (code / "chalice" / "__init__.py").write_bytes(
        Path(chalice.app.__file__).with_name("__init__.py").read_bytes()
    )
    compile_tree(python, code, "/var/task")
    return code, site


def _median(python: str, code: Path, site: Path, kind: str, bytecode: bool) -> float:
    env = {
        "AWS_DEFAULT_REGION": "eu-west-3",
        "CLAIMS_STAGE": "dev",
        "POWERTOOLS_TRACE_DISABLED": "1",
        # Outside the local platform the app refuses to start without its secrets (fail closed): values of
        # the right shape, never used (nothing is called).
        "COGNITO_USER_POOL_ID": "eu-west-3_bench",
        "COGNITO_CLIENT_ID": "bench",
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench",
    }
    times = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as empty:
            run_env = dict(env)
            if not bytecode:
                run_env.update(PYTHONPYCACHEPREFIX=empty, PYTHONDONTWRITEBYTECODE="1")
            result = subprocess.run(
                [python, "-S", "-c", _IMPORT, str(code), str(site), kind],
                capture_output=True,
                text=True,
                check=True,
                cwd=code,
                env={**run_env, "PATH": os.environ.get("PATH", "")},
            )
        times.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def run() -> list[tuple[str, str]]:
    python, version = _interpreter()
    code, site = _packages(python, version)
    figures = []
    for kind, label in (("api", "API (import app)"), ("pdf", "PDF function (app + WeasyPrint)")):
        without = _median(python, code, site, kind, bytecode=False)
        with_pyc = _median(python, code, site, kind, bytecode=True)
        figures.append(
            (
                f"Lambda package cold import on Python {version}, {label}",
                f"{without * 1000:.0f} ms without bytecode, {with_pyc * 1000:.0f} ms with "
                f"(-{(1 - with_pyc / without) * 100:.0f} %)",
            )
        )
    return figures
