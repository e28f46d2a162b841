"""GET /health tells an outsider only ok or degraded (and, on the local platform, its stage and business
date); GET /v1/operator/health gives the details to a signed-in operator."""

import pytest
from chalice.test import Client

from tests.integration.accounts_helpers import get, signed_up_creditor
from tests.integration.test_authorization import operator_token

pytestmark = pytest.mark.integration


def test_health_is_green_when_every_service_answers(api):
    response = api.http.get("/health")
    assert response.status_code == 200
    assert response.json_body["status"] == "ok"

    detailed = get(api, "/v1/operator/health", operator_token(api))
    assert detailed.status_code == 200
    body = detailed.json_body
    assert body["status"] == "ok"
    assert set(body["services"]) == {"dynamodb", "s3", "ses", "stepfunctions"}
    assert all(service["ok"] for service in body["services"].values())
    assert body["versions"]["chalice"]
    assert body["versions"]["python"]


def test_health_says_which_service_is_missing_to_the_operator_only(api):
    from chalicelib.adapters.aws import client as aws_client
    from chalicelib.settings import get_settings

    token = operator_token(api)
    aws_client("s3").delete_bucket(Bucket=get_settings().documents_bucket)
    public = api.http.get("/health")
    assert public.status_code == 503
    assert public.json_body["status"] == "degraded"
    assert "services" not in public.json_body

    response = get(api, "/v1/operator/health", token)
    assert response.status_code == 503
    assert response.json_body["status"] == "degraded"
    assert response.json_body["services"]["s3"]["ok"] is False
    assert response.json_body["services"]["dynamodb"]["ok"] is True


def test_health_details_are_for_operators_only(api):
    assert get(api, "/v1/operator/health").status_code == 401
    assert get(api, "/v1/operator/health", signed_up_creditor(api)).status_code == 403


def test_health_gives_the_business_date_on_the_local_platform_only(aws, monkeypatch):
    """The web interface reads the local platform's business date (CLAIMS_TODAY) from /health; another
    stage has only the real clock and says nothing about it — nor anything but ok or degraded."""
    import app
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2025-03-31")
    get_settings.cache_clear()
    with Client(app.app, stage_name="local") as client:
        local = client.http.get("/health").json_body
    assert (local["stage"], local["today"], local["today_simulated"]) == ("local", "2025-03-31", True)

    monkeypatch.delenv("CLAIMS_TODAY")
    monkeypatch.setenv("CLAIMS_STAGE", "prod")
    get_settings.cache_clear()
    try:
        with Client(app.app, stage_name="prod") as client:
            remote = client.http.get("/health").json_body
    finally:
        monkeypatch.setenv("CLAIMS_STAGE", "local")
        get_settings.cache_clear()
    assert set(remote) == {"status"}
