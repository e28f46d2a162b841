"""The Chalice app on Lambda: its two layers (the dependencies, WeasyPrint), the stage's Chalice settings
(memory, timeout, role, environment of each function), the ``chalice.cdk.Chalice`` construct and what its
SAM template leaves out (function names, runtime, log groups, dead-letter queue).

Every name the runtime reads is passed as the environment variable ``chalicelib/settings.py`` reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from infra.aws.app_functions import ASYNC_FUNCTIONS, MEMORY_MB, STRIPE_FUNCTIONS, TIMEOUT_S, AppFunction
from infra.aws.config import StageConfig, operator_environment
from infra.aws.packaging import ARCHITECTURE, RUNTIME, add_bytecode_to_zip, dependency_layer
from infra.aws.stack.api_gateway import API_STAGE

PUBLIC_URL_PLACEHOLDER = "https://public-url-not-set.invalid"


# --- layers ------------------------------------------------------------------------------------------------
def pdf_layer(scope: cdk.Stack, config: StageConfig) -> str:
    """The WeasyPrint layer's version ARN (a token): a configured ARN, a zip built with local Docker, or
    by default the layer the stage's CodeBuild project published (SSM parameter, resolved at deploy
    time: the deploy stops before changing anything if ``make pdf-layer`` never ran)."""
    if config.weasyprint_layer_arn:
        return config.weasyprint_layer_arn
    path = config.layer_zip_path()
    if path is None:
        return ssm.StringParameter.value_for_string_parameter(scope, config.weasyprint_layer_parameter)
    if not path.is_file():
        raise FileNotFoundError(
            f"weasyprint_layer_zip {path} does not exist: build it (make pdf-layer-docker) or empty "
            "the setting to use the layer built on AWS (make pdf-layer)"
        )
    layer = lambda_.LayerVersion(
        scope,
        "WeasyPrintLayer",
        layer_version_name=f"{config.prefix}-weasyprint",
        code=lambda_.Code.from_asset(str(path)),
        description="WeasyPrint's native libraries (Pango, HarfBuzz, fontconfig) and DejaVu fonts",
        compatible_runtimes=[lambda_.Runtime.PYTHON_3_12, lambda_.Runtime.PYTHON_3_13],
        compatible_architectures=[lambda_.Architecture.X86_64],
    )
    return layer.layer_version_arn


def dependencies_layer(scope: cdk.Stack, config: StageConfig, python: str | None) -> str:
    """The runtime dependencies (requirements.txt) built for ``RUNTIME``: every function's first layer."""
    built = dependency_layer(python=python)
    if not built.compiled:
        cdk.Annotations.of(scope).add_warning_v2(
            "claims:no-bytecode",
            f"No {RUNTIME} interpreter here (uv python install {RUNTIME.removeprefix('python')}, or "
            "CLAIMS_LAMBDA_PYTHON): the packages ship without compiled bytecode and every cold start "
            "compiles what it imports.",
        )
    layer = lambda_.LayerVersion(
        scope,
        "DependenciesLayer",
        layer_version_name=f"{config.prefix}-dependencies",
        code=lambda_.Code.from_asset(str(built.zip_path)),
        description=f"{config.prefix}: requirements.txt built for {RUNTIME} ({ARCHITECTURE})",
        compatible_runtimes=[lambda_.Runtime(RUNTIME, lambda_.RuntimeFamily.PYTHON)],
        compatible_architectures=[lambda_.Architecture.X86_64],
    )
    return layer.layer_version_arn


# --- the stage's Chalice settings --------------------------------------------------------------------------
def runtime_environment(
    config: StageConfig,
    *,
    tables: dict[str, dynamodb.Table],
    idempotency: dynamodb.Table,
    documents_bucket: str,
    state_machine_arn: str,
    public_url: str,
    user_pool: cognito.CfnUserPool,
    user_pool_client: cognito.CfnUserPoolClient,
) -> dict[str, str]:
    """The environment of every function: the names of the stage's resources and its public address."""
    return {
        "CLAIMS_STAGE": config.name,
        "CLAIMS_LOCAL_MODE": "0",
        "POWERTOOLS_SERVICE_NAME": "claims",
        "POWERTOOLS_METRICS_NAMESPACE": "claims",
        **{variable: table.table_name for variable, table in tables.items()},
        "IDEMPOTENCY_TABLE": idempotency.table_name,
        "DOCUMENTS_BUCKET": documents_bucket,
        "MAIL_SENDER": config.mail_sender,
        "OPERATOR_ALERT_EMAIL": config.operator_email,
        # The operator's legal identity on the fee invoices and the mentions légales (issue 24).
        **operator_environment(config),
        "ESCALATION_STATE_MACHINE_ARN": state_machine_arn,
        "CLAIMS_PUBLIC_URL": public_url or PUBLIC_URL_PLACEHOLDER,
        "COGNITO_USER_POOL_ID": user_pool.ref,
        "COGNITO_CLIENT_ID": user_pool_client.ref,
        # The API is reached through CloudFront, which appends the viewer's address to X-Forwarded-For
        # (API Gateway's source IP is CloudFront's): the abuse limits count per viewer address.
        "CLAIMS_TRUSTED_PROXY_HOPS": "1",
    }


def chalice_stage_settings(
    functions: list[AppFunction],
    *,
    api_role: iam.Role,
    workflow_role: iam.Role,
    layers: tuple[str, str],
    stripe_environment: dict[str, str],
    environment: dict[str, str],
) -> dict[str, Any]:
    """The stage's section of the staged ``.chalice/config.json``. ``layers``: the dependencies layer
    (every function) and the WeasyPrint layer (the PDF functions)."""
    dependencies, pdf = layers
    per_function: dict[str, Any] = {}
    for function in functions:
        settings: dict[str, Any] = {
            "lambda_memory_size": MEMORY_MB[function.kind],
            "lambda_timeout": TIMEOUT_S[function.kind],
            "iam_role_arn": (api_role if function.kind == "api" else workflow_role).role_arn,
        }
        variables: dict[str, str] = {}
        settings["layers"] = [dependencies]
        if function.kind == "pdf":
            settings["layers"].append(pdf)
            variables["FONTCONFIG_PATH"] = "/opt/etc/fonts"  # the layer's fontconfig (its fonts.conf)
        if function.name in STRIPE_FUNCTIONS:
            variables.update(stripe_environment)
        if variables:
            settings["environment_variables"] = variables
        per_function[function.name] = settings
    return {
        "api_gateway_stage": API_STAGE,
        "api_gateway_endpoint_type": "REGIONAL",
        # Not Chalice's managed layer (built for the local Python, CLI included): the stack's own
        # dependency layer, built for the target runtime (infra/aws/packaging.py).
        "automatic_layer": False,
        "manage_iam_role": False,
        "iam_role_arn": api_role.role_arn,
        "autogen_policy": False,
        "xray": True,
        "environment_variables": environment,
        "lambda_functions": per_function,
    }


# --- the Chalice construct ---------------------------------------------------------------------------------
def chalice_app(scope: Construct, source: Any, python: str | None) -> Any:
    """``chalice.cdk.Chalice`` whose code package gets compiled bytecode for the target runtime."""
    from chalice.cdk import Chalice

    class ClaimsChalice(Chalice):  # type: ignore[misc]
        def _package_app(self) -> None:
            super()._package_app()
            if python:
                add_bytecode_to_zip(Path(self._sam_package_dir) / "deployment.zip", python)

    return ClaimsChalice(scope, "ChaliceApp", source_dir=str(source))


def name_functions(
    scope: cdk.Stack, config: StageConfig, chalice: Any, functions: list[AppFunction], dlq: sqs.Queue
) -> None:
    """Chalice's SAM template leaves function names to CloudFormation; the runtime expects Chalice's
    own naming (``claims-<stage>-<name>``, chalicelib/adapters/lambda_invoker.py): set it, and send the
    failed asynchronous events to the DLQ."""
    for function in functions:
        resource = chalice.get_resource(function.logical_id)
        name = function.function_name(config.prefix)
        resource.add_property_override("FunctionName", name)
        # Not the Python that ran the synth (Chalice's choice): the runtime the packages are built for.
        resource.add_property_override("Runtime", RUNTIME)
        resource.add_property_override("Architectures", [ARCHITECTURE])
        # Here rather than Chalice's log_retention_in_days, whose API handler log group refers to a
        # logical id that does not exist (ApiHandler instead of APIHandler).
        logs.CfnLogGroup(
            scope,
            f"{function.logical_id}Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention_in_days=config.log_retention_days,
        )
        if function.name in ASYNC_FUNCTIONS:
            resource.add_property_override("DeadLetterQueue", {"Type": "SQS", "TargetArn": dlq.queue_arn})
