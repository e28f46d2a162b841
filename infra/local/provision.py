"""Create on the local AWS what the CDK stack creates on AWS: tables, bucket, SES sender, functions, the
Cognito user pool (groups, app client) and the escalation state machine (placeholders substituted here, as
CDK's DefinitionSubstitutions does). What both sides must agree on is declared in ``infra/spec.py``."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.adapters.dynamo import ALL_MODELS, LOCAL_ONLY_MODELS, ttl_attribute
from chalicelib.settings import Settings
from chalicelib.workflow.definition import substitute
from infra.spec import (
    IDEMPOTENCY_KEY,
    IDEMPOTENCY_TTL_ATTRIBUTE,
    STATE_MACHINE_TABLES,
    UPLOAD_CORS_HEADERS,
    UPLOAD_CORS_MAX_AGE_S,
    UPLOAD_CORS_METHODS,
    USER_POOL_CLIENT_CONFIG,
    USER_POOL_CONFIG,
    escalation_substitutions,
    user_pool_client_name,
    user_pool_groups,
    user_pool_name,
)

LOCAL_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Provisioned:
    state_machine_arn: str
    function_arns: dict[str, str]
    substitutions: dict[str, str]
    user_pool_id: str
    user_pool_client_id: str

    def cognito_environment(self, jwks_url: str) -> dict[str, str]:
        """What the app must read from its settings once the pool exists (export, then
        ``get_settings.cache_clear()``)."""
        return {
            "COGNITO_USER_POOL_ID": self.user_pool_id,
            "COGNITO_CLIENT_ID": self.user_pool_client_id,
            "COGNITO_JWKS_URL": jwks_url,
        }


def _placeholder_zip() -> bytes:
    # moto's Lambda needs a code package; the handler itself is resolved from the running app.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "Handled in-process by infra/local/localaws.py")
    return buffer.getvalue()


def _tables(settings: Settings) -> None:
    dynamodb = client("dynamodb")
    for model in ALL_MODELS + LOCAL_ONLY_MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
            if ttl := ttl_attribute(model):
                dynamodb.update_time_to_live(
                    TableName=model.Meta.table_name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl},
                )
    existing = set(dynamodb.list_tables()["TableNames"])
    if settings.idempotency_table not in existing:
        # The layout Powertools' DynamoDBPersistenceLayer expects.
        dynamodb.create_table(
            TableName=settings.idempotency_table,
            KeySchema=[{"AttributeName": IDEMPOTENCY_KEY, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": IDEMPOTENCY_KEY, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.update_time_to_live(
            TableName=settings.idempotency_table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": IDEMPOTENCY_TTL_ATTRIBUTE},
        )


def _bucket(settings: Settings) -> None:
    s3 = client("s3")
    names = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    if settings.documents_bucket not in names:
        s3.create_bucket(
            Bucket=settings.documents_bucket,
            CreateBucketConfiguration={"LocationConstraint": settings.region},
        )
    # The browser sends evidence straight to the bucket with a presigned POST from the platform's origin.
    s3.put_bucket_cors(
        Bucket=settings.documents_bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": [settings.public_url.rstrip("/")],
                    "AllowedMethods": list(UPLOAD_CORS_METHODS),
                    "AllowedHeaders": list(UPLOAD_CORS_HEADERS),
                    "MaxAgeSeconds": UPLOAD_CORS_MAX_AGE_S,
                }
            ]
        },
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
                Runtime="python3.13",
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


def _user_pool(settings: Settings) -> tuple[str, str]:
    """Find the pool by name or create it, with its groups and its app client (idempotent)."""
    idp = client("cognito-idp")
    name = user_pool_name(settings.resource_prefix)
    pool_id = next(
        (
            pool["Id"]
            for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60)
            for pool in page["UserPools"]
            if pool["Name"] == name
        ),
        None,
    )
    if pool_id is None:
        pool_id = idp.create_user_pool(PoolName=name, **USER_POOL_CONFIG)["UserPool"]["Id"]
    existing = {group["GroupName"] for group in idp.list_groups(UserPoolId=pool_id)["Groups"]}
    for role, description, precedence in user_pool_groups():
        if role.value not in existing:
            idp.create_group(
                UserPoolId=pool_id, GroupName=role.value, Description=description, Precedence=precedence
            )
    client_name = user_pool_client_name(settings.resource_prefix)
    clients = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((c["ClientId"] for c in clients if c["ClientName"] == client_name), None)
    if client_id is None:
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName=client_name, **USER_POOL_CLIENT_CONFIG
        )["UserPoolClient"]["ClientId"]
    return str(pool_id), str(client_id)


def provision(settings: Settings, chalice_app: Any) -> Provisioned:
    """Idempotent: creates what is missing, updates the state machine definition."""
    _tables(settings)
    _bucket(settings)
    client("ses").verify_email_identity(EmailAddress=settings.mail_sender)
    function_arns = _functions(settings, chalice_app)
    substitutions = escalation_substitutions(
        function_arns, {field: getattr(settings, field) for field in STATE_MACHINE_TABLES.values()}
    )
    pool_id, client_id = _user_pool(settings)
    arn = _state_machine(settings, substitutions)
    if arn != settings.state_machine_arn:
        raise RuntimeError(
            f"state machine ARN {arn} differs from the configured {settings.state_machine_arn}"
        )
    return Provisioned(
        state_machine_arn=arn,
        function_arns=function_arns,
        substitutions=substitutions,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
    )
