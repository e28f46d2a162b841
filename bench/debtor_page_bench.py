"""The debtor's page (issue 22): the server time of ``GET /v1/debtor/{token}`` — the link looked up, the visit
recorded, the claim assessed on the day, the EPC QR code drawn — on the in-process platform (Chalice's test
client, in-process moto), for a claim whose mise en demeure was sent."""

from __future__ import annotations

import os
import statistics
import time

RUNS = 40


def run() -> list[tuple[str, str]]:
    os.environ["CLAIMS_LIMIT_DEBTOR_PAGE_IP"] = "100000/60"  # the bench is one address asking many times
    os.environ["CLAIMS_TODAY"] = "2025-03-31"
    from bench.local_api import signed_in_creditor
    from tests.integration.claims_helpers import PROFILE, b2b_content

    with signed_in_creditor("debtor-page@example.fr") as signed:
        api = signed.api
        assert api.http.put("/v1/me/profile", headers=signed.headers, body=_json(PROFILE)).status_code == 200
        created = api.http.post("/v1/claims", headers=signed.headers, body=_json({"content": b2b_content()}))
        claim_id = created.json_body["claim_id"]
        token = _sent(claim_id)
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            answer = api.http.get(f"/v1/debtor/{token}")
            timings.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.body[:300]
    timings.sort()
    median = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95) - 1] * 1000
    return [
        (
            "debtor page: GET /v1/debtor/{token} (server, in-process)",
            f"median {median:.0f} ms, p95 {p95:.0f} ms",
        )
    ]


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def _sent(claim_id: str) -> str:
    """The claim moved to « mise en demeure envoyée » as the escalation would, and its debtor link."""
    import datetime as dt

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.debtor_links import DebtorLinks
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.domain.claim import ClaimStatus
    from tests.integration.outbox_helpers import NOTICE_KEY, status_email

    DocumentStore().put(NOTICE_KEY, b"%PDF-1.7\n%bench\n", "application/pdf")  # the file the email attaches
    repository = ClaimRepository()
    for status in (ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT):
        repository.transition(
            claim_id, status, actor="bench", reason="banc d'essai", notify=status_email(status)
        )
    return DebtorLinks().ensure(claim_id, dt.datetime.now(dt.UTC)).token
