"""The platform on AWS: the same ``app.py`` (through ``chalice.cdk.Chalice``) and the same
``escalation.asl.json`` as the local platform, plus what ``infra/local/provision.py`` creates locally.

Read top to bottom: names and roles first (they only depend on the stage), then the data (tables, buckets,
sender, user pool), the Chalice app, the state machine, the web front door (CloudFront), the alarms.
Resource names follow ``chalicelib.settings`` (``claims-<stage>-…``); every name the runtime reads is
passed as the environment variable ``chalicelib/settings.py`` reads.

No ``*`` action on data: every policy lists its actions, on the stage's own resources.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import (
    aws_apigateway as apigateway,
)
from aws_cdk import (
    aws_cloudfront as cloudfront,
)
from aws_cdk import (
    aws_cloudfront_origins as origins,
)
from aws_cdk import (
    aws_cloudwatch as cloudwatch,
)
from aws_cdk import (
    aws_cloudwatch_actions as cw_actions,
)
from aws_cdk import (
    aws_cognito as cognito,
)
from aws_cdk import (
    aws_dynamodb as dynamodb,
)
from aws_cdk import (
    aws_iam as iam,
)
from aws_cdk import (
    aws_lambda as lambda_,
)
from aws_cdk import (
    aws_logs as logs,
)
from aws_cdk import (
    aws_s3 as s3,
)
from aws_cdk import (
    aws_secretsmanager as secretsmanager,
)
from aws_cdk import (
    aws_ses as ses,
)
from aws_cdk import (
    aws_sns as sns,
)
from aws_cdk import (
    aws_sns_subscriptions as subscriptions,
)
from aws_cdk import (
    aws_sqs as sqs,
)
from aws_cdk import (
    aws_ssm as ssm,
)
from aws_cdk import (
    aws_stepfunctions as sfn,
)
from constructs import Construct

from infra.aws.app_functions import (
    ASYNC_FUNCTIONS,
    MEMORY_MB,
    NEEDS_ATTENTION_FUNCTION,
    STRIPE_FUNCTIONS,
    TIMEOUT_S,
    app_functions,
    camel_case,
    table_specs,
)
from infra.aws.config import StageConfig
from infra.aws.packaging import (
    ARCHITECTURE,
    RUNTIME,
    add_bytecode_to_zip,
    dependency_layer,
    find_target_python,
)
from infra.aws.staging import stage_source

# --- what the app declares -----------------------------------------------------------------------------
# Paths of the API served by CloudFront in front of API Gateway (everything else is frontend/).
API_PATHS = ("/v1/*", "/auth/*", "/health", "/openapi.json")

PUBLIC_URL_PLACEHOLDER = "https://public-url-not-set.invalid"
# The dimension of the sending metrics SES publishes for the configuration set (bounces, complaints…): a
# message tag no email carries, so every event gets the default value, the configuration set's name (SES
# allows only letters, digits, "_" and "-" in the name).
MAIL_METRIC_DIMENSION = "ConfigurationSet"
# What Step Functions needs to deliver an execution's logs to CloudWatch Logs (no resource-level permission).
STATE_MACHINE_LOG_DELIVERY = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)
# The API answers only CloudFront: an API key in this header, sent by CloudFront as an origin header.
API_KEY_HEADER = "x-api-key"
API_KEY_SECURITY = "cloudfront_key"
# Throttling (requests per second, burst): the whole API; the authentication routes, which send emails
# (codes, resets) and try passwords; Stripe's webhook (Stripe retries what is refused).
API_THROTTLE = (50.0, 100)
AUTH_PATH_PREFIX = "/v1/auth/"
AUTH_THROTTLE = (2.0, 10)
STRIPE_WEBHOOK_PATH = "/v1/webhooks/stripe"
WEBHOOK_THROTTLE = (10.0, 20)
# The API Gateway stage Chalice deploys (api_gateway_stage) and the API's name (its metrics' ApiName).
API_STAGE = "api"

# RULEBOOK §7.1 (retention plan) as storage rules. The claim file stays in the active tier while the claim
# runs, then moves to cheaper archive tiers; the per-claim deletion at the end of its retention (latest of
# prescription end and court case + 10 years) belongs to the application; the expiration below is only
# the backstop after which nothing may be kept (POLICY: 2 active years + 3 years of court case + 10 years).
CLAIM_FILE_ARCHIVE_AFTER_DAYS = 365
CLAIM_FILE_DEEP_ARCHIVE_AFTER_DAYS = 3 * 365
CLAIM_FILE_BACKSTOP_DAYS = 15 * 365 + 4
IMPORT_FILE_DAYS = 90  # the CSV of a bulk import: its rows became claims; the report is in DynamoDB
SHARE_COPY_DAYS = 7  # a lawyer's download copy, recreated on demand (chalicelib/services/lawyers.py)
NONCURRENT_VERSION_DAYS = 30

DYNAMO_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:DescribeTable")
DYNAMO_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
)
# The audit trail is append-only (ARCHITECTURE "must"): new items only, never an update or a delete.
DYNAMO_APPEND_ONLY = ("dynamodb:PutItem", "dynamodb:ConditionCheckItem")


def _attribute(definitions: list[dict[str, str]], name: str) -> dynamodb.Attribute:
    kind = next(d["AttributeType"] for d in definitions if d["AttributeName"] == name)
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType(kind_name(kind)))


def kind_name(kind: str) -> str:
    return {"S": "STRING", "N": "NUMBER", "B": "BINARY"}[kind]


def _keys(key_schema: list[dict[str, str]]) -> tuple[str, str | None]:
    hash_key = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
    range_key = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def _chalice_construct(scope: Construct, source: Any, python: str | None) -> Any:
    """``chalice.cdk.Chalice`` whose code package gets compiled bytecode for the target runtime."""
    from chalice.cdk import Chalice

    class ClaimsChalice(Chalice):  # type: ignore[misc]
        def _package_app(self) -> None:
            super()._package_app()
            if python:
                add_bytecode_to_zip(Path(self._sam_package_dir) / "deployment.zip", python)

    return ClaimsChalice(scope, "ChaliceApp", source_dir=str(source))


def _throttle(rate: float, burst: int) -> dict[str, Any]:
    return {"ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}


def _route_throttle(path: str) -> tuple[float, int] | None:
    if path.startswith(AUTH_PATH_PREFIX):
        return AUTH_THROTTLE
    if path == STRIPE_WEBHOOK_PATH:
        return WEBHOOK_THROTTLE
    return None


class ClaimsStack(cdk.Stack):
    def __init__(self, scope: Construct, config: StageConfig, **kwargs: Any) -> None:
        env = cdk.Environment(account=config.account or None, region=config.region)
        super().__init__(
            scope,
            config.name,  # the Chalice stage is the construct path of its scope: "dev", "prod"
            stack_name=config.prefix,
            env=env,
            description=f"Recouvrement de créances — plateforme serverless, étape {config.name}",
            **kwargs,
        )
        if config.name == "prod" and not config.alarm_email:
            raise ValueError(
                "set alarm_email for the prod stage in infra/aws/config.json: alarms without a subscriber "
                "reach no one"
            )
        self.config = config
        self.prefix = config.prefix
        # Kept when the stack is deleted or the resource replaced, but not when the stack's first creation
        # rolls back (CloudFormation's RetainExceptOnCreate): a failed first deploy leaves nothing behind
        # that would collide with the retry (see infra/aws/leftovers.py for protected tables it could not
        # delete).
        retain = self.retain = (
            cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
            if config.deletion_protection
            else cdk.RemovalPolicy.DESTROY
        )
        self.functions = app_functions()
        state_machine_name = f"{self.prefix}-escalation"
        self.state_machine_arn = self.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=state_machine_name,
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )

        # --- data -------------------------------------------------------------------------------------
        self.tables: dict[str, dynamodb.Table] = {}
        for variable, suffix, schema in table_specs():
            self.tables[variable] = self._table(variable, suffix, schema, retain)
        self.idempotency = dynamodb.Table(
            self,
            "IdempotencyTable",
            table_name=f"{self.prefix}-idempotency",
            # The layout Powertools' DynamoDBPersistenceLayer expects (as infra/local/provision.py).
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            time_to_live_attribute="expiration",
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=config.deletion_protection,
            removal_policy=cdk.RemovalPolicy.DESTROY,  # only short-lived keys
        )
        self.frontend_bucket = s3.Bucket(
            self,
            "FrontendBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=cdk.Duration.days(30))],
            removal_policy=cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=False,
        )
        self.distribution = self._distribution_without_api()
        # The functions cannot read the distribution's own address: the distribution fronts the API, the API
        # calls the functions, so the functions would depend on the distribution (a cycle). Without a
        # configured address, the first deploy prints it (output DistributionUrl) for config.json.
        self.public_url = config.public_url.rstrip("/") or (
            f"https://{config.domain_name}" if config.domain_name else ""
        )
        if not self.public_url:
            if config.name == "prod":
                raise ValueError(
                    "set public_url (or domain_name) for the prod stage in infra/aws/config.json"
                )
            cdk.Annotations.of(self).add_warning_v2(
                "claims:no-public-url",
                "No public_url in infra/aws/config.json: links in emails point to a placeholder until it "
                "is set to the DistributionUrl output of the first deploy (then deploy again).",
            )
        self.documents = self._documents_bucket(retain)
        self._mail()
        self.user_pool, self.user_pool_client = self._user_pool()
        self.dlq = sqs.Queue(
            self,
            "FailedEvents",
            queue_name=f"{self.prefix}-failed-events",
            retention_period=cdk.Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        # --- roles --------------------------------------------------------------------------------------
        self.api_role = self._lambda_role("ApiRole", "the API and its authorizer")
        self.workflow_role = self._lambda_role(
            "WorkflowRole", "the state machine's tasks and background work"
        )
        for role in (self.api_role, self.workflow_role):
            self._grant_data(role)
        self._grant_cognito_admin(self.api_role)
        for role in (self.api_role, self.workflow_role):  # the API and check_claim (STRIPE_FUNCTIONS)
            self._grant_stripe_secret(role)
        self.workflow_role.add_to_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.dlq.queue_arn])
        )

        # --- the Chalice app ----------------------------------------------------------------------------
        self.pdf_layer = self._pdf_layer()
        self.target_python = find_target_python()
        self.dependency_layer = self._dependency_layer()
        source = stage_source(config.name, self._chalice_stage_settings())
        self.chalice = _chalice_construct(self, source, self.target_python)
        self._name_functions()
        self._gateway_responses()

        # --- the escalation -----------------------------------------------------------------------------
        self.state_machine = self._state_machine(state_machine_name)

        # --- the web front door and the alarms ----------------------------------------------------------
        self._api_behind_distribution()
        self._alarms()
        self._dashboard()
        self._outputs()

    # ------------------------------------------------------------------------------------------------------
    def _table(
        self, variable: str, suffix: str, schema: dict[str, Any], retain: cdk.RemovalPolicy
    ) -> dynamodb.Table:
        definitions = schema["attribute_definitions"]
        hash_key, range_key = _keys(schema["key_schema"])
        table = dynamodb.Table(
            self,
            camel_case(suffix) + "Table",
            table_name=f"{self.prefix}-{suffix}",
            partition_key=_attribute(definitions, hash_key),
            sort_key=_attribute(definitions, range_key) if range_key else None,
            time_to_live_attribute=schema.get("time_to_live_attribute"),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=self.config.deletion_protection,
            removal_policy=retain,
        )
        for index in schema.get("global_secondary_indexes", []):
            index_hash, index_range = _keys(index["key_schema"])
            projection = index["projection"]["ProjectionType"]
            table.add_global_secondary_index(
                index_name=index["index_name"],
                partition_key=_attribute(definitions, index_hash),
                sort_key=_attribute(definitions, index_range) if index_range else None,
                projection_type=dynamodb.ProjectionType(
                    {"ALL": "ALL", "KEYS_ONLY": "KEYS_ONLY", "INCLUDE": "INCLUDE"}[projection]
                ),
                non_key_attributes=index["projection"].get("NonKeyAttributes"),
            )
        if schema.get("local_secondary_indexes"):
            raise NotImplementedError(f"local secondary indexes on {suffix}: add them here")
        return table

    def _documents_bucket(self, retain: cdk.RemovalPolicy) -> s3.Bucket:
        # Named from the account and region (bucket names are global), so that the functions get the name
        # without depending on the bucket, which depends on the distribution through its CORS rule.
        self.documents_bucket_name = f"{self.prefix}-documents-{self.account}-{self.region}"
        origins_allowed = [f"https://{self.distribution.distribution_domain_name}"]
        if self.public_url:
            origins_allowed.insert(0, self.public_url)
        return s3.Bucket(
            self,
            "DocumentsBucket",
            bucket_name=self.documents_bucket_name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=retain,
            # The browser sends evidence straight to the bucket with a presigned POST (as infra/local does).
            cors=[
                s3.CorsRule(
                    allowed_origins=origins_allowed,
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET],
                    allowed_headers=["*"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="claim-file-archive",
                    prefix="claims/",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=cdk.Duration.days(CLAIM_FILE_ARCHIVE_AFTER_DAYS),
                        ),
                        s3.Transition(
                            storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                            transition_after=cdk.Duration.days(CLAIM_FILE_DEEP_ARCHIVE_AFTER_DAYS),
                        ),
                    ],
                    expiration=cdk.Duration.days(CLAIM_FILE_BACKSTOP_DAYS),
                ),
                s3.LifecycleRule(
                    id="import-files", prefix="imports/", expiration=cdk.Duration.days(IMPORT_FILE_DAYS)
                ),
                s3.LifecycleRule(
                    id="lawyer-share-copies", prefix="shares/", expiration=cdk.Duration.days(SHARE_COPY_DAYS)
                ),
                s3.LifecycleRule(
                    id="old-versions-and-uploads",
                    noncurrent_version_expiration=cdk.Duration.days(NONCURRENT_VERSION_DAYS),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                ),
            ],
        )

    def _mail(self) -> None:
        """The sending domain's SES identity (Easy DKIM: three CNAME records, in the outputs), its default
        configuration set (bounces and complaints as CloudWatch metrics, alarmed in ``_alarms``; suppression
        of bounced and complaining addresses; TLS required) and, while the account is in the sandbox, the
        recipients' identities. Nothing here waits for verification: the deploy never fails on it."""
        config = self.config
        self.mail_configuration_set = ses.ConfigurationSet(
            self,
            "MailConfigurationSet",
            configuration_set_name=f"{self.prefix}-mail",
            reputation_metrics=True,
            sending_enabled=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        )
        self.mail_configuration_set.add_event_destination(
            "MailEventMetrics",
            configuration_set_event_destination_name=f"{self.prefix}-mail-metrics",
            destination=ses.EventDestination.cloud_watch_dimensions(
                [
                    ses.CloudWatchDimension(
                        name=MAIL_METRIC_DIMENSION,
                        source=ses.CloudWatchDimensionSource.MESSAGE_TAG,
                        default_value=self.mail_configuration_set.configuration_set_name,
                    )
                ]
            ),
            events=[
                ses.EmailSendingEvent.SEND,
                ses.EmailSendingEvent.DELIVERY,
                ses.EmailSendingEvent.BOUNCE,
                ses.EmailSendingEvent.COMPLAINT,
                ses.EmailSendingEvent.REJECT,
            ],
        )
        self.mail_identity = ses.EmailIdentity(
            self,
            "MailDomain",
            identity=ses.Identity.domain(config.mail_domain),
            configuration_set=self.mail_configuration_set,  # the default one: no code change needed
            dkim_signing=True,
        )
        for index, address in enumerate(config.sandbox_recipients, start=1):
            ses.EmailIdentity(self, f"SandboxRecipient{index}", identity=ses.Identity.email(address))

    def _user_pool(self) -> tuple[cognito.CfnUserPool, cognito.CfnUserPoolClient]:
        """The pool exactly as infra/local/provision.py creates it locally (same settings, same groups)."""
        from chalicelib.domain.accounts import ROLE_LABELS_FR, Role
        from infra.local.provision import _GROUP_PRECEDENCE, USER_POOL_CLIENT_CONFIG, USER_POOL_CONFIG

        pool = cognito.CfnUserPool(
            self,
            "UserPool",
            user_pool_name=f"{self.prefix}-users",
            deletion_protection="ACTIVE" if self.config.deletion_protection else "INACTIVE",
        )
        # The API's request shapes and CloudFormation's properties have the same names: pass them as they are.
        for key, value in USER_POOL_CONFIG.items():
            pool.add_property_override(key, value)
        if self.config.cognito_email_via_ses:
            # Only once SES shows the domain verified (the flag's comment in config.py): Cognito checks
            # the identity when the pool is created or updated, and a failure rolls the deploy back.
            pool.add_property_override(
                "EmailConfiguration",
                {
                    "EmailSendingAccount": "DEVELOPER",
                    "SourceArn": self.mail_identity.email_identity_arn,
                    "From": self.config.mail_sender,
                    "ConfigurationSet": self.mail_configuration_set.configuration_set_name,
                },
            )
            pool.node.add_dependency(self.mail_identity)
        pool.apply_removal_policy(self.retain)
        for role in Role:
            cognito.CfnUserPoolGroup(
                self,
                f"Group{camel_case(role.value)}",
                user_pool_id=pool.ref,
                group_name=role.value,
                description=ROLE_LABELS_FR[role],
                precedence=_GROUP_PRECEDENCE[role],
            )
        client = cognito.CfnUserPoolClient(
            self, "UserPoolWebClient", user_pool_id=pool.ref, client_name=f"{self.prefix}-users-web"
        )
        for key, value in USER_POOL_CLIENT_CONFIG.items():
            client.add_property_override(key, value)
        return pool, client

    # --- IAM ------------------------------------------------------------------------------------------------
    def _lambda_role(self, name: str, purpose: str) -> iam.Role:
        role = iam.Role(
            self,
            name,
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{self.prefix}: {purpose}",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[
                    self.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name=f"/aws/lambda/{self.prefix}*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        # X-Ray (Powertools Tracer): these two actions have no resource-level permission.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]
            )
        )
        return role

    def _function_arn(self, name: str) -> str:
        return self.format_arn(
            service="lambda",
            resource="function",
            resource_name=f"{self.prefix}-{name}",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )

    def _grant_data(self, role: iam.Role) -> None:
        events_variable = "CLAIM_EVENTS_TABLE"
        data_tables = [t for v, t in self.tables.items() if v != events_variable] + [self.idempotency]
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[*DYNAMO_READ, "dynamodb:Scan", *DYNAMO_WRITE],
                resources=[arn for t in data_tables for arn in (t.table_arn, f"{t.table_arn}/index/*")],
            )
        )
        if events_variable in self.tables:
            events = self.tables[events_variable]
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=[*DYNAMO_READ, *DYNAMO_APPEND_ONLY],
                    resources=[events.table_arn, f"{events.table_arn}/index/*"],
                )
            )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[self.documents.arn_for_objects("*")],
            )
        )
        # ListBucket: a missing key answers 404 instead of 403; the health probe's HeadBucket needs it too.
        role.add_to_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self.documents.bucket_arn])
        )
        # SES authorises a send against the sender's identity and the configuration set, and in the sandbox
        # against each recipient's identity too.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail", "ses:SendRawEmail"],
                resources=[
                    self.mail_identity.email_identity_arn,
                    self._ses_identity_arn(self.config.mail_sender),
                    self.format_arn(
                        service="ses",
                        resource="configuration-set",
                        resource_name=self.mail_configuration_set.configuration_set_name,
                    ),
                    *(self._ses_identity_arn(address) for address in self.config.sandbox_recipients),
                ],
            )
        )
        # The health probe reads the sender's verification status: no resource-level permission exists.
        role.add_to_policy(
            iam.PolicyStatement(actions=["ses:GetIdentityVerificationAttributes"], resources=["*"])
        )
        executions = self.format_arn(
            service="states",
            resource="execution",
            resource_name=f"{self.prefix}-escalation:*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "states:StartExecution",
                    "states:DescribeStateMachine",
                    "states:SendTaskSuccess",
                    "states:SendTaskFailure",
                    "states:SendTaskHeartbeat",
                ],
                resources=[self.state_machine_arn],
            )
        )
        role.add_to_policy(iam.PolicyStatement(actions=["states:DescribeExecution"], resources=[executions]))
        # Background work started by the app itself (chalicelib/adapters/lambda_invoker.py).
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"],
                resources=[self._function_arn(name) for name in sorted(ASYNC_FUNCTIONS - {"sweep_outbox"})],
            )
        )

    def _ses_identity_arn(self, identity: str) -> str:
        return self.format_arn(service="ses", resource="identity", resource_name=identity)

    def _grant_cognito_admin(self, role: iam.Role) -> None:
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "cognito-idp:AdminAddUserToGroup",
                    "cognito-idp:AdminConfirmSignUp",
                    "cognito-idp:AdminCreateUser",
                    "cognito-idp:AdminDeleteUser",
                    "cognito-idp:AdminGetUser",
                    "cognito-idp:AdminSetUserPassword",
                    "cognito-idp:AdminUpdateUserAttributes",
                ],
                resources=[self.user_pool.attr_arn],
            )
        )

    # --- Chalice -----------------------------------------------------------------------------------------
    def _pdf_layer(self) -> str:
        """The WeasyPrint layer's version ARN (a token): a configured ARN, a zip built with local Docker, or
        by default the layer the stage's CodeBuild project published (SSM parameter, resolved at deploy
        time: the deploy stops before changing anything if ``make pdf-layer`` never ran)."""
        config = self.config
        if config.weasyprint_layer_arn:
            return config.weasyprint_layer_arn
        path = config.layer_zip_path()
        if path is not None:
            if not path.is_file():
                raise FileNotFoundError(
                    f"weasyprint_layer_zip {path} does not exist: build it (make pdf-layer-docker) or empty "
                    "the setting to use the layer built on AWS (make pdf-layer)"
                )
            layer = lambda_.LayerVersion(
                self,
                "WeasyPrintLayer",
                layer_version_name=f"{self.prefix}-weasyprint",
                code=lambda_.Code.from_asset(str(path)),
                description="WeasyPrint's native libraries (Pango, HarfBuzz, fontconfig) and DejaVu fonts",
                compatible_runtimes=[lambda_.Runtime.PYTHON_3_12, lambda_.Runtime.PYTHON_3_13],
                compatible_architectures=[lambda_.Architecture.X86_64],
            )
            return layer.layer_version_arn
        return ssm.StringParameter.value_for_string_parameter(self, config.weasyprint_layer_parameter)

    def _dependency_layer(self) -> str:
        """The runtime dependencies (requirements.txt) built for ``RUNTIME``: every function's first layer."""
        built = dependency_layer(python=self.target_python)
        if not built.compiled:
            cdk.Annotations.of(self).add_warning_v2(
                "claims:no-bytecode",
                f"No {RUNTIME} interpreter here (uv python install {RUNTIME.removeprefix('python')}, or "
                "CLAIMS_LAMBDA_PYTHON): the packages ship without compiled bytecode and every cold start "
                "compiles what it imports.",
            )
        layer = lambda_.LayerVersion(
            self,
            "DependenciesLayer",
            layer_version_name=f"{self.prefix}-dependencies",
            code=lambda_.Code.from_asset(str(built.zip_path)),
            description=f"{self.prefix}: requirements.txt built for {RUNTIME} ({ARCHITECTURE})",
            compatible_runtimes=[lambda_.Runtime(RUNTIME, lambda_.RuntimeFamily.PYTHON)],
            compatible_architectures=[lambda_.Architecture.X86_64],
        )
        return layer.layer_version_arn

    def _environment(self) -> dict[str, str]:
        env = {
            "CLAIMS_STAGE": self.config.name,
            "CLAIMS_LOCAL_MODE": "0",
            "POWERTOOLS_SERVICE_NAME": "claims",
            "POWERTOOLS_METRICS_NAMESPACE": "claims",
            **{variable: table.table_name for variable, table in self.tables.items()},
            "IDEMPOTENCY_TABLE": self.idempotency.table_name,
            "DOCUMENTS_BUCKET": self.documents_bucket_name,
            "MAIL_SENDER": self.config.mail_sender,
            "OPERATOR_ALERT_EMAIL": self.config.operator_email,
            "ESCALATION_STATE_MACHINE_ARN": self.state_machine_arn,
            "CLAIMS_PUBLIC_URL": self.public_url or PUBLIC_URL_PLACEHOLDER,
            "COGNITO_USER_POOL_ID": self.user_pool.ref,
            "COGNITO_CLIENT_ID": self.user_pool_client.ref,
            # The API is reached through CloudFront, which appends the viewer's address to X-Forwarded-For
            # (API Gateway's source IP is CloudFront's): the abuse limits count per viewer address.
            "CLAIMS_TRUSTED_PROXY_HOPS": "1",
        }
        return env

    def _stripe_environment(self) -> dict[str, str]:
        """The name of Stripe's secret: the functions read the keys at run time (chalicelib/settings.py),
        never from their configuration, where anyone allowed to read it would see them."""
        name = self.config.stripe_secret_name
        if not name:
            cdk.Annotations.of(self).add_warning_v2(
                "claims:no-stripe-secret",
                "No stripe_secret_name in infra/aws/config.json: payments cannot work on AWS.",
            )
            return {}
        return {"STRIPE_SECRET_NAME": name}

    def _grant_stripe_secret(self, role: iam.Role) -> None:
        if not self.config.stripe_secret_name:
            return
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                # A secret's ARN ends with "-" and six random characters.
                resources=[
                    self.format_arn(
                        service="secretsmanager",
                        resource="secret",
                        resource_name=f"{self.config.stripe_secret_name}-??????",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )

    def _chalice_stage_settings(self) -> dict[str, Any]:
        """The stage's section of the staged ``.chalice/config.json``."""
        stripe = self._stripe_environment()
        per_function: dict[str, Any] = {}
        for function in self.functions:
            settings: dict[str, Any] = {
                "lambda_memory_size": MEMORY_MB[function.kind],
                "lambda_timeout": TIMEOUT_S[function.kind],
                "iam_role_arn": (self.api_role if function.kind == "api" else self.workflow_role).role_arn,
            }
            variables: dict[str, str] = {}
            settings["layers"] = [self.dependency_layer]
            if function.kind == "pdf":
                settings["layers"].append(self.pdf_layer)
                variables["FONTCONFIG_PATH"] = "/opt/etc/fonts"  # the layer's fontconfig (its fonts.conf)
            if function.name in STRIPE_FUNCTIONS:
                variables.update(stripe)
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
            "iam_role_arn": self.api_role.role_arn,
            "autogen_policy": False,
            "xray": True,
            "environment_variables": self._environment(),
            "lambda_functions": per_function,
        }

    def _name_functions(self) -> None:
        """Chalice's SAM template leaves function names to CloudFormation; the runtime expects Chalice's
        own naming (``claims-<stage>-<name>``, chalicelib/adapters/lambda_invoker.py): set it, and send the
        failed asynchronous events to the DLQ."""
        for function in self.functions:
            resource = self.chalice.get_resource(function.logical_id)
            name = function.function_name(self.prefix)
            resource.add_property_override("FunctionName", name)
            # Not the Python that ran the synth (Chalice's choice): the runtime the packages are built for.
            resource.add_property_override("Runtime", RUNTIME)
            resource.add_property_override("Architectures", [ARCHITECTURE])
            # Here rather than Chalice's log_retention_in_days, whose API handler log group refers to a
            # logical id that does not exist (ApiHandler instead of APIHandler).
            logs.CfnLogGroup(
                self,
                f"{function.logical_id}Logs",
                log_group_name=f"/aws/lambda/{name}",
                retention_in_days=self.config.log_retention_days,
            )
            if function.name in ASYNC_FUNCTIONS:
                resource.add_property_override(
                    "DeadLetterQueue", {"Type": "SQS", "TargetArn": self.dlq.queue_arn}
                )

    def _gateway_responses(self) -> None:
        """API Gateway's answer when the authorizer refuses a token: the app's French JSON body."""
        import json

        from chalicelib.api.auth import UNAUTHORIZED_RESPONSE_BODY

        api = self.chalice.get_resource("RestAPI")
        # The API's name: its metrics' ApiName (alarms, dashboard), one per stage.
        api.add_property_override("Name", self.prefix)
        api.add_property_override(
            "DefinitionBody.x-amazon-apigateway-gateway-responses",
            {
                "UNAUTHORIZED": {
                    "statusCode": 401,
                    "responseParameters": {
                        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                        "gatewayresponse.header.WWW-Authenticate": "'Bearer'",
                    },
                    "responseTemplates": {
                        "application/json": json.dumps(UNAUTHORIZED_RESPONSE_BODY, ensure_ascii=False)
                    },
                }
            },
        )

    # --- Step Functions -----------------------------------------------------------------------------------
    def substitutions(self) -> dict[str, str]:
        from chalicelib.workflow.definition import placeholders

        by_placeholder = {
            f"{f.logical_id}FunctionArn": f for f in self.functions if f.kind in {"pdf", "other"}
        }
        tables = {"ClaimsTable": "CLAIMS_TABLE", "ClaimEventsTable": "CLAIM_EVENTS_TABLE"}
        values: dict[str, str] = {}
        for name in sorted(placeholders()):
            if name in by_placeholder:
                values[name] = (
                    self.chalice.get_resource(by_placeholder[name].logical_id).get_att("Arn").to_string()
                )
            elif name in tables:
                values[name] = self.tables[tables[name]].table_name
            else:
                raise LookupError(f"escalation.asl.json uses ${{{name}}}: no function or table of the stack")
        return values

    def _state_machine(self, name: str) -> sfn.CfnStateMachine:
        from chalicelib.workflow.definition import load_definition

        values = self.substitutions()
        role = iam.Role(
            self,
            "StateMachineRole",
            assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
            description=f"{self.prefix}: the escalation state machine",
        )
        function_arns = [v for k, v in values.items() if k.endswith("FunctionArn")]
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"],
                resources=[arn for value in function_arns for arn in (value, f"{value}:*")],
            )
        )
        read_tables = [
            self.tables[v]
            for k, v in (("ClaimsTable", "CLAIMS_TABLE"), ("ClaimEventsTable", "CLAIM_EVENTS_TABLE"))
            if k in values
        ]
        role.add_to_policy(
            iam.PolicyStatement(actions=["dynamodb:GetItem"], resources=[t.table_arn for t in read_tables])
        )
        # X-Ray tracing of the executions, and their logs delivered to CloudWatch Logs: none of these
        # actions has resource-level permissions (Step Functions' documented policy).
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "xray:GetSamplingRules",
                    "xray:GetSamplingTargets",
                ],
                resources=["*"],
            )
        )
        role.add_to_policy(iam.PolicyStatement(actions=list(STATE_MACHINE_LOG_DELIVERY), resources=["*"]))
        # Every event (level ALL, as cdk-nag SF1 asks) without execution data: which state ran, failed and
        # why, never the personal data the states carry (debtor's name and address).
        log_group = logs.CfnLogGroup(
            self,
            "EscalationLogs",
            log_group_name=f"/aws/vendedlogs/states/{name}",
            retention_in_days=self.config.log_retention_days,
        )
        machine = sfn.CfnStateMachine(
            self,
            "EscalationStateMachine",
            state_machine_name=name,
            state_machine_type="STANDARD",
            role_arn=role.role_arn,
            definition=load_definition(),
            definition_substitutions=values,
            tracing_configuration=sfn.CfnStateMachine.TracingConfigurationProperty(enabled=True),
            logging_configuration=sfn.CfnStateMachine.LoggingConfigurationProperty(
                level="ALL",
                include_execution_data=False,
                destinations=[
                    sfn.CfnStateMachine.LogDestinationProperty(
                        cloud_watch_logs_log_group=sfn.CfnStateMachine.CloudWatchLogsLogGroupProperty(
                            log_group_arn=log_group.attr_arn
                        )
                    )
                ],
            ),
        )
        # The role's policy is a resource of its own: create it before the state machine may run.
        policy = role.node.try_find_child("DefaultPolicy")
        if policy is not None:
            machine.node.add_dependency(policy)
        return machine

    # --- CloudFront -----------------------------------------------------------------------------------------
    def _distribution_without_api(self) -> cloudfront.Distribution:
        config = self.config
        certificate = None
        if config.domain_name and config.certificate_arn:
            from aws_cdk import aws_certificatemanager as acm

            certificate = acm.Certificate.from_certificate_arn(self, "Certificate", config.certificate_arn)
        return cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"{self.prefix}: frontend/ and the API",
            default_root_object="index.html",
            domain_names=[config.domain_name] if certificate else None,
            certificate=certificate,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.frontend_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self._headers_policy("FrontendHeaders", frontend=True),
            ),
        )

    def _headers_policy(self, policy_id: str, *, frontend: bool) -> cloudfront.ResponseHeadersPolicy:
        """The security headers of every answer, as the local platform sends them
        (``chalicelib/api/errors.py``, ``infra/local/webserver.py``), plus HSTS, which only makes sense here
        (HTTPS). ``frontend``: the web interface's Content-Security-Policy, whose only other origin is the
        documents bucket the browser uploads to (presigned POST: ``<bucket>.s3.amazonaws.com``, or its
        regional name after a redirect); else the API's (JSON loads nothing) and no caching."""
        from chalicelib.api.errors import (
            API_CONTENT_SECURITY_POLICY,
            PERMISSIONS_POLICY,
            frontend_content_security_policy,
        )

        if frontend:
            bucket = f"{self.prefix}-documents-{self.account}-{self.region}"  # as in _documents_bucket
            policy = frontend_content_security_policy(
                [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{self.region}.amazonaws.com"]
            )
        else:
            policy = API_CONTENT_SECURITY_POLICY
        custom = [
            cloudfront.ResponseCustomHeader(
                header="Permissions-Policy", value=PERMISSIONS_POLICY, override=True
            )
        ]
        if not frontend:
            custom.append(
                cloudfront.ResponseCustomHeader(header="Cache-Control", value="no-store", override=True)
            )
        return cloudfront.ResponseHeadersPolicy(
            self,
            policy_id,
            response_headers_policy_name=f"{self.prefix}-{'frontend' if frontend else 'api'}-headers",
            comment=f"{self.prefix}: security headers of the {'web interface' if frontend else 'API'}",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=policy, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(730), include_subdomains=True, override=True
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(custom_headers=custom),
        )

    def _api_behind_distribution(self) -> None:
        """The API under the same address as the web pages (the front end calls ``/health``, ``/v1/…``)."""
        rest_api_id = self.chalice.get_resource("RestAPI").ref
        api_headers = self._headers_policy("ApiHeaders", frontend=False)
        origin_key = self._api_only_through_cloudfront()
        api_origin = origins.HttpOrigin(
            f"{rest_api_id}.execute-api.{self.region}.{self.url_suffix}",
            origin_path=f"/{API_STAGE}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            # Replaces any x-api-key a viewer sends: only CloudFront holds the key.
            custom_headers={API_KEY_HEADER: origin_key},
        )
        for path in API_PATHS:
            self.distribution.add_behavior(
                path,
                api_origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                response_headers_policy=api_headers,
            )

    def _api_only_through_cloudfront(self) -> str:
        """Every method of the API requires an API key that only CloudFront sends (an origin header): a
        request straight to execute-api gets 403. The key's usage plan and per-method settings throttle
        the API, tighter on the authentication routes (they send emails) and on Stripe's webhook.
        Returns the key (a dynamic reference to the secret it is generated in)."""
        import json

        api = self.chalice.get_resource("RestAPI")
        sam = json.loads((Path(self.chalice._sam_package_dir) / "sam.json").read_text(encoding="utf-8"))
        paths: dict[str, Any] = sam["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
        method_settings: list[dict[str, Any]] = [
            {"ResourcePath": "/*", "HttpMethod": "*", **_throttle(*API_THROTTLE)}
        ]
        for path, operations in paths.items():
            for method, operation in operations.items():
                if not isinstance(operation, dict) or method == "parameters":
                    continue
                [existing] = operation.get("security") or [{}]
                operation["security"] = [{**existing, API_KEY_SECURITY: []}]
                limits = _route_throttle(path)
                if limits and method != "options":
                    resource_path = "/" + path.replace("/", "~1")
                    method_settings.append(
                        {"ResourcePath": resource_path, "HttpMethod": method.upper(), **_throttle(*limits)}
                    )
        api.add_property_override("DefinitionBody.paths", paths)
        api.add_property_override(
            f"DefinitionBody.securityDefinitions.{API_KEY_SECURITY}",
            {"type": "apiKey", "name": API_KEY_HEADER, "in": "header"},
        )
        api.add_property_override("DefinitionBody.x-amazon-apigateway-api-key-source", "HEADER")
        api.add_property_override("MethodSettings", method_settings)
        # Any valid value stops SAM from adding its extra stage named "Stage" next to ours.
        api.add_property_override("OpenApiVersion", "2.0")

        secret = secretsmanager.Secret(
            self,
            "CloudFrontOriginKey",
            secret_name=f"{self.prefix}/cloudfront-origin-key",
            description=f"{self.prefix}: the API key CloudFront sends to API Gateway",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
        )
        key_value = secret.secret_value.unsafe_unwrap()
        key = apigateway.CfnApiKey(
            self,
            "CloudFrontApiKey",
            name=f"{self.prefix}-cloudfront",
            description="Sent by CloudFront only: the API answers nobody else",
            enabled=True,
            value=key_value,
        )
        rate, burst = API_THROTTLE
        plan = apigateway.CfnUsagePlan(
            self,
            "CloudFrontUsagePlan",
            usage_plan_name=f"{self.prefix}-cloudfront",
            # "RestAPI.Stage": SAM's reference to the stage it generates (and a dependency on it).
            api_stages=[
                apigateway.CfnUsagePlan.ApiStageProperty(api_id=api.ref, stage=cdk.Fn.ref("RestAPI.Stage"))
            ],
            throttle=apigateway.CfnUsagePlan.ThrottleSettingsProperty(rate_limit=rate, burst_limit=burst),
        )
        apigateway.CfnUsagePlanKey(
            self, "CloudFrontUsagePlanKey", key_id=key.ref, key_type="API_KEY", usage_plan_id=plan.ref
        )
        return key_value

    # --- alarms -------------------------------------------------------------------------------------------
    def _alarms(self) -> None:
        topic = sns.Topic(self, "Alarms", topic_name=f"{self.prefix}-alarms", enforce_ssl=True)
        # enforce_ssl gives the topic a policy of its own with only the SSL deny, which replaces SNS's
        # default policy: CloudWatch could no longer publish. Its right, back, for this stage's alarms only
        # (and over TLS: the deny still applies to it).
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsOfThisStage",
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                resources=[topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": self.account},
                    "ArnLike": {
                        "aws:SourceArn": self.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name=f"{self.prefix}-*",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        if self.config.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(self.config.alarm_email))
        self.alarm_topic = topic
        action = cw_actions.SnsAction(topic)
        five_minutes = cdk.Duration.minutes(5)

        def alarm(alarm_id: str, metric: cloudwatch.Metric, description: str) -> None:
            created = cloudwatch.Alarm(
                self,
                alarm_id,
                alarm_name=f"{self.prefix}-{alarm_id}",
                alarm_description=description,
                metric=metric,
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            created.add_alarm_action(action)

        machine = {"StateMachineArn": self.state_machine.attr_arn}
        for metric_name in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"):
            alarm(
                f"Escalation{metric_name}",
                cloudwatch.Metric(
                    namespace="AWS/States",
                    metric_name=metric_name,
                    dimensions_map=machine,
                    statistic="Sum",
                    period=five_minutes,
                ),
                f"An escalation execution ended badly ({metric_name}).",
            )
        for function in self.functions:
            name = function.function_name(self.prefix)
            alarm(
                f"{function.logical_id}Errors",
                cloudwatch.Metric(
                    namespace="AWS/Lambda",
                    metric_name="Errors",
                    dimensions_map={"FunctionName": name},
                    statistic="Sum",
                    period=five_minutes,
                ),
                f"The function {name} failed.",
            )
            alarm(
                f"{function.logical_id}Throttles",
                cloudwatch.Metric(
                    namespace="AWS/Lambda",
                    metric_name="Throttles",
                    dimensions_map={"FunctionName": name},
                    statistic="Sum",
                    period=five_minutes,
                ),
                f"Lambda throttled {name} (the account's concurrency is exhausted).",
            )
        api = {"ApiName": self.prefix, "Stage": API_STAGE}
        alarm(
            "Api5xx",
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name="5XXError",
                dimensions_map=api,
                statistic="Sum",
                period=five_minutes,
            ),
            "The API answered 5xx: an unhandled error or a function that timed out.",
        )
        alarm(
            "ClaimsNeedAttention",
            cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name="Invocations",
                dimensions_map={"FunctionName": f"{self.prefix}-{NEEDS_ATTENTION_FUNCTION}"},
                statistic="Sum",
                period=five_minutes,
            ),
            "An escalation step failed for good: a claim is in needs_attention and waits for an operator.",
        )
        # Email: bounces and complaints of the stage's configuration set (its event destination), and the
        # account's reputation as SES computes it (SES reviews an account above 5 % bounces, 0.1 % complaints)
        mail = {MAIL_METRIC_DIMENSION: self.mail_configuration_set.configuration_set_name}
        hour = cdk.Duration.hours(1)
        for event in ("Bounce", "Complaint"):
            alarm(
                f"Mail{event}s",
                cloudwatch.Metric(
                    namespace="AWS/SES", metric_name=event, dimensions_map=mail, statistic="Sum", period=hour
                ),
                f"An email of {self.prefix} ended in a {event.lower()} (SES event of the configuration set).",
            )
        for metric_name, threshold in (("Reputation.BounceRate", 0.05), ("Reputation.ComplaintRate", 0.001)):
            created = cloudwatch.Alarm(
                self,
                f"Mail{metric_name.replace('.', '')}",
                alarm_name=f"{self.prefix}-Mail{metric_name.replace('.', '')}",
                alarm_description=f"SES {metric_name} reached {threshold:.1%}: SES may pause sending.",
                metric=cloudwatch.Metric(
                    namespace="AWS/SES", metric_name=metric_name, statistic="Maximum", period=hour
                ),
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            created.add_alarm_action(action)
        alarm(
            "FailedEventsInDlq",
            self.dlq.metric_approximate_number_of_messages_visible(period=five_minutes, statistic="Maximum"),
            "A background event (import, emails, outbox sweep) failed after its retries: see the DLQ.",
        )

    def _dashboard(self) -> None:
        """One page for the stage: the API, the functions, the escalations, the DLQ and the emails."""
        five_minutes = cdk.Duration.minutes(5)

        def metric(namespace: str, name: str, dimensions: dict[str, str], label: str, stat: str = "Sum"):
            return cloudwatch.Metric(
                namespace=namespace,
                metric_name=name,
                dimensions_map=dimensions,
                statistic=stat,
                period=five_minutes,
                label=label,
            )

        api = {"ApiName": self.prefix, "Stage": API_STAGE}
        names = [f.function_name(self.prefix) for f in self.functions]
        machine = {"StateMachineArn": self.state_machine.attr_arn}
        mail = {MAIL_METRIC_DIMENSION: self.mail_configuration_set.configuration_set_name}
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=self.prefix)
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="API",
                left=[metric("AWS/ApiGateway", m, api, m) for m in ("Count", "4XXError", "5XXError")],
                right=[metric("AWS/ApiGateway", "Latency", api, "p95 latency", "p95")],
            ),
            cloudwatch.GraphWidget(
                title="Escalations",
                left=[
                    metric("AWS/States", m, machine, m)
                    for m in (
                        "ExecutionsStarted",
                        "ExecutionsSucceeded",
                        "ExecutionsFailed",
                        "ExecutionsTimedOut",
                    )
                ],
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Function errors",
                left=[metric("AWS/Lambda", "Errors", {"FunctionName": n}, n) for n in names],
            ),
            cloudwatch.GraphWidget(
                title="Function throttles",
                left=[metric("AWS/Lambda", "Throttles", {"FunctionName": n}, n) for n in names],
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Failed background events (DLQ)",
                left=[self.dlq.metric_approximate_number_of_messages_visible(period=five_minutes)],
            ),
            cloudwatch.GraphWidget(
                title="Emails",
                left=[metric("AWS/SES", m, mail, m) for m in ("Send", "Delivery", "Bounce", "Complaint")],
            ),
            cloudwatch.AlarmStatusWidget(
                title="Alarms",
                alarms=[a for a in self.node.children if isinstance(a, cloudwatch.Alarm)],
            ),
        )

    def _outputs(self) -> None:
        cdk.CfnOutput(self, "PublicUrl", value=self.public_url or PUBLIC_URL_PLACEHOLDER)
        cdk.CfnOutput(self, "DistributionUrl", value=f"https://{self.distribution.distribution_domain_name}")
        cdk.CfnOutput(self, "DistributionId", value=self.distribution.distribution_id)
        cdk.CfnOutput(self, "FrontendBucketName", value=self.frontend_bucket.bucket_name)
        cdk.CfnOutput(self, "DocumentsBucketName", value=self.documents.bucket_name)
        cdk.CfnOutput(self, "UserPoolId", value=self.user_pool.ref)
        cdk.CfnOutput(self, "UserPoolClientId", value=self.user_pool_client.ref)
        cdk.CfnOutput(self, "StateMachineArn", value=self.state_machine.attr_arn)
        cdk.CfnOutput(self, "AccountsTableName", value=self.tables["ACCOUNTS_TABLE"].table_name)
        # The DNS records that verify the sending domain (Easy DKIM): add them to the zone of mail_domain.
        for index, record in enumerate(self.mail_identity.dkim_records, start=1):
            cdk.CfnOutput(
                self,
                f"MailDkimRecord{index}",
                description=f"CNAME to add to the DNS of {self.config.mail_domain}",
                value=cdk.Fn.join(" ", [record.name, "CNAME", record.value]),
            )
        cdk.CfnOutput(
            self, "MailConfigurationSetName", value=self.mail_configuration_set.configuration_set_name
        )
