"""What every claims repository does, on DynamoDB (moto) and in memory alike: the audit trail written with
each change, optimistic versioning (a stale writer gets a 409 and nothing is half written), the emails a
change owes written in the same transaction, the reads on behalf of a caller (data isolation), and the
rewrite of an ended claim's history."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind, verify_chain
from chalicelib.domain.errors import ConcurrentUpdate, InvalidTransition, NotFound
from chalicelib.domain.notifications import Notification
from tests.contract.conftest import ClaimsBackend
from tests.integration.claims_helpers import b2b_content
from tests.integration.outbox_helpers import status_email

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def new_claim(claim_id: str = "claim-1") -> Claim:
    return Claim(claim_id, "creditor-1", ClaimStatus.DRAFT, "Rhône Distribution SARL", 100_000, NOW, NOW)


# --- the audit trail and the version (was tests/integration/test_claims_repository.py) ---------------------


def test_created_claim_reads_back_with_its_first_audit_event(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    claim = repository.get("claim-1")
    assert claim.status is ClaimStatus.DRAFT
    assert claim.principal_cents == 100_000
    assert claim.version == 1
    [event] = repository.events("claim-1")
    assert (event.sequence, event.from_status, event.to_status) == (1, None, ClaimStatus.DRAFT)


def test_each_transition_appends_an_audit_event_and_bumps_the_version(claims: ClaimsBackend):
    repository = claims.new()
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


def test_an_illegal_transition_writes_nothing(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    with pytest.raises(InvalidTransition):
        repository.transition("claim-1", ClaimStatus.FILED, actor="x", reason="raccourci")
    assert repository.get("claim-1").status is ClaimStatus.DRAFT
    assert len(repository.events("claim-1")) == 1


def test_a_stale_writer_loses_and_nothing_is_half_written(claims: ClaimsBackend, monkeypatch):
    repository = claims.new()
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


def test_creating_the_same_claim_twice_is_refused(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    with pytest.raises(ConcurrentUpdate):
        repository.create(new_claim(), actor="creditor-1")
    assert claims.count() == 1


def test_a_missing_claim_is_not_found_in_french(claims: ClaimsBackend):
    with pytest.raises(NotFound) as missing:
        claims.new().get("nope")
    assert missing.value.message == "Cette créance est introuvable."


# --- more of the same contract ------------------------------------------------------------------------------


def test_a_change_made_against_a_stale_version_is_a_409_and_writes_nothing(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    read = repository.get("claim-1")
    repository.record(
        "claim-1", kind=EventKind.CONTENT_UPDATED, actor="a", reason="premier", expected_version=1
    )
    with pytest.raises(ConcurrentUpdate) as stale:
        repository.record(
            "claim-1",
            kind=EventKind.CONTENT_UPDATED,
            actor="b",
            reason="second",
            expected_version=read.version,
        )
    assert stale.value.details == [{"field": "version", "message": stale.value.message}]
    assert repository.get("claim-1").version == 2
    assert [e.reason for e in repository.events("claim-1")] == ["Créance créée", "premier"]


def test_a_record_keeps_the_status_and_changes_what_it_is_given(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    content = {"reference": "DOS-1", "invoices": [{"amount_ttc": "1000.00"}], "note": None}
    changed = repository.record(
        "claim-1",
        kind=EventKind.CONTENT_UPDATED,
        actor="creditor-1",
        reason="Contenu modifié",
        change=lambda claim: replace(claim, content=content, status=ClaimStatus.FILED),
        now=NOW + timedelta(hours=1),
    )
    stored = repository.get("claim-1")
    assert changed.status is stored.status is ClaimStatus.DRAFT  # a record never moves the status
    assert stored.content == content
    assert stored.updated_at == NOW + timedelta(hours=1)
    [_, event] = repository.events("claim-1")
    assert (event.kind, event.from_status, event.to_status) == (
        EventKind.CONTENT_UPDATED,
        ClaimStatus.DRAFT,
        ClaimStatus.DRAFT,
    )


def test_the_timeline_is_a_verifiable_hash_chain(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    for status in (ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT):
        repository.transition("claim-1", status, actor="t", reason="étape", notify=status_email(status))
    claim = repository.get("claim-1")
    events = repository.events("claim-1")
    assert [e.sequence for e in events] == [1, 2, 3, 4] and claim.event_count == 4
    assert verify_chain(events, last_hash=claim.last_event_hash, known_count=claim.event_count).valid


def test_content_dynamodb_cannot_hold_is_refused_before_anything_is_written(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")

    def with_decimal(claim: Claim) -> Claim:
        return replace(claim, content={"amount": Decimal("1.00")})

    with pytest.raises(TypeError):
        repository.record(
            "claim-1", kind=EventKind.CONTENT_UPDATED, actor="a", reason="x", change=with_decimal
        )
    assert repository.get("claim-1").version == 1
    assert len(repository.events("claim-1")) == 1


# --- the emails a change owes: written with it, or not at all ----------------------------------------------


def test_the_emails_of_a_change_are_written_with_it_and_wake_the_sender(claims: ClaimsBackend):
    woken: list[str] = []
    repository = claims.new(wake_sender=woken.append)
    repository.create(new_claim(), actor="creditor-1")
    assert repository.emails_of(["claim-1"]) == [] and woken == []  # a draft owes no email
    repository.transition(
        "claim-1",
        ClaimStatus.AWAITING_PAYMENT,
        actor="creditor-1",
        reason="Paiement demandé",
        notify=status_email(ClaimStatus.AWAITING_PAYMENT),
    )
    [email] = repository.emails_of(["claim-1", "claim-1", "other"])
    assert (email.outbox_id, email.sequence, email.kind, email.recipient) == (
        "claim-1#2#1",
        2,
        "claim_submitted",
        "creditor",
    )
    assert email.status.value == "pending" and email.attempts == 0
    assert email.context["amount_due"] == "29.00"
    assert woken == ["claim-1"]
    repository.delete_emails([email.outbox_id, "missing#1#1"])
    assert repository.emails_of(["claim-1"]) == []


def test_the_emails_of_a_claim_are_read_by_claim_never_by_a_scan(claims: ClaimsBackend, monkeypatch):
    # A claim's file and the data export read its emails; scanning every claim's would grow with the table.
    from chalicelib.adapters.dynamo import OutboxModel

    def no_scan(*args, **kwargs):
        raise AssertionError("the outbox table was scanned")

    monkeypatch.setattr(OutboxModel, "scan", no_scan)
    repository = claims.new()
    for claim_id in ("claim-1", "claim-2", "claim-3"):
        repository.create(new_claim(claim_id), actor="creditor-1")
        repository.transition(
            claim_id,
            ClaimStatus.AWAITING_PAYMENT,
            actor="creditor-1",
            reason="Paiement demandé",
            notify=status_email(ClaimStatus.AWAITING_PAYMENT),
        )
    assert [email.outbox_id for email in repository.emails_of(["claim-3", "claim-1"])] == [
        "claim-1#2#1",
        "claim-3#2#1",
    ]


def test_an_email_that_cannot_be_rendered_refuses_the_change(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    with pytest.raises(ValueError):
        repository.transition(
            "claim-1",
            ClaimStatus.AWAITING_PAYMENT,
            actor="creditor-1",
            reason="Paiement demandé",
            notify=Notification("claim_submitted", {"amount_due": "29.00"}),  # payment_url missing
        )
    assert repository.get("claim-1").status is ClaimStatus.DRAFT
    assert len(repository.events("claim-1")) == 1
    assert repository.emails_of(["claim-1"]) == []


# --- racing writers ----------------------------------------------------------------------------------------


def test_writers_racing_on_one_version_each_win_once(claims: ClaimsBackend):
    """Eight threads record against the same version at the same instant: exactly one wins."""
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    barrier = threading.Barrier(8)
    outcomes: list[object] = []

    def write(i: int) -> None:
        barrier.wait()
        try:
            outcomes.append(
                repository.record(
                    "claim-1",
                    kind=EventKind.CONTENT_UPDATED,
                    actor=f"w{i}",
                    reason=f"écriture {i}",
                    expected_version=1,
                )
            )
        except ConcurrentUpdate as error:
            outcomes.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len([o for o in outcomes if isinstance(o, Claim)]) == 1
    assert len([o for o in outcomes if isinstance(o, ConcurrentUpdate)]) == 7
    claim = repository.get("claim-1")
    events = repository.events("claim-1")
    assert claim.version == 2 and len(events) == 2
    assert verify_chain(events, last_hash=claim.last_event_hash, known_count=claim.event_count).valid


def test_concurrent_writers_of_one_claim_never_lose_an_update(claims: ClaimsBackend):
    """Two writers that read the same version race for real (threads): one wins, the other is told.
    (Was in tests/integration/test_claims_api.py.)"""
    from chalicelib.domain.claim_content import ClaimContent
    from chalicelib.services.claims import create_draft

    identity = Identity("creditor-1", "c@example.fr", Role.CREDITOR)
    repository = claims.new()
    claim = create_draft(
        repository, identity, ClaimContent.model_validate(b2b_content()), now=datetime.now(UTC)
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def writer(reference: str) -> None:
        def change(current):
            barrier.wait(timeout=10)  # both have read version 1 before either writes
            return replace(current, reference=reference)

        try:
            claims.new().record(
                claim.claim_id, kind=EventKind.CONTENT_UPDATED, actor="t", reason=reference, change=change
            )
            outcomes.append(f"ok:{reference}")
        except ConcurrentUpdate:
            outcomes.append(f"409:{reference}")

    threads = [threading.Thread(target=writer, args=(ref,)) for ref in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split(":")[0] for o in outcomes) == ["409", "ok"]
    winner = next(o.split(":")[1] for o in outcomes if o.startswith("ok"))
    stored = repository.get(claim.claim_id)
    assert stored.reference == winner and stored.version == 2
    assert [e.reason for e in repository.events(claim.claim_id)] == ["Brouillon créé", winner]


# --- reads on behalf of a caller (was tests/integration/test_claim_visibility.py) ---------------------------

ALICE = Identity("creditor-alice", "alice@exemple.fr", Role.CREDITOR)
BOB = Identity("creditor-bob", "bob@exemple.fr", Role.CREDITOR)
LAWYER = Identity("lawyer-1", "me.martin@exemple.fr", Role.LAWYER)
OTHER_LAWYER = Identity("lawyer-2", "me.durand@exemple.fr", Role.LAWYER)
OPERATOR = Identity("operator-1", "ops@exemple.fr", Role.OPERATOR)


@pytest.fixture
def visible(claims: ClaimsBackend):
    """Data isolation lives in the repository: a read that carries the caller's identity only returns what
    the caller may see, and a claim they may not see is *not found* (its id does not leak)."""

    def store(
        claim_id: str, creditor: Identity, *, lawyer: Identity | None = None, age_days: int = 0
    ) -> None:
        at = NOW - timedelta(days=age_days)
        claims.new().create(
            Claim(
                claim_id,
                creditor.user_id,
                ClaimStatus.DRAFT,
                "Débiteur SAS",
                10_000,
                at,
                at,
                assigned_lawyer_id=lawyer.user_id if lawyer else None,
            ),
            actor=creditor.user_id,
        )

    store("alice-old", ALICE, age_days=2)
    store("alice-new", ALICE, lawyer=LAWYER)
    store("bob-1", BOB, lawyer=OTHER_LAWYER, age_days=1)
    return claims.new()


def ids(claims: list[Claim]) -> list[str]:
    return [claim.claim_id for claim in claims]


def test_a_creditor_sees_only_their_own_claims(visible):
    assert ids(visible.list_for(ALICE)) == ["alice-new", "alice-old"]
    assert ids(visible.list_for(BOB)) == ["bob-1"]
    assert visible.get_for(ALICE, "alice-old").creditor_id == ALICE.user_id


def test_another_creditors_claim_is_not_found_rather_than_forbidden(visible):
    with pytest.raises(NotFound) as hidden:
        visible.get_for(ALICE, "bob-1")
    with pytest.raises(NotFound) as missing:
        visible.get_for(ALICE, "does-not-exist")
    assert hidden.value.message == missing.value.message == "Cette créance est introuvable."


def test_a_lawyer_sees_only_the_claims_assigned_to_them(visible):
    assert ids(visible.list_for(LAWYER)) == ["alice-new"]
    assert visible.get_for(LAWYER, "alice-new").assigned_lawyer_id == LAWYER.user_id
    for claim_id in ("alice-old", "bob-1"):
        with pytest.raises(NotFound):
            visible.get_for(LAWYER, claim_id)
    assert ids(visible.list_for(OTHER_LAWYER)) == ["bob-1"]


def test_an_operator_sees_every_claim(visible):
    assert ids(visible.list_for(OPERATOR)) == ["alice-new", "bob-1", "alice-old"]
    assert visible.get_for(OPERATOR, "bob-1").creditor_id == BOB.user_id


def test_an_identity_with_no_claims_sees_nothing(visible):
    assert visible.list_for(Identity("creditor-carol", "c@exemple.fr", Role.CREDITOR)) == []
    assert visible.list_for(Identity("lawyer-3", "l@exemple.fr", Role.LAWYER)) == []


def test_the_claims_of_a_lawyer_and_of_statuses(visible):
    later = Claim("alice-newer", ALICE.user_id, ClaimStatus.DRAFT, "X", 1, NOW + timedelta(days=1), NOW)
    visible.create(replace(later, assigned_lawyer_id=LAWYER.user_id), actor="a")
    assert ids(visible.assigned_to(LAWYER.user_id)) == ["alice-new", "alice-newer"]  # oldest first
    assert visible.assigned_to("lawyer-3") == []
    visible.transition(
        "bob-1",
        ClaimStatus.AWAITING_PAYMENT,
        actor="b",
        reason="r",
        notify=status_email(ClaimStatus.AWAITING_PAYMENT),
    )
    assert ids(visible.in_statuses([ClaimStatus.AWAITING_PAYMENT])) == ["bob-1"]
    assert sorted(ids(visible.in_statuses([ClaimStatus.DRAFT, ClaimStatus.AWAITING_PAYMENT]))) == [
        "alice-new",
        "alice-newer",
        "alice-old",
        "bob-1",
    ]
    assert visible.in_statuses([ClaimStatus.FILED]) == []


# --- a lawyer's list: the date to act, earliest first, across pages (chalicelib/domain/lawyer_case.py) ------


def assigned_dossier(claim_id: str, prescription_end: str | None, *, lawyer: Identity = LAWYER) -> Claim:
    from chalicelib.domain.notice_record import DossierRecord, NoticeRecord

    record = (
        DossierRecord(prescription_end=date.fromisoformat(prescription_end)) if prescription_end else None
    )
    return Claim(
        claim_id,
        ALICE.user_id,
        ClaimStatus.DRAFT,  # owes no email when created; the order does not read the status
        f"Débiteur {claim_id}",
        10_000,
        NOW,
        NOW,
        assigned_lawyer_id=lawyer.user_id,
        notice=NoticeRecord(dossier=record) if record else None,
        reference=f"REF-{claim_id}",
    )


def every_page(repository, identity: Identity, limit: int, **filters) -> list[list[str]]:
    pages, after = [], None
    while True:
        page, after = repository.page_for(identity, limit=limit, after=after, **filters)
        pages.append(ids(page))
        if after is None:
            return pages


def test_a_lawyers_pages_follow_the_date_to_act_earliest_first(claims: ClaimsBackend):
    from chalicelib.domain.lawyer_case import LawyerCase, Order

    repository = claims.new()
    due = {"d1": "2027-05-01", "d2": "2026-12-20", "d3": None, "d4": "2027-01-15", "d5": "2026-12-20"}
    for claim_id, prescription_end in due.items():
        repository.create(assigned_dossier(claim_id, prescription_end), actor="t")
    granted = LawyerCase(lawyer_id=LAWYER.user_id, order=Order("granted", date(2026, 3, 1))).as_json()
    repository.create(replace(assigned_dossier("d6", "2028-01-01"), lawyer_case=granted), actor="t")  # 09-01
    repository.create(assigned_dossier("other", "2026-01-01", lawyer=OTHER_LAWYER), actor="t")

    expected = ["d6", "d2", "d5", "d4", "d1", "d3"]
    assert [claim_id for page in every_page(repository, LAWYER, 4) for claim_id in page] == expected
    assert every_page(repository, LAWYER, 2) == [["d6", "d2"], ["d5", "d4"], ["d1", "d3"]]
    assert every_page(repository, LAWYER, 10, text="REF-D5") == [["d5"]]
    # Given back (no lawyer any more): out of the index, and so out of the list.
    repository.record("d2", kind=EventKind.CONTENT_UPDATED, actor="t", reason="r",
                      change=lambda claim: replace(claim, assigned_lawyer_id=None))  # fmt: skip
    assert every_page(repository, LAWYER, 10) == [["d6", "d5", "d4", "d1", "d3"]]


def _stored_lawyer_due(claims: ClaimsBackend, repository, claim_id: str, value: str | None) -> None:
    """Write ``lawyer_due`` (None: remove it) behind the repository's back, as data stored by an earlier
    version (none) or by an older rule (a stale one)."""
    if claims.name == "memory":
        item = repository.tables.claims[claim_id]
        if value is None:
            item.pop("lawyer_due", None)
        else:
            item["lawyer_due"] = {"S": value}
        return
    from chalicelib.adapters.dynamo import ClaimModel

    action = ClaimModel.lawyer_due.remove() if value is None else ClaimModel.lawyer_due.set(value)
    ClaimModel._get_connection().update_item(claim_id, actions=[action])


def test_the_backfill_puts_back_in_the_list_what_an_earlier_version_stored_and_runs_once(
    claims: ClaimsBackend,
):
    repository = claims.new()
    for claim_id, prescription_end in (("b1", "2027-03-01"), ("b2", "2027-02-01"), ("b3", "2027-01-01")):
        repository.create(assigned_dossier(claim_id, prescription_end), actor="t")
    repository.create(new_claim("unassigned"), actor="t")
    assert repository.backfill_lawyer_due() == 0  # every write keeps it

    _stored_lawyer_due(claims, repository, "b1", None)
    _stored_lawyer_due(claims, repository, "b3", "9999-12-31#b3")  # stale: last instead of first
    assert every_page(repository, LAWYER, 10) == [["b2", "b3"]]
    version = repository.get("b1").version
    assert repository.backfill_lawyer_due() == 2
    assert every_page(repository, LAWYER, 10) == [["b3", "b2", "b1"]]
    assert repository.get("b1").version == version  # no writer is refused because of the backfill
    assert repository.backfill_lawyer_due() == 0


# --- the anonymisation's rewrite of an ended claim's history ------------------------------------------------


def test_rewriting_the_history_reseals_it_in_one_write_or_not_at_all(claims: ClaimsBackend):
    repository = claims.new()
    repository.create(new_claim(), actor="creditor-1")
    repository.transition("claim-1", ClaimStatus.WITHDRAWN, actor="creditor-1", reason="Retrait de Rhône")
    claim = repository.get("claim-1")
    events = repository.events("claim-1")
    original = {e.sequence: e.hash for e in events}
    resealed, previous = [], "0" * 64
    for event in events:
        resealed.append(replace(event, reason="[anonymisé]").sealed(previous))
        previous = resealed[-1].hash
    closing = replace(events[-1], sequence=3, kind=EventKind.CONTENT_UPDATED, reason="Anonymisation").sealed(
        previous
    )
    anonymised = replace(claim, debtor_name="[anonymisé]")

    # A stale copy of the history (an event changed since it was read) is refused, nothing written.
    with pytest.raises(ConcurrentUpdate):
        repository.rewrite_history(
            anonymised, resealed, original_hashes={**original, 1: "f" * 64}, closing=closing
        )
    # So is a claim item older than the stored one (its version guards it), even with the right hashes.
    with pytest.raises(ConcurrentUpdate):
        repository.rewrite_history(
            replace(anonymised, version=claim.version - 1),
            resealed,
            original_hashes=original,
            closing=closing,
        )
    assert repository.events("claim-1") == events and repository.get("claim-1").version == claim.version

    written = repository.rewrite_history(anonymised, resealed, original_hashes=original, closing=closing)
    assert written.debtor_name == "[anonymisé]" and written.event_count == 3
    stored = repository.get("claim-1")
    assert stored.version == claim.version + 1 and stored.last_event_hash == closing.hash
    after = repository.events("claim-1")
    assert [e.reason for e in after] == ["[anonymisé]", "[anonymisé]", "Anonymisation"]
    assert verify_chain(after, last_hash=stored.last_event_hash, known_count=stored.event_count).valid
    # The claim moved on: the same rewrite, from the version read before, is refused.
    with pytest.raises(ConcurrentUpdate):
        repository.rewrite_history(anonymised, resealed, original_hashes=original, closing=closing)
    with pytest.raises(ValueError):
        repository.rewrite_history(anonymised, resealed * 50, original_hashes=original, closing=closing)


# --- many drafts at once (the bulk import), and DynamoDB's item limit --------------------------------


def test_many_new_claims_are_written_in_batches_and_existing_ones_skipped(claims: ClaimsBackend, monkeypatch):
    repository = claims.new()
    repository.create(new_claim("claim-0007"), actor="creditor-1")  # as an earlier run of the import did
    batches: list[int] = []
    write_batch = repository._create_batch
    monkeypatch.setattr(
        repository, "_create_batch", lambda batch: (batches.append(len(batch)), write_batch(batch))
    )

    new = [(new_claim(f"claim-{n:04d}"), f"Brouillon n° {n}") for n in range(120)]
    assert repository.create_many(new, actor="creditor-1") == 119
    assert claims.count() == 120
    # 49 claims in a transaction (item + first event: 98 writes, and 2 rows of the creditor's totals: the
    # drafts, and the open claims without a due date); the batch holding the existing claim was refused as a
    # whole, then written one claim at a time, the existing one skipped.
    assert batches == [49, *[1] * 49, 49, 22]
    events = repository.events("claim-0042")
    assert [(e.sequence, e.to_status, e.reason) for e in events] == [
        (1, ClaimStatus.DRAFT, "Brouillon n° 42")
    ]
    stored = repository.get("claim-0042")
    assert stored.version == 1 and stored.last_event_hash == events[0].hash
    assert [e.reason for e in repository.events("claim-0007")] == ["Créance créée"]  # untouched


def test_an_item_over_dynamodbs_400_kb_is_refused_before_anything_is_written(claims: ClaimsBackend):
    from chalicelib.adapters.item_size import ItemTooLarge

    repository = claims.new()
    huge = replace(new_claim(), content={"notes": "x" * 420_000})
    with pytest.raises(ItemTooLarge) as too_large:
        repository.create(huge, actor="creditor-1")
    assert "400 Ko" in too_large.value.message
    assert claims.count() == 0

    repository.create(new_claim(), actor="creditor-1")
    with pytest.raises(ItemTooLarge):  # an audit event too (its reason is the caller's text)
        repository.record("claim-1", kind=EventKind.CONTENT_UPDATED, actor="a", reason="y" * 410_000)
    assert repository.get("claim-1").version == 1 and len(repository.events("claim-1")) == 1
    with pytest.raises(ItemTooLarge):
        repository.create_many([(new_claim("claim-2"), "z" * 410_000)], actor="creditor-1")
    assert claims.count() == 1


# --- the creditors' dashboard rows, kept by every write ----------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_the_kept_totals_equal_a_full_recomputation_after_random_changes(claims: ClaimsBackend, seed: int):
    """A property over random sequences of writes: creations (one by one and in batches), content changes
    (amount, due date), status changes; two creditors. After each step the kept rows equal the rows
    recomputed from every claim, and the dashboard they give is the same."""
    import random

    from chalicelib.domain.claim import ALLOWED_TRANSITIONS
    from chalicelib.domain.totals import dashboard, recomputed

    rng = random.Random(seed)
    repository = claims.new()
    creditors = ["creditor-a", "creditor-b"]
    made: list[str] = []

    def content() -> dict:
        due = (NOW.date() - timedelta(days=rng.randint(-30, 200))).isoformat()
        return {"invoices": [{"number": "F-1", "due_date": due}, {"number": "F-2", "issue_date": due}]}

    def a_claim(n: int) -> Claim:
        creditor = rng.choice(creditors)
        return Claim(
            f"c{seed}-{n}",
            creditor,
            ClaimStatus.DRAFT,
            "Débiteur",
            rng.randint(1, 10**7),
            NOW,
            NOW,
            content=content(),
        )

    for step in range(40):
        action = rng.random()
        if action < 0.25 or not made:
            claim = a_claim(step)
            repository.create(claim, actor="t")
            made.append(claim.claim_id)
        elif action < 0.35:
            batch = [(a_claim(step * 100 + k), "lot") for k in range(rng.randint(1, 4))]
            repository.create_many(batch, actor="t")
            made += [claim.claim_id for claim, _ in batch]
        elif action < 0.6:
            claim_id = rng.choice(made)
            principal = rng.randint(1, 10**7)
            repository.record(
                claim_id,
                kind=EventKind.CONTENT_UPDATED,
                actor="t",
                reason="montant",
                change=lambda c, p=principal: replace(c, principal_cents=p, content=content()),
            )
        else:
            claim_id = rng.choice(made)
            current = repository.get(claim_id)
            targets = sorted(ALLOWED_TRANSITIONS.get(current.status, ()), key=lambda s: s.value)
            if not targets:
                continue
            target = rng.choice(targets)
            repository.transition(
                claim_id, target, actor="t", reason="au hasard", notify=status_email(target)
            )

        everyone = [repository.get(claim_id) for claim_id in made]
        for creditor in creditors:
            kept = {row: value for row, value in repository.totals(creditor).items() if value != (0, 0)}
            expected = recomputed(claim for claim in everyone if claim.creditor_id == creditor)
            assert kept == expected, f"step {step}"
            assert dashboard(kept, NOW.date()) == dashboard(expected, NOW.date())


def test_the_totals_are_rebuilt_from_the_claims_after_an_upgrade_or_a_restore(claims: ClaimsBackend):
    from chalicelib.domain.totals import recomputed

    repository = claims.new()
    for n in range(5):
        repository.create(
            replace(new_claim(f"claim-{n}"), principal_cents=1000 * (n + 1)), actor="creditor-1"
        )
    repository.transition("claim-0", ClaimStatus.WITHDRAWN, actor="creditor-1", reason="retirée")
    expected = recomputed(repository.get(f"claim-{n}") for n in range(5))
    assert repository.rebuild_totals() == 0  # kept right all along

    # Rows lost (a version that kept none) or stale (saved apart from the claims): set again from the claims.
    if claims.name == "memory":
        repository.tables.totals = {("creditor-1", "status#draft"): (1, 5)}
    else:
        from chalicelib.adapters.dynamo import ClaimTotalsModel

        for row in ClaimTotalsModel.scan():
            row.delete()
        ClaimTotalsModel("creditor-1", "status#draft", claims=1, cents=5).save()
    assert repository.rebuild_totals() == 3
    assert {
        row: value for row, value in repository.totals("creditor-1").items() if value != (0, 0)
    } == expected


def test_a_write_given_the_claim_just_read_does_not_read_it_again_and_a_stale_one_is_refused(
    claims: ClaimsBackend, monkeypatch
):
    repository = claims.new()
    created = repository.create(new_claim(), actor="creditor-1")
    reads: list[str] = []
    get = repository.get
    monkeypatch.setattr(repository, "get", lambda claim_id: (reads.append(claim_id), get(claim_id))[1])

    noted = repository.record("claim-1", kind=EventKind.NOTE, actor="a", reason="note", current=created)
    moved = repository.transition(
        "claim-1",
        ClaimStatus.WITHDRAWN,
        actor="a",
        reason="retirée",
        current=noted,
    )
    assert reads == [] and moved.version == 3
    with pytest.raises(ConcurrentUpdate):  # the claim moved on since ``created`` was read
        repository.record("claim-1", kind=EventKind.NOTE, actor="b", reason="trop tard", current=created)
    monkeypatch.undo()
    assert [e.reason for e in repository.events("claim-1")] == ["Créance créée", "note", "retirée"]
