"""The Lambda packages the stack deploys (the zips in the cloud assembly, not a belief about them): built for
the python3.13 runtime on x86_64 whatever Python ran the synth, no command-line or test packages inside,
small enough to leave room for the WeasyPrint layer; they carry the templates and the state machine
definition, the API imports without WeasyPrint — the deployed zips themselves, by an interpreter of the
runtime's version when one is at hand — and compiled bytecode is used as it is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from infra.aws.app_functions import PDF_FUNCTIONS
from infra.aws.packaging import (
    FORBIDDEN,
    LAMBDA_UNZIPPED_LIMIT,
    PDF_LAYER_BUDGET,
    PLATFORM,
    PYTHON_VERSION,
    RUNTIME,
    build_site,
    check_layer,
    compile_tree,
    find_target_python,
)
from tests.infra.conftest import OPERATOR_IDENTITY, ROOT, Synthesized

pytestmark = pytest.mark.slow

FUNCTION = "AWS::Serverless::Function"
# .pyc / .py size, measured on this package with CPython 3.11 (1.08): added when the zips carry no bytecode
# (no python3.13 interpreter where the synth ran) so that the size check holds once they do.
BYTECODE_RATIO = 1.15


def _api(synth: Synthesized) -> dict:
    return next(
        r["Properties"] for r in synth.of_type(FUNCTION).values() if r["Properties"]["Handler"] == "app.app"
    )


def _packages(synth: Synthesized) -> tuple[Path, Path]:
    """(app code zip, dependency layer zip) of the API handler."""
    api = _api(synth)
    layer_ref = api["Layers"][0]["Ref"]
    layer = synth.resources[layer_ref]["Properties"]
    return synth.asset(api["CodeUri"]["Key"]), synth.asset(layer["Content"]["S3Key"])


def _names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as opened:
        return opened.namelist()


def _unzipped_size(archive: Path, *, with_bytecode: bool) -> int:
    with zipfile.ZipFile(archive) as opened:
        infos = opened.infolist()
    size = sum(i.file_size for i in infos)
    if with_bytecode and not any(i.filename.endswith(".pyc") for i in infos):
        size += int(BYTECODE_RATIO * sum(i.file_size for i in infos if i.filename.endswith(".py")))
    return size


@pytest.fixture(scope="module")
def unzipped(synth: Synthesized, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's code, extracted."""
    code_zip, _ = _packages(synth)
    code_dir = tmp_path_factory.mktemp("code")
    with zipfile.ZipFile(code_zip) as opened:
        opened.extractall(code_dir)
    return code_dir


def test_every_function_runs_the_runtime_on_x86_64_with_the_dependency_layer_first(synth: Synthesized):
    functions = synth.of_type(FUNCTION)
    assert functions
    [(dependencies_id, layer)] = synth.of_type("AWS::Lambda::LayerVersion").items()
    assert layer["Properties"]["CompatibleRuntimes"] == [RUNTIME] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["x86_64"]
    assert synth.of_type("AWS::Serverless::LayerVersion") == {}, "no Chalice managed layer"
    for function in functions.values():
        properties = function["Properties"]
        assert properties["Runtime"] == RUNTIME, properties["FunctionName"]
        assert properties["Architectures"] == ["x86_64"]
        assert properties["Layers"][0] == {"Ref": dependencies_id}
        if properties["Handler"].removeprefix("app.") in PDF_FUNCTIONS:
            assert len(properties["Layers"]) <= 2
        else:
            assert len(properties["Layers"]) == 1, "only the PDF functions get the WeasyPrint layer"


def test_dependency_layer_has_no_cli_or_test_packages_and_only_runtime_extensions(synth: Synthesized):
    _, layer_zip = _packages(synth)
    names = _names(layer_zip)
    assert all(name.startswith("python/") for name in names)
    top = {name.split("/")[1] for name in names}
    distributions = {re.sub(r"-[^-]+\.dist-info$", "", t).lower() for t in top if t.endswith(".dist-info")}
    for forbidden in (*FORBIDDEN, "_pytest", "pydantic_core", "weasyprint"):
        if forbidden in ("pydantic_core", "weasyprint"):  # runtime dependencies: must be there
            assert forbidden in top
            continue
        assert forbidden not in top and forbidden not in distributions, forbidden
    assert {"bin", "share"}.isdisjoint(top), "console scripts and man pages are pruned"
    extensions = [n for n in names if n.endswith(".so") and ".cpython-" in n]
    assert extensions
    for name in extensions:
        assert f".cpython-{PYTHON_VERSION.replace('.', '')}-x86_64-linux-gnu.so" in name, name
    babel = [n for n in names if n.startswith("python/babel/locale-data/")]
    assert "python/babel/locale-data/fr_FR.dat" in babel and "python/babel/locale-data/root.dat" in babel
    assert "python/babel/locale-data/ja.dat" not in babel


def test_code_package_carries_only_chalices_runtime_module_and_the_app(synth: Synthesized):
    code_zip, _ = _packages(synth)
    top = {name.split("/")[0] for name in _names(code_zip)}
    assert top <= {"app.py", "chalicelib", "chalice", "__pycache__"}, top
    chalice = {n for n in _names(code_zip) if n.startswith("chalice/") and not n.endswith(".pyc")}
    assert chalice == {"chalice/__init__.py", "chalice/app.py"}


def test_packages_have_bytecode_for_the_runtime_when_an_interpreter_is_found(synth: Synthesized):
    """``make test`` and ``make synth`` fetch one (scripts/lambda-python.sh): where it did, the synth must
    have compiled every module of both packages, for that version only."""
    code_zip, layer_zip = _packages(synth)
    compiled = "claims:no-bytecode" not in synth.log
    assert compiled == (find_target_python() is not None), synth.log[-2000:]
    tag = f"cpython-{PYTHON_VERSION.replace('.', '')}"
    for archive in (code_zip, layer_zip):
        names = set(_names(archive))
        sources = [n for n in names if n.endswith(".py")]
        with_pyc = [
            n
            for n in sources
            if f"{os.path.dirname(n)}/__pycache__/{Path(n).stem}.{tag}.pyc".lstrip("/") in names
        ]
        assert not [n for n in names if n.endswith(".pyc") and f".{tag}." not in n]
        if compiled:
            assert len(with_pyc) == len(sources), archive.name
        else:
            assert with_pyc == [], f"no python{PYTHON_VERSION} here: the warning said so, no bytecode either"


def test_packages_fit_lambdas_size_limit_with_the_pdf_layer_budget(synth: Synthesized):
    code_zip, layer_zip = _packages(synth)
    size = sum(_unzipped_size(a, with_bytecode=True) for a in (code_zip, layer_zip))
    print(
        f"app code + dependency layer, unzipped with bytecode: {size / 2**20:.0f} MiB; "
        f"with the WeasyPrint layer's budget: {(size + PDF_LAYER_BUDGET) / 2**20:.0f} MiB"
    )
    assert size + PDF_LAYER_BUDGET < LAMBDA_UNZIPPED_LIMIT
    built = ROOT / "infra" / "aws" / "layers" / "weasyprint" / "build" / "weasyprint-layer.zip"
    if built.is_file():  # a layer built on this machine (Docker): its measured size, not the budget
        assert size + _unzipped_size(built, with_bytecode=False) < LAMBDA_UNZIPPED_LIMIT


def test_check_layer_refuses_cli_packages_and_extensions_for_another_python(tmp_path: Path):
    (tmp_path / "pydantic_core").mkdir()
    (tmp_path / "pydantic_core" / "_core.cpython-312-x86_64-linux-gnu.so").write_bytes(b"")
    check_layer(tmp_path, "3.12")
    (tmp_path / "pip-26.2.1.dist-info").mkdir()
    with pytest.raises(RuntimeError, match="pip"):
        check_layer(tmp_path, "3.12")
    (tmp_path / "pip-26.2.1.dist-info").rmdir()
    (tmp_path / "lxml").mkdir()
    (tmp_path / "lxml" / "etree.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    with pytest.raises(RuntimeError, match=r"CPython 3\.12"):
        check_layer(tmp_path, "3.12")


def test_find_target_python_takes_only_an_interpreter_of_that_version(monkeypatch: pytest.MonkeyPatch):
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    monkeypatch.setenv("CLAIMS_LAMBDA_PYTHON", sys.executable)
    assert find_target_python(version) is not None
    assert find_target_python("3.99") is None


@pytest.fixture(scope="module")
def local_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dependency layer built the same way for the Python running the tests (3.11 here), compiled with
    it: the stack's layer is for 3.13, whose extension modules this interpreter cannot load."""
    site = tmp_path_factory.mktemp("layer") / "python"
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    build_site(ROOT / "requirements.txt", site, version, PLATFORM, sys.executable)
    return site


def test_package_carries_every_template_and_the_definition(unzipped: Path):
    code_dir = unzipped
    repository = {p.relative_to(ROOT / "templates") for p in (ROOT / "templates").rglob("*") if p.is_file()}
    packaged = {
        p.relative_to(code_dir / "chalicelib" / "templates")
        for p in (code_dir / "chalicelib" / "templates").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert repository and repository <= packaged
    asl = code_dir / "chalicelib" / "workflow" / "escalation.asl.json"
    assert json.loads(asl.read_text()) == json.loads(
        (ROOT / "chalicelib" / "workflow" / "escalation.asl.json").read_text()
    )
    assert (code_dir / "app.py").is_file()


_IMPORT_API_WITHOUT_WEASYPRINT = textwrap.dedent(
    """
    import importlib.abc, json, sys
    code, layer = sys.argv[1], sys.argv[2]
    sys.path[:0] = [code, layer]

    class NoWeasyPrint(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "weasyprint" or name.startswith("weasyprint."):
                raise ImportError("weasyprint is blocked: the API must not need it")
            return None

    sys.meta_path.insert(0, NoWeasyPrint())
    import app
    from chalicelib.documents import emails, render
    subject = emails.environment().get_template("signup_code.subject.txt")
    print(json.dumps({
        "app_file": app.__file__,
        "templates": str(render.TEMPLATES_DIR),
        "weasyprint_loaded": any(m == "weasyprint" or m.startswith("weasyprint.") for m in sys.modules),
        "routes": len(app.app.routes),
        "subject_template": subject.filename,
        "cli_loaded": sorted(m for m in sys.modules if m.split(".")[0] in ("click", "pip", "setuptools")),
    }))
    """
)


_RENDER_A_PAGE = textwrap.dedent(
    """
    import sys
    sys.path[:0] = sys.argv[1:3]
    from chalicelib.documents import render
    html = "<html><head><title>Essai</title></head><body><h1>Mise en demeure</h1><p>1 234 €</p></body></html>"
    sys.stdout.buffer.write(render.html_to_pdf(html, identifier="package-check", house=True))
    """
)


def _files(tree: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in tree.rglob("*") if p.is_file()}


def test_api_imports_from_the_package_without_weasyprint_using_the_shipped_bytecode(
    unzipped: Path, local_site: Path
):
    code_dir = unzipped
    compile_tree(sys.executable, code_dir, "/var/task")  # what the stack does with a python3.13 at hand
    before = {**_files(code_dir), **_files(local_site)}
    # -I -S: only the standard library, then the package and its layer, as on Lambda.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _IMPORT_API_WITHOUT_WEASYPRINT, str(code_dir), str(local_site)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=code_dir,
        env={
            "AWS_DEFAULT_REGION": "eu-west-3",
            "CLAIMS_STAGE": "dev",
            "POWERTOOLS_TRACE_DISABLED": "1",
            # Outside the local platform the app refuses to start without its secrets (fail closed).
            "COGNITO_USER_POOL_ID": "eu-west-3_Example1",
            "COGNITO_CLIENT_ID": "exampleclientid",
            "STRIPE_SECRET_KEY": "sk_test_package_check",
            "STRIPE_WEBHOOK_SECRET": "whsec_package_check",
            **OPERATOR_IDENTITY,
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["app_file"] == str(code_dir / "app.py")
    assert report["templates"] == str(code_dir / "chalicelib" / "templates")
    assert report["subject_template"].startswith(str(code_dir / "chalicelib" / "templates"))
    assert report["weasyprint_loaded"] is False
    assert report["cli_loaded"] == []
    assert report["routes"] > 10
    # The unchecked-hash bytecode was used as it is: Python wrote nothing (on Lambda it could not).
    assert {**_files(code_dir), **_files(local_site)} == before


def test_the_deployed_zips_import_on_the_runtimes_python_using_their_own_bytecode(
    synth: Synthesized, tmp_path: Path
):
    """The zips of the cloud assembly as they are — the code and the dependency layer built for Lambda
    (manylinux wheels for 3.13, the bytecode the synth compiled) — imported by an interpreter of the runtime's
    version: what Lambda's cold start does, minus Amazon Linux. Python must write nothing: Lambda could not.
    Then a PDF function's path renders a letter page with the layer's WeasyPrint 3.13 wheels (this machine's
    Pango standing in for the WeasyPrint layer)."""
    python = find_target_python()
    if python is None:
        pytest.skip(f"no python{PYTHON_VERSION} here: the proxy test above imports a 3.11 build instead")
    code_zip, layer_zip = _packages(synth)
    layer_dir = tmp_path / "opt"
    with zipfile.ZipFile(layer_zip) as opened:
        opened.extractall(layer_dir)
    code_dir = tmp_path / "task"
    code_dir.mkdir()
    with zipfile.ZipFile(code_zip) as opened:
        opened.extractall(code_dir)
    before = {**_files(code_dir), **_files(layer_dir)}
    environment = {
        "AWS_DEFAULT_REGION": "eu-west-3",
        "CLAIMS_STAGE": "dev",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "COGNITO_USER_POOL_ID": "eu-west-3_Example1",
        "COGNITO_CLIENT_ID": "exampleclientid",
        "STRIPE_SECRET_KEY": "sk_test_package_check",
        "STRIPE_WEBHOOK_SECRET": "whsec_package_check",
        **OPERATOR_IDENTITY,
    }
    result = subprocess.run(
        [python, "-I", "-S", "-c", _IMPORT_API_WITHOUT_WEASYPRINT, str(code_dir), str(layer_dir / "python")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=code_dir,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["app_file"] == str(code_dir / "app.py")
    assert report["weasyprint_loaded"] is False and report["cli_loaded"] == []
    assert report["routes"] > 10
    assert {**_files(code_dir), **_files(layer_dir)} == before, "a module was compiled at import"
    rendered = subprocess.run(
        [python, "-I", "-S", "-c", _RENDER_A_PAGE, str(code_dir), str(layer_dir / "python")],
        capture_output=True,
        timeout=120,
        cwd=code_dir,
        env=environment,
    )
    assert rendered.returncode == 0, rendered.stderr[-3000:].decode()
    assert rendered.stdout.startswith(b"%PDF-") and len(rendered.stdout) > 1000
    assert {**_files(code_dir), **_files(layer_dir)} == before, "a module was compiled at render"
