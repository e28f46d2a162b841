"""AWS cost of one claim, counted from a local run (bench/cost_model.py): a B2B claim filed with one invoice,
paid, formal notice rendered, stored, posted and emailed, deadline passed, escalation offered, accepted and
paid, dossier assembled, handed to the lawyers' queue — on the in-process embedded AWS, time scale on.

Counting starts once the creditor's account and profile exist (per-account work is not per-claim), and the
bench's own polling is not counted. Fixed monthly costs (the outbox sweep every minute, alarms, the
CloudFront distribution) are not per claim and are listed apart in the README.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

WAIT_SECONDS = 300


def _memory_by_function(chalice_app: Any) -> dict[str, int]:
    from infra.aws.app_functions import MEMORY_MB, PDF_FUNCTIONS

    memory = {"api_handler": MEMORY_MB["api"], "signed_in": MEMORY_MB["api"]}
    for function in chalice_app.pure_lambda_functions:
        memory[function.name] = MEMORY_MB["pdf" if function.name in PDF_FUNCTIONS else "other"]
    return memory


def _wait(meter: Any, claim_id: str, status: str) -> None:
    from chalicelib.adapters.claims_repository import ClaimRepository

    deadline = time.monotonic() + WAIT_SECONDS
    with meter.paused():
        while ClaimRepository().get(claim_id).status.value != status:
            assert time.monotonic() < deadline, f"{claim_id} never reached {status}"
            time.sleep(0.05)


def _wait_for_lawyer_queue(meter: Any, claim_id: str) -> None:
    from chalicelib.adapters.claims_repository import ClaimRepository

    deadline = time.monotonic() + WAIT_SECONDS
    with meter.paused():
        while "avocat" not in ClaimRepository().events(claim_id)[-1].reason:
            assert time.monotonic() < deadline, "the dossier never reached the lawyers' queue"
            time.sleep(0.05)


def _after_the_run(meter: Any, claim_id: str) -> None:
    """State transitions of the claim's executions and the bytes stored for it (not counted as usage)."""
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    settings = get_settings()
    with meter.paused():
        sfn, s3 = client("stepfunctions"), client("s3")
        executions = sfn.list_executions(stateMachineArn=settings.state_machine_arn)["executions"]
        for execution in [e for e in executions if e["name"].startswith(claim_id)]:
            history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)
            meter.usage.state_transitions += sum(
                e["type"].endswith("StateEntered") for e in history["events"]
            )
        from bench.cost_model import letter_price
        from chalicelib.adapters.claims_repository import ClaimRepository

        notice = ClaimRepository().get(claim_id).notice
        letter = letter_price(
            notice.to_json() if notice else {},
            lrar_cents=settings.postal_price_lrar_cents,
            lre_cents=settings.postal_price_lre_cents,
        )
        if letter is not None:
            meter.usage.letters.append(letter)
        for prefix in (f"claims/{claim_id}/", f"shares/{claim_id}/"):
            listed = s3.list_objects_v2(Bucket=settings.documents_bucket, Prefix=prefix).get("Contents", [])
            meter.usage.stored_bytes += sum(obj["Size"] for obj in listed)


def measure() -> tuple[Any, dict[str, int]]:
    """Run one claim end to end and return its usage and the memory of each function."""
    import app as app_module
    from bench.cost_model import UsageMeter
    from bench.local_api import signed_in_creditor
    from chalicelib.settings import get_settings
    from infra.local.fake_stripe import serve_fake_stripe
    from tests.integration.claims_helpers import PROFILE, cgv, create_claim, pdf_bytes, post, upload

    fake, server = serve_fake_stripe(webhook_url=None)
    os.environ.update({"STRIPE_API_BASE": fake.api_base, "CLAIMS_TODAY": "2025-03-31"})
    get_settings.cache_clear()
    meter = UsageMeter()
    meter.install(app_module)
    try:
        with signed_in_creditor("cout@example.fr") as session:
            api, token = session.api, session.token
            api.http.put("/v1/me/profile", headers=session.headers, body=json.dumps(PROFILE))

            def pay(session_id: str) -> None:
                payload, signature = fake.signed(fake.pay(session_id))
                response = api.http.post(
                    "/v1/webhooks/stripe",
                    headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
                    body=payload,
                )
                assert response.status_code == 200, response.body

            meter.counting = True
            claim_id = create_claim(api, token)["claim_id"]
            confirmed, _ = upload(api, token, claim_id, pdf_bytes())
            assert confirmed.status_code == 200, confirmed.json_body
            meter.usage.s3_puts += 1  # the browser's presigned POST goes to S3 without the SDK
            submitted = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token)
            assert submitted.status_code == 200, submitted.json_body
            pay(submitted.json_body["checkout"]["session_id"])
            _wait(meter, claim_id, "escalation_offered")
            accepted = post(api, f"/v1/claims/{claim_id}/escalation", {"decision": "accept"}, token)
            assert accepted.status_code == 201, accepted.json_body
            pay(accepted.json_body["session_id"])
            _wait(meter, claim_id, "dossier_ready")
            _wait_for_lawyer_queue(meter, claim_id)
            time.sleep(3)  # the outbox's background senders finish their emails
            meter.counting = False
            _after_the_run(meter, claim_id)
            memory = _memory_by_function(app_module.app)
    finally:
        meter.uninstall()
        server.shutdown()
        fake.close()
        for name in ("STRIPE_API_BASE", "CLAIMS_TODAY"):
            os.environ.pop(name, None)
        get_settings.cache_clear()
    usage = meter.usage
    # The authorizer ran inside the API's request locally; on AWS it is a function of its own.
    usage.seconds["api_handler"] = max(0.0, usage.seconds["api_handler"] - usage.seconds["signed_in"])
    return usage, memory


def run() -> list[tuple[str, str]]:
    from bench.cost_model import PRICES_AS_OF, cost

    usage, memory = measure()
    priced = cost(usage, memory)
    dynamodb = {k: v for k, v in usage.sdk_calls.items() if k.startswith("dynamodb.")}
    rows = [
        ("cost: one claim to the lawyer's desk, AWS eu-west-3 list prices", f"{priced.total:.5f} USD"),
        (
            "cost: Lambda invocations (API + authorizer + tasks/background)",
            f"{usage.lambda_requests()} ({usage.api_requests} + {usage.authorizer_calls} + "
            f"{sum(usage.invocations.values())}), {priced.gb_seconds:.2f} GB-s (local durations)",
        ),
        ("cost: Step Functions state transitions", str(usage.state_transitions)),
        (
            "cost: DynamoDB requests, write / read units",
            f"{sum(dynamodb.values())} requests, {usage.write_units:.0f} WRU / {usage.read_units:.1f} RRU",
        ),
        (
            "cost: SES messages, S3 PUT / GET, S3 bytes stored",
            f"{usage.ses_messages}, {usage.s3_puts} / {usage.s3_gets}, {usage.stored_bytes / 1024:.0f} KiB",
        ),
    ]
    rows += [(f"cost:   {name}", f"{value:.6f} USD") for name, value in priced.lines.items()]
    rows += [(f"cost: {name}", f"{value:.2f} EUR HT") for name, value in priced.provider_eur.items()]
    rows.append(("cost: prices", PRICES_AS_OF))
    return rows


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
