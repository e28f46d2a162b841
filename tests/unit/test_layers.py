"""The layer contract (ARCHITECTURE.md, `[tool.importlinter]` in pyproject.toml) is enforced by `make lint`:
the package as it is keeps it, and an import against the direction breaks it — shown on a copy of the
package with one deliberate violation (an adapter importing the rendering layer)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=package_parent,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_the_layer_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_adapter_importing_the_documents_layer_breaks_it(tmp_path):
    shutil.copytree(
        ROOT / "chalicelib", tmp_path / "chalicelib", ignore=shutil.ignore_patterns("data", "*.pyc")
    )
    violation = tmp_path / "chalicelib" / "adapters" / "sneaky.py"
    violation.write_text("from chalicelib.documents.emails import render_email  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "chalicelib.adapters.sneaky -> chalicelib.documents.emails" in result.stdout
