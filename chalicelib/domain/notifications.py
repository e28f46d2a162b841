"""An email the platform owes someone because of a change of a claim, written to the outbox in the same
transaction as the change (so it is sent exactly once, and never for a change that did not happen).

Pure data. ``kind`` is one of ``chalicelib.documents.emails.EMAIL_KINDS``; ``context`` holds the values
that kind needs beyond the common ones of a claim (link, claim id, debtor and creditor names, which the
sender adds), JSON-ready: amounts as decimal strings (``"29.00"``), dates ISO. ``attachments`` are storage
keys of files to attach (e.g. the mise en demeure PDF).

One kind of email about a claim is queued on its own, with no claim change: a fee invoice's PDF, rendered
after the payment's write (:func:`keyed_outbox_id`, once per key).

Every status change emails the creditor: when the writer of a transition names no email for the creditor,
:func:`with_defaults` adds the one :data:`STATUS_EMAIL_KINDS` gives for the new status (and, for a claim
handed to an operator, the operator's alert). Kinds whose template needs more than the common keys (an
amount, a date…) must be passed by the writer with that context: the repository refuses a transition
whose email could not be rendered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from chalicelib.domain.claim import ClaimStatus

# "lawyer": the partner lawyer the claim is assigned to when the email is sent.
Recipient = Literal["creditor", "debtor", "operator", "lawyer"]
RECIPIENTS: tuple[Recipient, ...] = ("creditor", "debtor", "operator", "lawyer")


@dataclass(frozen=True)
class Notification:
    kind: str
    context: Mapping[str, Any] = field(default_factory=dict)
    to: Recipient = "creditor"
    attachments: tuple[str, ...] = ()

    def json_context(self) -> dict[str, Any]:
        """``context`` as plain JSON: ``Decimal`` → ``"29.00"``, dates → ISO strings."""
        return {str(key): _json_ready(value) for key, value in self.context.items()}


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    return value


# The creditor's email for each status a claim may enter (``draft`` is the creditor's own work: none).
STATUS_EMAIL_KINDS: Mapping[ClaimStatus, str] = {
    ClaimStatus.AWAITING_PAYMENT: "claim_submitted",
    ClaimStatus.ASSESSING: "payment_received",
    ClaimStatus.LAWYER_REVIEW: "claim_in_review",
    ClaimStatus.REJECTED: "claim_rejected",
    ClaimStatus.NOTICE_SENT: "notice_sent",
    ClaimStatus.SETTLED: "settled",
    ClaimStatus.DISPUTED: "disputed",
    ClaimStatus.ESCALATION_OFFERED: "escalation_offered",
    ClaimStatus.DOSSIER_READY: "dossier_ready",
    ClaimStatus.WITH_LAWYER: "lawyer_assigned",
    ClaimStatus.FILED: "filed",
    ClaimStatus.ORDER_GRANTED: "order_granted",
    ClaimStatus.ORDER_REJECTED: "order_rejected",
    ClaimStatus.SERVED: "served",
    ClaimStatus.OPPOSED: "opposed",
    ClaimStatus.ENFORCEMENT: "enforcement_started",
    ClaimStatus.WITHDRAWN: "withdrawn",
    ClaimStatus.CLOSED: "claim_closed",
    ClaimStatus.NEEDS_ATTENTION: "needs_attention",
}
OPERATOR_ALERT = "operator_alert"
# Statuses an operator must hear about, besides the creditor.
OPERATOR_ALERT_STATUSES = frozenset({ClaimStatus.NEEDS_ATTENTION})


def as_notifications(notify: Notification | Sequence[Notification]) -> tuple[Notification, ...]:
    return (notify,) if isinstance(notify, Notification) else tuple(notify)


def with_defaults(
    notify: Notification | Sequence[Notification],
    *,
    from_status: ClaimStatus | None,
    to_status: ClaimStatus,
    reason: str,
) -> tuple[Notification, ...]:
    """What a write must queue: the writer's notifications, plus the creditor's email of the new status
    when the writer gave none for the creditor, plus the operator's alert of a claim needing attention
    when the writer gave none for the operator. A write that does not change the status adds nothing."""
    given = as_notifications(notify)
    if from_status is to_status:
        return given
    added: list[Notification] = []
    kind = STATUS_EMAIL_KINDS.get(to_status)
    if kind is not None and not any(n.to == "creditor" for n in given):
        added.append(Notification(kind))
    if to_status in OPERATOR_ALERT_STATUSES and not any(n.to == "operator" for n in given):
        context = {"previous_status": from_status.value if from_status else "", "error": reason}
        added.append(Notification(OPERATOR_ALERT, {k: v for k, v in context.items() if v}, to="operator"))
    return (*given, *added)


# ---------------------------------------------------------------------------------------------------
# the outbox
# ---------------------------------------------------------------------------------------------------
class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"  # nobody to send it to (e.g. a debtor without an email address)
    FAILED = "failed"  # given up after repeated failures: an operator looks at the logs


# Emails about the platform itself rather than a claim (e.g. rates proposed to the operator) carry a
# ``claim_id`` starting with this prefix; the sender then reads no claim (services/outbox.py).
PLATFORM_SUBJECT_PREFIX = "plateforme:"
RATE_PROPOSALS_SUBJECT = "plateforme:taux"


def is_platform_subject(claim_id: str) -> bool:
    return claim_id.startswith(PLATFORM_SUBJECT_PREFIX)


# Emails about a creditor's account rather than one claim (a bulk import's report, a data export ready)
# carry ``compte:<account id>``: the sender reads the account, not a claim, and writes to its address.
ACCOUNT_SUBJECT_PREFIX = "compte:"


def account_subject(account_id: str) -> str:
    if not account_id or "#" in account_id:
        raise ValueError(f"account id {account_id!r}: not empty, no « # »")
    return f"{ACCOUNT_SUBJECT_PREFIX}{account_id}"


def account_of(subject: str) -> str | None:
    """The account an email is about (``compte:<id>``), None for a claim's or the platform's."""
    return (
        subject.removeprefix(ACCOUNT_SUBJECT_PREFIX) if subject.startswith(ACCOUNT_SUBJECT_PREFIX) else None
    )


def outbox_id(claim_id: str, sequence: int, n: int) -> str:
    """``<claim id>#<audit event sequence>#<n>``: the n-th email (1-based) queued by that event."""
    return f"{claim_id}#{sequence}#{n}"


# The ``sequence`` of an email about a claim queued outside any claim write (:func:`keyed_outbox_id`):
# no audit event owes it (the events are numbered from 1).
NO_EVENT = 0
_OUTBOX_KEY = re.compile(r"[a-z][A-Za-z0-9_-]*")


def keyed_outbox_id(claim_id: str, key: str) -> str:
    """``<claim id>#<key>#1``: the one email about a claim that ``key`` names, queued on its own rather than
    with a claim write (a fee invoice's PDF: ``invoice-FA-2026-000001``). Queued once per key (a
    conditional put), it still starts with ``<claim id>#`` as the sender's per-claim run reads it, and the
    key starts with a letter, so it never takes the id of an email owed by an audit event."""
    if not _OUTBOX_KEY.fullmatch(key):
        raise ValueError(f"outbox key {key!r}: a lower-case letter, then letters, digits, - or _")
    return f"{claim_id}#{key}#1"


@dataclass(frozen=True)
class OutboxItem:
    """One queued email, as stored."""

    outbox_id: str
    claim_id: str
    sequence: int
    kind: str
    recipient: Recipient
    context: Mapping[str, Any]
    attachments: tuple[str, ...]
    status: OutboxStatus
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None = None
    lease_until: dt.datetime | None = None
    last_error: str = ""
    message_id: str = ""
