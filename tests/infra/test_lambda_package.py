"""The Lambda package the stack deploys (the zips in the cloud assembly, not a belief about them): it
carries the templates and the state machine definition, and the API imports without WeasyPrint."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.infra.conftest import ROOT, Synthesized

pytestmark = pytest.mark.slow

# Lambda's limit for a function's code and all its layers, unzipped.
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


def _packages(synth: Synthesized) -> tuple[Path, Path]:
    """(app code zip, dependency layer zip) of the API handler."""
    api = next(
        r["Properties"]
        for r in synth.of_type("AWS::Serverless::Function").values()
        if r["Properties"]["Handler"] == "app.app"
    )
    [layer_ref] = [layer["Ref"] for layer in api["Layers"] if isinstance(layer, dict) and "Ref" in layer]
    layer = synth.resources[layer_ref]["Properties"]
    return synth.asset(api["CodeUri"]["Key"]), synth.asset(layer["ContentUri"]["Key"])


@pytest.fixture(scope="module")
def unzipped(synth: Synthesized, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    code_zip, layer_zip = _packages(synth)
    code_dir, layer_dir = tmp_path_factory.mktemp("code"), tmp_path_factory.mktemp("layer")
    size = 0
    for archive, target in ((code_zip, code_dir), (layer_zip, layer_dir)):
        with zipfile.ZipFile(archive) as opened:
            size += sum(info.file_size for info in opened.infolist())
            opened.extractall(target)
    return code_dir, layer_dir, size


def test_package_carries_every_template_and_the_definition(unzipped: tuple[Path, Path, int]):
    code_dir, _, _ = unzipped
    repository = {p.relative_to(ROOT / "templates") for p in (ROOT / "templates").rglob("*") if p.is_file()}
    packaged = {
        p.relative_to(code_dir / "chalicelib" / "templates")
        for p in (code_dir / "chalicelib" / "templates").rglob("*")
        if p.is_file()
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
    }))
    """
)


def test_api_imports_from_the_package_without_weasyprint(unzipped: tuple[Path, Path, int]):
    code_dir, layer_dir, _ = unzipped
    site_packages = next(layer_dir.glob("python/lib/python3.*/site-packages"))
    # -I -S: only the standard library, then the package and its layer, as on Lambda.
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _IMPORT_API_WITHOUT_WEASYPRINT, str(code_dir), str(site_packages)],
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
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["app_file"] == str(code_dir / "app.py")
    assert report["templates"] == str(code_dir / "chalicelib" / "templates")
    assert report["subject_template"].startswith(str(code_dir / "chalicelib" / "templates"))
    assert report["weasyprint_loaded"] is False
    assert report["routes"] > 10


def test_package_and_layer_fit_lambdas_size_limit_with_room_for_the_pdf_layer(
    unzipped: tuple[Path, Path, int],
):
    _, _, size = unzipped
    print(f"app code + dependency layer, unzipped: {size / 2**20:.0f} MiB")
    assert size < LAMBDA_UNZIPPED_LIMIT
