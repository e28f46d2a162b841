"""The SES probe on AWS: the stack verifies a domain identity (DKIM), not each sender address; a sender of a
verified domain may send, a sender of another domain may not."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws


@pytest.fixture
def ses():
    from chalicelib.adapters.aws import reset_clients

    reset_clients()
    with mock_aws():
        yield boto3.client("ses", region_name="eu-west-3")
    reset_clients()


def test_a_sender_of_a_verified_domain_may_send(ses):
    from chalicelib.adapters.health_probes import probe_ses

    ses.verify_domain_identity(Domain="recouvrement.example.fr")
    result = probe_ses("ne-pas-repondre@recouvrement.example.fr")
    assert result.ok and "recouvrement.example.fr" in result.detail


def test_a_sender_with_nothing_verified_may_not(ses):
    from chalicelib.adapters.health_probes import probe_ses

    ses.verify_domain_identity(Domain="autre.example.fr")
    result = probe_ses("ne-pas-repondre@recouvrement.example.fr")
    assert not result.ok and "absent" in result.detail
