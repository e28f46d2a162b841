"""``/health`` tells an outsider only whether the platform is up (issue 20: it used to publish library
versions, table, bucket, sender and state machine names). The details are for a signed-in operator."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client

from tests.integration.accounts_helpers import get, signed_up_creditor
from tests.integration.test_authorization import operator_token

pytestmark = pytest.mark.integration

LOCAL_FIELDS = {"status", "stage", "today", "today_simulated"}


def _secrets_of_the_platform() -> list[str]:
    from chalicelib.settings import get_settings

    settings = get_settings()
    return [
        settings.claims_table,
        settings.claim_events_table,
        settings.documents_bucket,
        settings.mail_sender,
        settings.state_machine_arn.rsplit(":", 1)[-1],
        "boto3",
        "chalice",
        "pynamodb",
        "python",
        "dynamodb",
    ]


def test_an_anonymous_caller_learns_only_whether_the_platform_is_up(api):
    response = api.http.get("/health")
    assert response.status_code == 200
    assert set(response.json_body) <= LOCAL_FIELDS  # locally: the web interface's stage and business date
    assert response.json_body["status"] == "ok"
    text = response.body.decode()
    for name in _secrets_of_the_platform():
        assert name not in text, name


def test_outside_the_local_platform_health_is_only_ok_or_degraded(aws, monkeypatch):
    import app
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_STAGE", "prod")
    get_settings.cache_clear()
    try:
        with Client(app.app, stage_name="prod") as client:
            response = client.http.get("/health")
    finally:
        monkeypatch.setenv("CLAIMS_STAGE", "local")
        get_settings.cache_clear()
    assert json.loads(response.body) in ({"status": "ok"}, {"status": "degraded"})


def test_the_details_are_for_a_signed_in_operator(api):
    assert get(api, "/v1/operator/health").status_code == 401
    assert get(api, "/v1/operator/health", signed_up_creditor(api)).status_code == 403
    detailed = get(api, "/v1/operator/health", operator_token(api))
    assert detailed.status_code == 200
    text = detailed.body.decode()
    assert detailed.json_body["versions"]["boto3"]
    from chalicelib.settings import get_settings

    assert get_settings().documents_bucket in text
