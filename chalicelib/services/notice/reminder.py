"""The relance amiable (optional, before the notice)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.domain.claim import AuditEvent, EventKind
from chalicelib.domain.errors import (
    InvalidTransition,
)
from chalicelib.services.notice.common import (
    ACTOR,
    SENDABLE,
    SendEmail,
    reminder_key,
)
from chalicelib.services.notice.context import _content, build_notice_context
from chalicelib.services.notice.sending import _assessment, _creditor, _safe_filename, with_debtor_page
from chalicelib.services.ports import (
    AccountFinder,
    ClaimStore,
    DocumentStore,
)
from chalicelib.settings import PARIS

if TYPE_CHECKING:
    from chalicelib.adapters.postal import PostalSender

logger = logging.getLogger("claims.notice")

# ---------------------------------------------------------------------------------------------------
# the relance amiable (optional, before the notice)
# ---------------------------------------------------------------------------------------------------
REMINDER_HASH_KEY = "relance"


@dataclass(frozen=True)
class ReminderOutcome:
    sent: bool
    reason: str = ""
    pdf_key: str = ""
    sha256: str = ""
    sent_on: dt.date | None = None
    already_sent: bool = False

    def as_task_output(self) -> dict[str, object]:
        return {"sent": self.sent, "reason": self.reason, "pdf_key": self.pdf_key}


def _reminder_event(events: Sequence[AuditEvent]) -> AuditEvent | None:
    return next(
        (
            e
            for e in sorted(events, key=lambda e: e.sequence)
            if e.kind is EventKind.DOCUMENT_ADDED and REMINDER_HASH_KEY in e.document_hashes
        ),
        None,
    )


def send_reminder(
    claim_id: str,
    *,
    claims: ClaimStore,
    accounts: AccountFinder,
    store: DocumentStore,
    send_email: SendEmail,
    today: dt.date,
    now: dt.datetime,
    postal: PostalSender | None = None,
) -> ReminderOutcome:
    """Email the debtor the creditor's relance amiable (PDF attached). It has no legal effect (RULEBOOK
    4.4) and goes by email only, so a debtor without an email address gets none (``sent`` is False).

    Idempotent through the timeline: the ``DOCUMENT_ADDED`` event carrying the relance's hash is the
    record that it was sent (``claim.notice`` stays the formal notice's). ``postal`` is accepted for the
    workflow's common wiring and not used."""
    claim = claims.get(claim_id)
    done = _reminder_event(claims.events(claim_id))
    if done is not None:
        return ReminderOutcome(
            True,
            "La relance a déjà été envoyée.",
            reminder_key(claim_id),
            done.document_hashes[REMINDER_HASH_KEY],
            done.at.astimezone(PARIS).date(),
            already_sent=True,
        )
    if claim.status not in SENDABLE:
        raise InvalidTransition(
            f"La relance ne peut pas être envoyée pour une créance au statut « {claim.status.value} ».",
            code="reminder_not_sendable",
        )
    content = _content(claim)
    if not content.debtor.email:
        return ReminderOutcome(False, "Aucune adresse e-mail du débiteur : la relance n'est pas envoyée.")
    from chalicelib.documents.emails import Attachment, render_email
    from chalicelib.documents.letters import document_pdf

    profile, creditor_email = _creditor(accounts, claim)
    assessment = _assessment(claim, profile, today)
    ctx = with_debtor_page(
        build_notice_context(claim, profile, assessment, today=today, creditor_email=creditor_email),
        claim,
        profile,
        now,
    )
    pdf = document_pdf("relance", ctx)
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = reminder_key(claim_id)
    store.put(key, pdf, "application/pdf")
    context: dict[str, Any] = {
        "creditor_name": profile.legal_name,
        "debtor_name": content.debtor.display_name,
        "debtor_title": content.debtor.title or None,
        "claim_reference": ctx.our_reference,
        "amount_due": f"{ctx.principal_outstanding:.2f}",
        "letter_date": today,
        "creditor_email": creditor_email or None,
        "creditor_phone": profile.phone or None,
        "debtor_page_url": ctx.extra.get("debtor_link") or None,
    }
    attachment = Attachment(_safe_filename("relance", ctx.our_reference), pdf)
    send_email(content.debtor.email, render_email("debtor_reminder", context, attachments=(attachment,)))
    claims.record(
        claim_id,
        kind=EventKind.DOCUMENT_ADDED,
        actor=ACTOR,
        reason=f"Relance amiable envoyée par e-mail au débiteur ({content.debtor.email})",
        document_hashes={REMINDER_HASH_KEY: sha256},
        now=now,
    )
    return ReminderOutcome(True, "", key, sha256, today)
