"""The ports: what the services need from the outside world, declared once (ARCHITECTURE.md).

The adapters in :mod:`chalicelib.adapters` implement them (the composition root, :mod:`chalicelib.bootstrap`,
hands them to the services); the in-memory twins in :mod:`chalicelib.adapters.memory` and the tests' fakes
implement them too. A service names the narrowest port it uses (``AccountFinder`` rather than
``AccountStore`` when it only reads an account), so a fake needs only those methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.domain.abuse import Window
from chalicelib.domain.accounts import Account, Identity, Role
from chalicelib.domain.claim import AuditEvent, Claim, EventKind
from chalicelib.domain.imports import ImportJob, ImportStatus
from chalicelib.domain.notifications import Notification, OutboxItem

if TYPE_CHECKING:
    from chalicelib.adapters.stripe_gateway import CheckoutSession, Refund

# --- accounts and identities ------------------------------------------------------------------------------


class AccountFinder(Protocol):
    def find(self, user_id: str) -> Account | None: ...


class LawyerDirectory(AccountFinder, Protocol):
    def list_by_role(self, role: Role) -> list[Account]: ...


class AccountStore(LawyerDirectory, Protocol):
    def get(self, user_id: str) -> Account: ...
    def create(self, account: Account) -> Account: ...
    def save_profile(self, account: Account) -> Account: ...


class TermsLedger(AccountFinder, Protocol):
    """Where a creditor's acceptance of the conditions générales de vente is kept (services/terms.py)."""

    def accept_terms(self, user_id: str, version: str, at: dt.datetime) -> Account: ...


class IdentityProvider(Protocol):
    def sign_up(self, email: str, password: str) -> str: ...
    def invite(self, email: str, role: Role) -> str: ...
    def delete(self, email: str) -> None: ...
    def user_id(self, email: str) -> str | None: ...


class PublicIdentityProvider(IdentityProvider, Protocol):
    def sign_in(self, email: str, password: str) -> object: ...
    def confirm_sign_up(self, email: str, code: str) -> None: ...
    def resend_code(self, email: str) -> None: ...
    def forgot_password(self, email: str) -> None: ...
    def confirm_forgot_password(self, email: str, code: str, new_password: str) -> None: ...
    def is_confirmed(self, email: str) -> bool | None: ...


class KeySource(Protocol):
    def key_for(self, kid: str) -> Any | None:
        """The public key (a ``cryptography`` RSA key) for ``kid``, or None when unknown."""
        ...


class Limiter(Protocol):
    def hit(self, name: str, subject: str) -> Window: ...
    def give_back(self, window: Window) -> None: ...


# --- claims -----------------------------------------------------------------------------------------------


class ClaimReader(Protocol):
    def get(self, claim_id: str) -> Claim: ...


class EventRecorder(Protocol):
    def record(
        self, claim_id: str, *, kind: EventKind, actor: str, reason: str, notify: Notification
    ) -> Any: ...


class ClaimStore(ClaimReader, Protocol):
    def get_for(self, identity: Identity, claim_id: str) -> Claim: ...
    def events(self, claim_id: str) -> list[AuditEvent]: ...
    def events_after(self, claim_id: str, sequence: int, *, limit: int) -> list[AuditEvent]: ...
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
        now: dt.datetime | None = None,
        notify: Notification | Sequence[Notification] = (),
        current: Claim | None = None,
    ) -> Claim: ...


class ImportStore(Protocol):
    def create(self, job: ImportJob) -> ImportJob: ...
    def get(self, import_id: str) -> ImportJob: ...
    def update(
        self,
        import_id: str,
        *,
        status: ImportStatus | None = ...,
        **counters: int | str | None,
    ) -> None: ...


# --- documents --------------------------------------------------------------------------------------------


class DocumentReader(Protocol):
    def get(self, key: str, max_bytes: int) -> bytes: ...


class BlobStore(DocumentReader, Protocol):
    def put(self, key: str, content: bytes, content_type: str) -> None: ...


class DocumentStore(BlobStore, Protocol):
    def upload_key(self, claim_id: str, document_id: str) -> str: ...
    def presigned_post(
        self, key: str, content_type: str, max_bytes: int = ..., expires_in: int = ...
    ) -> dict[str, Any]: ...
    def presigned_get(self, key: str, filename: str, expires_in: int = 300) -> str: ...
    def copy(self, source: str, target: str) -> None: ...
    def size(self, key: str) -> int | None: ...
    def delete(self, key: str) -> None: ...


# --- the escalation (Step Functions), the payments (Stripe), the emails to send ---------------------------


class WorkflowEngine(Protocol):
    def start(self, claim_id: str, payload: dict[str, Any]) -> str: ...
    def start_once(self, name: str, payload: dict[str, Any]) -> str: ...
    def execution_arn(self, name: str) -> str: ...
    def is_running(self, execution_arn: str) -> bool: ...
    def send_task_success(self, task_token: str, output: dict[str, Any]) -> None: ...


class PaymentGateway(Protocol):
    def create_checkout(
        self,
        *,
        claim_id: str,
        step: str,
        amount_cents: int,
        product_name: str,
        description: str,
        customer_email: str,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutSession: ...

    def refund(
        self, *, payment_intent: str, amount_cents: int, claim_id: str, idempotency_key: str
    ) -> Refund: ...


class OutboxWriter(Protocol):
    """Queues an email about a claim that no claim write owes (a fee invoice's PDF), once per ``key``."""

    def queue_once(
        self, claim_id: str, key: str, notification: Notification, *, now: dt.datetime
    ) -> bool: ...


class OutboxQueue(Protocol):
    def pending(
        self, *, now: dt.datetime, limit: int = 50, claim_id: str | None = None
    ) -> list[OutboxItem]: ...
    def lease(
        self, item_id: str, *, owner: str, until: dt.datetime, now: dt.datetime
    ) -> OutboxItem | None: ...
    def mark_sent(self, item_id: str, *, owner: str, message_id: str, now: dt.datetime) -> bool: ...
    def mark_skipped(self, item_id: str, *, owner: str, reason: str, now: dt.datetime) -> bool: ...
    def retry_later(
        self, item_id: str, *, owner: str, error: str, retry_at: dt.datetime, now: dt.datetime
    ) -> bool: ...
    def mark_failed(self, item_id: str, *, owner: str | None, error: str, now: dt.datetime) -> bool: ...
