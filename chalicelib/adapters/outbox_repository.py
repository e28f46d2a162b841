"""The outbox of claim emails in DynamoDB (``OutboxModel``).

Items are written by :class:`chalicelib.adapters.claims_repository.ClaimRepository` in the same transaction
as the claim change that owes them (:func:`new_item`), or on their own, once per key, when no claim change
owes them (:meth:`OutboxRepository.queue_once`: a fee invoice's PDF, rendered after the payment's write);
this module reads the pending ones and moves each through its states with conditional updates, so that
concurrent drainers never send one item twice:

``pending`` ──lease (status pending, lease expired)──▶ leased ──▶ ``sent`` | ``skipped`` | ``failed``
                                                           └──▶ ``pending`` again, leased until the retry time

Only the drainer holding the lease (``lease_owner``) may settle an item.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import PutError, QueryError, ScanError, UpdateError

from chalicelib.adapters.dynamo import OutboxModel
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.notifications import (
    NO_EVENT,
    Notification,
    OutboxItem,
    OutboxStatus,
    keyed_outbox_id,
    outbox_id,
)

logger = logging.getLogger("claims.outbox")

PENDING = "pending"  # the value of ``queue`` while an item waits (the sparse index's only partition)


def _pending_row(
    item_id: str, claim_id: str, sequence: int, notification: Notification, now: dt.datetime
) -> OutboxModel:
    """A new item waiting to be sent."""
    return OutboxModel(
        item_id,
        claim_id=claim_id,
        sequence=sequence,
        kind=notification.kind,
        recipient=notification.to,
        context=notification.json_context(),
        attachments=list(notification.attachments),
        status=OutboxStatus.PENDING.value,
        attempts=0,
        created_at=now,
        queue=PENDING,
    )


def _checked(notification: Notification) -> Notification:
    """The email as queued on its own (no claim write checked it): one that could not be rendered is
    refused now, not when it is sent."""
    from chalicelib.domain.email_kinds import check_queued

    check_queued(notification.kind, notification.context, attachments=len(notification.attachments))
    return notification


def new_item(
    claim_id: str, sequence: int, n: int, notification: Notification, now: dt.datetime
) -> OutboxModel:
    """The item of the ``n``-th email (1-based) owed by the audit event ``sequence`` of a claim."""
    return _pending_row(outbox_id(claim_id, sequence, n), claim_id, sequence, notification, now)


def new_platform_item(subject: str, key: str, notification: Notification, now: dt.datetime) -> OutboxModel:
    """The item of an email about the platform itself (``subject`` starts with
    :data:`~chalicelib.domain.notifications.PLATFORM_SUBJECT_PREFIX`), once per ``key``:
    ``<subject>#<key>#1``. Only the operator receives such emails."""
    from chalicelib.domain.notifications import is_platform_subject

    if not is_platform_subject(subject) or notification.to != "operator":
        raise ValueError(f"platform email {notification.kind!r}: subject {subject!r} to {notification.to!r}")
    return _pending_row(f"{subject}#{key}#1", subject, 0, _checked(notification), now)


def new_keyed_item(claim_id: str, key: str, notification: Notification, now: dt.datetime) -> OutboxModel:
    """The item of the one email about a claim that ``key`` names, queued without a claim write:
    ``<claim id>#<key>#1`` (:func:`~chalicelib.domain.notifications.keyed_outbox_id`), owed by no audit
    event (``sequence`` :data:`~chalicelib.domain.notifications.NO_EVENT`)."""
    return _pending_row(keyed_outbox_id(claim_id, key), claim_id, NO_EVENT, _checked(notification), now)


def _to_domain(row: OutboxModel) -> OutboxItem:
    return OutboxItem(
        outbox_id=row.outbox_id,
        claim_id=row.claim_id,
        sequence=int(row.sequence),
        kind=row.kind,
        recipient=row.recipient,  # type: ignore[arg-type]  # written from a Recipient
        context=dict(row.context or {}),
        attachments=tuple(str(key) for key in row.attachments or ()),
        status=OutboxStatus(row.status),
        attempts=int(row.attempts or 0),
        created_at=row.created_at,
        sent_at=row.sent_at,
        lease_until=row.lease_until,
        last_error=row.last_error or "",
        message_id=row.message_id or "",
    )


def _lost_race(error: UpdateError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


class OutboxRepository:
    def __init__(self, *, wake_sender: Callable[[str], None] | None = None) -> None:
        """``wake_sender(claim_id)`` runs after :meth:`queue_once` queued an email (None: the sweep sends
        it); the drainers, which only read and settle items, need none."""
        self._wake_sender = wake_sender

    def queue_once(self, claim_id: str, key: str, notification: Notification, *, now: dt.datetime) -> bool:
        """Queue the email ``key`` names about a claim, unless it was queued before (a conditional put on
        its id: a retry, or a second run at the same time, queues nothing more); True when queued now. No
        claim write, so no claim version to race with."""
        row = new_keyed_item(claim_id, key, notification, now)
        try:
            row.save(condition=OutboxModel.outbox_id.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise TransientError(f"outbox table unavailable: {error}") from error
        if self._wake_sender is not None:
            self._wake_sender(claim_id)
        return True

    def pending(self, *, now: dt.datetime, limit: int = 50, claim_id: str | None = None) -> list[OutboxItem]:
        """Pending items whose lease (or retry time) has passed, oldest first (through the sparse index:
        eventually consistent, which is fine: every item is leased with a conditional update)."""
        condition: Any = OutboxModel.lease_until.does_not_exist() | (OutboxModel.lease_until <= now)
        if claim_id is not None:
            condition = condition & OutboxModel.outbox_id.startswith(f"{claim_id}#")
        try:
            rows = OutboxModel.pending.query(PENDING, filter_condition=condition, limit=limit)
            return [_to_domain(row) for row in rows]
        except QueryError as error:
            raise TransientError(f"outbox table unavailable: {error}") from error

    def release_leases(self) -> int:
        """Free every pending item's sending lease (the local platform at start: the process that held them is
        gone, so its emails go out now rather than when their lease runs out). A send that had reached SES is
        not shown twice: the local SES keeps one message per outbox item. Returns how many were freed."""
        from pynamodb.exceptions import UpdateError

        freed = 0
        try:
            rows = list(OutboxModel.pending.query(PENDING, filter_condition=OutboxModel.lease_owner.exists()))
        except QueryError as error:
            raise TransientError(f"outbox table unavailable: {error}") from error
        for row in rows:
            try:
                row.update(
                    actions=[OutboxModel.lease_until.remove(), OutboxModel.lease_owner.remove()],
                    condition=OutboxModel.lease_owner == row.lease_owner,
                )
                freed += 1
            except UpdateError:
                continue  # settled meanwhile
        return freed

    def for_claim(self, claim_id: str) -> list[OutboxItem]:
        """Every item of a claim, sent or not (for operators and tests: a scan of the table)."""
        try:
            rows = OutboxModel.scan(OutboxModel.claim_id == claim_id)
            items = [_to_domain(row) for row in rows]
        except ScanError as error:
            raise TransientError(f"outbox table unavailable: {error}") from error
        return sorted(items, key=lambda item: (item.sequence, item.outbox_id))

    def lease(self, item_id: str, *, owner: str, until: dt.datetime, now: dt.datetime) -> OutboxItem | None:
        """Take the item for ``owner`` until ``until`` and count the attempt; None when it is not pending
        any more or another drainer holds it."""
        row = OutboxModel(item_id)
        try:
            row.update(
                actions=[
                    OutboxModel.lease_until.set(until),
                    OutboxModel.lease_owner.set(owner),
                    OutboxModel.attempts.add(1),
                ],
                condition=(OutboxModel.status == OutboxStatus.PENDING.value)
                & (OutboxModel.lease_until.does_not_exist() | (OutboxModel.lease_until <= now)),
            )
        except UpdateError as error:
            if _lost_race(error):
                return None
            raise TransientError(f"outbox table unavailable: {error}") from error
        return _to_domain(row)

    def _settle(self, item_id: str, owner: str | None, actions: list[Any], *, now: dt.datetime) -> bool:
        if owner is not None:
            condition = (OutboxModel.lease_owner == owner) & (
                OutboxModel.status == OutboxStatus.PENDING.value
            )
        else:  # nobody holds it: an abandoned item, given up by the next drainer
            condition = (OutboxModel.status == OutboxStatus.PENDING.value) & (
                OutboxModel.lease_until.does_not_exist() | (OutboxModel.lease_until <= now)
            )
        try:
            OutboxModel(item_id).update(actions=actions, condition=condition)
        except UpdateError as error:
            if _lost_race(error):
                return False
            raise TransientError(f"outbox table unavailable: {error}") from error
        return True

    def mark_sent(self, item_id: str, *, owner: str, message_id: str, now: dt.datetime) -> bool:
        """False when the lease was lost meanwhile (the email went out all the same)."""
        return self._settle(
            item_id,
            owner,
            [
                OutboxModel.status.set(OutboxStatus.SENT.value),
                OutboxModel.sent_at.set(now),
                OutboxModel.message_id.set(message_id),
                OutboxModel.queue.remove(),
                OutboxModel.lease_until.remove(),
                OutboxModel.lease_owner.remove(),
            ],
            now=now,
        )

    def mark_skipped(self, item_id: str, *, owner: str, reason: str, now: dt.datetime) -> bool:
        return self._settle(
            item_id,
            owner,
            [
                OutboxModel.status.set(OutboxStatus.SKIPPED.value),
                OutboxModel.last_error.set(reason[:1000]),
                OutboxModel.queue.remove(),
                OutboxModel.lease_until.remove(),
                OutboxModel.lease_owner.remove(),
            ],
            now=now,
        )

    def retry_later(
        self, item_id: str, *, owner: str, error: str, retry_at: dt.datetime, now: dt.datetime
    ) -> bool:
        """Give the lease back, to be taken again from ``retry_at``."""
        return self._settle(
            item_id,
            owner,
            [
                OutboxModel.lease_until.set(retry_at),
                OutboxModel.lease_owner.remove(),
                OutboxModel.last_error.set(error[:1000]),
            ],
            now=now,
        )

    def mark_failed(self, item_id: str, *, owner: str | None, error: str, now: dt.datetime) -> bool:
        """Give up: the item leaves the pending index (an operator reads ``last_error`` and the logs)."""
        return self._settle(
            item_id,
            owner,
            [
                OutboxModel.status.set(OutboxStatus.FAILED.value),
                OutboxModel.last_error.set(error[:1000]),
                OutboxModel.queue.remove(),
                OutboxModel.lease_until.remove(),
                OutboxModel.lease_owner.remove(),
            ],
            now=now,
        )


def start_delivery(claim_id: str) -> None:
    """Send a claim's queued emails now, in the background (asynchronous ``send_notifications``). Best
    effort: the change is already saved and the one-minute sweep sends whatever this does not."""
    from chalicelib.adapters.lambda_invoker import invoke_async

    try:
        invoke_async("send_notifications", {"claim_id": claim_id})
    except Exception:
        logger.warning(
            "claim %s: could not start send_notifications; the sweep will", claim_id, exc_info=True
        )
