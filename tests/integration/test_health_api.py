import pytest
from chalice.test import Client

pytestmark = pytest.mark.integration


def test_health_is_green_when_every_service_answers(aws):
    import app

    with Client(app.app, stage_name="local") as client:
        response = client.http.get("/health")
    assert response.status_code == 200
    body = response.json_body
    assert body["status"] == "ok"
    assert set(body["services"]) == {"dynamodb", "s3", "ses", "stepfunctions"}
    assert all(service["ok"] for service in body["services"].values())
    assert body["versions"]["chalice"]
    assert body["versions"]["python"]


def test_health_says_which_service_is_missing(aws):
    import app
    from chalicelib.adapters.aws import client as aws_client
    from chalicelib.settings import get_settings

    aws_client("s3").delete_bucket(Bucket=get_settings().documents_bucket)
    with Client(app.app, stage_name="local") as client:
        response = client.http.get("/health")
    assert response.status_code == 503
    assert response.json_body["status"] == "degraded"
    assert response.json_body["services"]["s3"]["ok"] is False
    assert response.json_body["services"]["dynamodb"]["ok"] is True


def test_health_gives_the_business_date_on_the_local_platform_only(aws, monkeypatch):
    """The web interface reads the local platform's business date (CLAIMS_TODAY) from /health; another
    stage has only the real clock and says nothing about it."""
    import app
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2025-03-31")
    get_settings.cache_clear()
    with Client(app.app, stage_name="local") as client:
        local = client.http.get("/health").json_body
    assert (local["today"], local["today_simulated"]) == ("2025-03-31", True)

    monkeypatch.delenv("CLAIMS_TODAY")
    monkeypatch.setenv("CLAIMS_STAGE", "prod")
    get_settings.cache_clear()
    try:
        with Client(app.app, stage_name="prod") as client:
            remote = client.http.get("/health").json_body
    finally:
        monkeypatch.setenv("CLAIMS_STAGE", "local")
        get_settings.cache_clear()
    assert remote["stage"] == "prod" and "today" not in remote and "today_simulated" not in remote
