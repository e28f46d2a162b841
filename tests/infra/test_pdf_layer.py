"""The WeasyPrint layer without local Docker: the library-copy filter reads `ldd` as the Lambda image prints
it, the stage's CodeBuild project builds, checks and publishes the layer where the stack reads it, and
``make pdf-layer``'s runner reports a failed build as a failure."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from infra.aws.app_functions import PDF_FUNCTIONS
from infra.aws.config import load_stage
from infra.aws.packaging import PDF_LAYER_BUDGET
from infra.aws.pdf_layer import run_build
from infra.aws.pdf_layer_stack import weasyprint_version
from tests.infra.conftest import ROOT, Synthesized

LAYER_DIR = ROOT / "infra" / "aws" / "layers" / "weasyprint"

# `ldd /usr/lib64/libpango-1.0.so.0` on public.ecr.aws/lambda/python:3.12 after the packages are installed:
# LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:… makes it print /lib64/ paths.
LAMBDA_LDD = """\
\tlinux-vdso.so.1 (0x00007ffc4a5f2000)
\tlibgio-2.0.so.0 => /lib64/libgio-2.0.so.0 (0x00007f0e0f8a0000)
\tlibglib-2.0.so.0 => /lib64/libglib-2.0.so.0 (0x00007f0e0f760000)
\tlibharfbuzz.so.0 => /lib64/libharfbuzz.so.0 (0x00007f0e0f680000)
\tlibfribidi.so.0 => /lib64/libfribidi.so.0 (0x00007f0e0f660000)
\tlibthai.so.0 => /lib64/libthai.so.0 (0x00007f0e0f650000)
\tlibm.so.6 => /lib64/libm.so.6 (0x00007f0e0f570000)
\tlibc.so.6 => /lib64/libc.so.6 (0x00007f0e0f360000)
\tlibz.so.1 => /lib64/libz.so.1 (0x00007f0e0f340000)
\tlibpython3.12.so.1.0 => /var/lang/lib/libpython3.12.so.1.0 (0x00007f0e0ee00000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f0e0fa90000)
"""
BASE_LIBS = ["libc.so.6", "libm.so.6", "libz.so.1", "ld-linux-x86-64.so.2"]


def _layer_libraries(tmp_path: Path, ldd_output: str, *libraries: str) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "ldd").write_text(f"#!/bin/sh\ncat <<'EOF'\n{ldd_output}EOF\n")
    (fake / "ldd").chmod(0o755)
    base = tmp_path / "base.txt"
    base.write_text("\n".join(BASE_LIBS) + "\n")
    script = f'source "{LAYER_DIR}/libs.sh"; layer_libraries "{base}" "$@"'
    return subprocess.run(
        ["bash", "-c", script, "libs", *libraries],
        capture_output=True,
        text=True,
        env={"PATH": f"{fake}:/usr/bin:/bin"},
        check=False,
    )


def test_copy_filter_takes_the_lib64_paths_the_lambda_image_prints(tmp_path: Path):
    result = _layer_libraries(tmp_path, LAMBDA_LDD, "/usr/lib64/libpango-1.0.so.0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "/lib64/libfribidi.so.0",
        "/lib64/libgio-2.0.so.0",
        "/lib64/libglib-2.0.so.0",
        "/lib64/libharfbuzz.so.0",
        "/lib64/libthai.so.0",
        "/usr/lib64/libpango-1.0.so.0",
    ], "the image's own libraries (libc, libm, libz) stay out, the runtime's libpython too"


def test_copy_filter_fails_the_build_on_a_library_ldd_cannot_find(tmp_path: Path):
    broken = LAMBDA_LDD + "\tlibdatrie.so.1 => not found\n"
    result = _layer_libraries(tmp_path, broken, "/usr/lib64/libpango-1.0.so.0")
    assert result.returncode == 1
    assert "libdatrie.so.1" in result.stderr


def test_copy_filter_on_this_machines_real_pango(tmp_path: Path):
    """The same function with the real ldd on Debian's Pango: the closure is found, the base stays out."""
    pango = next(Path("/usr/lib").glob("*/libpango-1.0.so.0"), None)
    if pango is None:
        pytest.skip("no Pango on this machine")
    base = tmp_path / "base.txt"
    base.write_text("libc.so.6\nlibm.so.6\n")
    result = subprocess.run(
        ["bash", "-c", f'source "{LAYER_DIR}/libs.sh"; layer_libraries "{base}" "{pango}"'],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    names = {Path(p).name for p in result.stdout.split()}
    assert {"libpango-1.0.so.0", "libharfbuzz.so.0", "libfribidi.so.0", "libglib-2.0.so.0"} <= names
    assert not {"libc.so.6", "libm.so.6"} & names


def test_layer_build_enforces_the_budget_the_packaging_test_counts_on():
    script = (LAYER_DIR / "build-in-container.sh").read_text()
    [budget_mib] = re.findall(r"\$\(\((\d+) \* 1024 \* 1024\)\)", script)
    assert int(budget_mib) * 2**20 == PDF_LAYER_BUDGET
    check = (LAYER_DIR / "check-in-container.sh").read_text()
    assert "import weasyprint" in check and "write_pdf" in check and "set -euo pipefail" in check
    assert "not found" in check, "every library of the layer is resolved with the layer alone"
    assert "command -v ldd" in check, "a missing ldd must not pass the check silently"


@pytest.mark.slow
def test_codebuild_project_builds_checks_and_publishes_where_the_stack_reads(synth: Synthesized):
    template = json.loads((synth.out_dir / "dev-pdf-layer.template.json").read_text())
    resources = template["Resources"]
    [project] = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CodeBuild::Project"]
    environment = project["Environment"]
    assert environment["Image"] == "aws/codebuild/amazonlinux-x86_64-standard:5.0"  # Amazon Linux 2023
    assert environment["PrivilegedMode"] is True  # Docker for build.sh's Lambda image
    variables = {v["Name"]: v["Value"] for v in environment["EnvironmentVariables"]}
    assert variables == {
        "WEASYPRINT_VERSION": weasyprint_version(),
        "LAYER_NAME": "claims-dev-weasyprint",
        "PARAMETER_NAME": "/claims-dev/weasyprint-layer-arn",
    }
    commands = json.loads(project["Source"]["BuildSpec"])["phases"]["build"]["commands"]
    assert commands[0] == "bash build.sh"  # which runs the check: a failed check stops the build here
    assert "publish-layer-version" in commands[1] and "python3.12" in commands[1]
    assert "put-parameter" in commands[2]
    statements = [
        s
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy"
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    ]
    publish = next(s for s in statements if s["Action"] == "lambda:PublishLayerVersion")
    assert json.dumps(publish["Resource"]).endswith(':layer:claims-dev-weasyprint"]]}')
    put = next(s for s in statements if s["Action"] == "ssm:PutParameter")
    assert json.dumps(put["Resource"]).endswith(':parameter/claims-dev/weasyprint-layer-arn"]]}')

    # The main stack: the PDF functions' second layer is that parameter, resolved at deploy time.
    parameters = synth.template["Parameters"]
    for function in synth.of_type("AWS::Serverless::Function").values():
        properties = function["Properties"]
        if properties["Handler"].removeprefix("app.") in PDF_FUNCTIONS:
            [_, pdf] = properties["Layers"]
            parameter = parameters[pdf["Ref"]]
            assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
            assert parameter["Default"] == "/claims-dev/weasyprint-layer-arn"


def _moto_project(region: str) -> None:
    boto3.client("codebuild", region_name=region).create_project(
        name="claims-dev-pdf-layer",
        source={"type": "S3", "location": "bucket/source.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole="arn:aws:iam::123456789012:role/builder",
    )


def test_runner_waits_for_the_build_and_returns_the_published_layer(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config = load_stage("dev")
    with mock_aws():
        _moto_project(config.region)
        ssm = boto3.client("ssm", region_name=config.region)
        arn = "arn:aws:lambda:eu-west-3:123456789012:layer:claims-dev-weasyprint:3"
        ssm.put_parameter(Name=config.weasyprint_layer_parameter, Type="String", Value=arn)
        said: list[str] = []
        codebuild = boto3.client("codebuild", region_name=config.region)
        assert run_build(config, codebuild, ssm, sleep=lambda _: None, say=said.append) == arn
        assert any("BUILD: SUCCEEDED" in line for line in said)


class _FailingBuild:
    """CodeBuild answering as it does for a build whose check failed (moto's builds always succeed): in
    progress once, then FAILED in the BUILD phase."""

    def __init__(self) -> None:
        self.polls = 0

    def start_build(self, projectName: str) -> dict:
        return {"build": {"id": f"{projectName}:0001", "buildStatus": "IN_PROGRESS"}}

    def batch_get_builds(self, ids: list[str]) -> dict:
        self.polls += 1
        phases = [{"phaseType": "SUBMITTED", "phaseStatus": "SUCCEEDED"}]
        status = "IN_PROGRESS"
        if self.polls > 1:
            phases.append({"phaseType": "BUILD", "phaseStatus": "FAILED"})
            status = "FAILED"
        logs = {"deepLink": "https://console.aws.amazon.com/cloudwatch/home#logsV2:log-groups/x"}
        return {"builds": [{"id": ids[0], "buildStatus": status, "phases": phases, "logs": logs}]}


def test_runner_reports_a_failed_build_with_its_log():
    config = load_stage("dev")
    said: list[str] = []
    build = _FailingBuild()
    with pytest.raises(RuntimeError, match=r"FAILED: see https://console\.aws\.amazon\.com/cloudwatch"):
        run_build(config, build, ssm=None, sleep=lambda _: None, say=said.append)
    assert build.polls == 2
    assert "  BUILD: FAILED" in said
