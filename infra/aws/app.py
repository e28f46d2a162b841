"""CDK entry point (``cdk.json``): ``cdk synth -c stage=dev`` here, or ``make synth`` / ``make deploy``.

Synthesises one stage of the platform (``infra/aws/config.json``) into ``cdk.out/``: the stack ``<stage>``
(the platform) and ``<stage>-pdf-layer`` (the CodeBuild project that builds the WeasyPrint layer). Chalice
packages the app under ``chalice.out/`` on every run; the package is copied into ``cdk.out`` as an asset, so
``chalice.out`` is removed once the assembly is written.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    import aws_cdk as cdk

    from infra.aws.config import load_stage
    from infra.aws.pdf_layer_stack import PdfLayerBuilderStack
    from infra.aws.stack import ClaimsStack
    from infra.aws.staging import prune_cache

    app = cdk.App()
    stage = str(app.node.try_get_context("stage") or "dev")
    # -c config=PATH: another config.json than infra/aws/config.json (the tests' fully configured stage).
    config_path = app.node.try_get_context("config")
    os.chdir(HERE)  # Chalice writes chalice.out/ in the working directory
    try:
        config = load_stage(stage, Path(config_path)) if config_path else load_stage(stage)
        stacks = [ClaimsStack(app, config), PdfLayerBuilderStack(app, config)]  # make pdf-layer: layer on AWS
        # cdk-nag's AWS Solutions rules: a finding fails the synth unless acknowledged with its reason.
        from cdk_nag import AwsSolutionsChecks

        from infra.aws.nag import acknowledge

        for stack in stacks:
            acknowledge(stack)
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        app.synth()
    finally:
        shutil.rmtree(HERE / "chalice.out", ignore_errors=True)
        prune_cache()


if __name__ == "__main__":
    main()
