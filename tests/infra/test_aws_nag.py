"""cdk-nag's AWS Solutions rules run on every synth: the stacks pass with only the acknowledgments of
infra/aws/nag.py, each with its reason, and an unacknowledged finding fails the synth."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks

from infra.aws.nag import _PATHS, _ack
from tests.infra.conftest import Synthesized


@pytest.mark.slow
def test_both_stages_synthesise_with_the_aws_solutions_rules(synth: Synthesized, synth_prod: Synthesized):
    for synthesized in (synth, synth_prod):
        assert "AwsSolutions::AwsSolutions-" not in synthesized.log, synthesized.log[-3000:]


def test_every_acknowledgment_gives_its_reason():
    for path, rules in _PATHS.items():
        for rule, reason in rules:
            assert len(reason) > 60, f"{path} {rule}: say why"


def _app_with_a_bucket(acknowledged: bool) -> cdk.App:
    app = cdk.App()
    stack = cdk.Stack(app, "nagcheck", env=cdk.Environment(region="eu-west-3"))
    bucket = s3.Bucket(stack, "Bucket", enforce_ssl=True)
    if acknowledged:
        _ack(bucket, "S1", "a test bucket: no access log needed")
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def test_an_unacknowledged_finding_fails_the_synth():
    with pytest.raises(Exception, match="AwsSolutions-S1"):
        _app_with_a_bucket(acknowledged=False).synth()
    _app_with_a_bucket(acknowledged=True).synth()
