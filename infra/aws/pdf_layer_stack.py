"""The WeasyPrint layer built by AWS itself: a CodeBuild project (stack ``claims-<stage>-pdf-layer``) that
runs ``layers/weasyprint/build.sh`` on Amazon Linux 2023, publishes the checked layer and writes its version
ARN to the SSM parameter the main stack reads (``StageConfig.weasyprint_layer_parameter``).

The operator needs only AWS credentials: ``make pdf-layer STAGE=…`` deploys this stack, starts the build and
waits for it (``infra/aws/pdf_layer.py``). Docker runs on CodeBuild's machine, not the operator's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from infra.aws.config import StageConfig

LAYER_DIR = Path(__file__).resolve().parent / "layers" / "weasyprint"
ROOT = Path(__file__).resolve().parents[2]
# The runtimes the layer's libraries were built for (Amazon Linux 2023).
LAYER_RUNTIMES = ("python3.12", "python3.13")


def weasyprint_version(requirements: Path = ROOT / "requirements.txt") -> str:
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if line.lower().startswith("weasyprint=="):
            return line.split("==", 1)[1].strip()
    raise LookupError(f"no weasyprint pin in {requirements}")


def build_spec(layer_name: str, parameter_name: str) -> dict[str, Any]:
    return {
        "version": "0.2",
        "phases": {
            "build": {
                "commands": [
                    "bash build.sh",
                    'ARN=$(aws lambda publish-layer-version --layer-name "$LAYER_NAME"'
                    " --zip-file fileb://build/weasyprint-layer.zip"
                    f" --compatible-runtimes {' '.join(LAYER_RUNTIMES)} --compatible-architectures x86_64"
                    ' --description "WeasyPrint $WEASYPRINT_VERSION: Pango, HarfBuzz, fontconfig, DejaVu"'
                    " --query LayerVersionArn --output text)",
                    'aws ssm put-parameter --name "$PARAMETER_NAME" --type String --overwrite --value "$ARN"',
                    'echo "Published $ARN"',
                ]
            }
        },
    }


class PdfLayerBuilderStack(cdk.Stack):
    def __init__(self, scope: Construct, config: StageConfig, **kwargs: Any) -> None:
        super().__init__(
            scope,
            f"{config.name}-pdf-layer",
            stack_name=f"{config.prefix}-pdf-layer",
            env=cdk.Environment(account=config.account or None, region=config.region),
            description=f"Recouvrement de créances — couche WeasyPrint, étape {config.name}",
            **kwargs,
        )
        layer_name = f"{config.prefix}-weasyprint"
        parameter_name = config.weasyprint_layer_parameter
        source = s3_assets.Asset(self, "LayerSource", path=str(LAYER_DIR), exclude=["build"])
        log_group = logs.LogGroup(
            self,
            "BuildLogs",
            log_group_name=f"/aws/codebuild/{config.prefix}-pdf-layer",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.project = codebuild.Project(
            self,
            "Builder",
            project_name=f"{config.prefix}-pdf-layer",
            description="Builds, checks and publishes the WeasyPrint layer on Amazon Linux 2023",
            source=codebuild.Source.s3(bucket=source.bucket, path=source.s3_object_key),
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.AMAZON_LINUX_2023_5,
                compute_type=codebuild.ComputeType.SMALL,
                # Docker inside the build: build.sh runs the Lambda image itself, twice (build, then the
                # check with nothing but the layer).
                privileged=True,
            ),
            environment_variables={
                "WEASYPRINT_VERSION": codebuild.BuildEnvironmentVariable(value=weasyprint_version()),
                "LAYER_NAME": codebuild.BuildEnvironmentVariable(value=layer_name),
                "PARAMETER_NAME": codebuild.BuildEnvironmentVariable(value=parameter_name),
            },
            build_spec=codebuild.BuildSpec.from_object(build_spec(layer_name, parameter_name)),
            timeout=cdk.Duration.minutes(30),
            logging=codebuild.LoggingOptions(
                cloud_watch=codebuild.CloudWatchLoggingOptions(log_group=log_group)
            ),
        )
        self.project.add_to_role_policy(
            iam.PolicyStatement(
                actions=["lambda:PublishLayerVersion"],
                resources=[
                    self.format_arn(
                        service="lambda",
                        resource="layer",
                        resource_name=layer_name,
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        self.project.add_to_role_policy(
            iam.PolicyStatement(
                actions=["ssm:PutParameter"],
                resources=[
                    self.format_arn(
                        service="ssm", resource="parameter", resource_name=parameter_name.lstrip("/")
                    )
                ],
            )
        )
        cdk.CfnOutput(self, "ProjectName", value=self.project.project_name)
        cdk.CfnOutput(self, "LayerParameter", value=parameter_name)
