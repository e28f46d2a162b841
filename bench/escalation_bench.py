"""The local pipeline from payment to notice sent: claims paid through a signed Stripe webhook, then the
state machine (check → mise en demeure rendered, stored, posted and emailed) on the embedded AWS, time
scale on. Figure: claims per minute (the first notice, which pays WeasyPrint's import, is excluded)."""

from __future__ import annotations

import io
import json
import os
import time

CLAIMS = 12
PASSWORD = "Motdepasse2026"


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def run() -> list[tuple[str, str]]:
    for variable in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        os.environ.pop(variable)
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"}
    )
    import logging

    import requests
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.adapters.aws import reset_clients
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.identity import identity_provider
    from chalicelib.domain.accounts import Role
    from chalicelib.settings import get_settings
    from infra.local import localaws
    from infra.local.fake_stripe import serve_fake_stripe
    from infra.local.provision import provision
    from tests.integration.claims_helpers import PROFILE, b2b_content

    for noisy in ("facturx", "factur-x", "claims"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    localaws.install(time_scale=1e9)
    reset_clients()
    fake, server = serve_fake_stripe(webhook_url=None)
    os.environ.update({"STRIPE_API_BASE": fake.api_base, "CLAIMS_TODAY": "2025-03-31"})
    try:
        with mock_aws(config=localaws.MOTO_CONFIG):
            import app

            provisioned = provision(get_settings(), app.app)
            os.environ.update(
                provisioned.cognito_environment(localaws.moto_jwks_file_url())
                | {"CLAIMS_ALLOW_LOCAL_SIGNING_KEY": "1"}
            )
            get_settings.cache_clear()
            users = identity_provider()
            users.create_user("bench@example.fr", PASSWORD, Role.CREDITOR)
            token = users.sign_in("bench@example.fr", PASSWORD).as_dict()["id_token"]  # type: ignore[union-attr]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            with Client(app.app, stage_name="local") as api:
                api.http.put("/v1/me/profile", headers=headers, body=json.dumps(PROFILE))
                sessions = []
                for index in range(CLAIMS):
                    created = api.http.post(
                        "/v1/claims",
                        headers=headers,
                        body=json.dumps({"content": b2b_content(reference=f"BENCH-{index}")}),
                    )
                    claim_id = json.loads(created.body)["claim_id"]
                    slot = json.loads(
                        api.http.post(
                            f"/v1/claims/{claim_id}/documents",
                            headers=headers,
                            body=json.dumps({"filename": "f.pdf", "content_type": "application/pdf"}),
                        ).body
                    )
                    requests.post(
                        slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": _pdf()}
                    )
                    api.http.post(
                        f"/v1/claims/{claim_id}/documents/{slot['document']['document_id']}/confirm",
                        headers=headers,
                    )
                    submitted = json.loads(
                        api.http.post(f"/v1/claims/{claim_id}/submit", headers=headers).body
                    )
                    sessions.append((claim_id, submitted["checkout"]["session_id"]))

                def pay(claim_id: str, session_id: str) -> None:
                    payload, signature = fake.signed(fake.pay(session_id))
                    api.http.post(
                        "/v1/webhooks/stripe",
                        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
                        body=payload,
                    )

                def wait_notice(claim_ids: list[str]) -> None:
                    repository = ClaimRepository()
                    deadline = time.monotonic() + 600
                    while any(repository.get(c).status.value == "assessing" for c in claim_ids):
                        assert time.monotonic() < deadline, "notices not sent in time"
                        time.sleep(0.05)

                first, *rest = sessions
                pay(*first)  # warm-up: WeasyPrint's import and first render
                wait_notice([first[0]])
                started = time.perf_counter()
                for claim_id, session_id in rest:
                    pay(claim_id, session_id)
                wait_notice([claim_id for claim_id, _ in rest])
                elapsed = time.perf_counter() - started
                time.sleep(3)  # let the background email senders finish before the embedded AWS goes away
    finally:
        server.shutdown()
        fake.close()
        reset_clients()
        for name in ("STRIPE_API_BASE", "CLAIMS_TODAY"):
            os.environ.pop(name, None)
        get_settings.cache_clear()
    per_minute = len(rest) * 60 / elapsed
    return [
        (
            f"escalation: payment → notice sent, local pipeline ({len(rest)} claims)",
            f"{per_minute:.0f} claims/min ({elapsed / len(rest):.2f} s each, time scale on)",
        )
    ]


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
