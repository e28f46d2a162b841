from datetime import UTC, datetime

import pytest

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.adapters.dynamo import ClaimModel
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.errors import ConcurrentUpdate, InvalidTransition, NotFound
from tests.integration.outbox_helpers import status_email

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def new_claim(claim_id: str = "claim-1") -> Claim:
    return Claim(claim_id, "creditor-1", ClaimStatus.DRAFT, "Rhône Distribution SARL", 100_000, NOW, NOW)


def test_created_claim_reads_back_with_its_first_audit_event(aws):
    repository = ClaimRepository()
    repository.create(new_claim(), actor="creditor-1")
    claim = repository.get("claim-1")
    assert claim.status is ClaimStatus.DRAFT
    assert claim.principal_cents == 100_000
    assert claim.version == 1
    [event] = repository.events("claim-1")
    assert (event.sequence, event.from_status, event.to_status) == (1, None, ClaimStatus.DRAFT)


def test_each_transition_appends_an_audit_event_and_bumps_the_version(aws):
    repository = ClaimRepository()
    repository.create(new_claim(), actor="creditor-1")
    repository.transition(
        "claim-1",
        ClaimStatus.AWAITING_PAYMENT,
        actor="creditor-1",
        reason="Paiement demandé",
        notify=status_email(ClaimStatus.AWAITING_PAYMENT),
    )
    moved = repository.transition(
        "claim-1",
        ClaimStatus.ASSESSING,
        actor="stripe",
        reason="Paiement reçu",
        document_hashes={"receipt.pdf": "ab" * 32},
        notify=status_email(ClaimStatus.ASSESSING),
    )
    assert moved.version == 3
    events = repository.events("claim-1")
    assert [e.to_status for e in events] == [
        ClaimStatus.DRAFT,
        ClaimStatus.AWAITING_PAYMENT,
        ClaimStatus.ASSESSING,
    ]
    assert events[-1].document_hashes == {"receipt.pdf": "ab" * 32}
    assert events[-1].actor == "stripe"


def test_an_illegal_transition_writes_nothing(aws):
    repository = ClaimRepository()
    repository.create(new_claim(), actor="creditor-1")
    with pytest.raises(InvalidTransition):
        repository.transition("claim-1", ClaimStatus.FILED, actor="x", reason="raccourci")
    assert repository.get("claim-1").status is ClaimStatus.DRAFT
    assert len(repository.events("claim-1")) == 1


def test_a_stale_writer_loses_and_nothing_is_half_written(aws, monkeypatch):
    repository = ClaimRepository()
    repository.create(new_claim(), actor="creditor-1")
    stale = repository.get("claim-1")
    repository.transition(
        "claim-1",
        ClaimStatus.AWAITING_PAYMENT,
        actor="a",
        reason="premier",
        notify=status_email(ClaimStatus.AWAITING_PAYMENT),
    )
    # The second writer read the claim before the first one wrote: its version is out of date.
    monkeypatch.setattr(repository, "get", lambda claim_id: stale)
    with pytest.raises(ConcurrentUpdate):
        repository.transition("claim-1", ClaimStatus.WITHDRAWN, actor="b", reason="second")
    monkeypatch.undo()
    assert repository.get("claim-1").status is ClaimStatus.AWAITING_PAYMENT
    assert [e.reason for e in repository.events("claim-1")] == ["Créance créée", "premier"]


def test_creating_the_same_claim_twice_is_refused(aws):
    repository = ClaimRepository()
    repository.create(new_claim(), actor="creditor-1")
    with pytest.raises(ConcurrentUpdate):
        repository.create(new_claim(), actor="creditor-1")
    assert ClaimModel.count() == 1


def test_a_missing_claim_is_not_found_in_french(aws):
    with pytest.raises(NotFound) as missing:
        ClaimRepository().get("nope")
    assert missing.value.message == "Cette créance est introuvable."
