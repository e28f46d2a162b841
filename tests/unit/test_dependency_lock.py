"""The Lambda package's requirements.txt is generated from the lock, never edited by hand."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[re.sub(r"\[.*\]", "", match.group(1)).lower().replace("_", "-")] = match.group(2)
    return found


def test_runtime_requirements_are_the_lock_pins():
    runtime, lock = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.lock")
    assert runtime, "requirements.txt has no pins"
    assert {name: version for name, version in runtime.items() if lock.get(name) != version} == {}


def test_local_only_tools_stay_out_of_the_lambda_package():
    runtime = pins(ROOT / "requirements.txt")
    for tool in ("moto", "pytest", "ruff", "mypy", "playwright"):
        assert tool not in runtime
