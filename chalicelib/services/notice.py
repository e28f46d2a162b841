"""The notice step of the escalation: render, store and send the creditor's mise en demeure, and the
optional relance amiable before it.

The letter is the creditor's (RULEBOOK 7.2): written in its name, signed by it, with its bank details; the
platform appears only as the sending service. ``send_notice`` goes step by step, each external effect
followed by a write on the claim, so a retried task picks up where the last one stopped:

1. **prepared** — the legal engine assesses the claim on the letter date, the PDF is rendered, stored at
   ``claims/<id>/notices/mise-en-demeure.pdf`` and its SHA-256 recorded (``DOCUMENT_ADDED`` event);
2. **sent** — the PDF goes by registered mail (:mod:`chalicelib.adapters.postal`); channel, tracking
   number, first presentation and the payment deadline are recorded (``NOTE`` event);
3. **emailed** — a copy goes to the debtor's email address when the creditor gave one (``NOTE`` event).

``claim.notice`` (plain JSON) holds the state; a notice already *sent* is never sent again. The claim's
status is not changed here: the escalation's handler moves it to *notice_sent* with
:attr:`NoticeOutcome.notification`.

The payment deadline (RULEBOOK 4.2 item 5, POLICY): first presentation — or, while it is unknown, the
letter date + :data:`PRESENTATION_ALLOWANCE_DAYS` — plus 8 days for a professional debtor, 15 otherwise.
``deadline_at`` is the end of that day in Paris (the next midnight), in UTC, for Step Functions' Wait.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlsplit

from chalicelib.documents.context import (
    PRESENTATION_ALLOWANCE_DAYS,
    Address,
    DocumentContext,
    Party,
    SendingService,
    build_context,
)
from chalicelib.documents.formatting import date_long, euros
from chalicelib.domain.accounts import Account, CreditorProfile, Identity, Role
from chalicelib.domain.claim import AuditEvent, Claim, ClaimStatus, EventKind
from chalicelib.domain.claim_content import BUSINESS_CATEGORIES, ClaimContent, Debtor, legal_input
from chalicelib.domain.errors import (
    ConcurrentUpdate,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NotSubmittable,
)
from chalicelib.domain.notifications import Notification
from chalicelib.domain.precheck import refuse_not_due
from chalicelib.settings import PARIS, get_settings

if TYPE_CHECKING:
    from chalicelib.adapters.postal import PostalReceipt, PostalSender
    from chalicelib.documents.emails import RenderedEmail

logger = logging.getLogger("claims.notice")

ACTOR = "plateforme"
MAX_PDF_BYTES = 20 * 1024 * 1024
# A first presentation later than this after sending is a typing error far more often than a fact.
MAX_PRESENTATION_DELAY_DAYS = 30
# The claim may receive its notice while it is being processed (paid, or handed to an operator who
# redrives the step); never once settled, withdrawn, closed…
SENDABLE = frozenset({ClaimStatus.ASSESSING, ClaimStatus.NEEDS_ATTENTION})
_ENDED = frozenset({ClaimStatus.WITHDRAWN, ClaimStatus.CLOSED, ClaimStatus.REJECTED})

NoticeStatus = Literal["prepared", "sent"]
SendEmail = Callable[[str, "RenderedEmail"], object]


class ClaimStore(Protocol):
    def get(self, claim_id: str) -> Claim: ...
    def get_for(self, identity: Identity, claim_id: str) -> Claim: ...
    def events(self, claim_id: str) -> list[AuditEvent]: ...
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
    ) -> Claim: ...


class AccountFinder(Protocol):
    def find(self, user_id: str) -> Account | None: ...


class FileStore(Protocol):
    def put(self, key: str, content: bytes, content_type: str) -> None: ...
    def get(self, key: str, max_bytes: int) -> bytes: ...
    def presigned_get(self, key: str, filename: str, expires_in: int = 300) -> str: ...


def notice_key(claim_id: str) -> str:
    return f"claims/{claim_id}/notices/mise-en-demeure.pdf"


def reminder_key(claim_id: str) -> str:
    return f"claims/{claim_id}/notices/relance.pdf"


# ---------------------------------------------------------------------------------------------------
# the deadline (pure)
# ---------------------------------------------------------------------------------------------------
def notice_period_days(
    debtor_category: str, *, b2b_days: int, b2c_days: int, private_purpose: bool = False
) -> int:
    """8 days for a professional debtor, 15 for anyone else — a trader who bought privately included
    (RULEBOOK 4.2 item 5, POLICY; 1.1 "Who is a consumer")."""
    return b2b_days if debtor_category in BUSINESS_CATEGORIES and not private_purpose else b2c_days


def presentation_basis(
    letter_date: dt.date,
    first_presented_on: dt.date | None,
    allowance_days: int = PRESENTATION_ALLOWANCE_DAYS,
) -> dt.date:
    """The first presentation when known, else the day it is assumed (as the letter itself says)."""
    return first_presented_on or letter_date + dt.timedelta(days=allowance_days)


def payment_deadline(
    *,
    letter_date: dt.date,
    first_presented_on: dt.date | None,
    period_days: int,
    allowance_days: int = PRESENTATION_ALLOWANCE_DAYS,
) -> dt.date:
    """Last day to pay: first presentation (or the allowance) + the notice period, in calendar days — and
    never before the date the letter itself prints (letter date + allowance + period), so the escalation
    never acts before a day the debtor was told."""
    basis = presentation_basis(letter_date, first_presented_on, allowance_days)
    printed = letter_date + dt.timedelta(days=allowance_days + period_days)
    return max(basis + dt.timedelta(days=period_days), printed)


def deadline_timestamp(deadline: dt.date) -> str:
    """The end of ``deadline`` in Europe/Paris — midnight starting the next day — in UTC with a ``Z``
    (Step Functions' TimestampPath): once it has passed, the whole last day was the debtor's."""
    end = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0, 0), tzinfo=PARIS)
    return end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------------
# the documents' context
# ---------------------------------------------------------------------------------------------------
_INDIVIDUAL_FORMS = {"ei", "entrepreneur individuel", "entreprise individuelle", "micro-entreprise"}
# The creditor's legal form as the letter states its identity (RULEBOOK 4.2 item 2): "SAS" after a name that
# often ends with it would read "Atelier SAS, SAS, immatriculée…".
_LEGAL_FORMS = {
    "SA": "société anonyme",
    "SAS": "société par actions simplifiée",
    "SASU": "société par actions simplifiée unipersonnelle",
    "SARL": "société à responsabilité limitée",
    "EURL": "entreprise unipersonnelle à responsabilité limitée",
    "SNC": "société en nom collectif",
    "SCI": "société civile immobilière",
    "SCP": "société civile professionnelle",
    "SELARL": "société d'exercice libéral à responsabilité limitée",
    "SELAS": "société d'exercice libéral par actions simplifiée",
}


def _country_name(code: str) -> str:
    if code.upper() == "FR":
        return "France"
    from babel import Locale

    return str(Locale("fr").territories.get(code.upper(), code.upper()))


def _address(line1: str, line2: str, postal_code: str, city: str, country: str) -> Address:
    street = ", ".join(part for part in (line1.strip(), line2.strip()) if part)
    return Address(street, postal_code, city, _country_name(country or "FR"))


def _is_individual(category: str, legal_form: str) -> bool:
    """A consumer, or a professional without a company (an artisan or a liberal profession in their own
    name): the letters name them as a natural person (``demeurant``, no RCS line)."""
    form = legal_form.strip().lower()
    if category == "consumer" or form in _INDIVIDUAL_FORMS:
        return True
    return category in {"artisan", "liberal"} and not form


def _legal_form(form: str) -> str | None:
    return _LEGAL_FORMS.get(form.replace(".", "").strip().upper(), form.strip()) or None


def creditor_party(profile: CreditorProfile, *, email: str | None = None) -> Party:
    if profile.address is None:
        raise InvalidInput(
            "Complétez d'abord le profil du créancier (adresse) : elle figure sur la mise en demeure.",
            code="profile_incomplete",
            field="profile.address",
        )
    address = profile.address
    individual = _is_individual(profile.category, profile.legal_form)
    representative = None
    if not individual and profile.signatory_name:  # "représentée par Claire Morel, présidente"
        title = profile.signatory_title.strip()
        representative = profile.signatory_name + (f", {title[:1].lower()}{title[1:]}" if title else "")
    return Party(
        name=profile.legal_name,
        address=_address(address.line1, address.line2, address.postal_code, address.city, address.country),
        category=profile.category,
        kind="natural_person" if individual else "legal_person",
        legal_form=None if individual else _legal_form(profile.legal_form),
        siren=profile.siren or None,
        siret=profile.siret or None,
        representative=representative,
        signatory_name=profile.signatory_name or None,
        signatory_title=profile.signatory_title or None,
        iban=profile.iban or None,
        email=email or None,
        phone=profile.phone or None,
    )


def debtor_party(debtor: Debtor) -> Party:
    individual = debtor.acts_as_consumer or bool(debtor.title)
    address = debtor.address
    return Party(
        name=debtor.legal_name,
        address=_address(address.line1, address.line2, address.postal_code, address.city, address.country),
        category=debtor.category,
        kind="natural_person" if individual else "legal_person",
        title=debtor.title or None,
        legal_form=debtor.legal_form or None,
        siren=debtor.siren or None,
        siret=debtor.siret or None,
        email=debtor.email or None,
        phone=debtor.phone or None,
    )


def sending_service() -> SendingService:
    """The platform as the letters name it: only the technical sender (RULEBOOK 7.2)."""
    from chalicelib.documents.emails import DEFAULT_PLATFORM_NAME, DEFAULT_SUPPORT_EMAIL

    website = urlsplit(get_settings().public_url).netloc or get_settings().public_url
    return SendingService(
        name=DEFAULT_PLATFORM_NAME,
        address="",
        website=website,
        privacy_contact=DEFAULT_SUPPORT_EMAIL,
    )


def _content(claim: Claim) -> ClaimContent:
    if claim.content is None:
        raise InvalidInput("La créance est vide : aucune lettre ne peut être préparée.", field="content")
    return ClaimContent.model_validate(claim.content)


def build_notice_context(
    claim: Claim,
    profile: CreditorProfile,
    assessment: Mapping[str, Any],
    *,
    today: dt.date,
    creditor_email: str | None = None,
    payment_days: int | None = None,
    first_presented_on: dt.date | None = None,
) -> DocumentContext:
    """The documents' context of a stored claim: the creditor's profile, the debtor as filed (a natural
    person when a consumer), the invoices (their object from the invoice's description), the payments, the
    legal engine's ``assessment`` and the notice period of the debtor's kind; the letter is dated
    ``today``."""
    content = _content(claim)
    settings = get_settings()
    days = payment_days or notice_period_days(
        content.debtor.category,
        b2b_days=settings.notice_period_days_b2b,
        b2c_days=settings.notice_period_days_b2c,
        private_purpose=content.debtor.private_purpose,
    )
    details = {
        invoice.number: {"object": invoice.description} for invoice in content.invoices if invoice.description
    }
    return build_context(
        legal_input(content, profile, today),
        assessment,
        claim_id=claim.claim_id,
        creditor=creditor_party(profile, email=creditor_email),
        debtor=debtor_party(content.debtor),
        sending_service=sending_service(),
        letter_date=today,
        invoice_details=details,
        exhibits=(),
        payment_days=days,
        first_presented_on=first_presented_on,
        reference=content.reference or claim.reference or None,
    )


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


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _outcome(claim_id: str, notice: Mapping[str, Any], *, already_sent: bool) -> NoticeOutcome:
    sent_on = dt.date.fromisoformat(str(notice["sent_on"]))
    deadline = dt.date.fromisoformat(str(notice["deadline"]))
    tracking = str(notice.get("tracking_number") or "")
    context: dict[str, Any] = {
        "sent_on": sent_on.isoformat(),
        "payment_deadline": deadline.isoformat(),
        "amount_claimed": str(notice["amount_claimed"]),
        "channel": str(notice["channel"]),
    }
    if tracking:  # an email's text value is never empty: unknown until the creditor records it
        context["tracking_number"] = tracking
    return NoticeOutcome(
        claim_id=claim_id,
        pdf_key=str(notice["pdf_key"]),
        sha256=str(notice["sha256"]),
        channel=str(notice["channel"]),
        tracking_number=tracking,
        sent_on=sent_on,
        first_presented_on=_date(notice.get("first_presented_on")),
        deadline=deadline,
        deadline_at=str(notice["deadline_at"]),
        amount_claimed=str(notice["amount_claimed"]),
        notification=Notification("notice_sent", context, attachments=(str(notice["pdf_key"]),)),
        already_sent=already_sent,
    )


def _with_notice(claim: Claim, **fields: Any) -> Claim:
    """The claim with ``fields`` merged into its notice (other keys — the dossier's… — are kept)."""
    return replace(claim, notice={**dict(claim.notice or {}), **fields})


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


def _retryable(error: ConcurrentUpdate) -> Exception:
    from chalicelib.adapters.errors import TransientError

    return TransientError(f"claim written concurrently while sending its notice: {error.message}")


def send_notice(
    claim_id: str,
    *,
    claims: ClaimStore,
    accounts: AccountFinder,
    store: FileStore,
    postal: PostalSender,
    send_email: SendEmail,
    today: dt.date,
    now: dt.datetime,
) -> NoticeOutcome:
    """Render, store and send the mise en demeure of a paid claim; idempotent (see the module's doc).

    The PDF sent is the stored one: its addresses sit in the upper right, where a French window envelope
    shows them, so the same file is the print-ready one. A letter prepared on an earlier day and never sent
    is prepared again (its date and deadline would be stale)."""
    claim = claims.get(claim_id)
    notice = dict(claim.notice or {})
    if notice.get("status") == "sent":
        _email_debtor_copy(
            claim, notice, accounts=accounts, store=store, send_email=send_email, claims=claims, now=now
        )
        return _outcome(claim_id, notice, already_sent=True)
    if claim.status not in SENDABLE:
        raise InvalidTransition(
            "La mise en demeure ne peut pas être envoyée pour une créance au statut "
            f"« {claim.status.value} ».",
            code="notice_not_sendable",
        )
    profile, creditor_email = _creditor(accounts, claim)
    content = _content(claim)

    pdf: bytes | None = None
    if notice.get("status") == "prepared" and notice.get("letter_date") == today.isoformat():
        stored = store.get(str(notice["pdf_key"]), MAX_PDF_BYTES)
        if hashlib.sha256(stored).hexdigest() == notice.get("sha256"):
            pdf = stored
    if pdf is None:
        pdf, notice, claim = _prepare(
            claim, content, profile, creditor_email, claims=claims, store=store, today=today, now=now
        )

    creditor = creditor_party(profile, email=creditor_email)
    receipt = postal.send_registered(
        pdf,
        claim_id=claim_id,
        recipient_lines=_lines(debtor_party(content.debtor)),
        recipient_email=content.debtor.email or None,
        sender_lines=_lines(creditor),
        reference=str(notice.get("reference") or claim_id),
        today=today,
    )
    letter_date = dt.date.fromisoformat(str(notice["letter_date"]))
    deadline = payment_deadline(
        letter_date=letter_date,
        first_presented_on=receipt.first_presented_on,
        period_days=int(notice["payment_days"]),
    )
    sent = _sent_fields(receipt, deadline, now=now)

    def record_sent(current: Claim) -> Claim:
        if (current.notice or {}).get("status") == "sent":  # another run got there first: retry = return it
            raise ConcurrentUpdate("La mise en demeure a déjà été enregistrée comme envoyée.")
        return _with_notice(current, **sent)

    try:
        claim = claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=ACTOR,
            reason=_sent_reason(receipt, deadline),
            change=record_sent,
            now=now,
        )
    except ConcurrentUpdate as error:
        raise _retryable(error) from error
    notice = dict(claim.notice or {})
    _email_debtor_copy(
        claim, notice, accounts=accounts, store=store, send_email=send_email, claims=claims, now=now, pdf=pdf
    )
    return _outcome(claim_id, notice, already_sent=False)


def _prepare(
    claim: Claim,
    content: ClaimContent,
    profile: CreditorProfile,
    creditor_email: str,
    *,
    claims: ClaimStore,
    store: FileStore,
    today: dt.date,
    now: dt.datetime,
) -> tuple[bytes, dict[str, Any], Claim]:
    from chalicelib.documents.letters import document_pdf

    assessment = _assessment(claim, profile, today)
    ctx = build_notice_context(claim, profile, assessment, today=today, creditor_email=creditor_email)
    pdf = document_pdf("mise_en_demeure", ctx)
    sha256 = hashlib.sha256(pdf).hexdigest()
    key = notice_key(claim.claim_id)
    store.put(key, pdf, "application/pdf")
    amounts = ctx.amounts
    prepared: dict[str, Any] = {
        "status": "prepared",
        "pdf_key": key,
        "sha256": sha256,
        "size": len(pdf),
        "filename": _safe_filename("mise-en-demeure", ctx.our_reference),
        "reference": ctx.our_reference,
        "letter_date": today.isoformat(),
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
        if (current.notice or {}).get("status") == "sent":
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
        )
    except ConcurrentUpdate as error:
        raise _retryable(error) from error
    return pdf, dict(updated.notice or {}), updated


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
        "sent_on": receipt.sent_on.isoformat(),
        "sent_at": now.isoformat(),
        "first_presented_on": receipt.first_presented_on.isoformat() if receipt.first_presented_on else None,
        "presentation_source": source,
        "deadline": deadline.isoformat(),
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
    notice: Mapping[str, Any],
    *,
    accounts: AccountFinder,
    store: FileStore,
    send_email: SendEmail,
    claims: ClaimStore,
    now: dt.datetime,
    pdf: bytes | None = None,
) -> None:
    """The copy by email (RULEBOOK 4.3: a courtesy, never relied on alone). A passing outage propagates
    (the task is retried and sends it then); any other failure is logged and recorded, never fatal."""
    from chalicelib.adapters.errors import TransientError
    from chalicelib.documents.emails import Attachment, render_email

    content = _content(claim)
    to = content.debtor.email
    if not to or notice.get("emailed_at") or notice.get("email_error"):
        return
    account = accounts.find(claim.creditor_id)
    if account is None or account.creditor is None:  # nobody in whose name to write: the letter went anyway
        logger.warning("claim %s: no creditor profile, the debtor's copy is not emailed", claim.claim_id)
        return
    profile = account.creditor
    letter_date = dt.date.fromisoformat(str(notice["letter_date"]))
    days = int(notice["payment_days"])
    context: dict[str, Any] = {
        "creditor_name": profile.legal_name,
        "debtor_name": content.debtor.display_name,
        "debtor_title": content.debtor.title or None,
        "claim_reference": str(notice.get("reference") or claim.claim_id),
        "amount_claimed": str(notice["amount_claimed"]),
        "letter_date": letter_date,
        "payment_days": days,
        "presentation_date": presentation_basis(letter_date, None),
        "payment_deadline": payment_deadline(
            letter_date=letter_date, first_presented_on=None, period_days=days
        ),
        "channel": str(notice.get("channel") or "lrar"),
        "tracking_number": str(notice.get("tracking_number") or "") or None,
        "creditor_email": account.email or None,
        "creditor_phone": profile.phone or None,
    }
    try:
        content_pdf = pdf if pdf is not None else store.get(str(notice["pdf_key"]), MAX_PDF_BYTES)
        filename = str(notice.get("filename") or "mise-en-demeure.pdf")
        rendered = render_email("debtor_notice", context, attachments=(Attachment(filename, content_pdf),))
        send_email(to, rendered)
    except TransientError:
        raise
    except Exception as error:
        logger.exception("claim %s: the notice's copy could not be emailed to the debtor", claim.claim_id)
        failure = f"{type(error).__name__}: {error}"[:300]
        claims.record(
            claim.claim_id,
            kind=EventKind.NOTE,
            actor=ACTOR,
            reason=f"La copie de la mise en demeure n'a pas pu être envoyée par e-mail au débiteur ({to})",
            change=lambda c: _with_notice(c, email_error=failure),
            now=now,
        )
        return
    claims.record(
        claim.claim_id,
        kind=EventKind.NOTE,
        actor=ACTOR,
        reason=f"Copie de la mise en demeure envoyée par e-mail au débiteur ({to})",
        change=lambda c: _with_notice(c, emailed_to=to, emailed_at=now.isoformat()),
        now=now,
    )


# ---------------------------------------------------------------------------------------------------
# the creditor records the first presentation
# ---------------------------------------------------------------------------------------------------
_TRACKING = re.compile(r"^[A-Z0-9]{8,30}$")


def record_presentation(
    claim_id: str,
    *,
    tracking_number: str,
    first_presented_on: dt.date,
    claims: ClaimStore,
    identity: Identity,
    now: dt.datetime,
    today: dt.date | None = None,
) -> Mapping[str, Any]:
    """The registered letter's tracking number and first presentation (from La Poste's tracking or the
    avis de réception): the payment deadline is computed again from that date and stored on the notice,
    where the waiting workflow reads it when its wait ends. Returns the updated notice."""
    if identity.role not in (Role.CREDITOR, Role.OPERATOR):
        raise Forbidden("Seul le créancier peut enregistrer la présentation de la lettre recommandée.")
    seen = dict(claims.get_for(identity, claim_id).notice or {})
    tracking = re.sub(r"[\s.-]+", "", tracking_number or "").upper()
    if not _TRACKING.match(tracking):
        raise InvalidInput(
            "Le numéro de suivi doit comporter de 8 à 30 lettres ou chiffres "
            "(par exemple « 1A 123 456 7890 1 » pour une lettre recommandée de La Poste).",
            field="tracking_number",
        )
    today = today or now.astimezone(PARIS).date()
    if first_presented_on > today:
        raise InvalidInput(
            f"La date de première présentation ({date_long(first_presented_on)}) ne peut pas être "
            "dans le futur.",
            field="first_presented_on",
        )

    def change(claim: Claim) -> Claim:
        notice = dict(claim.notice or {})
        if notice.get("status") != "sent":
            raise InvalidInput(
                "La mise en demeure n'a pas encore été envoyée : il n'y a pas de présentation à enregistrer.",
                code="notice_not_sent",
                field="first_presented_on",
            )
        if claim.status in _ENDED:
            raise InvalidInput(
                f"Cette créance est close (« {claim.status.value} ») : la présentation ne peut plus être "
                "modifiée.",
                code="claim_ended",
                field="first_presented_on",
            )
        sent_on = dt.date.fromisoformat(str(notice["sent_on"]))
        if first_presented_on < sent_on:
            raise InvalidInput(
                f"La date de première présentation ne peut pas précéder la date d'envoi de la lettre "
                f"({date_long(sent_on)}).",
                field="first_presented_on",
            )
        if first_presented_on > sent_on + dt.timedelta(days=MAX_PRESENTATION_DELAY_DAYS):
            raise InvalidInput(
                f"La date de première présentation est plus de {MAX_PRESENTATION_DELAY_DAYS} jours après "
                f"l'envoi ({date_long(sent_on)}) : vérifiez la date indiquée sur l'avis de réception.",
                field="first_presented_on",
            )
        deadline = payment_deadline(
            letter_date=dt.date.fromisoformat(str(notice["letter_date"])),
            first_presented_on=first_presented_on,
            period_days=int(notice["payment_days"]),
        )
        return _with_notice(
            claim,
            tracking_number=tracking,
            first_presented_on=first_presented_on.isoformat(),
            presentation_source="creditor" if identity.role is Role.CREDITOR else "operator",
            presentation_recorded_at=now.isoformat(),
            presentation_recorded_by=identity.user_id,
            deadline=deadline.isoformat(),
            deadline_at=deadline_timestamp(deadline),
            deadline_basis="first_presentation",
        )

    updated = claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=identity.user_id,
        reason=(
            f"Première présentation de la mise en demeure (n° {tracking}) enregistrée : le "
            f"{date_long(first_presented_on)}"
            + (
                " ; date limite de paiement : "
                + date_long(
                    payment_deadline(
                        letter_date=dt.date.fromisoformat(str(seen.get("letter_date") or first_presented_on)),
                        first_presented_on=first_presented_on,
                        period_days=int(seen["payment_days"]),
                    )
                )
                if seen.get("payment_days")
                else ""
            )
        ),
        change=change,
        now=now,
    )
    notice = dict(updated.notice or {})
    return notice


# ---------------------------------------------------------------------------------------------------
# downloading the stored letter
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeDownload:
    url: str
    filename: str
    expires_in: int
    sha256: str


def notice_download(
    claim_id: str, *, claims: ClaimStore, store: FileStore, identity: Identity, expires_in: int = 300
) -> NoticeDownload:
    """A short-lived link to the stored mise en demeure, for whoever may see the claim (its creditor, an
    operator, the lawyer it is assigned to)."""
    claim = claims.get_for(identity, claim_id)
    notice = claim.notice or {}
    if not notice.get("pdf_key"):
        raise NotFound("La mise en demeure de cette créance n'a pas encore été préparée.")
    filename = str(notice.get("filename") or "mise-en-demeure.pdf")
    from chalicelib.domain.errors import IntegrityError
    from chalicelib.services.integrity import report, verified

    try:
        verified(store, str(notice["pdf_key"]), str(notice.get("sha256") or ""), what="La mise en demeure")
    except IntegrityError as error:
        report(claims, claim_id, claim.status.value, error, actor=ACTOR)
        raise
    url = store.presigned_get(str(notice["pdf_key"]), filename, expires_in=expires_in)
    return NoticeDownload(url, filename, expires_in, str(notice.get("sha256") or ""))


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
    store: FileStore,
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
    ctx = build_notice_context(claim, profile, assessment, today=today, creditor_email=creditor_email)
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
