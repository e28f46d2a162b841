"""Send the emails the outbox holds: the ones claim changes owe, written in the same transaction as the
change (``ClaimRepository.transition/record/create`` with ``notify``), so each is sent once and never for a
change that did not happen; and the few no claim change owes, each put once under its own key
(``OutboxRepository.queue_once``: a fee invoice's PDF).

:func:`deliver_pending` is run by ``send_notifications`` right after a write that queued emails (for that
claim), by the ``sweep_outbox`` schedule every minute (all claims), and locally by the devserver every 2 s.
Any number may run at once: each item is leased with a conditional update before it is sent, and only
the lease holder settles it. A drainer that dies between SES's answer and the update leaves the item to
be sent again once its lease expires: the one case where an email may go out twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import mimetypes
import posixpath
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from chalicelib import logs
from chalicelib.domain.claim import Claim
from chalicelib.domain.notifications import OutboxItem, account_of, is_platform_subject
from chalicelib.services.ports import AccountFinder, ClaimReader, DocumentReader, OutboxQueue

if TYPE_CHECKING:
    from chalicelib.documents.emails import Attachment, RenderedEmail
    from chalicelib.domain.accounts import Account

logger = logging.getLogger("claims.outbox")

MAX_ATTEMPTS = 5
# Longer than a send takes (a Lambda's timeout is 60 s): a lease that expires means its drainer died.
LEASE = dt.timedelta(minutes=2)
# SES refuses raw messages over 10 MB (base64 makes attachments a third larger).
MAX_ATTACHMENT_BYTES = 7 * 1024 * 1024


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s after the first failure, then 1, 2, 4 min… at most 15 min."""
    return min(dt.timedelta(seconds=30 * 2 ** max(0, attempts - 1)), dt.timedelta(minutes=15))


Send = Callable[[str, "RenderedEmail"], str]


@dataclass
class DeliveryReport:
    """What one run did: ``busy`` items were leased by another drainer meanwhile."""

    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    busy: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "skipped": self.skipped,
            "retried": self.retried,
            "failed": self.failed,
            "busy": self.busy,
        }


class _Skip(Exception):
    """Nobody to send this item to: settled as ``skipped``, not retried."""


class _ReadOnce:
    """A :class:`ClaimReader` that reads each claim once (the claims an outbox run's emails are about)."""

    def __init__(self, claims: ClaimReader) -> None:
        self._claims = claims
        self._read: dict[str, Claim] = {}

    def get(self, claim_id: str) -> Claim:
        if claim_id not in self._read:
            self._read[claim_id] = self._claims.get(claim_id)
        return self._read[claim_id]


class _FoundOnce:
    """An :class:`AccountFinder` that looks each account up once."""

    def __init__(self, accounts: AccountFinder) -> None:
        self._accounts = accounts
        self._found: dict[str, Account | None] = {}

    def find(self, user_id: str) -> Account | None:
        if user_id not in self._found:
            self._found[user_id] = self._accounts.find(user_id)
        return self._found[user_id]


@dataclass(frozen=True)
class _Ports:
    outbox: OutboxQueue
    claims: ClaimReader
    accounts: AccountFinder
    files: DocumentReader
    send: Send
    base_url: str
    operator_email: str


def deliver_pending(
    *,
    limit: int = 50,
    claim_id: str | None = None,
    now: dt.datetime | None = None,
    outbox: OutboxQueue | None = None,
    claims: ClaimReader | None = None,
    accounts: AccountFinder | None = None,
    files: DocumentReader | None = None,
    send: Send | None = None,
) -> DeliveryReport:
    """Send up to ``limit`` pending emails (only ``claim_id``'s when given), oldest first. One item that
    cannot be sent never stops the others: it is retried later, and given up after :data:`MAX_ATTEMPTS`.
    ``now`` fixes the clock (tests); the adapters default to the real ones."""
    ports = _ports(outbox, claims, accounts, files, send)
    # One run reads each claim and each creditor once, however many of its emails it sends (a notice queues
    # three or four at once): the emails speak of changes already written.
    ports = dataclasses.replace(ports, claims=_ReadOnce(ports.claims), accounts=_FoundOnce(ports.accounts))
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else (lambda: dt.datetime.now(dt.UTC))
    report = DeliveryReport()
    for item in ports.outbox.pending(now=clock(), limit=limit, claim_id=claim_id):
        with logs.bound(claim_id=item.claim_id):  # the sweep's lines join each claim's story
            try:
                _deliver_one(item, ports, clock, report)
            except Exception:  # the outbox table itself failed for this item: the next run tries again
                logger.exception("outbox %s: could not be processed", item.outbox_id)
                report.retried += 1
    if report.sent or report.skipped or report.retried or report.failed:
        logger.info("outbox run%s: %s", f" for claim {claim_id}" if claim_id else "", report.as_dict())
    return report


def _ports(
    outbox: OutboxQueue | None,
    claims: ClaimReader | None,
    accounts: AccountFinder | None,
    files: DocumentReader | None,
    send: Send | None,
) -> _Ports:
    from chalicelib.settings import get_settings

    if outbox is None:
        from chalicelib.adapters.outbox_repository import OutboxRepository

        outbox = OutboxRepository()
    if claims is None:
        from chalicelib.adapters.claims_repository import ClaimRepository

        claims = ClaimRepository(wake_sender=None)
    if accounts is None:
        from chalicelib.adapters.accounts_repository import AccountRepository

        accounts = AccountRepository()
    if files is None:
        from chalicelib.adapters.document_store import DocumentStore

        files = DocumentStore()
    if send is None:
        send = _send_with_ses
    settings = get_settings()
    return _Ports(outbox, claims, accounts, files, send, settings.public_url, settings.operator_email)


def _send_with_ses(to: str, email: RenderedEmail) -> str:
    from chalicelib.adapters import mailer  # looked up at each call: tests replace mailer.send_rendered

    return mailer.send_rendered(to, email)


def _deliver_one(
    item: OutboxItem, ports: _Ports, clock: Callable[[], dt.datetime], report: DeliveryReport
) -> None:
    at = clock()
    if item.attempts >= MAX_ATTEMPTS:  # its last drainer died mid-send, again and again
        if ports.outbox.mark_failed(
            item.outbox_id, owner=None, error=f"abandonné après {item.attempts} tentatives", now=at
        ):
            logger.error(
                "outbox %s (%s): given up after %d attempts", item.outbox_id, item.kind, item.attempts
            )
            report.failed += 1
        return
    owner = uuid.uuid4().hex
    leased = ports.outbox.lease(item.outbox_id, owner=owner, until=at + LEASE, now=at)
    if leased is None:
        report.busy += 1
        return
    try:
        to, email = _prepare(leased, ports)
        message_id = ports.send(to, replace(email, idempotency_key=leased.outbox_id))
    except _Skip as skip:
        ports.outbox.mark_skipped(leased.outbox_id, owner=owner, reason=str(skip), now=clock())
        logger.info("outbox %s (%s): skipped, %s", leased.outbox_id, leased.kind, skip)
        report.skipped += 1
        return
    except Exception as error:
        _failed_attempt(leased, owner, error, ports, clock(), report)
        return
    if not ports.outbox.mark_sent(leased.outbox_id, owner=owner, message_id=message_id, now=clock()):
        logger.warning("outbox %s: sent (%s) but its lease had expired", leased.outbox_id, message_id)
    report.sent += 1


def _failed_attempt(
    item: OutboxItem, owner: str, error: Exception, ports: _Ports, at: dt.datetime, report: DeliveryReport
) -> None:
    summary = f"{type(error).__name__}: {error}"
    # A context the template refuses will be refused again: no point in retrying.
    if isinstance(error, ValueError) or item.attempts >= MAX_ATTEMPTS:
        ports.outbox.mark_failed(item.outbox_id, owner=owner, error=summary, now=at)
        logger.error(
            "outbox %s (%s to %s): given up after %d attempt(s): %s",
            item.outbox_id,
            item.kind,
            item.recipient,
            item.attempts,
            summary,
            exc_info=error,
        )
        report.failed += 1
        return
    retry_at = at + retry_delay(item.attempts)
    ports.outbox.retry_later(item.outbox_id, owner=owner, error=summary, retry_at=retry_at, now=at)
    logger.warning(
        "outbox %s (%s): attempt %d failed, retry at %s: %s",
        item.outbox_id,
        item.kind,
        item.attempts,
        retry_at.isoformat(),
        summary,
    )
    report.retried += 1


# ---------------------------------------------------------------------------------------------------
# one email
# ---------------------------------------------------------------------------------------------------
def _prepare(item: OutboxItem, ports: _Ports) -> tuple[str, RenderedEmail]:
    from chalicelib.documents.emails import EMAIL_KINDS, render_email

    spec = EMAIL_KINDS.get(item.kind)
    if spec is None:
        raise ValueError(f"unknown email kind {item.kind!r}")
    if is_platform_subject(item.claim_id):  # about the platform, not a claim: to the operator only
        if item.recipient != "operator":
            raise ValueError(f"platform email {item.kind!r} to {item.recipient!r}: operator only")
        if not ports.operator_email:
            raise _Skip("aucune adresse d'alerte des opérateurs configurée (OPERATOR_ALERT_EMAIL)")
        return ports.operator_email, _about_no_claim(item, spec.accepted, ports.base_url)
    account_id = account_of(item.claim_id)
    if account_id is not None:  # about a creditor's account (an import, an export): to its address only
        if item.recipient != "creditor" or item.attachments:
            raise ValueError(f"account email {item.kind!r}: to the account's creditor, with no attachment")
        account = ports.accounts.find(account_id)
        if account is None or not account.email:
            raise _Skip(f"le compte {account_id} est introuvable ou n'a pas d'adresse électronique")
        return account.email, _about_no_claim(item, spec.accepted, ports.base_url)
    claim = ports.claims.get(item.claim_id)
    creditor = ports.accounts.find(claim.creditor_id)
    common = _claim_keys(claim, creditor, ports.base_url)
    context = {key: value for key, value in common.items() if key in spec.accepted} | dict(item.context)
    to = _address(item, claim, creditor, ports.operator_email, ports.accounts)
    attachments = tuple(_attachment(claim, key, ports.files) for key in item.attachments)
    return to, render_email(item.kind, context, attachments=attachments)


def _about_no_claim(item: OutboxItem, accepted: Collection[str], base_url: str) -> RenderedEmail:
    """An email about the platform or an account, not a claim: its own context and the site's address."""
    from chalicelib.documents.emails import render_email

    context = {"base_url": base_url.rstrip("/")} | dict(item.context)
    return render_email(item.kind, {k: v for k, v in context.items() if k in accepted})


def _claim_keys(claim: Claim, creditor: Account | None, base_url: str) -> dict[str, Any]:
    """What every email about a claim may print: the link to its page, its ids and its parties."""
    keys: dict[str, Any] = {
        "base_url": base_url.rstrip("/"),
        "claim_id": claim.claim_id,
        "debtor_name": claim.debtor_name,
    }
    if claim.reference:
        keys["claim_reference"] = claim.reference
    if creditor is not None and creditor.creditor is not None and creditor.creditor.legal_name:
        keys["creditor_name"] = creditor.creditor.legal_name
    return keys


def _address(
    item: OutboxItem, claim: Claim, creditor: Account | None, operator_email: str, accounts: AccountFinder
) -> str:
    if item.recipient == "creditor":
        if creditor is None or not creditor.email:
            raise _Skip(f"le compte du créancier {claim.creditor_id} est introuvable")
        return creditor.email
    if item.recipient == "debtor":
        debtor = (claim.content or {}).get("debtor") or {}
        email = str(debtor.get("email") or "").strip()
        if not email:
            raise _Skip("aucune adresse électronique connue pour le débiteur")
        return email
    if item.recipient == "lawyer":
        lawyer = accounts.find(claim.assigned_lawyer_id) if claim.assigned_lawyer_id else None
        if lawyer is None or not lawyer.email:
            raise _Skip("aucun avocat partenaire n'a ce dossier en charge")
        return lawyer.email
    if item.recipient == "operator":
        if not operator_email:
            raise _Skip("aucune adresse d'alerte des opérateurs configurée (OPERATOR_ALERT_EMAIL)")
        return operator_email
    raise ValueError(f"unknown recipient {item.recipient!r}")


def _attachment(claim: Claim, key: str, files: DocumentReader) -> Attachment:
    """The stored file, named as the creditor named it when it is one of their documents, else after its
    key (a generated letter: ``claims/<id>/notice/mise-en-demeure-….pdf``)."""
    from chalicelib.documents.emails import Attachment

    content = files.get(key, MAX_ATTACHMENT_BYTES)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValueError(f"attachment {key} is larger than {MAX_ATTACHMENT_BYTES} bytes")
    document = next((d for d in claim.documents if d.storage_key == key), None)
    if document is not None:
        return Attachment(document.filename, content, document.media_type or "application/octet-stream")
    filename = posixpath.basename(key) or "document.pdf"
    media_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Attachment(filename, content, media_type)
