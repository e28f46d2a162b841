"""The local pipeline from payment to notice sent: claims paid through a signed Stripe webhook, then the
state machine (check → mise en demeure rendered, stored, posted and emailed) on the embedded AWS, time
scale on. Figure: claims per minute (the first notice, which pays WeasyPrint's import, is excluded)."""

from __future__ import annotations

import io
import json
import os
import time

CLAIMS = 12


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def run() -> list[tuple[str, str]]:
    import requests

    from bench.local_api import signed_in_creditor
    from chalicelib.adapters.claims_repository import ClaimRepository
    from infra.local.fake_stripe import serve_fake_stripe
    from tests.integration.claims_helpers import PROFILE, b2b_content

    fake, server = serve_fake_stripe(webhook_url=None)
    os.environ.update({"STRIPE_API_BASE": fake.api_base, "CLAIMS_TODAY": "2025-03-31"})
    try:
        with signed_in_creditor() as session:
            api, headers = session.api, session.headers
            api.http.put("/v1/me/profile", headers=headers, body=json.dumps(PROFILE))
            sessions = []
            for index in range(CLAIMS):
                created = api.http.post(
                    "/v1/claims",
                    headers=headers,
                    body=json.dumps({"content": b2b_content(reference=f"B-{index}")}),
                )
                claim_id = json.loads(created.body)["claim_id"]
                slot = json.loads(
                    api.http.post(
                        f"/v1/claims/{claim_id}/documents",
                        headers=headers,
                        body=json.dumps({"filename": "f.pdf", "content_type": "application/pdf"}),
                    ).body
                )
                requests.post(slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": _pdf()})
                confirm = f"/v1/claims/{claim_id}/documents/{slot['document']['document_id']}/confirm"
                api.http.post(confirm, headers=headers)
                submitted = json.loads(api.http.post(f"/v1/claims/{claim_id}/submit", headers=headers).body)
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
        for name in ("STRIPE_API_BASE", "CLAIMS_TODAY"):
            os.environ.pop(name, None)
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
