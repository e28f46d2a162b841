"""Create on the local AWS what the CDK stack creates on AWS: tables, bucket, SES sender, functions,
and the escalation state machine (placeholders substituted here, as CDK's DefinitionSubstitutions does)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.adapters.dynamo import ALL_MODELS
from chalicelib.settings import Settings
from chalicelib.workflow.definition import substitute

LOCAL_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Provisioned:
    state_machine_arn: str
    function_arns: dict[str, str]
    substitutions: dict[str, str]


def camel_case(name: str) -> str:
    """``check_claim`` → ``CheckClaim``: the logical name Chalice's CDK construct gives a function."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part)


def _placeholder_zip() -> bytes:
    # moto's Lambda needs a code package; the handler itself is resolved from the running app.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "Handled in-process by infra/local/localaws.py")
    return buffer.getvalue()


def _tables(settings: Settings) -> None:
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    dynamodb = client("dynamodb")
    existing = set(dynamodb.list_tables()["TableNames"])
    if settings.idempotency_table not in existing:
        # The layout Powertools' DynamoDBPersistenceLayer expects.
        dynamodb.create_table(
            TableName=settings.idempotency_table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.update_time_to_live(
            TableName=settings.idempotency_table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"},
        )


def _bucket(settings: Settings) -> None:
    s3 = client("s3")
    names = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if settings.documents_bucket not in names:
        s3.create_bucket(
            Bucket=settings.documents_bucket,
            CreateBucketConfiguration={"LocationConstraint": settings.region},
        )


def _role(name: str, service: str) -> str:
    iam = client("iam")
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        policy = (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
            f'"Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}'
        )
        return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy)["Role"]["Arn"])


def _functions(settings: Settings, chalice_app: Any) -> dict[str, str]:
    lambda_client = client("lambda")
    role = _role(f"{settings.resource_prefix}-lambda", "lambda.amazonaws.com")
    arns: dict[str, str] = {}
    for function in chalice_app.pure_lambda_functions:
        name = f"{settings.resource_prefix}-{function.name}"
        try:
            arn = lambda_client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        except lambda_client.exceptions.ResourceNotFoundException:
            arn = lambda_client.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role,
                Handler=function.handler_string,
                Code={"ZipFile": _placeholder_zip()},
                Timeout=60,
                MemorySize=512,
            )["FunctionArn"]
        arns[function.name] = str(arn)
    return arns


def _state_machine(settings: Settings, substitutions: dict[str, str]) -> str:
    sfn = client("stepfunctions")
    name = settings.state_machine_arn.rsplit(":", 1)[-1]
    definition = substitute(substitutions)
    role = _role(f"{settings.resource_prefix}-states", "states.amazonaws.com")
    for machine in sfn.list_state_machines()["stateMachines"]:
        if machine["name"] == name:
            sfn.update_state_machine(stateMachineArn=machine["stateMachineArn"], definition=definition)
            return str(machine["stateMachineArn"])
    return str(sfn.create_state_machine(name=name, definition=definition, roleArn=role)["stateMachineArn"])


def provision(settings: Settings, chalice_app: Any) -> Provisioned:
    """Idempotent: creates what is missing, updates the state machine definition."""
    _tables(settings)
    _bucket(settings)
    client("ses").verify_email_identity(EmailAddress=settings.mail_sender)
    function_arns = _functions(settings, chalice_app)
    substitutions = {
        "ClaimsTable": settings.claims_table,
        "ClaimEventsTable": settings.claim_events_table,
        **{f"{camel_case(name)}FunctionArn": arn for name, arn in function_arns.items()},
    }
    arn = _state_machine(settings, substitutions)
    if arn != settings.state_machine_arn:
        raise RuntimeError(
            f"state machine ARN {arn} differs from the configured {settings.state_machine_arn}"
        )
    return Provisioned(state_machine_arn=arn, function_arns=function_arns, substitutions=substitutions)
