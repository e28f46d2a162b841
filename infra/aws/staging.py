"""The source directory Chalice packages for AWS, staged under ``infra/aws/build/source`` (git-ignored).

Chalice packages only ``app.py``, ``chalicelib/`` and ``vendor/``; the Jinja templates of the letters and
emails live in ``templates/`` at the repository root. The staged copy puts them in ``chalicelib/templates/``,
where ``chalicelib.documents.render.templates_dir()`` looks first, and carries a ``.chalice/config.json``
generated from the repository's one plus the stage's AWS settings (per-function memory, timeouts, layers,
roles, environment).

No ``requirements.txt`` is staged: Chalice would package the dependencies for the Python running it (3.11
here) into the code. They go in the stack's own dependency layer instead, built for the target runtime
(``infra/aws/packaging.py``); Chalice packages only the app's code and its small runtime module.

``.chalice/deployments/`` is Chalice's cache of the app's code (~1 MB), keyed by its files. It is a link to a
folder outside the checkout (``CLAIMS_CHALICE_CACHE``, default
``~/.cache/claims-platform/chalice-deployments``) so that a fresh clone on the same machine (CI) reuses it.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(__file__).resolve().parent / "build"
SOURCE_DIR = BUILD_DIR / "source"
CACHE_DIR = Path(
    os.environ.get("CLAIMS_CHALICE_CACHE")
    or Path.home() / ".cache" / "claims-platform" / "chalice-deployments"
)
# How many cached packages of each kind to keep (the newest): older ones are never used again.
_KEEP = {"managed-layer-": 2, "appcode-": 6}

# What the deployed functions need from the repository, and where it goes in the package.
COPIED = {
    "app.py": "app.py",
    "chalicelib": "chalicelib",
    "templates": "chalicelib/templates",
}
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")


def _copy(source: Path, target: Path) -> None:
    if target.is_dir():  # e.g. a stray chalicelib/templates in the checkout: the staged copy wins
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target, ignore=_IGNORED)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def chalice_config(stage: str, stage_settings: dict[str, Any], root: Path = ROOT) -> dict[str, Any]:
    """The repository's ``.chalice/config.json`` with ``stage`` set to the repository's ``dev`` stage
    merged with ``stage_settings`` (environment variables merged, everything else replaced)."""
    config: dict[str, Any] = json.loads((root / ".chalice" / "config.json").read_text(encoding="utf-8"))
    base = copy.deepcopy(config.get("stages", {}).get(stage) or config.get("stages", {}).get("dev", {}))
    merged = {
        **base,
        **{key: value for key, value in stage_settings.items() if key != "environment_variables"},
    }
    merged["environment_variables"] = {
        **base.get("environment_variables", {}),
        **stage_settings.get("environment_variables", {}),
    }
    config.setdefault("stages", {})[stage] = merged
    return config


def stage_source(
    stage: str, stage_settings: dict[str, Any], *, root: Path = ROOT, target: Path = SOURCE_DIR
) -> Path:
    """(Re)build the staged source directory and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in (*COPIED.values(), "requirements.txt", ".chalice/config.json"):
        path = target / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for source, destination in COPIED.items():  # chalicelib before templates: dict order
        _copy(root / source, target / destination)
    (target / ".chalice").mkdir(exist_ok=True)
    _link_cache(target / ".chalice" / "deployments")
    (target / ".chalice" / "config.json").write_text(
        json.dumps(chalice_config(stage, stage_settings, root), indent=2) + "\n", encoding="utf-8"
    )
    return target


def _link_cache(link: Path, cache: Path = CACHE_DIR) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() and link.resolve() == cache.resolve():
        return
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)
    link.symlink_to(cache, target_is_directory=True)


def prune_cache(cache: Path = CACHE_DIR) -> None:
    """Forget all but the newest cached packages of each kind (a layer is ~67 MB)."""
    if not cache.is_dir():
        return
    for prefix, keep in _KEEP.items():
        packages = sorted(cache.glob(f"{prefix}*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in packages[keep:]:
            old.unlink(missing_ok=True)
