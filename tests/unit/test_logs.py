"""Structured logs (chalicelib/logs.py): the keys each request and each Lambda call puts on every line, on a
small Chalice app wired like app.py (no AWS needed)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from chalice import AuthResponse, Chalice
from chalice.test import Client

from chalicelib import logs
from chalicelib.domain.errors import InvalidInput
from tests.helpers.json_logs import json_logs

SERVICE_LOG = logging.getLogger("claims.test")  # a service's logger: a child of the Powertools one
CALLER_EMAIL = "claire@atelier-numerique.fr"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-token-body.signature"


class FakeContext:
    function_name = "claims-dev-close_claim"
    aws_request_id = "req-1234"


@pytest.fixture
def wired() -> tuple[Chalice, dict[str, Any]]:
    """An app with the same middleware as app.py, a route on a claim and a task; ``seen`` keeps what the
    task received."""
    app = Chalice(app_name="claims-test", configure_logs=False)
    seen: dict[str, Any] = {}
    app.register_middleware(logs.log_request, "http")
    app.register_middleware(
        lambda event, nxt: logs.log_task(event, nxt, expected=(InvalidInput,)), "pure_lambda"
    )
    app.register_middleware(logs.log_schedule, "scheduled")

    @app.authorizer()
    def signed_in(auth_request: Any) -> AuthResponse:
        return AuthResponse(
            routes=["*"],
            principal_id="user-1",
            context={"user_id": "user-1", "email": CALLER_EMAIL, "role": "creditor"},
        )

    @app.route("/v1/claims/{claim_id}", methods=["GET"], authorizer=signed_in)
    def get_claim(claim_id: str) -> dict[str, str]:
        SERVICE_LOG.info("claim %s read", claim_id)
        return {"claim_id": claim_id}

    @app.route("/v1/claims/{claim_id}/boom", methods=["POST"])
    def boom(claim_id: str) -> dict[str, str]:
        raise InvalidInput("montant invalide", field="amount")

    @app.lambda_function(name="close_claim")
    def close_claim(event: dict[str, Any], context: Any) -> dict[str, object]:
        seen["event"] = event
        SERVICE_LOG.info("closing")
        if event.get("fail") == "expected":
            raise InvalidInput("claim_id manquant dans l'entrée de la tâche.", field="claim_id")
        if event.get("fail") == "unexpected":
            raise RuntimeError("disk on fire")
        return {"status": "closed"}

    @app.schedule("rate(1 minute)", name="sweep")
    def sweep(event: Any) -> dict[str, int]:
        SERVICE_LOG.info("sweeping")
        return {"sent": 0}

    seen["close_claim"] = close_claim
    return app, seen


def test_a_request_on_a_claim_carries_its_id_route_and_role_never_the_callers_email(wired):
    app, _ = wired
    with json_logs() as captured, Client(app) as client:
        response = client.http.get("/v1/claims/claim-42", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    service_line = captured.with_message("claim claim-42 read")[0]
    request_line = captured.with_message("GET /v1/claims/{claim_id} 200")[0]
    for line in (service_line, request_line):
        assert line["claim_id"] == "claim-42"
        assert line["route"] == "/v1/claims/{claim_id}" and line["method"] == "GET"
        assert line["role"] == "creditor" and line["request_id"]
    assert service_line["name"] == "claims.test"
    assert request_line["status"] == 200 and isinstance(request_line["duration_ms"], int)
    assert CALLER_EMAIL not in captured.text and "user-1" not in captured.text
    assert "secret-token-body" not in captured.text and "Bearer" not in captured.text


def test_the_request_keys_are_cleared_when_it_ends(wired):
    app, _ = wired
    with json_logs() as captured, Client(app) as client:
        client.http.get("/v1/claims/claim-42", headers={"Authorization": f"Bearer {TOKEN}"})
        SERVICE_LOG.info("after the request")
    after = captured.with_message("after the request")[0]
    assert "claim_id" not in after and "route" not in after and "request_id" not in after


def test_a_refused_request_is_logged_with_its_status_and_no_traceback(wired):
    app, _ = wired
    with json_logs() as captured, Client(app) as client:
        response = client.http.post("/v1/claims/claim-7/boom")
    assert response.status_code == 500  # this bare app has no error map; the status is what is logged
    line = captured.with_message("POST /v1/claims/{claim_id}/boom")[0]
    assert line["claim_id"] == "claim-7" and line["status"] == 500


def test_a_task_carries_the_claim_id_and_the_execution_name_and_gets_its_own_input(wired):
    app, seen = wired
    state = {"claim_id": "claim-42", "decision": {"decision": "declined"}}
    event = {"input": state, "execution_name": "claim-42-0f3a9c2b7d1e"}
    with json_logs() as captured, Client(app) as client:
        result = client.lambda_.invoke("close_claim", event)
    assert result.payload == {"status": "closed"}
    assert seen["event"] == state  # unwrapped: the handler reads its input as before
    closing, done = (
        captured.with_message("closing")[0],
        captured.with_message("close_claim done")[0],
    )
    for line in (closing, done):
        assert line["claim_id"] == "claim-42"
        assert line["execution_name"] == "claim-42-0f3a9c2b7d1e"
    assert isinstance(done["duration_ms"], int)


def test_a_task_that_picks_its_fields_gets_them_without_the_execution_name(wired):
    app, seen = wired
    event = {"claim_id": "claim-9", "task_token": "tok", "execution_name": "claim-9-redrive-4"}
    with json_logs() as captured, Client(app) as client:
        client.lambda_.invoke("close_claim", event)
    assert seen["event"] == {"claim_id": "claim-9", "task_token": "tok"}
    assert captured.with_message("closing")[0]["execution_name"] == "claim-9-redrive-4"


def test_task_input_without_an_execution_name_is_unchanged():
    assert logs.task_input({"claim_id": "c"}) == ({"claim_id": "c"}, None)
    assert logs.task_input({"input": {"claim_id": "c"}, "execution_name": "e"}) == ({"claim_id": "c"}, "e")
    assert logs.task_input({"input": "not a state", "execution_name": "e"}) == ({"input": "not a state"}, "e")
    assert logs.task_input(["a list"]) == (["a list"], None)


def test_a_task_binds_the_lambda_context(wired):
    _, seen = wired
    with json_logs() as captured:
        # As the Lambda runtime (and the local platform) calls it: app.<function>(event, context).
        seen["close_claim"]({"claim_id": "claim-1"}, FakeContext())
    line = captured.with_message("claims-dev-close_claim done")[0]
    assert line["function_name"] == "claims-dev-close_claim" and line["function_request_id"] == "req-1234"
    assert line["claim_id"] == "claim-1" and "cold_start" in line


def test_an_expected_task_error_is_one_warning_an_unexpected_one_has_its_traceback(wired):
    app, _ = wired
    with json_logs() as captured, Client(app) as client:
        with pytest.raises(InvalidInput):
            client.lambda_.invoke("close_claim", {"claim_id": "claim-1", "fail": "expected"})
        with pytest.raises(RuntimeError):
            client.lambda_.invoke("close_claim", {"claim_id": "claim-1", "fail": "unexpected"})
    expected, unexpected = captured.with_message("close_claim failed")
    assert expected["level"] == "WARNING" and expected["exception_name"] == "InvalidInput"
    assert "exception" not in expected and expected["claim_id"] == "claim-1"
    assert unexpected["level"] == "ERROR" and "Traceback" in unexpected["exception"]
    assert unexpected["claim_id"] == "claim-1"


def test_a_nested_binding_gives_the_outer_keys_back():
    with json_logs() as captured, logs.bound(request_id="r-1", claim_id="claim-a"):
        with logs.bound(claim_id="claim-b", execution_name="x"):
            SERVICE_LOG.info("inner")
        SERVICE_LOG.info("outer")
    inner, outer = captured.with_message("inner")[0], captured.with_message("outer")[0]
    assert inner["claim_id"] == "claim-b" and inner["request_id"] == "r-1"
    assert outer["claim_id"] == "claim-a" and "execution_name" not in outer


def test_the_level_comes_from_the_environment_variable():
    import subprocess
    import sys

    code = "from chalicelib.logs import logger; print(logger.log_level)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"POWERTOOLS_LOG_LEVEL": "WARNING", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == str(logging.WARNING)


@pytest.fixture
def local_console():
    """logs.use_local_console(), undone after the test."""
    formatter = logs.logger.registered_formatter
    handler = logs.logger.registered_handler
    keys, filters = dict(formatter.log_format), list(handler.filters)  # type: ignore[attr-defined]
    logs.use_local_console()
    yield
    formatter.log_format = keys  # type: ignore[attr-defined]
    handler.filters = filters
    logs._state["quiet_reads"] = False


def test_the_local_console_prints_an_expected_error_in_one_line_and_quiets_successful_reads(
    wired, local_console
):
    app, _ = wired
    with json_logs() as captured, Client(app) as client:
        try:
            raise InvalidInput("montant invalide", field="amount")
        except InvalidInput:
            SERVICE_LOG.warning("refused", exc_info=True)
        client.http.get("/v1/claims/claim-42", headers={"Authorization": f"Bearer {TOKEN}"})
    refused = captured.with_message("refused")[0]
    assert refused["exception"] == "InvalidInput: montant invalide" and "Traceback" not in captured.text
    assert "location" not in refused and "service" not in refused
    assert captured.with_message("GET /v1/claims/{claim_id} 200") == []  # DEBUG: the pages poll
    with json_logs(level="DEBUG") as captured, Client(app) as client:
        client.http.get("/v1/claims/claim-42", headers={"Authorization": f"Bearer {TOKEN}"})
    assert captured.with_message("GET /v1/claims/{claim_id} 200")[0]["level"] == "DEBUG"


def test_a_schedule_logs_its_function_and_its_duration(wired):
    app, _ = wired
    with json_logs() as captured, Client(app) as client:
        event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
        assert client.lambda_.invoke("sweep", event).payload == {"sent": 0}
    assert captured.with_message("sweeping")[0]["function_name"] == "sweep"
    done = captured.with_message("sweep done")[0]
    assert isinstance(done["duration_ms"], int) and "claim_id" not in done


def test_a_key_bound_outside_a_request_or_task_is_ignored():
    """A service called from a script or a test binds nothing that would outlive its work."""
    with json_logs() as captured:
        logs.bind(claim_id="claim-stray")
        SERVICE_LOG.info("outside")
        with logs.bound(request_id="r-2"):
            logs.bind(claim_id="claim-inside")
            SERVICE_LOG.info("inside")
        SERVICE_LOG.info("after")
    assert "claim_id" not in captured.with_message("outside")[0]
    assert captured.with_message("inside")[0]["claim_id"] == "claim-inside"
    assert "claim_id" not in captured.with_message("after")[0]
