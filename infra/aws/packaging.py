"""The Lambda packages for the target runtime, whatever Python runs the synth.

Chalice picks the functions' runtime and the wheels of its managed layer from the Python that packages the
app (3.11 on a Debian 12 laptop: ``python3.11``, Amazon Linux 2, past its end of life). Here instead:

- ``RUNTIME`` (``python3.13``, Amazon Linux 2023, the OS the WeasyPrint layer is built on) for every
  function, set on the template by the stack (3.13 rather than 3.12: an interpreter of that version is at
  hand here to compile the bytecode — Debian 13's, fetched by ``scripts/lambda-python.sh``);
- the dependency layer built by uv from ``requirements.txt`` for that Python version and Lambda's platform
  (``--python-platform x86_64-manylinux_2_28 --python-version 3.13``): only wheels for CPython 3.13 (or
  abi3) end up in it, checked after the install (:func:`check_layer`), and command-line-only packages (pip,
  setuptools, the Chalice CLI…) never do;
- compiled bytecode in both the layer and the app's code, when an interpreter of the target version is
  found (:func:`find_target_python`): Lambda's file system is read-only, so a package without ``.pyc``
  compiles every module it imports at every cold start. The ``.pyc`` are ``unchecked-hash`` ones: a zip
  keeps file times to 2 seconds only, so timestamp-checked bytecode would be found stale and recompiled
  in memory anyway.

Built layers are cached by the hash of their inputs under ``~/.cache/claims-platform/lambda-layers``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = "python3.13"
PYTHON_VERSION = RUNTIME.removeprefix("python")
ARCHITECTURE = "x86_64"
# AL2023 (the python3.13 runtime) has glibc 2.34: manylinux_2_28 wheels and older (manylinux2014) run there.
PLATFORM = "x86_64-manylinux_2_28"
LAYER_CACHE = Path(
    os.environ.get("CLAIMS_LAYER_CACHE") or Path.home() / ".cache" / "claims-platform" / "lambda-layers"
)
# Bump when the build below changes: the cached layers are rebuilt.
BUILD_VERSION = "1"

# Lambda's limit for a function's code plus all its layers, unzipped.
LAMBDA_UNZIPPED_LIMIT = 250 * 2**20
# What the WeasyPrint layer (native libraries and fonts) may take: its build fails above it
# (layers/weasyprint/build-in-container.sh). The same closure from Debian 12's packages measures ~20 MiB
# (10 MiB of libraries, 10 MiB of DejaVu fonts); the packaging test adds this budget to the other packages.
PDF_LAYER_BUDGET = 40 * 2**20

# Distributions that must never be in the layer: command-line tools and local-only packages.
FORBIDDEN = ("chalice", "pip", "setuptools", "wheel", "click", "inquirer", "moto", "pytest", "boto3_stubs")
# What is removed from the installed tree: console scripts, man pages, type stubs.
_PRUNED_DIRS = ("bin", "share")
# Babel's locale data (30 MB for ~1,100 locales): the platform formats in French only (and English for the
# odd fallback); a locale's parents (fr_FR → fr → root) are kept with it.
_BABEL_KEPT = re.compile(r"^(root|fr|fr_[A-Z]+|en|en_[A-Z0-9]+)\.dat$")
_EXTENSION = re.compile(r"\.cpython-(\d+)-([^.]+)\.so$")


@dataclass(frozen=True)
class BuiltLayer:
    zip_path: Path
    unzipped_size: int
    compiled: bool  # .pyc for the target version are inside


def find_target_python(version: str = PYTHON_VERSION) -> str | None:
    """An interpreter of the target version, to compile bytecode with: ``CLAIMS_LAMBDA_PYTHON``,
    ``python3.13`` on the PATH, the copy ``scripts/lambda-python.sh`` made (``make test`` and ``make synth``
    run it), or one uv manages (``uv python install 3.13``). None when there is none."""
    candidates = [
        os.environ.get("CLAIMS_LAMBDA_PYTHON", ""),
        shutil.which(f"python{version}") or "",
        str(lambda_python_copy(version)),
    ]
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if Path(uv).exists():
        found = subprocess.run(
            [uv, "python", "find", "--no-python-downloads", version],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.returncode == 0:
            candidates.append(found.stdout.strip())
    for candidate in filter(None, candidates):
        if not shutil.which(candidate):
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def lambda_python_copy(version: str = PYTHON_VERSION) -> Path:
    """Where ``scripts/lambda-python.sh`` puts the interpreter it fetches (it may not be there)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    default = cache / "claims-platform" / f"lambda-python-{version}"
    home = os.environ.get("CLAIMS_LAMBDA_PYTHON_HOME") or default
    return Path(home) / "root" / "usr" / "bin" / f"python{version}-lambda"


def compile_tree(python: str, tree: Path, shown_as: str) -> None:
    """``.pyc`` next to every ``.py`` of ``tree`` (in ``__pycache__``, tagged for ``python``'s version), their
    tracebacks naming ``shown_as`` (where Lambda extracts the package: /opt/python, /var/task)."""
    subprocess.run(
        [
            python,
            "-m",
            "compileall",
            "-q",
            "-j0",
            "--invalidation-mode",
            "unchecked-hash",
            "-s",
            str(tree),
            "-p",
            shown_as,
            str(tree),
        ],
        check=True,
        capture_output=True,
    )


def _uv() -> str:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists():
        raise RuntimeError("uv is needed to build the Lambda dependency layer (make setup installs it)")
    return uv


def install_dependencies(requirements: Path, target: Path, python_version: str, platform: str) -> None:
    subprocess.run(
        [
            _uv(),
            "pip",
            "install",
            "--quiet",
            "--no-config",
            "--target",
            str(target),
            "--python-platform",
            platform,
            "--python-version",
            python_version,
            "-r",
            str(requirements),
        ],
        check=True,
        capture_output=True,
    )


def prune(site: Path) -> None:
    for name in _PRUNED_DIRS:
        shutil.rmtree(site / name, ignore_errors=True)
    for cache in list(site.rglob("__pycache__")):  # anything compiled by the local Python at install time
        shutil.rmtree(cache, ignore_errors=True)
    for stub in site.rglob("*.pyi"):
        stub.unlink()
    locale_data = site / "babel" / "locale-data"
    if locale_data.is_dir():
        for data in locale_data.glob("*.dat"):
            if not _BABEL_KEPT.match(data.name):
                data.unlink()


def check_layer(site: Path, python_version: str = PYTHON_VERSION) -> None:
    """Refuse a layer with a forbidden distribution or an extension module built for another Python."""
    tag = python_version.replace(".", "")
    distributions = {
        re.sub(r"-[^-]+\.dist-info$", "", d.name).lower().replace("-", "_") for d in site.glob("*.dist-info")
    }
    forbidden = sorted(distributions & set(FORBIDDEN))
    if forbidden:
        raise RuntimeError(f"the Lambda layer would carry {', '.join(forbidden)}: not runtime dependencies")
    wrong = sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.so")
        if (m := _EXTENSION.search(p.name)) and (m.group(1) != tag or not m.group(2).startswith("x86_64"))
    )
    if wrong:
        raise RuntimeError(f"extension modules not built for CPython {python_version}: {wrong[:5]}")


def _zip(tree: Path, archive: Path) -> int:
    """A deterministic zip of ``tree`` (sorted, fixed times); returns the unzipped size."""
    size = 0
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for path in sorted(tree.rglob("*")):
            if path.is_dir():
                continue
            info = zipfile.ZipInfo(str(path.relative_to(tree)), date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            size += len(data)
            out.writestr(info, data)
    partial.replace(archive)
    return size


def build_site(
    requirements: Path, site: Path, python_version: str, platform: str, python: str | None
) -> None:
    """The layer's ``python/`` folder: installed for the target, pruned, checked, compiled if possible."""
    install_dependencies(requirements, site, python_version, platform)
    prune(site)
    check_layer(site, python_version)
    if python:
        compile_tree(python, site, "/opt/python")


def dependency_layer(
    requirements: Path = ROOT / "requirements.txt",
    *,
    python_version: str = PYTHON_VERSION,
    platform: str = PLATFORM,
    python: str | None = None,
    cache: Path = LAYER_CACHE,
) -> BuiltLayer:
    """The zip of the dependency layer (``python/…``, Lambda's /opt/python), built or taken from the cache.

    ``python``: the interpreter to compile bytecode with (of ``python_version``); None: none is compiled."""
    key = hashlib.sha256(
        "\n".join(
            [BUILD_VERSION, python_version, platform, str(bool(python)), requirements.read_text()]
        ).encode()
    ).hexdigest()[:20]
    archive = cache / f"dependencies-{python_version}-{key}.zip"
    if archive.is_file():
        with zipfile.ZipFile(archive) as opened:
            size = sum(info.file_size for info in opened.infolist())
        return BuiltLayer(archive, size, bool(python))
    with tempfile.TemporaryDirectory(prefix="claims-layer-") as work:
        build_site(requirements, Path(work) / "python", python_version, platform, python)
        size = _zip(Path(work), archive)
    for old in sorted(cache.glob(f"dependencies-{python_version}-*.zip"), key=lambda p: p.stat().st_mtime)[
        :-3
    ]:
        old.unlink(missing_ok=True)
    return BuiltLayer(archive, size, bool(python))


def add_bytecode_to_zip(archive: Path, python: str, shown_as: str = "/var/task") -> None:
    """Rewrite Chalice's ``deployment.zip`` (the app's code) with the ``.pyc`` of its modules added."""
    with tempfile.TemporaryDirectory(prefix="claims-code-") as work:
        tree = Path(work)
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(tree)
        compile_tree(python, tree, shown_as)
        _zip(tree, archive)
