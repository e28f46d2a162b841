"""The import contracts (ARCHITECTURE.md, `[tool.importlinter]` in pyproject.toml) are enforced by
`make lint`: the code as it is keeps them, and an import against them breaks them — shown on a copy of the
packages with one deliberate violation each (an adapter importing the rendering layer; the AWS stack
importing the local platform instead of infra/spec.py)."""

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


def _copy_packages(target: Path) -> None:
    shutil.copytree(
        ROOT / "chalicelib", target / "chalicelib", ignore=shutil.ignore_patterns("data", "*.pyc")
    )
    # infra/'s Python packages only, without what synth and the PDF layer build leave there (node_modules…)
    shutil.copytree(ROOT / "infra", target / "infra", ignore=_not_python_packages)


def _not_python_packages(folder: str, names: list[str]) -> list[str]:
    def is_package(path: Path) -> bool:
        return path.is_dir() and (path / "__init__.py").is_file()

    return [name for name in names if not (name.endswith(".py") or is_package(Path(folder) / name))]


def test_the_code_keeps_the_contracts():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_an_adapter_importing_the_documents_layer_breaks_it(tmp_path):
    _copy_packages(tmp_path)
    violation = tmp_path / "chalicelib" / "adapters" / "sneaky.py"
    violation.write_text("from chalicelib.documents.emails import render_email  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "chalicelib.adapters.sneaky -> chalicelib.documents.emails" in result.stdout


def test_the_aws_stack_importing_the_local_platform_breaks_it(tmp_path):
    _copy_packages(tmp_path)
    violation = tmp_path / "infra" / "aws" / "stack" / "sneaky.py"
    violation.write_text("from infra.local.provision import provision  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "infra.aws.stack.sneaky -> infra.local.provision" in result.stdout
