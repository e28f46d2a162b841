"""Sending the mise en demeure step by step (prepared, sent, emailed), each effect followed by a write."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from chalicelib.documents.context import (
    Party,
)
from chalicelib.documents.formatting import date_long, euros
from chalicelib.domain.accounts import CreditorProfile
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.claim_content import ClaimContent
from chalicelib.domain.errors import (
    ConcurrentUpdate,
    InvalidInput,
    InvalidTransition,
    NotSubmittable,
)
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.notifications import Notification
from chalicelib.domain.precheck import refuse_not_due
from chalicelib.domain.registered_mail import choose_channel
from chalicelib.services.notice.common import (
    ACTOR,
    MAX_PDF_BYTES,
    SENDABLE,
    SendEmail,
    notice_key,
)
from chalicelib.services.notice.context import _content, build_notice_context, creditor_party, debtor_party
from chalicelib.services.notice.deadlines import deadline_timestamp, payment_deadline, presentation_basis
from chalicelib.services.ports import (
    AccountFinder,
    ClaimStore,
    DocumentStore,
)

if TYPE_CHECKING:
    from chalicelib.adapters.postal import Addressee, PostalReceipt, PostalSender

logger = logging.getLogger("claims.notice")


# ---------------------------------------------------------------------------------------------------
# sending the mise en demeure
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeOutcome:
    claim_id: str
    pdf_key: str
    sha256: str
    channel: str
    tracking_number: str
    sent_on: dt.date
    first_presented_on: dt.date | None
    deadline: dt.date
    deadline_at: str
    amount_claimed: str
    notification: Notification
    already_sent: bool = False
    # The claim as this task last wrote (or read) it: the next write of the same task starts from it rather
    # than reading it again (not part of the state machine's output).
    claim: Claim | None = field(default=None, compare=False, repr=False)

    def as_task_output(self) -> dict[str, object]:
        """What the state machine keeps (``$.notice``): JSON only."""
        return {
            "deadline_at": self.deadline_at,
            "deadline": self.deadline.isoformat(),
            "pdf_key": self.pdf_key,
            "sha256": self.sha256,
            "channel": self.channel,
            "tracking_number": self.tracking_number,
            "sent_on": self.sent_on.isoformat(),
            "first_presented_on": self.first_presented_on.isoformat() if self.first_presented_on else None,
            "amount_claimed": self.amount_claimed,
        }


def _outcome(
    claim_id: str, notice: NoticeRecord, *, already_sent: bool, claim: Claim | None = None
) -> NoticeOutcome:
    if notice.sent_on is None or notice.deadline is None:
        raise ValueError(f"claim {claim_id}: the notice is recorded as sent without its dates")
    sent_on, deadline = notice.sent_on, notice.deadline
    tracking = notice.tracking_number
    context: dict[str, Any] = {
        "sent_on": sent_on.isoformat(),
        "payment_deadline": deadline.isoformat(),
        "amount_claimed": notice.amount_claimed,
        "channel": notice.channel,
    }
    if tracking:  # an email's text value is never empty: unknown until the creditor records it
        context["tracking_number"] = tracking
    return NoticeOutcome(
        claim_id=claim_id,
        pdf_key=notice.pdf_key,
        sha256=notice.sha256,
        channel=notice.channel,
        tracking_number=tracking,
        sent_on=sent_on,
        first_presented_on=notice.first_presented_on,
        deadline=deadline,
        deadline_at=notice.deadline_at,
        amount_claimed=notice.amount_claimed,
        notification=Notification("notice_sent", context, attachments=(notice.pdf_key,)),
        already_sent=already_sent,
        claim=claim,
    )


def _with_notice(claim: Claim, **fields: Any) -> Claim:
    """The claim with ``fields`` (the record's attributes) changed in its notice; the others are kept."""
    return replace(claim, notice=(claim.notice or NoticeRecord()).with_fields(**fields))


def _safe_filename(stem: str, reference: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", reference).strip("-.")[:60]
    return f"{stem}-{cleaned}.pdf" if cleaned else f"{stem}.pdf"


def _creditor(accounts: AccountFinder, claim: Claim) -> tuple[CreditorProfile, str]:
    account = accounts.find(claim.creditor_id)
    if account is None or account.creditor is None or account.creditor.address is None:
        raise InvalidInput(
            "Le profil du créancier est incomplet (raison sociale, adresse) : la lettre ne peut pas être "
            "préparée.",
            code="profile_incomplete",
            field="profile",
        )
    return account.creditor, account.email


def _assessment(claim: Claim, profile: CreditorProfile, today: dt.date) -> Mapping[str, Any]:
    """The legal engine on the letter date; a claim that something now blocks gets no letter at all, nor
    one that a partner lawyer must review first and has not approved (RULEBOOK 1.2)."""
    from chalicelib.services.claims import assess_claim
    from chalicelib.services.review import approved, review_reasons

    precheck = assess_claim(claim, profile, today)
    refuse_not_due(precheck.assessment, "Aucune lettre ne peut être envoyée")
    reasons = review_reasons(precheck.assessment)
    if reasons and not approved(claim) and claim.status in {ClaimStatus.ASSESSING, ClaimStatus.LAWYER_REVIEW}:
        raise NotSubmittable(
            "Aucune lettre ne peut être envoyée avant l'accord de l'avocat partenaire qui examine la "
            f"créance : {reasons[0]['message']}",
            details=[{"field": r["code"], "message": r["message"]} for r in reasons],
        )
    if not precheck.can_submit:
        first = precheck.blockers[0]
        raise NotSubmittable(
            f"Aucune lettre ne peut être envoyée : {first.message}",
            details=[{"field": b.code, "message": b.message} for b in precheck.blockers],
        )
    return precheck.assessment


def _lines(party: Party) -> list[str]:
    """The address block of an envelope or a registered-mail form: name, street, postcode and town."""
    return [party.display_name, *party.address.lines]


def _addressee(content: ClaimContent) -> Addressee:
    """The debtor for the provider: the envelope's lines, and for an electronic letter its email and name."""
    from chalicelib.adapters.postal import Addressee

    debtor = content.debtor
    party = debtor_party(debtor)
    person = not debtor.is_business and bool(debtor.title)
    first, _, last = debtor.legal_name.partition(" ") if person else ("", "", "")
    return Addressee(
        lines=tuple(_lines(party)),
        email=debtor.email,
        company=debtor.legal_name if debtor.is_business else "",
        first_name=first,
        last_name=last,
        is_business=debtor.is_business,
    )


def _retryable(error: ConcurrentUpdate) -> Exception:
    from chalicelib.adapters.errors import TransientError

    return TransientError(f"claim written concurrently while sending its notice: {error.message}")


def send_notice(
    claim_id: str,
    *,
    claims: ClaimStore,
    accounts: AccountFinder,
    store: DocumentStore,
    postal: PostalSender,
    send_email: SendEmail,
    today: dt.date,
    now: dt.datetime,
) -> NoticeOutcome:
    """Render, store and send the mise en demeure of a paid claim; idempotent (see the module's doc).

    The PDF sent is the stored one: its addresses sit in the upper right, where a French window envelope
    shows them, so the same file is the print-ready one. A letter prepared on an earlier day and never sent
    is prepared again (its date and deadline would be stale)."""
    claim = claims.get(claim_id)  # the task's one read: its writes start from the claim as they left it
    notice = claim.notice or NoticeRecord()
    if notice.is_sent:
        claim = _email_debtor_copy(
            claim, notice, accounts=accounts, store=store, send_email=send_email, claims=claims, now=now
        )
        return _outcome(claim_id, notice, already_sent=True, claim=claim)
    if claim.status not in SENDABLE:
        raise InvalidTransition(
            "La mise en demeure ne peut pas être envoyée pour une créance au statut "
            f"« {claim.status.value} ».",
            code="notice_not_sendable",
        )
    profile, creditor_email = _creditor(accounts, claim)
    content = _content(claim)
    choice = choose_channel(
        debtor_is_business=content.debtor.is_business,
        debtor_email=content.debtor.email,
        lre_consent=content.debtor.lre_consent,
        lre_enabled=bool(getattr(postal, "lre_enabled", False)),
    )

    pdf: bytes | None = None
    letter_link: str | None = None  # the debtor's page printed on a letter prepared by this run
    if (
        notice.status == "prepared"
        and notice.letter_date == today
        and (notice.channel or "lrar") == choice.channel
    ):
        stored = store.get(notice.pdf_key, MAX_PDF_BYTES)
        if hashlib.sha256(stored).hexdigest() == notice.sha256:
            pdf = stored
    if pdf is None:
        pdf, notice, claim, letter_link = _prepare(
            claim,
            content,
            profile,
            creditor_email,
            claims=claims,
            store=store,
            today=today,
            now=now,
            channel=choice.channel,
        )

    creditor = creditor_party(profile, email=creditor_email)
    addressee = _addressee(content)
    receipt = postal.send_registered(
        pdf,
        claim_id=claim_id,
        recipient_lines=list(addressee.lines),
        recipient_email=content.debtor.email or None,
        sender_lines=_lines(creditor),
        reference=notice.reference or claim_id,
        today=today,
        channel=choice.channel,
        addressee=addressee,
    )
    if notice.letter_date is None:
        raise ValueError(f"claim {claim_id}: the prepared notice has no letter date")
    deadline = payment_deadline(
        letter_date=notice.letter_date,
        first_presented_on=receipt.first_presented_on,
        period_days=notice.payment_days,
    )
    sent = _sent_fields(receipt, deadline, now=now)

    def record_sent(current: Claim) -> Claim:
        if current.notice is not None and current.notice.is_sent:  # another run got there first: retry
            raise ConcurrentUpdate("La mise en demeure a déjà été enregistrée comme envoyée.")
        extra = dict((current.notice or NoticeRecord()).extra)
        extra["delivery"] = {
            "provider_ref": receipt.provider_ref,
            "channel": receipt.channel,
            "choice": choice.as_dict(),
            "price_cents": receipt.price_cents,
            "events": [],
            "proofs": [],
            "outcome": "",
        }
        return _with_notice(current, **sent, extra=extra)

    try:
        claim = claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=ACTOR,
            reason=_sent_reason(receipt, deadline),
            change=record_sent,
            now=now,
            current=claim,  # as read, or as _prepare wrote it: one read per task
        )
    except ConcurrentUpdate as error:
        raise _retryable(error) from error
    notice = claim.notice or NoticeRecord()
    claim = _email_debtor_copy(
        claim,
        notice,
        accounts=accounts,
        store=store,
        send_email=send_email,
        claims=claims,
        now=now,
        pdf=pdf,
        creditor=(profile, creditor_email),
        debtor_page_url=letter_link,
    )
    return _outcome(claim_id, notice, already_sent=False, claim=claim)


def _debtor_page_url(claim_id: str) -> str | None:
    """The debtor's page, as the letter prints it (None when the claim has no active link)."""
    from chalicelib.adapters.debtor_links import DebtorLinks
    from chalicelib.settings import get_settings

    link = DebtorLinks().current(claim_id)
    return link.url(get_settings().public_url) if link is not None and link.active else None


def with_debtor_page(ctx: Any, claim: Claim, profile: CreditorProfile, now: dt.datetime) -> Any:
    """The letter's context with the debtor's page and the EPC QR code of the total (issue 22)."""
    from dataclasses import replace

    from chalicelib.services.debtor_page import letter_extras
    from chalicelib.settings import get_settings

    extras = letter_extras(
        claim, profile.iban, profile.legal_name, ctx.total, now=now, public_url=get_settings().public_url
    )
    return replace(ctx, extra={**ctx.extra, **extras})


def _prepare(
    claim: Claim,
    content: ClaimContent,
    profile: CreditorProfile,
    creditor_email: str,
    *,
    claims: ClaimStore,
    store: DocumentStore,
    today: dt.date,
    now: dt.datetime,
    channel: str = "lrar",
) -> tuple[bytes, NoticeRecord, Claim, str | None]:
    from chalicelib.documents.letters import document_pdf

    assessment = _assessment(claim, profile, today)
    ctx = with_debtor_page(
        build_notice_context(claim, profile, assessment, today=today, creditor_email=creditor_email),
        claim,
        profile,
        now,
    )
    ctx = replace(ctx, channel="lre" if channel == "lre" else "lrar")
    pdf = document_pdf("mise_en_demeure", ctx)
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = notice_key(claim.claim_id)
    store.put(key, pdf, "application/pdf")
    amounts = ctx.amounts
    prepared: dict[str, Any] = {
        "status": "prepared",
        "channel": ctx.channel,
        "pdf_key": key,
        "sha256": sha256,
        "size": len(pdf),
        "filename": _safe_filename("mise-en-demeure", ctx.our_reference),
        "reference": ctx.our_reference,
        "letter_date": today,
        "prepared_at": now.isoformat(),
        "regime": "b2b" if ctx.is_b2b else "b2c",
        "debtor_professional": content.debtor.is_business,
        "payment_days": ctx.payment_days,
        "amount_claimed": f"{ctx.total:.2f}",
        "principal_outstanding": str(amounts.get("principal_outstanding", "")),
        "interest": str(amounts.get("interest", "")),
        "indemnity": str(amounts.get("indemnity", "")),
        "interest_until": str(amounts.get("interest_until", "")),
    }

    def change(current: Claim) -> Claim:
        if current.notice is not None and current.notice.is_sent:
            raise ConcurrentUpdate("La mise en demeure a déjà été envoyée par une autre opération.")
        return _with_notice(current, **prepared)

    try:
        updated = claims.record(
            claim.claim_id,
            kind=EventKind.DOCUMENT_ADDED,
            actor=ACTOR,
            reason=(
                f"Mise en demeure préparée, datée du {date_long(today)} : {euros(ctx.total)} réclamés, "
                f"délai de paiement de {ctx.payment_days} jours à compter de la première présentation"
            ),
            change=change,
            document_hashes={"mise_en_demeure": sha256},
            now=now,
            current=claim,
        )
    except ConcurrentUpdate as error:
        raise _retryable(error) from error
    return pdf, updated.notice or NoticeRecord(), updated, ctx.extra.get("debtor_link") or None


def _sent_fields(receipt: PostalReceipt, deadline: dt.date, *, now: dt.datetime) -> dict[str, Any]:
    if receipt.first_presented_on is None:
        source = None
    else:
        source = "simulated" if receipt.provider == "local" else "provider"
    return {
        "status": "sent",
        "channel": receipt.channel,
        "provider": receipt.provider,
        "tracking_number": receipt.tracking_number,
        "proof_key": receipt.proof_key,
        "sent_on": receipt.sent_on,
        "sent_at": now.isoformat(),
        "first_presented_on": receipt.first_presented_on,
        "presentation_source": source,
        "deadline": deadline,
        "deadline_at": deadline_timestamp(deadline),
        "deadline_basis": "first_presentation" if receipt.first_presented_on else "allowance",
    }


def _channel_words(channel: str) -> str:
    return (
        "envoi recommandé électronique" if channel == "lre" else "lettre recommandée avec accusé de réception"
    )


def _sent_reason(receipt: PostalReceipt, deadline: dt.date) -> str:
    how = _channel_words(receipt.channel)
    if receipt.tracking_number:
        text = (
            f"Mise en demeure envoyée par {how} n° {receipt.tracking_number} le {date_long(receipt.sent_on)}"
        )
    else:
        text = (
            f"Mise en demeure remise le {date_long(receipt.sent_on)} pour envoi par {how} "
            "(numéro de suivi et date de première présentation à enregistrer)"
        )
    if receipt.first_presented_on:
        simulated = " (simulée)" if receipt.provider == "local" else ""
        text += f" ; première présentation{simulated} le {date_long(receipt.first_presented_on)}"
    return f"{text} ; date limite de paiement : {date_long(deadline)}"


def _email_debtor_copy(
    claim: Claim,
    notice: NoticeRecord,
    *,
    accounts: AccountFinder,
    store: DocumentStore,
    send_email: SendEmail,
    claims: ClaimStore,
    now: dt.datetime,
    pdf: bytes | None = None,
    creditor: tuple[CreditorProfile, str] | None = None,
    debtor_page_url: str | None = None,
) -> Claim:
    """The copy by email (RULEBOOK 4.3: a courtesy, never relied on alone). A passing outage propagates
    (the task is retried and sends it then); any other failure is logged and recorded, never fatal.
    ``claim``: as the task last read or wrote it; ``creditor``: its profile and email, and
    ``debtor_page_url``: the debtor's page the letter prints, when the task has them already (else they are
    read). Returns the claim as this step leaves it."""
    from chalicelib.adapters.errors import TransientError
    from chalicelib.documents.emails import Attachment, render_email

    content = _content(claim)
    to = content.debtor.email
    if not to or notice.emailed_at or notice.email_error:
        return claim
    if creditor is None:
        account = accounts.find(claim.creditor_id)
        if account is None or account.creditor is None:  # nobody in whose name to write: the letter went
            logger.warning("claim %s: no creditor profile, the debtor's copy is not emailed", claim.claim_id)
            return claim
        creditor = (account.creditor, account.email)
    profile, creditor_email = creditor
    if notice.letter_date is None:
        raise ValueError(f"claim {claim.claim_id}: the notice has no letter date")
    letter_date = notice.letter_date
    days = notice.payment_days
    context: dict[str, Any] = {
        "creditor_name": profile.legal_name,
        "debtor_name": content.debtor.display_name,
        "debtor_title": content.debtor.title or None,
        "claim_reference": notice.reference or claim.claim_id,
        "amount_claimed": notice.amount_claimed,
        "letter_date": letter_date,
        "payment_days": days,
        "presentation_date": presentation_basis(letter_date, None),
        "payment_deadline": payment_deadline(
            letter_date=letter_date, first_presented_on=None, period_days=days
        ),
        "channel": notice.channel or "lrar",
        "tracking_number": notice.tracking_number or None,
        "creditor_email": creditor_email or None,
        "creditor_phone": profile.phone or None,
        "debtor_page_url": debtor_page_url or _debtor_page_url(claim.claim_id),
    }
    try:
        content_pdf = pdf if pdf is not None else store.get(notice.pdf_key, MAX_PDF_BYTES)
        filename = notice.filename_or_default
        rendered = render_email("debtor_notice", context, attachments=(Attachment(filename, content_pdf),))
        send_email(to, rendered)
    except TransientError:
        raise
    except Exception as error:
        logger.exception("claim %s: the notice's copy could not be emailed to the debtor", claim.claim_id)
        failure = f"{type(error).__name__}: {error}"[:300]
        return _record_from(
            claims,
            claim,
            reason=f"La copie de la mise en demeure n'a pas pu être envoyée par e-mail au débiteur ({to})",
            change=lambda c: _with_notice(c, email_error=failure),
            now=now,
        )
    return _record_from(
        claims,
        claim,
        reason=f"Copie de la mise en demeure envoyée par e-mail au débiteur ({to})",
        change=lambda c: _with_notice(c, emailed_to=to, emailed_at=now.isoformat()),
        now=now,
    )


def _record_from(
    claims: ClaimStore, claim: Claim, *, reason: str, change: Callable[[Claim], Claim], now: dt.datetime
) -> Claim:
    """A note recorded on ``claim`` as this task last read or wrote it, without reading it again; if someone
    wrote it since (its version no longer matches: nothing is written), on the claim read afresh, as a
    write without ``current`` does."""
    for current in (claim, None):
        try:
            return claims.record(
                claim.claim_id,
                kind=EventKind.NOTE,
                actor=ACTOR,
                reason=reason,
                change=change,
                now=now,
                current=current,
            )
        except ConcurrentUpdate:
            if current is None:
                raise
    raise AssertionError("unreachable")
