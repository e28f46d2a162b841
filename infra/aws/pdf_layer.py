"""``make pdf-layer STAGE=…``: run the stage's CodeBuild project (``infra/aws/pdf_layer_stack.py``) and wait.

    python -m infra.aws.pdf_layer --stage dev

Starts the build, prints its phases as they end, and exits 0 once the layer is published (its version ARN
is then in the SSM parameter the main stack reads), 1 with the log's address when the build failed — among
others when the layer's own check (import WeasyPrint, render a page with the layer alone) did not pass.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from infra.aws.config import StageConfig, load_stage

DONE = {"SUCCEEDED", "FAILED", "FAULT", "STOPPED", "TIMED_OUT"}


def run_build(
    config: StageConfig,
    codebuild: Any,
    ssm: Any,
    *,
    poll_seconds: float = 15.0,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = print,
) -> str:
    """The published layer version ARN; raises RuntimeError when the build does not succeed."""
    project = f"{config.prefix}-pdf-layer"
    build_id = codebuild.start_build(projectName=project)["build"]["id"]
    say(f"CodeBuild {project}: build {build_id} started (about 5 minutes)")
    reported: set[str] = set()
    while True:
        [build] = codebuild.batch_get_builds(ids=[build_id])["builds"]
        for phase in build.get("phases", []):
            if phase.get("phaseStatus") and phase["phaseType"] not in reported:
                reported.add(phase["phaseType"])
                say(f"  {phase['phaseType']}: {phase['phaseStatus']}")
        if build["buildStatus"] in DONE:
            break
        sleep(poll_seconds)
    if build["buildStatus"] != "SUCCEEDED":
        logs = build.get("logs", {}).get("deepLink", "the CodeBuild console")
        raise RuntimeError(f"the layer build ended {build['buildStatus']}: see {logs}")
    arn = str(ssm.get_parameter(Name=config.weasyprint_layer_parameter)["Parameter"]["Value"])
    say(f"WeasyPrint layer: {arn} (in {config.weasyprint_layer_parameter}); now: make deploy")
    return arn


def main(argv: list[str] | None = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    config = load_stage(args.stage)
    session = boto3.Session(region_name=config.region)
    try:
        run_build(config, session.client("codebuild"), session.client("ssm"))
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
