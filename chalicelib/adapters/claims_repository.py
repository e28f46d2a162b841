"""Claims and their audit trail in DynamoDB.

Every status change is one DynamoDB transaction: the claim (guarded by its version), the next audit event
(guarded against an existing sequence number) and the emails that change owes (outbox items) are written
together or not at all, and the domain's transition table is checked before anything is sent. Every status
change owes the creditor an email: the default one of the new status is added when the caller names none
(``chalicelib/domain/notifications.py``). Once the write succeeded, the claim's emails are sent in the
background (``chalicelib/services/outbox.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.exceptions import (
    DoesNotExist,
    GetError,
    PutError,
    QueryError,
    ScanError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.aws import transactions_connection
from chalicelib.adapters.dynamo import ClaimEventModel, ClaimModel, ClaimTotalsModel, OutboxModel
from chalicelib.adapters.errors import TransientError
from chalicelib.adapters.item_size import check_model_size, item_size
from chalicelib.adapters.outbox_repository import new_item, start_delivery
from chalicelib.clock import business_now
from chalicelib.domain.access import may_see
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import GENESIS_HASH, AuditEvent, Claim, ClaimStatus, EventKind, EvidenceDocument
from chalicelib.domain.errors import ConcurrentUpdate, NotFound
from chalicelib.domain.lawyer_case import due_key
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.notifications import RECIPIENTS, Notification, OutboxItem, with_defaults
from chalicelib.domain.payments import Checkout
from chalicelib.domain.totals import Row, combined, contribution, difference
from chalicelib.settings import get_settings


def _to_domain(item: ClaimModel) -> Claim:
    return Claim(
        claim_id=item.claim_id,
        creditor_id=item.creditor_id,
        status=ClaimStatus(item.status),
        debtor_name=item.debtor_name,
        principal_cents=int(item.principal_cents),
        currency=item.currency,
        created_at=item.created_at,
        updated_at=item.updated_at,
        event_count=int(item.event_count),
        assigned_lawyer_id=item.assigned_lawyer_id,
        version=item.version,
        content=item.content,
        documents=tuple(EvidenceDocument.from_json(d) for d in (item.documents or [])),
        assessment=item.assessment,
        reference=item.reference or "",
        last_event_hash=item.last_event_hash or GENESIS_HASH,
        checkouts=tuple(Checkout.from_json(c) for c in (item.checkouts or [])),
        execution_arn=item.execution_arn or "",
        task_token=item.task_token or "",
        notice=NoticeRecord.from_json(item.notice) if item.notice else None,
        lawyer_case=item.lawyer_case,
        review=item.review,
    )


def search_text(*parts: str | None) -> str:
    """What a list's text filter compares with: case-folded, blanks collapsed."""
    return " ".join(" ".join(part or "" for part in parts).casefold().split())


def lawyer_due(claim: Claim) -> str | None:
    """The ``by_lawyer_due`` index's sort key of a claim entrusted to a lawyer (None otherwise: the index
    is sparse)."""
    return due_key(claim) if claim.assigned_lawyer_id else None


def _to_item(claim: Claim) -> ClaimModel:
    item = ClaimModel(
        claim.claim_id,
        creditor_id=claim.creditor_id,
        status=claim.status.value,
        debtor_name=claim.debtor_name,
        principal_cents=claim.principal_cents,
        currency=claim.currency,
        created_at=claim.created_at,
        updated_at=claim.updated_at,
        event_count=claim.event_count,
        assigned_lawyer_id=claim.assigned_lawyer_id,
        reference=claim.reference or None,
        content=dict(claim.content) if claim.content is not None else None,
        documents=[d.as_json() for d in claim.documents],
        assessment=dict(claim.assessment) if claim.assessment is not None else None,
        last_event_hash=claim.last_event_hash,
        checkouts=[c.as_json() for c in claim.checkouts],
        execution_arn=claim.execution_arn or None,
        task_token=claim.task_token or None,
        notice=claim.notice.to_json() if claim.notice is not None else None,
        lawyer_case=dict(claim.lawyer_case) if claim.lawyer_case is not None else None,
        review=dict(claim.review) if claim.review is not None else None,
        search_text=search_text(claim.debtor_name, claim.reference),
        lawyer_due=lawyer_due(claim),
    )
    if claim.version is not None:
        item.version = claim.version
    return item


def _event_item(event: AuditEvent) -> ClaimEventModel:
    return ClaimEventModel(
        event.claim_id,
        event.sequence,
        at=event.at,
        actor=event.actor,
        from_status=event.from_status.value if event.from_status else None,
        to_status=event.to_status.value,
        reason=event.reason,
        document_hashes=dict(event.document_hashes),
        kind=event.kind.value,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


def _event_from_item(row: ClaimEventModel) -> AuditEvent:
    return AuditEvent(
        claim_id=row.claim_id,
        sequence=int(row.sequence),
        at=row.at,
        actor=row.actor,
        from_status=ClaimStatus(row.from_status) if row.from_status else None,
        to_status=ClaimStatus(row.to_status),
        reason=row.reason,
        document_hashes=row.document_hashes.as_dict() if row.document_hashes else {},
        kind=EventKind(row.kind or EventKind.STATUS_CHANGED.value),
        prev_hash=row.prev_hash or "",
        hash=row.hash or "",
    )


_CONCURRENT = "La créance a été modifiée en même temps par une autre opération ; rechargez-la et réessayez."

Notify = Notification | Sequence[Notification]


def _outbox_items(
    claim_id: str, sequence: int, notifications: Sequence[Notification], at: datetime
) -> list[OutboxModel]:
    """The outbox items of one audit event; a notification that could not be rendered when it is sent
    (unknown kind, context missing or mistyped, attachment missing) is a programming error, refused here
    before anything is written."""
    from chalicelib.domain.email_kinds import check_queued

    for notification in notifications:
        if notification.to not in RECIPIENTS:
            raise ValueError(f"email {notification.kind!r}: unknown recipient {notification.to!r}")
        check_queued(notification.kind, notification.context, attachments=len(notification.attachments))
    return [
        new_item(claim_id, sequence, n, notification, at) for n, notification in enumerate(notifications, 1)
    ]


# DynamoDB's answer when a transaction's condition failed (someone wrote first): the only write failure
# that means "concurrent update". Anything else (no answer, throttling, 5xx) is an outage: retried.
_CONFLICT_CODES = frozenset({"TransactionCanceledException", "ConditionalCheckFailedException"})


def _raise_if_unavailable(error: Exception) -> None:
    code = getattr(error, "cause_response_code", None)
    if code not in _CONFLICT_CODES:
        raise TransientError(f"claims tables unavailable: {error}") from error


def sealed_change(
    current: Claim,
    updated: Claim,
    *,
    kind: EventKind,
    actor: str,
    reason: str,
    at: datetime,
    document_hashes: Mapping[str, str] | None,
    expected_version: int | None,
    notify: Notify,
) -> tuple[AuditEvent, ClaimModel, list[OutboxModel]]:
    """What one change of a claim writes, whatever stores it: the claim's item (event count and last hash
    moved on), its audit event sealed to the previous one, and the emails it queues. A stale
    ``expected_version`` is refused here, before anything is written."""
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentUpdate(_CONCURRENT, details=[{"field": "version", "message": _CONCURRENT}])
    event = AuditEvent(
        claim_id=current.claim_id,
        sequence=current.event_count + 1,
        at=at,
        actor=actor,
        from_status=current.status,
        to_status=updated.status,
        reason=reason,
        document_hashes=dict(document_hashes or {}),
        kind=kind,
    ).sealed(current.last_event_hash)
    item = _to_item(replace(updated, event_count=event.sequence, last_event_hash=event.hash))
    queued = _outbox_items(
        current.claim_id,
        event.sequence,
        with_defaults(notify, from_status=current.status, to_status=updated.status, reason=reason),
        at,
    )
    _check_sizes(item, event, queued)
    return event, item, queued


def genesis(
    claim: Claim, *, actor: str, reason: str, notify: Notify
) -> tuple[AuditEvent, ClaimModel, list[OutboxModel]]:
    """What a new claim writes, whatever stores it: its item, its first audit event (``None → status``)
    sealed to the genesis hash, and the emails it owes."""
    event = AuditEvent(
        claim_id=claim.claim_id,
        sequence=1,
        at=claim.created_at,
        actor=actor,
        from_status=None,
        to_status=claim.status,
        reason=reason,
        document_hashes=claim.document_hashes(),
    ).sealed(GENESIS_HASH)
    item = _to_item(replace(claim, event_count=1, version=None, last_event_hash=event.hash))
    queued = _outbox_items(
        claim.claim_id,
        event.sequence,
        with_defaults(notify, from_status=None, to_status=claim.status, reason=reason),
        claim.created_at,
    )
    _check_sizes(item, event, queued)
    return event, item, queued


def _check_sizes(item: ClaimModel, event: AuditEvent, queued: Sequence[OutboxModel]) -> None:
    """DynamoDB's 400 KB item limit, checked on every item of a claim's write before any is sent."""
    check_model_size(item, what="claim")
    check_model_size(_event_item(event), what="claim_event")
    for outbox_item in queued:
        check_model_size(outbox_item, what="outbox")


# One DynamoDB transaction: at most 100 writes and 4 MB in all.
TRANSACTION_MAX_ITEMS = 100
TRANSACTION_MAX_BYTES = 4 * 1024 * 1024

NewClaim = tuple[Claim, str]  # the claim and the reason of its first audit event


def _add_totals(transaction: TransactWrite, creditor_id: str, delta: Mapping[str, Row]) -> None:
    """The creditor's dashboard rows moved by a write (chalicelib/domain/totals.py), in its transaction."""
    for row, (count, cents) in delta.items():
        transaction.update(
            ClaimTotalsModel(creditor_id, row),
            actions=[ClaimTotalsModel.claims.add(count), ClaimTotalsModel.cents.add(cents)],
        )


class ClaimRepository:
    def __init__(self, *, wake_sender: Callable[[str], None] | None = start_delivery) -> None:
        """``wake_sender(claim_id)`` runs after a write that queued emails (None: leave them to the sweep)."""
        self._connection = transactions_connection(get_settings().region)
        self._wake_sender = wake_sender

    def get(self, claim_id: str) -> Claim:
        try:
            return _to_domain(ClaimModel.get(claim_id, consistent_read=True))
        except DoesNotExist:
            raise NotFound("Cette créance est introuvable.") from None
        except GetError as error:
            raise TransientError(f"claims table unavailable: {error}") from error

    # --- reads on behalf of a caller: the only ones the API uses ----------------------------------------
    def get_for(self, identity: Identity, claim_id: str) -> Claim:
        """The claim if ``identity`` may see it. A claim they may not see is *not found* (not forbidden),
        so claim ids do not leak."""
        claim = self.get(claim_id)
        if not may_see(identity, claim):
            raise NotFound("Cette créance est introuvable.")
        return claim

    def list_for(self, identity: Identity) -> list[Claim]:
        """Every claim ``identity`` may see, newest first: a creditor's own (by_creditor index), a lawyer's
        assigned ones (by_assigned_lawyer index), all of them for an operator."""
        try:
            if identity.role is Role.CREDITOR and identity.creditor_id:
                rows = ClaimModel.by_creditor.query(identity.creditor_id, scan_index_forward=False)
            elif identity.role is Role.LAWYER and identity.lawyer_id:
                rows = ClaimModel.by_assigned_lawyer.query(identity.lawyer_id, scan_index_forward=False)
            elif identity.role is Role.OPERATOR:
                rows = ClaimModel.scan()
            else:
                return []
            claims = [_to_domain(row) for row in rows]
        except (QueryError, ScanError) as error:
            raise TransientError(f"claims table unavailable: {error}") from error
        # The indexes already select; the rule is applied again so no query mistake can leak a claim.
        visible = [claim for claim in claims if may_see(identity, claim)]
        return sorted(visible, key=lambda claim: claim.created_at, reverse=True)

    def page_for(
        self,
        identity: Identity,
        *,
        limit: int,
        after: Mapping[str, Any] | None = None,
        statuses: Sequence[ClaimStatus] = (),
        text: str = "",
        creditor_id: str = "",
    ) -> tuple[list[Claim], dict[str, Any] | None]:
        """One page of what ``identity`` may see, newest first (an operator's list by status: last changed
        first; a lawyer's: the date to act on each dossier, earliest first — the ``by_lawyer_due`` index,
        chalicelib/domain/lawyer_case.py ``due_key``), and the key to start the next page from (None: last
        page). ``statuses`` and ``text`` (in the debtor's name or the reference, any case) are filters
        DynamoDB applies on the index it reads; ``creditor_id`` (operators only) reads one creditor's
        claims."""
        condition: Any = None
        if statuses and not (identity.role is Role.OPERATOR and len(statuses) == 1):
            condition = ClaimModel.status.is_in(*[status.value for status in statuses])
        if text.strip():
            contains = ClaimModel.search_text.contains(search_text(text))
            condition = contains if condition is None else condition & contains
        options: dict[str, Any] = {"limit": limit, "last_evaluated_key": dict(after) if after else None}
        try:
            if identity.role is Role.CREDITOR and identity.creditor_id:
                rows = ClaimModel.by_creditor.query(
                    identity.creditor_id, scan_index_forward=False, filter_condition=condition, **options
                )
            elif identity.role is Role.OPERATOR and creditor_id:
                if statuses:
                    condition = (
                        ClaimModel.status.is_in(*[status.value for status in statuses])
                        if condition is None
                        else condition & ClaimModel.status.is_in(*[status.value for status in statuses])
                    )
                rows = ClaimModel.by_creditor.query(
                    creditor_id, scan_index_forward=False, filter_condition=condition, **options
                )
            elif identity.role is Role.LAWYER and identity.lawyer_id:
                rows = ClaimModel.by_lawyer_due.query(
                    identity.lawyer_id, scan_index_forward=True, filter_condition=condition, **options
                )
            elif identity.role is Role.OPERATOR and len(statuses) == 1:
                rows = ClaimModel.by_status.query(
                    statuses[0].value, scan_index_forward=False, filter_condition=condition, **options
                )
            elif identity.role is Role.OPERATOR:
                rows = ClaimModel.scan(filter_condition=condition, **options)
            else:
                return [], None
            claims = [_to_domain(row) for row in rows]
            last_key = rows.last_evaluated_key
        except (QueryError, ScanError) as error:
            raise TransientError(f"claims table unavailable: {error}") from error
        # The indexes already select; the rule is applied again so no query mistake can leak a claim.
        return [claim for claim in claims if may_see(identity, claim)], last_key or None

    def assigned_to(self, lawyer_id: str) -> list[Claim]:
        """The claims currently entrusted to one lawyer (the assignment rule counts their open dossiers)."""
        try:
            return [_to_domain(row) for row in ClaimModel.by_assigned_lawyer.query(lawyer_id)]
        except QueryError as error:
            raise TransientError(f"claims table unavailable: {error}") from error

    def in_statuses(self, statuses: Sequence[ClaimStatus]) -> list[Claim]:
        """Every claim in one of ``statuses`` (the redrive of claims mid-workflow; a scan, run rarely)."""
        wanted = [status.value for status in statuses]
        try:
            rows = ClaimModel.scan(ClaimModel.status.is_in(*wanted))
            return [_to_domain(row) for row in rows]
        except ScanError as error:
            raise TransientError(f"claims table unavailable: {error}") from error

    def create(
        self, claim: Claim, *, actor: str, reason: str = "Créance créée", notify: Notify = ()
    ) -> Claim:
        """Store a new claim with its first audit event (``None → status``) and the emails it owes."""
        event, item, queued = genesis(claim, actor=actor, reason=reason, notify=notify)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(item, condition=ClaimModel.claim_id.does_not_exist())
                transaction.save(_event_item(event), condition=ClaimEventModel.sequence.does_not_exist())
                for outbox_item in queued:
                    transaction.save(outbox_item, condition=OutboxModel.outbox_id.does_not_exist())
                _add_totals(transaction, claim.creditor_id, difference(None, claim))
        except (TransactWriteError, PutError) as error:
            _raise_if_unavailable(error)
            raise ConcurrentUpdate("Cette créance existe déjà.") from error
        self._queued(claim.claim_id, queued)
        return _to_domain(item)

    def create_many(self, new: Sequence[NewClaim], *, actor: str) -> int:
        """Store many new claims that owe no email (drafts: the bulk import), a few transactions for all of
        them instead of one each: each transaction holds as many claims (item + first event) as DynamoDB
        allows. A claim that already exists (an earlier run of the same import) is skipped; the others are
        written. Returns how many were created."""
        batches: list[list[tuple[AuditEvent, ClaimModel]]] = [[]]
        rows: set[str] = set()
        size = 0
        for claim, reason in new:
            event, item, queued = genesis(claim, actor=actor, reason=reason, notify=())
            if queued:
                raise ValueError(f"claim {claim.claim_id}: create_many() writes claims that owe no email")
            weight = item_size(item.serialize(null_check=False)) + item_size(_event_item(event).serialize())
            claim_rows = rows | set(difference(None, claim))
            writes = 2 * (len(batches[-1]) + 1) + len(claim_rows)  # items, first events, totals rows
            if batches[-1] and (writes > TRANSACTION_MAX_ITEMS or size + weight > TRANSACTION_MAX_BYTES):
                batches.append([])
                claim_rows, size = set(difference(None, claim)), 0
            batches[-1].append((event, item))
            rows, size = claim_rows, size + weight
        created = 0
        for batch in batches:
            if not batch:
                continue
            try:
                self._create_batch(batch)
                created += len(batch)
            except ConcurrentUpdate:  # one of them exists already: each on its own, skipping those
                created += self._create_one_by_one(batch)
        return created

    def _create_batch(self, batch: Sequence[tuple[AuditEvent, ClaimModel]]) -> None:
        claims = [_to_domain(item) for _, item in batch]
        try:
            with TransactWrite(connection=self._connection) as transaction:
                for event, item in batch:
                    transaction.save(item, condition=ClaimModel.claim_id.does_not_exist())
                    transaction.save(_event_item(event), condition=ClaimEventModel.sequence.does_not_exist())
                for creditor_id in sorted({claim.creditor_id for claim in claims}):
                    mine = [claim for claim in claims if claim.creditor_id == creditor_id]
                    _add_totals(transaction, creditor_id, combined(difference(None, c) for c in mine))
        except TransactWriteError as error:
            _raise_if_unavailable(error)
            raise ConcurrentUpdate("Une de ces créances existe déjà.") from error

    def _create_one_by_one(self, batch: Sequence[tuple[AuditEvent, ClaimModel]]) -> int:
        created = 0
        for pair in batch:
            try:
                self._create_batch([pair])
                created += 1
            except ConcurrentUpdate:
                continue
        return created

    def transition(
        self,
        claim_id: str,
        target: ClaimStatus,
        *,
        actor: str,
        reason: str,
        document_hashes: Mapping[str, str] | None = None,
        now: datetime | None = None,
        change: Callable[[Claim], Claim] | None = None,
        expected_version: int | None = None,
        notify: Notify = (),
        current: Claim | None = None,
    ) -> Claim:
        """Move a claim to ``target`` if the lifecycle allows it, appending the audit event atomically.
        ``change`` may also alter other fields of the claim in the same write. ``notify``: the emails the
        change owes; without one for the creditor, the default email of ``target`` is queued (a kind that
        needs more context than the claim gives — an amount, a date — must be passed: ValueError).
        ``current``: the claim as the caller just read or wrote it, not read again (a stale one is refused
        by the write's version condition: :class:`ConcurrentUpdate`, nothing written)."""
        current = current if current is not None and current.claim_id == claim_id else self.get(claim_id)
        at = now or business_now()
        moved = current.moved_to(target, at=at)
        if change is not None:
            moved = change(moved)
        return self._append(
            current,
            moved,
            kind=EventKind.STATUS_CHANGED,
            actor=actor,
            reason=reason,
            at=at,
            document_hashes=document_hashes,
            expected_version=expected_version,
            notify=notify,
        )

    def record(
        self,
        claim_id: str,
        *,
        kind: EventKind,
        actor: str,
        reason: str,
        change: Callable[[Claim], Claim] | None = None,
        document_hashes: Mapping[str, str] | None = None,
        expected_version: int | None = None,
        now: datetime | None = None,
        notify: Notify = (),
        current: Claim | None = None,
    ) -> Claim:
        """Change a claim without changing its status (content, documents, payment…) and append an event
        of ``kind`` in the same transaction, with the emails ``notify`` names (none by default).
        ``expected_version``: the version the caller read; a stale one is refused with
        :class:`ConcurrentUpdate` (409) and nothing is written. ``current``: as for :meth:`transition`."""
        current = current if current is not None and current.claim_id == claim_id else self.get(claim_id)
        at = now or business_now()
        updated = change(current) if change is not None else current
        updated = replace(updated, status=current.status, updated_at=at, event_count=current.event_count + 1)
        return self._append(
            current,
            updated,
            kind=kind,
            actor=actor,
            reason=reason,
            at=at,
            document_hashes=document_hashes,
            expected_version=expected_version,
            notify=notify,
        )

    def _append(
        self,
        current: Claim,
        updated: Claim,
        *,
        kind: EventKind,
        actor: str,
        reason: str,
        at: datetime,
        document_hashes: Mapping[str, str] | None,
        expected_version: int | None,
        notify: Notify,
    ) -> Claim:
        event, item, queued = sealed_change(
            current,
            updated,
            kind=kind,
            actor=actor,
            reason=reason,
            at=at,
            document_hashes=document_hashes,
            expected_version=expected_version,
            notify=notify,
        )
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(item)  # VersionAttribute adds "version = <read version>"
                transaction.save(_event_item(event), condition=ClaimEventModel.sequence.does_not_exist())
                for outbox_item in queued:
                    transaction.save(outbox_item, condition=OutboxModel.outbox_id.does_not_exist())
                _add_totals(transaction, current.creditor_id, difference(current, updated))
        except TransactWriteError as error:
            _raise_if_unavailable(error)
            raise ConcurrentUpdate(_CONCURRENT) from error
        self._queued(current.claim_id, queued)
        return _to_domain(item)

    def _queued(self, claim_id: str, items: Sequence[OutboxModel]) -> None:
        if items and self._wake_sender is not None:
            self._wake_sender(claim_id)

    def totals(self, creditor_id: str) -> dict[str, Row]:
        """The creditor's dashboard rows (chalicelib/domain/totals.py): one query of a small partition."""
        try:
            rows = ClaimTotalsModel.query(creditor_id, consistent_read=True)
            return {row.row: (int(row.claims), int(row.cents)) for row in rows}
        except QueryError as error:
            raise TransientError(f"claim totals table unavailable: {error}") from error

    def rebuild_totals(self) -> int:
        """Set every creditor's dashboard rows to what their claims give (a full scan): after an upgrade
        from a version that kept none, or a local restore. Run it while nothing writes claims (each row is
        moved by the difference found, with an atomic ADD). Returns how many rows were corrected."""
        expected: dict[tuple[str, str], Row] = {}
        try:
            for item in ClaimModel.scan(consistent_read=True):
                claim = _to_domain(item)
                for row, (count, cents) in contribution(claim).items():
                    kept_count, kept_cents = expected.get((claim.creditor_id, row), (0, 0))
                    expected[(claim.creditor_id, row)] = (kept_count + count, kept_cents + cents)
            kept = {
                (item.creditor_id, item.row): (int(item.claims), int(item.cents))
                for item in ClaimTotalsModel.scan(consistent_read=True)
            }
            corrected = 0
            for creditor_id, row in sorted(expected.keys() | kept.keys()):
                want = expected.get((creditor_id, row), (0, 0))
                have = kept.get((creditor_id, row), (0, 0))
                if want != have:
                    ClaimTotalsModel(creditor_id, row).update(
                        actions=[
                            ClaimTotalsModel.claims.add(want[0] - have[0]),
                            ClaimTotalsModel.cents.add(want[1] - have[1]),
                        ]
                    )
                    corrected += 1
        except (ScanError, UpdateError) as error:
            raise TransientError(f"claims or totals table unavailable: {error}") from error
        return corrected

    # Reads again and retries a claim whose write met a concurrent change at most this many times.
    BACKFILL_ATTEMPTS = 5

    def backfill_lawyer_due(self) -> int:
        """Set ``lawyer_due`` (the ``by_lawyer_due`` index's sort key) on every claim entrusted to a lawyer
        that lacks it (stored before the index existed: without it, the claim is missing from the lawyer's
        list) or carries a stale one. Idempotent (a second run writes nothing); run after each deploy and
        at each start of the local platform. It reads the sparse ``by_assigned_lawyer`` index (only the
        claims entrusted to a lawyer), and writes only that attribute, on the condition that the claim's
        version is still the one read (the version is not moved: no writer is refused because of it), so
        it never overwrites a concurrent change; on a conflict the claim is read again. Returns how many
        claims were written."""
        written = 0
        try:
            for item in ClaimModel.by_assigned_lawyer.scan():
                written += self._backfill_one(item)
        except ScanError as error:
            raise TransientError(f"claims table unavailable: {error}") from error
        return written

    def _backfill_one(self, item: ClaimModel) -> int:
        for _ in range(self.BACKFILL_ATTEMPTS):
            wanted = lawyer_due(_to_domain(item))
            if wanted is None or item.lawyer_due == wanted:
                return 0
            same_version = (
                ClaimModel.version == item.version
                if item.version is not None
                else ClaimModel.version.does_not_exist()
            )
            try:
                ClaimModel._get_connection().update_item(
                    item.claim_id, actions=[ClaimModel.lawyer_due.set(wanted)], condition=same_version
                )
                return 1
            except UpdateError as error:
                _raise_if_unavailable(error)  # else: changed meanwhile, read it again
            try:
                item = ClaimModel.get(item.claim_id, consistent_read=True)
            except DoesNotExist:
                return 0
            except GetError as error:
                raise TransientError(f"claims table unavailable: {error}") from error
        raise ConcurrentUpdate(f"claim {item.claim_id}: changed at every attempt, lawyer_due not set")

    def events_after(self, claim_id: str, sequence: int, *, limit: int) -> list[AuditEvent]:
        """At most ``limit`` events of the claim after ``sequence``, in order (a page of its timeline)."""
        try:
            rows = ClaimEventModel.query(
                claim_id, ClaimEventModel.sequence > sequence, consistent_read=True, limit=limit
            )
            return [_event_from_item(row) for row in rows]
        except QueryError as error:
            raise TransientError(f"claim events table unavailable: {error}") from error

    def events(self, claim_id: str) -> list[AuditEvent]:
        try:
            rows = list(ClaimEventModel.query(claim_id, consistent_read=True))
        except QueryError as error:
            raise TransientError(f"claim events table unavailable: {error}") from error
        return [_event_from_item(row) for row in rows]

    # --- retention (chalicelib/services/privacy.py) ---------------------------------------------------------
    # One DynamoDB transaction holds at most 100 writes: the claim, the closing event, the events re-sealed.
    HISTORY_REWRITE_LIMIT = 98

    def rewrite_history(
        self,
        updated: Claim,
        events: Sequence[AuditEvent],
        *,
        original_hashes: Mapping[int, str],
        closing: AuditEvent,
    ) -> Claim:
        """Replace a claim's stored events by ``events`` (same sequence numbers, each write conditioned on
        the stored event still having its ``original_hashes`` value), append ``closing`` and save ``updated``
        (guarded by the version it was read with), all in one transaction — the anonymisation of an ended
        claim (chalicelib/domain/retention.py). Nothing else rewrites an event."""
        if len(events) > self.HISTORY_REWRITE_LIMIT:
            raise ValueError(f"{len(events)} events: more than one transaction can rewrite")
        final = replace(updated, event_count=closing.sequence, last_event_hash=closing.hash)
        item = _to_item(final)
        _check_sizes(item, closing, ())
        stored = self.get(updated.claim_id)  # the version guard below refuses the write if it moved on
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(item)  # VersionAttribute adds "version = <read version>"
                for event in events:
                    transaction.save(
                        _event_item(event), condition=ClaimEventModel.hash == original_hashes[event.sequence]
                    )
                transaction.save(_event_item(closing), condition=ClaimEventModel.sequence.does_not_exist())
                _add_totals(transaction, stored.creditor_id, difference(stored, final))
        except TransactWriteError as error:
            raise ConcurrentUpdate(_CONCURRENT) from error
        return _to_domain(item)

    def emails_of(self, claim_ids: Sequence[str]) -> list[OutboxItem]:
        """Every outbox item (email sent or owed) of these claims: one query of the outbox's ``by_claim``
        index per claim (what a claim's file, the creditor's data export and the anonymisation of ended
        claims read), never a scan of every claim's emails."""
        from chalicelib.adapters.outbox_repository import _to_domain as outbox_item

        found: list[OutboxItem] = []
        try:
            for claim_id in dict.fromkeys(claim_ids):
                found += [outbox_item(row) for row in OutboxModel.by_claim.query(claim_id)]
        except QueryError as error:
            raise TransientError(f"outbox table unavailable: {error}") from error
        return sorted(found, key=lambda item: (item.claim_id, item.sequence, item.outbox_id))

    def delete_emails(self, outbox_ids: Sequence[str]) -> None:
        """Remove outbox items (their context names the debtor): the anonymisation of an ended claim."""
        try:
            with OutboxModel.batch_write() as batch:
                for outbox_id in outbox_ids:
                    batch.delete(OutboxModel(outbox_id))
        except PutError as error:
            raise TransientError(f"outbox table unavailable: {error}") from error
