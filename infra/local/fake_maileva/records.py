"""What the twin keeps in memory (sendings of both products, their documents and recipients, the webhook
subscriptions) and the JSON shapes Maileva gives them: what changes when Maileva's resource format does.

A resource keeps what the client gave (``fields``, as validated by ``params.py``) apart from what Maileva
added (``tracking``: the registered number, the delivery statuses, the proofs…); its JSON is the two
together, so a field of the specification missing here is one line in one of them."""

from __future__ import annotations

import copy
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

PAPER = "registered_mail"
ELECTRONIC = "lre"
PRODUCTS = (PAPER, ELECTRONIC)


def new_id() -> str:
    """Maileva's identifiers are UUIDs (version 4)."""
    return str(uuid.uuid4())


def iso(moment: datetime) -> str:
    """Maileva's date-time format: UTC with milliseconds, ``2018-03-14T07:21:40.757Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def registered_number() -> str:
    """A paper registered letter's number: ``1A`` and 11 digits (random; no check digit computed)."""
    return "1A" + "".join(secrets.choice("0123456789") for _ in range(11))


@dataclass
class Document:
    id: str
    name: str
    size: int
    content: bytes
    priority: int | None = None  # the paper letter's print order (none for the electronic letter)
    pages_count: int | None = None
    type: str = "application/pdf"

    def as_json(self, product: str) -> dict[str, Any]:
        if product == ELECTRONIC:
            return {"id": self.id, "name": self.name, "size": self.size}
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "priority": self.priority,
            "type": self.type,
            "size": self.size,
            "status": "PROCESSED",
        }
        if self.pages_count is not None:
            shown["pages_count"] = self.pages_count
        return shown


@dataclass
class Recipient:
    id: str
    fields: dict[str, Any]
    created: str
    status: str = "DRAFT"
    tracking: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **copy.deepcopy(self.fields),
            "status": self.status,
            **copy.deepcopy(self.tracking),
        }


@dataclass
class Sending:
    product: str  # PAPER or ELECTRONIC
    id: str
    fields: dict[str, Any]
    creation_date: str
    status: str = "DRAFT"
    statuses: list[dict[str, Any]] = field(default_factory=list)
    submission_date: str | None = None
    processed_date: str | None = None
    documents: list[Document] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)

    def recipient(self, recipient_id: str) -> Recipient | None:
        return next((r for r in self.recipients if r.id == recipient_id), None)

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"id": self.id, **copy.deepcopy(self.fields), "status": self.status}
        shown["creation_date"] = self.creation_date
        if self.submission_date:
            shown["submission_date"] = self.submission_date
        if self.processed_date:
            shown["processed_date"] = self.processed_date
        shown["documents_count"] = len(self.documents)
        shown["recipients_counts"] = recipients_counts(self)
        if self.product == PAPER:
            shown["statuses"] = copy.deepcopy(self.statuses)
            shown["documents_weight"] = sum(d.size for d in self.documents)
            pages = sum(d.pages_count or 0 for d in self.documents)
            shown["pages_count"] = pages * max(1, len(self.recipients))
        return shown


PAPER_COUNTS = (
    "draft",
    "pending",
    "blocked",
    "accepted",
    "processed",
    "sending_rejected",
    "canceled",
    "preparing",
    "rejected",
)
ELECTRONIC_COUNTS = (
    "draft",
    "pending",
    "processed",
    "rejected",
    "accepted",
    "refused",
    "not_claimed",
    "error",
)


def recipients_counts(sending: Sending) -> dict[str, int]:
    names = PAPER_COUNTS if sending.product == PAPER else ELECTRONIC_COUNTS
    counts = dict.fromkeys(names, 0)
    for recipient in sending.recipients:
        key = recipient.status.lower()
        counts[key] = counts.get(key, 0) + 1
    counts["total"] = len(sending.recipients)
    return counts


@dataclass
class Subscription:
    id: str
    event_type: str
    resource_type: str
    callback_url: str
    authentication: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.id,
            "event_type": self.event_type,
            "resource_type": self.resource_type,
            "callback_url": self.callback_url,
        }
        if self.authentication:
            shown["authentication"] = copy.deepcopy(self.authentication)
        return shown


def paging(start_index: int, count: int, total: int, path: str) -> dict[str, Any]:
    """The paging block of a list: ``start_index``, ``count``, ``total_results`` and, as the
    specification's ``paging_response`` has them, ``prev`` and ``next`` (relative addresses)."""
    shown: dict[str, Any] = {"start_index": start_index, "count": count, "total_results": total}
    if start_index > 1:
        shown["prev"] = f"{path}?start_index={max(1, start_index - count)}&count={count}"
    if start_index - 1 + count < total:
        shown["next"] = f"{path}?start_index={start_index + count}&count={count}"
    return shown


@dataclass(frozen=True)
class ConsoleSnapshot:
    """What the console shows, copied at one instant: the sendings of both products (newest first), the
    subscriptions, the webhook attempts (newest first), and the sender's current one-time code."""

    sendings: list[Sending]
    subscriptions: list[Subscription]
    deliveries: list[dict[str, Any]]
    senders: list[dict[str, str]]
    today: str
