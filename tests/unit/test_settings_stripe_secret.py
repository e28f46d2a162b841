"""Stripe's keys: read from Secrets Manager at run time on AWS (STRIPE_SECRET_NAME, Powertools' cache),
from the environment elsewhere, the local simulation's by default."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from chalicelib.settings import SIMULATED_STRIPE_KEY, get_settings


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch):
    for name in ("STRIPE_SECRET_NAME", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_keys_come_from_the_secret_named_on_aws_and_are_cached(fresh_settings: pytest.MonkeyPatch):
    from aws_lambda_powertools.utilities import parameters

    fresh_settings.setenv("AWS_ACCESS_KEY_ID", "testing")
    fresh_settings.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    fresh_settings.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    fresh_settings.delenv("AWS_ENDPOINT_URL", raising=False)
    fresh_settings.delenv("AWS_ENDPOINT_URL_SECRETSMANAGER", raising=False)
    with mock_aws():
        parameters.clear_caches()
        client = boto3.client("secretsmanager", region_name="eu-west-3")
        client.create_secret(
            Name="claims/dev/stripe",
            SecretString=json.dumps({"secret_key": "sk_live_from_secret", "webhook_secret": "whsec_secret"}),
        )
        fresh_settings.setenv("STRIPE_SECRET_NAME", "claims/dev/stripe")
        fresh_settings.setenv("STRIPE_SECRET_KEY", "sk_ignored_on_aws")
        settings = get_settings()
        assert settings.stripe_secret_key == "sk_live_from_secret"
        assert settings.stripe_webhook_secret == "whsec_secret"
        assert settings.stripe_api_base == "https://api.stripe.com"
        # Rotated in Secrets Manager: this container keeps its cached keys (max_age), no call per request.
        client.put_secret_value(
            SecretId="claims/dev/stripe", SecretString=json.dumps({"secret_key": "x", "webhook_secret": "y"})
        )
        get_settings.cache_clear()
        assert get_settings().stripe_secret_key == "sk_live_from_secret"
        parameters.clear_caches()


def test_local_keys_still_come_from_the_environment(fresh_settings: pytest.MonkeyPatch):
    assert get_settings().stripe_secret_key == SIMULATED_STRIPE_KEY
    get_settings.cache_clear()
    fresh_settings.setenv("STRIPE_SECRET_KEY", "sk_test_env")
    fresh_settings.setenv("STRIPE_WEBHOOK_SECRET", "whsec_env")
    settings = get_settings()
    assert (settings.stripe_secret_key, settings.stripe_webhook_secret) == ("sk_test_env", "whsec_env")
