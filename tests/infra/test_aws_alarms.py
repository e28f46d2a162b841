"""Alarms that arrive: CloudWatch may publish to the topic (over TLS), prod has a subscriber or does not
synthesise, and the alarms cover the API, throttles, escalations, the DLQ and the emails; one dashboard."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from infra.aws.config import load_stage
from tests.infra.conftest import CONFIGURED_PROD, Synthesized

pytestmark = pytest.mark.slow


def _alarms(synth: Synthesized) -> list[dict]:
    return [a["Properties"] for a in synth.of_type("AWS::CloudWatch::Alarm").values()]


def test_cloudwatch_may_publish_to_the_topic_and_only_over_tls(synth: Synthesized):
    [(topic_id, _)] = synth.of_type("AWS::SNS::Topic").items()
    [policy] = synth.of_type("AWS::SNS::TopicPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    [deny] = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Principal"] == "*" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    [allow] = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish" and allow["Resource"] == {"Ref": topic_id}
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert ":alarm:claims-dev-*" in json.dumps(allow["Condition"]["ArnLike"])
    for alarm in _alarms(synth):
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], alarm["AlarmName"]


def test_alarms_cover_api_throttles_escalations_dlq_and_email(synth: Synthesized):
    alarms = _alarms(synth)
    by_metric: dict[tuple[str, str], list[dict]] = {}
    for alarm in alarms:
        by_metric.setdefault((alarm["Namespace"], alarm["MetricName"]), []).append(alarm)
    [api] = by_metric[("AWS/ApiGateway", "5XXError")]
    assert {d["Name"]: d["Value"] for d in api["Dimensions"]} == {"ApiName": "claims-dev", "Stage": "api"}
    [rest_api] = synth.of_type("AWS::Serverless::Api").values()
    assert rest_api["Properties"]["Name"] == "claims-dev", "the ApiName the alarm watches"
    functions = {f["Properties"]["FunctionName"] for f in synth.of_type("AWS::Serverless::Function").values()}
    throttled = {a["Dimensions"][0]["Value"] for a in by_metric[("AWS/Lambda", "Throttles")]}
    assert throttled == functions
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        assert by_metric[("AWS/States", metric)]
    assert by_metric[("AWS/SQS", "ApproximateNumberOfMessagesVisible")]
    assert by_metric[("AWS/SES", "Reputation.BounceRate")]
    assert all(a["AlarmName"].startswith("claims-dev-") for a in alarms)


def test_one_dashboard_for_the_stage(synth: Synthesized):
    [dashboard] = synth.of_type("AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "claims-dev"
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for text in ("5XXError", "Throttles", "ExecutionsFailed", "ApproximateNumberOfMessagesVisible", "Bounce"):
        assert text in body


def test_configured_prod_alarms_email_the_operator(synth_prod: Synthesized):
    [subscription] = synth_prod.of_type("AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == CONFIGURED_PROD["alarm_email"]


def test_prod_without_alarm_email_does_not_synthesise():
    import aws_cdk as cdk

    from infra.aws.stack import ClaimsStack

    config = replace(load_stage("prod"), alarm_email="", public_url="https://recouvrement.example.fr")
    with pytest.raises(ValueError, match="alarm_email"):
        ClaimsStack(cdk.App(), config)
