"""Many writers on one claim at once: debtor payments recorded together, the same Stripe webhook delivered
by several threads, status changes racing each other. No update is lost, the audit chain still verifies,
and every status change owes exactly one email.

The service-level races run on the in-memory claims repository (``memory``: its writes are checked and
stored under one lock, as DynamoDB's conditional transactions are; the contract suite races writers on both
implementations, tests/contract/test_claims_repository_contract.py); the webhook race goes through the API
and Stripe on the in-process local platform (``aws``)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind, verify_chain
from chalicelib.domain.errors import ConcurrentUpdate, InvalidTransition
from chalicelib.domain.notifications import NO_EVENT
from tests.integration.claims_helpers import b2b_content
from tests.integration.outbox_helpers import status_email
from tests.memory import MemoryAdapters

WRITERS = 8
NOW = datetime(2025, 3, 31, 9, 0, tzinfo=UTC)


def race(work: Callable[[int], Any], writers: int = WRITERS) -> list[Any]:
    """Run ``work(i)`` in ``writers`` threads released at the same instant; results or exceptions."""
    barrier = threading.Barrier(writers)
    results: list[Any] = [None] * writers

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # collected, judged by the test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def claim_in(repository: ClaimRepository, claim_id: str, path: list[ClaimStatus]) -> Claim:
    repository.create(
        Claim(
            claim_id,
            "creditor-1",
            ClaimStatus.DRAFT,
            "Rhône Distribution SARL",
            100_000,
            NOW,
            NOW,
            content=b2b_content(),
        ),
        actor="test",
    )
    for status in path:
        repository.transition(
            claim_id, status, actor="test", reason="préparation", notify=status_email(status)
        )
    return repository.get(claim_id)


def outbox_kinds(repository: ClaimRepository, claim_id: str) -> Counter[tuple[int, str, str]]:
    """(audit event sequence, kind, recipient) of every email a status change of the claim queued (not the
    fee invoice's, queued on its own once its PDF is rendered, in the background)."""
    rows = repository.emails_of([claim_id])
    return Counter((row.sequence, row.kind, row.recipient) for row in rows if row.sequence != NO_EVENT)


def assert_whole(repository: ClaimRepository, claim_id: str) -> list:
    claim = repository.get(claim_id)
    events = repository.events(claim_id)
    check = verify_chain(events, last_hash=claim.last_event_hash, known_count=claim.event_count)
    assert check.valid, check
    assert [e.sequence for e in events] == list(range(1, claim.event_count + 1))
    # Exactly one email to the creditor per status change (plus none twice for the same event).
    changes = [e for e in events if e.kind is EventKind.STATUS_CHANGED and e.from_status is not None]
    queued = outbox_kinds(repository, claim_id)
    assert all(count == 1 for count in queued.values()), queued
    for event in changes:
        assert [k for (seq, k, to) in queued if seq == event.sequence and to == "creditor"], event
    return events


NOTICE_PATH = [ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT]


def test_debtor_payments_recorded_at_once_are_all_kept(memory: MemoryAdapters):
    from chalicelib.services.escalation import record_debtor_payment

    claim_in(memory.new_claims(), "race-pay", NOTICE_PATH)
    repository = memory.new_claims()

    def pay(i: int) -> Claim:
        return record_debtor_payment(
            repository,
            "race-pay",
            actor="creditor-1",
            paid_on=date(2025, 3, 20),
            amount=f"{10 + i}.00",
            resume=lambda token, output: None,
            now=NOW,
        )

    results = race(pay)
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(r, ConcurrentUpdate) for r in refused), refused
    kept = memory.new_claims().get("race-pay")
    amounts = sorted(Decimal(p["amount"]) for p in kept.content["payments"])
    accepted = sorted(Decimal(f"{10 + i}.00") for i, r in enumerate(results) if not isinstance(r, Exception))
    assert amounts == accepted  # every payment the API accepted is in the claim: none lost
    assert len(accepted) == WRITERS  # and none was refused: the service retries a lost race
    events = assert_whole(memory.new_claims(), "race-pay")
    assert len([e for e in events if e.kind is EventKind.PAYMENT]) == WRITERS


@pytest.mark.integration
def test_the_same_webhook_delivered_by_many_threads_moves_the_claim_once(aws, stripe):
    from chalice.test import Client

    import app
    from chalicelib.api.payments import receive_stripe_event
    from tests.integration.claims_helpers import cgv, create_claim, creditor, pdf_bytes, post, upload

    with Client(app.app, stage_name="local") as api:
        token = creditor(api)
        claim_id = create_claim(api, token)["claim_id"]
        upload(api, token, claim_id, pdf_bytes())
        submitted = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token).json_body
    payload, header = stripe.signed(stripe.pay(submitted["checkout"]["session_id"]))

    results = race(lambda i: receive_stripe_event(payload, header))
    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {200, 409}, results  # 409: "being processed", Stripe delivers again later
    assert statuses[200] >= 1
    events = ClaimRepository().events(claim_id)
    paid = [e for e in events if e.to_status is ClaimStatus.ASSESSING and e.kind is EventKind.STATUS_CHANGED]
    assert len(paid) == 1
    receipts = [k for (seq, k, to) in outbox_kinds(ClaimRepository(), claim_id) if k == "payment_received"]
    assert receipts == ["payment_received"]
    assert_whole(ClaimRepository(wake_sender=None), claim_id)


def test_racing_status_changes_each_win_once_with_one_email(memory: MemoryAdapters):
    from chalicelib.services.escalation import report_dispute, report_paid_in_full

    claim_in(memory.new_claims(), "race-status", NOTICE_PATH)
    repository = memory.new_claims()

    def act(i: int) -> Claim:
        if i % 2:
            return report_dispute(repository, "race-status", actor="c", summary=f"litige {i}", now=NOW)
        return report_paid_in_full(
            repository, "race-status", actor="c", note=f"payé {i}", resume=lambda t, o: None, now=NOW
        )

    results = race(act)
    for result in results:
        assert isinstance(result, Claim | ConcurrentUpdate | InvalidTransition), result
    events = assert_whole(memory.new_claims(), "race-status")
    changes = [(e.from_status, e.to_status) for e in events if e.kind is EventKind.STATUS_CHANGED][-2:]
    final = memory.new_claims().get("race-status").status
    assert final in {ClaimStatus.DISPUTED, ClaimStatus.SETTLED}
    # Every change is a legal one, and each status was entered once only.
    entered = Counter(e.to_status for e in events if e.kind is EventKind.STATUS_CHANGED)
    assert entered[ClaimStatus.DISPUTED] <= 1 and entered[ClaimStatus.SETTLED] <= 1
    assert changes[-1][1] is final
