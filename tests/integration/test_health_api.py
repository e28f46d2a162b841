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
