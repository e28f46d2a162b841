"""Secrets fail closed, and Stripe's events are checked against what was created for the claim (issue 20).

Outside the local platform a missing or placeholder secret stops the app at start-up (``MissingSecret``
naming the variable) and the webhook never verifies with the public ``whsec_local_simulation``; an event
whose amount, currency, payment status or refund does not match the claim's checkout is refused (400) and
changes nothing."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.claims_helpers import creditor, get
from tests.integration.test_payments import deliver, executions, submitted

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REAL = {
    "COGNITO_USER_POOL_ID": "eu-west-3_Example1",
    "COGNITO_CLIENT_ID": "exampleclientid",
    "STRIPE_SECRET_KEY": "sk_live_realkey",
    "STRIPE_WEBHOOK_SECRET": "whsec_realsecret",
    # The operator's identity on the fee invoices (a real company's shape: SIREN and its French VAT number).
    "OPERATOR_LEGAL_NAME": "Recouvrement Exemple SAS",
    "OPERATOR_LEGAL_FORM": "société par actions simplifiée",
    "OPERATOR_SIREN": "732829320",
    "OPERATOR_VAT_NUMBER": "FR44732829320",
    "OPERATOR_ADDRESS": "1 rue de l'Exemple, 75001 Paris",
    "OPERATOR_EMAIL": "contact@recouvrement.example.fr",
}


def _switch(patch: pytest.MonkeyPatch, name: str, **variables: str | None) -> None:
    """Another stage's settings (only the variables named change; the rest is the environment's)."""
    from chalicelib.settings import get_settings

    patch.setenv("CLAIMS_STAGE", name)
    patch.delenv("CLAIMS_TODAY", raising=False)
    patch.delenv("CLAIMS_ALLOW_LOCAL_SIGNING_KEY", raising=False)
    for variable, value in variables.items():
        if value is None:
            patch.delenv(variable, raising=False)
        else:
            patch.setenv(variable, value)
    get_settings.cache_clear()


@pytest.fixture
def stage(monkeypatch):
    from chalicelib.settings import get_settings

    yield lambda name, **variables: _switch(monkeypatch, name, **variables)
    get_settings.cache_clear()


# --- start-up ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "value"),
    [
        ("STRIPE_SECRET_KEY", None),
        ("STRIPE_WEBHOOK_SECRET", None),
        ("STRIPE_WEBHOOK_SECRET", "whsec_local_simulation"),
        ("STRIPE_SECRET_KEY", "sk_test_local_simulation"),
        ("STRIPE_WEBHOOK_SECRET", "not-a-stripe-secret"),
        ("COGNITO_USER_POOL_ID", None),
        ("COGNITO_CLIENT_ID", None),
        ("OPERATOR_LEGAL_NAME", None),
        ("OPERATOR_SIREN", None),
        ("OPERATOR_SIREN", "732829321"),  # wrong check digit
        ("OPERATOR_SIREN", "900000001"),  # the demonstration company's
        ("OPERATOR_VAT_NUMBER", "FR96552100554"),  # another company's number
        ("OPERATOR_ADDRESS", ""),
        ("OPERATOR_EMAIL", "contact"),
    ],
)
def test_start_up_outside_local_without_a_real_secret_raises_naming_it(stage, missing, value):
    from chalicelib.settings import MissingSecret, check_startup

    stage("prod", **(REAL | {missing: value}))
    with pytest.raises(MissingSecret) as raised:
        check_startup()
    assert raised.value.setting == missing
    assert missing in str(raised.value) and "'prod'" in str(raised.value)


def test_moto_public_signing_key_is_refused_at_start_up_outside_local(stage, monkeypatch):
    from chalicelib.settings import MissingSecret, check_startup

    stage("prod", **REAL)
    monkeypatch.setenv("CLAIMS_ALLOW_LOCAL_SIGNING_KEY", "1")
    with pytest.raises(MissingSecret, match="CLAIMS_ALLOW_LOCAL_SIGNING_KEY"):
        check_startup()


def test_start_up_with_real_secrets_or_on_the_local_platform_passes(stage):
    from chalicelib.settings import check_startup

    stage("prod", **REAL)
    assert check_startup().stripe_webhook_secret == "whsec_realsecret"
    stage("local", STRIPE_SECRET_KEY=None, STRIPE_WEBHOOK_SECRET=None)
    assert check_startup().stripe_webhook_secret == "whsec_local_simulation"


def test_only_the_functions_that_call_stripe_need_its_keys(stage, monkeypatch):
    """On AWS only the API and check_claim receive the Stripe keys (infra/aws/app_functions.py)."""
    from chalicelib.settings import STRIPE_FUNCTIONS, MissingSecret, check_startup
    from infra.aws.app_functions import STRIPE_FUNCTIONS as DEPLOYED_WITH_STRIPE

    assert STRIPE_FUNCTIONS == DEPLOYED_WITH_STRIPE
    stage("prod", **(REAL | {"STRIPE_SECRET_KEY": None, "STRIPE_WEBHOOK_SECRET": None}))
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "claims-prod-send_notice")
    check_startup()
    for function in ("claims-prod", "claims-prod-check_claim"):
        monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", function)
        with pytest.raises(MissingSecret, match="STRIPE_SECRET_KEY"):
            check_startup()


def test_importing_the_app_on_prod_without_secrets_fails_with_a_clear_error():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "COGNITO_", "CLAIMS_"))}
    env |= {"CLAIMS_STAGE": "prod", "COGNITO_USER_POOL_ID": "eu-west-3_X", "COGNITO_CLIENT_ID": "c"}
    result = subprocess.run(
        [sys.executable, "-c", "import app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "MissingSecret: STRIPE_SECRET_KEY is missing (stage 'prod'" in result.stderr


# --- the webhook outside the local platform ---------------------------------------------------------------


def _local_resources() -> dict[str, str]:
    """The in-process platform's idempotency table and state machine, kept when the stage is switched (so
    that an accepted event would really take effect, as on a misconfigured stage)."""
    from chalicelib.settings import get_settings

    settings = get_settings()
    return {
        "IDEMPOTENCY_TABLE": settings.idempotency_table,
        "ESCALATION_STATE_MACHINE_ARN": settings.state_machine_arn,
    }


def test_an_event_signed_with_the_placeholder_is_refused_outside_local(api, stripe):
    from chalicelib.api.payments import receive_stripe_event
    from chalicelib.settings import get_settings

    token = creditor(api)
    claim_id, result = submitted(api, token)
    payload, header = stripe.signed(stripe.pay(result["checkout"]["session_id"]))  # whsec_local_simulation
    resources = _local_resources()

    with pytest.MonkeyPatch.context() as patch:
        # The real secret is set: the placeholder's signature is a forgery.
        _switch(patch, "prod", **(resources | REAL))
        status, body = receive_stripe_event(payload.encode(), header)
        assert status == 400 and body["error"]["code"] == "invalid_webhook"
        # No secret, or the placeholder: nothing verifies, nothing is accepted.
        for secret in (None, "whsec_local_simulation"):
            _switch(patch, "prod", **(resources | REAL | {"STRIPE_WEBHOOK_SECRET": secret}))
            status, body = receive_stripe_event(payload.encode(), header)
            assert status == 503 and "indisponible" in body["error"]["message"]
    get_settings.cache_clear()

    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "awaiting_payment"
    assert executions(claim_id) == []


# --- events checked against the claim's checkout ---------------------------------------------------------


def _forged(event: dict, suffix: str, **changes) -> dict:
    forged = copy.deepcopy(event)
    forged["id"] = f"{event['id']}_{suffix}"
    forged["data"]["object"].update(changes)
    return forged


def _unchanged(api, token, claim_id, events_before):
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["status"] == "awaiting_payment"
    assert claim["checkouts"][0]["status"] == "open"
    assert executions(claim_id) == []
    assert len(get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]) == events_before


@pytest.mark.parametrize(
    ("event_type", "changes"),
    [
        ("checkout.session.completed", {"amount_total": 1}),
        ("checkout.session.completed", {"amount_total": "2900"}),
        ("checkout.session.completed", {"currency": "usd"}),
        ("checkout.session.completed", {"payment_status": "no_payment_required"}),
        ("checkout.session.completed", {"payment_status": "PAID"}),
        ("checkout.session.async_payment_succeeded", {"payment_status": "unpaid"}),
        ("checkout.session.expired", {"amount_total": 999999}),
    ],
)
def test_a_session_event_that_does_not_match_the_checkout_changes_nothing(api, stripe, event_type, changes):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    paid = stripe.pay(result["checkout"]["session_id"])
    before = len(get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"])
    forged = _forged(paid, "forged", **changes)
    forged["type"] = event_type
    response = deliver(api, forged, fake=stripe)
    assert response.status_code == 400, response.json_body
    assert response.json_body["error"]["code"] == "payment_mismatch"
    assert "ne correspond pas" in response.json_body["error"]["message"]
    _unchanged(api, token, claim_id, before)
    # The genuine event still works afterwards.
    assert deliver(api, paid, fake=stripe).json_body["result"] == "paid; escalation started"


def test_a_completed_but_unpaid_session_does_not_pay_the_claim(api, stripe):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    paid = stripe.pay(result["checkout"]["session_id"])
    response = deliver(api, _forged(paid, "unpaid", payment_status="unpaid"), fake=stripe)
    assert response.status_code == 200  # a deferred payment on its way, as Stripe sends it
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["status"] == "awaiting_payment" and claim["checkouts"][0]["status"] == "processing"
    assert executions(claim_id) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"amount_refunded": 999_999},  # 9 999,99 € refunded on a 29 € payment
        {"amount": 999_999, "amount_refunded": 999_999},
        {"currency": "usd"},
        {"amount_refunded": -100},
    ],
)
def test_a_refund_that_does_not_fit_the_payment_is_not_recorded(api, stripe, changes):
    token = creditor(api)
    claim_id, result = submitted(api, token)
    session_id = result["checkout"]["session_id"]
    assert deliver(api, stripe.pay(session_id), fake=stripe).status_code == 200
    intent = get(api, f"/v1/claims/{claim_id}", token).json_body["checkouts"][0]
    before = len(get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"])
    payment_intent = stripe.retrieve_checkout_session(session_id)["payment_intent"]
    stripe.refund(payment_intent, 1000)
    [refund_event] = stripe.events("charge.refunded")
    response = deliver(api, _forged(refund_event, "forged", **changes), fake=stripe)
    assert response.status_code == 400 and response.json_body["error"]["code"] == "payment_mismatch"
    checkout = get(api, f"/v1/claims/{claim_id}", token).json_body["checkouts"][0]
    assert checkout == intent and checkout["status"] == "paid" and checkout["refunded"] == "0.00"
    assert len(get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]) == before
    # The genuine partial refund is recorded.
    assert deliver(api, refund_event, fake=stripe).json_body["result"] == "refund recorded"
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["checkouts"][0]["refunded"] == "10.00"
