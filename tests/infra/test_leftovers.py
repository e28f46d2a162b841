"""A failed first deploy can be retried: ``infra/aws/leftovers.py`` finds what it left under the stage's
names (on moto) and removes only what is empty, never while the stack lives."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from infra.aws.config import StageConfig
from infra.aws.leftovers import LiveStack, find_leftovers

REGION = "eu-west-3"
CONFIG = StageConfig(name="prod", mail_domain="example.fr")


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def _table(session, name: str) -> None:
    session.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        DeletionProtectionEnabled=True,
    )


def test_empty_leftovers_are_removed_data_is_kept_and_other_stages_untouched(session):
    _table(session, "claims-prod-claims")
    _table(session, "claims-prod-accounts")
    _table(session, "claims-dev-claims")
    session.client("dynamodb").put_item(TableName="claims-prod-accounts", Item={"pk": {"S": "a"}})
    s3 = session.client("s3")
    bucket = "claims-prod-documents-123456789012-eu-west-3"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    cognito = session.client("cognito-idp")
    cognito.create_user_pool(PoolName="claims-prod-users", DeletionProtection="ACTIVE")
    session.client("logs").create_log_group(logGroupName="/aws/lambda/claims-prod-send_notice")

    leftovers = {str(leftover).split(" (")[0]: leftover for leftover in find_leftovers(CONFIG, session)}
    assert set(leftovers) == {
        "DynamoDB table claims-prod-claims",
        "DynamoDB table claims-prod-accounts",
        f"S3 bucket {bucket}",
        "Cognito user pool claims-prod-users",
        "log group /aws/lambda/claims-prod-send_notice",
    }
    assert not leftovers["DynamoDB table claims-prod-accounts"].empty
    for leftover in leftovers.values():
        if leftover.empty:
            leftover.remove()

    tables = session.client("dynamodb").list_tables()["TableNames"]
    assert sorted(tables) == ["claims-dev-claims", "claims-prod-accounts"]
    assert s3.list_buckets()["Buckets"] == []
    assert cognito.list_user_pools(MaxResults=10)["UserPools"] == []
    assert [str(leftover) for leftover in find_leftovers(CONFIG, session)] == [
        "DynamoDB table claims-prod-accounts (NOT empty: kept)"
    ]


def test_nothing_is_a_leftover_while_the_stack_lives(session):
    session.client("cloudformation").create_stack(
        StackName="claims-prod",
        TemplateBody='{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}',
    )
    _table(session, "claims-prod-claims")
    with pytest.raises(LiveStack, match="CREATE_COMPLETE"):
        find_leftovers(CONFIG, session)


@pytest.mark.slow
def test_prod_data_is_retained_except_when_the_first_creation_rolls_back(synth_prod):
    kinds = ("AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Cognito::UserPool")
    for kind in kinds:
        for name, resource in synth_prod.of_type(kind).items():
            if kind == "AWS::S3::Bucket" and "CorsConfiguration" not in resource["Properties"]:
                continue  # the frontend bucket: published again by every deploy
            if name.startswith("IdempotencyTable"):
                continue  # short-lived keys only
            assert resource["DeletionPolicy"] == "RetainExceptOnCreate", name
            assert resource["UpdateReplacePolicy"] == "Retain", name


NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::Cognito::UserPool": "UserPoolName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::CloudWatch::Dashboard": "DashboardName",
}


def _names(template: dict) -> dict[str, str]:
    names = {}
    for logical_id, resource in template["Resources"].items():
        prop = NAME_PROPERTIES.get(resource["Type"])
        value = resource.get("Properties", {}).get(prop) if prop else None
        if value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        names[logical_id] = text
    return names


@pytest.mark.slow
def test_every_named_resource_carries_its_stage_so_dev_and_prod_share_an_account(synth, synth_prod):
    dev, prod = _names(synth.template), _names(synth_prod.template)
    assert len(dev) > 20
    for names, prefix in ((dev, "claims-dev"), (prod, "claims-prod")):
        for logical_id, name in names.items():
            assert prefix in name, f"{logical_id}: {name}"
    assert not set(dev.values()) & set(prod.values())
    headers = [
        r["Properties"]["ResponseHeadersPolicyConfig"]["Name"]
        for r in synth.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    ]
    assert headers and all(name.startswith("claims-dev-") for name in headers)
