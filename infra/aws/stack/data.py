"""Where the platform keeps things: the DynamoDB tables (from the PynamoDB models), the web pages' bucket,
the documents bucket with its retention rules, and the queue of failed background events.

No policy here: what the functions may do with these is in ``roles.py``.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

from infra.aws.app_functions import table_specs
from infra.aws.config import StageConfig
from infra.spec import (
    IDEMPOTENCY_KEY,
    IDEMPOTENCY_TTL_ATTRIBUTE,
    UPLOAD_CORS_HEADERS,
    UPLOAD_CORS_MAX_AGE_S,
    UPLOAD_CORS_METHODS,
    camel_case,
)

# RULEBOOK §7.1 (retention plan) as storage rules. The claim file stays in the active tier while the claim
# runs, then moves to cheaper archive tiers; the per-claim deletion at the end of its retention (latest of
# prescription end and court case + 10 years) belongs to the application; the expiration below is only
# the backstop after which nothing may be kept (POLICY: 2 active years + 3 years of court case + 10 years).
CLAIM_FILE_ARCHIVE_AFTER_DAYS = 365
CLAIM_FILE_DEEP_ARCHIVE_AFTER_DAYS = 3 * 365
CLAIM_FILE_BACKSTOP_DAYS = 15 * 365 + 4
IMPORT_FILE_DAYS = 90  # the CSV of a bulk import: its rows became claims; the report is in DynamoDB
SHARE_COPY_DAYS = 7  # a lawyer's download copy, recreated on demand (chalicelib/services/lawyers.py)
# A creditor's data export and its job record (chalicelib/adapters/export_jobs.py): a copy of what the
# platform holds, made again on demand; the email that announces it says 7 days (services/data_export.py).
DATA_EXPORT_DAYS = 7
NONCURRENT_VERSION_DAYS = 30


def removal_policy(config: StageConfig) -> cdk.RemovalPolicy:
    """Kept when the stack is deleted or the resource replaced, but not when the stack's first creation
    rolls back (CloudFormation's RetainExceptOnCreate): a failed first deploy leaves nothing behind that
    would collide with the retry (see infra/aws/leftovers.py for protected tables it could not delete)."""
    if config.deletion_protection:
        return cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
    return cdk.RemovalPolicy.DESTROY


# --- tables ------------------------------------------------------------------------------------------------
def kind_name(kind: str) -> str:
    return {"S": "STRING", "N": "NUMBER", "B": "BINARY"}[kind]


def _attribute(definitions: list[dict[str, str]], name: str) -> dynamodb.Attribute:
    kind = next(d["AttributeType"] for d in definitions if d["AttributeName"] == name)
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType(kind_name(kind)))


def _keys(key_schema: list[dict[str, str]]) -> tuple[str, str | None]:
    hash_key = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
    range_key = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def tables(scope: cdk.Stack, config: StageConfig, retain: cdk.RemovalPolicy) -> dict[str, dynamodb.Table]:
    """Every table of ``chalicelib/adapters/dynamo.py``, keyed by the environment variable naming it."""
    return {
        variable: table(scope, config, suffix, schema, retain) for variable, suffix, schema in table_specs()
    }


def table(
    scope: cdk.Stack, config: StageConfig, suffix: str, schema: dict[str, Any], retain: cdk.RemovalPolicy
) -> dynamodb.Table:
    """One table as its PynamoDB model declares it (keys, global secondary indexes, TTL)."""
    definitions = schema["attribute_definitions"]
    hash_key, range_key = _keys(schema["key_schema"])
    created = dynamodb.Table(
        scope,
        camel_case(suffix) + "Table",
        table_name=f"{config.prefix}-{suffix}",
        partition_key=_attribute(definitions, hash_key),
        sort_key=_attribute(definitions, range_key) if range_key else None,
        time_to_live_attribute=schema.get("time_to_live_attribute"),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=config.deletion_protection,
        removal_policy=retain,
    )
    for index in schema.get("global_secondary_indexes", []):
        index_hash, index_range = _keys(index["key_schema"])
        projection = index["projection"]["ProjectionType"]
        created.add_global_secondary_index(
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
    return created


def idempotency_table(scope: cdk.Stack, config: StageConfig) -> dynamodb.Table:
    return dynamodb.Table(
        scope,
        "IdempotencyTable",
        table_name=f"{config.prefix}-idempotency",
        # The layout Powertools' DynamoDBPersistenceLayer expects (infra/spec.py, as infra/local creates it).
        partition_key=dynamodb.Attribute(name=IDEMPOTENCY_KEY, type=dynamodb.AttributeType.STRING),
        time_to_live_attribute=IDEMPOTENCY_TTL_ATTRIBUTE,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=config.deletion_protection,
        removal_policy=cdk.RemovalPolicy.DESTROY,  # only short-lived keys
    )


# --- buckets -----------------------------------------------------------------------------------------------
def frontend_bucket(scope: cdk.Stack) -> s3.Bucket:
    """The web pages (``frontend/``, published by ``make deploy``), served only through CloudFront."""
    return s3.Bucket(
        scope,
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


def documents_bucket_name(scope: cdk.Stack, config: StageConfig) -> str:
    """Named from the account and region (bucket names are global), so that the functions and the web
    pages' Content-Security-Policy get the name without depending on the bucket, which depends on the
    distribution through its CORS rule."""
    return f"{config.prefix}-documents-{scope.account}-{scope.region}"


def _claim_file_retention() -> s3.LifecycleRule:
    return s3.LifecycleRule(
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
    )


def documents_bucket(
    scope: cdk.Stack,
    config: StageConfig,
    *,
    distribution: cloudfront.Distribution,
    public_url: str,
    retain: cdk.RemovalPolicy,
) -> s3.Bucket:
    """The claim files, imports, lawyers' copies and data exports, each kept as long as ``RULEBOOK §7.1``
    says."""
    origins_allowed = [f"https://{distribution.distribution_domain_name}"]
    if public_url:
        origins_allowed.insert(0, public_url)
    return s3.Bucket(
        scope,
        "DocumentsBucket",
        bucket_name=documents_bucket_name(scope, config),
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
                allowed_methods=[s3.HttpMethods(method) for method in UPLOAD_CORS_METHODS],
                allowed_headers=list(UPLOAD_CORS_HEADERS),
                max_age=UPLOAD_CORS_MAX_AGE_S,
            )
        ],
        lifecycle_rules=[
            _claim_file_retention(),
            s3.LifecycleRule(
                id="import-files", prefix="imports/", expiration=cdk.Duration.days(IMPORT_FILE_DAYS)
            ),
            s3.LifecycleRule(
                id="lawyer-share-copies", prefix="shares/", expiration=cdk.Duration.days(SHARE_COPY_DAYS)
            ),
            s3.LifecycleRule(
                id="data-exports", prefix="exports/", expiration=cdk.Duration.days(DATA_EXPORT_DAYS)
            ),
            s3.LifecycleRule(
                id="old-versions-and-uploads",
                noncurrent_version_expiration=cdk.Duration.days(NONCURRENT_VERSION_DAYS),
                abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
            ),
        ],
    )


# --- queue -------------------------------------------------------------------------------------------------
def failed_events_queue(scope: cdk.Stack, config: StageConfig) -> sqs.Queue:
    """The dead-letter queue of the asynchronous functions (``ASYNC_FUNCTIONS``), watched by an alarm."""
    return sqs.Queue(
        scope,
        "FailedEvents",
        queue_name=f"{config.prefix}-failed-events",
        retention_period=cdk.Duration.days(14),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )
