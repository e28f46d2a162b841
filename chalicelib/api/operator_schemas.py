"""Response model of an operator's claim file (``GET /v1/operator/claims/{claim_id}``,
``chalicelib/api/operator.py``), built from ``chalicelib/services/operator_view.ClaimFile``. Unlike the
creditor's views, it carries Stripe's and the postal provider's references (the support needs them) — never
an email's content. Amounts as decimal strings of euros (``"29.00"``), dates ISO."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from chalicelib.api.claim_schemas import ClaimLawyerView, ClaimSummary, DeliveryEventView, TimelineEventView
from chalicelib.api.invoice_schemas import FeeInvoiceView
from chalicelib.domain.accounts import Account
from chalicelib.domain.email_kinds import EMAIL_KINDS
from chalicelib.domain.lawyer_case import DECLINE_LABELS_FR, LawyerCase
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.notifications import OutboxItem, OutboxStatus
from chalicelib.domain.payments import CHECKOUT_STATUS_LABELS_FR, STEP_LABELS_FR, Checkout, euros
from chalicelib.domain.registered_mail import CHANNEL_LABELS_FR, outcome_label
from chalicelib.services.operator_view import ClaimFile, RefundLine, person_label

RECIPIENT_LABELS_FR = {
    "creditor": "Créancier",
    "debtor": "Débiteur",
    "lawyer": "Avocat partenaire",
    "operator": "Opérateur",
}
OUTBOX_STATUS_LABELS_FR = {
    OutboxStatus.PENDING: "En attente d'envoi",
    OutboxStatus.SENT: "Envoyé",
    OutboxStatus.SKIPPED: "Non envoyé (pas de destinataire)",
    OutboxStatus.FAILED: "Échec (abandonné)",
}


class OperatorCreditorView(BaseModel):
    user_id: str = Field(description="Identifiant du compte du créancier")
    email: str | None = Field(
        default=None, description="Adresse e-mail du compte ; null : compte introuvable"
    )
    legal_name: str | None = None
    legal_form: str | None = None
    siren: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    cgv_version: str | None = Field(default=None, description="Version des CGV acceptées en dernier")

    @classmethod
    def of(cls, user_id: str, account: Account | None) -> OperatorCreditorView:
        profile = account.creditor if account is not None else None
        return cls(
            user_id=user_id,
            email=account.email if account else None,
            legal_name=profile.legal_name if profile else None,
            legal_form=(profile.legal_form or None) if profile else None,
            siren=(profile.siren or None) if profile else None,
            contact_name=(profile.contact_name or None) if profile else None,
            phone=(profile.phone or None) if profile else None,
            cgv_version=account.cgv_version if account else None,
        )


class OperatorDebtorView(BaseModel):
    name: str
    category: str | None = None
    siren: str | None = None
    email: str | None = None
    address: str | None = Field(default=None, description="Adresse sur une ligne")

    @classmethod
    def of(cls, name: str, content: Any) -> OperatorDebtorView:
        debtor = dict((content or {}).get("debtor") or {})
        address = dict(debtor.get("address") or {})
        where = ", ".join(
            part
            for part in (
                str(address.get("line1") or ""),
                str(address.get("line2") or ""),
                f"{address.get('postal_code') or ''} {address.get('city') or ''}".strip(),
            )
            if part
        )
        return cls(
            name=name,
            category=debtor.get("category") or None,
            siren=debtor.get("siren") or None,
            email=debtor.get("email") or None,
            address=where or None,
        )


class OperatorPaymentView(BaseModel):
    """One Stripe Checkout of the claim, with Stripe's references."""

    step: str
    step_label: str
    amount: str = Field(description="Montant TTC en euros")
    status: str
    status_label: str
    created_at: dt.datetime
    paid_at: dt.datetime | None
    refunded: str = Field(description="Montant remboursé en euros")
    stripe_session_id: str = Field(description="Session Stripe Checkout (cs_…)")
    stripe_payment_intent: str | None = Field(description="Paiement Stripe (pi_…), une fois payé")
    stripe_invoice_id: str | None = Field(
        description="Facture Stripe de la session (in_…), si Stripe en a fait une"
    )

    @classmethod
    def of(cls, checkout: Checkout) -> OperatorPaymentView:
        return cls(
            step=checkout.step.value,
            step_label=STEP_LABELS_FR[checkout.step],
            amount=euros(checkout.amount_cents),
            status=checkout.status.value,
            status_label=CHECKOUT_STATUS_LABELS_FR[checkout.status],
            created_at=checkout.created_at,
            paid_at=checkout.paid_at,
            refunded=euros(checkout.refunded_cents),
            stripe_session_id=checkout.session_id,
            stripe_payment_intent=checkout.payment_intent or None,
            stripe_invoice_id=checkout.invoice_id or None,
        )


class OperatorRefundView(BaseModel):
    """A refund asked of Stripe and, once Stripe confirmed it, its credit note."""

    stripe_refund_id: str | None = Field(description="Remboursement Stripe (re_…), ou la charge (ch_…)")
    stripe_payment_intent: str | None = Field(description="Le paiement Stripe remboursé (pi_…)")
    step_label: str | None
    amount: str | None = Field(description="Montant remboursé en euros ; null s'il n'est pas connu")
    requested_at: dt.datetime | None
    requested_by: str | None = Field(description="Qui l'a demandé (e-mail et rôle)")
    confirmed_on: dt.date | None = Field(description="Jour où Stripe l'a confirmé ; null : pas encore")
    credit_note: str | None = Field(description="Numéro de la facture d'avoir émise")

    @classmethod
    def of(cls, line: RefundLine, file: ClaimFile) -> OperatorRefundView:
        return cls(
            stripe_refund_id=line.stripe_ref or None,
            stripe_payment_intent=line.payment_intent or None,
            step_label=STEP_LABELS_FR[line.step] if line.step else None,
            amount=euros(line.amount_cents) if line.amount_cents is not None else None,
            requested_at=line.requested_at,
            requested_by=file.person(line.requested_by) if line.requested_by else None,
            confirmed_on=line.confirmed_on,
            credit_note=line.credit_note or None,
        )


class OperatorInvoiceView(FeeInvoiceView):
    """A fee invoice or credit note, with the Stripe objects it was issued for."""

    stripe_payment_intent: str | None = None
    stripe_session_id: str | None = None
    stripe_invoice_id: str | None = None
    stripe_refund_id: str | None = None

    @classmethod
    def of(cls, invoice: Any) -> OperatorInvoiceView:
        return cls(
            **FeeInvoiceView.of(invoice).model_dump(),
            stripe_payment_intent=invoice.stripe_payment_intent or None,
            stripe_session_id=invoice.stripe_session_id or None,
            stripe_invoice_id=invoice.stripe_invoice_id or None,
            stripe_refund_id=invoice.stripe_refund_id or None,
        )


class OperatorLetterView(BaseModel):
    """The registered letter of the mise en demeure, as the provider reported it."""

    status: str = Field(description="prepared : préparée ; sent : envoyée")
    channel: str | None = Field(description="lrar ou lre")
    channel_label: str | None
    provider: str | None = Field(description="local (simulation), manual, maileva…")
    provider_ref: str | None = Field(description="Référence de l'envoi chez le prestataire")
    tracking_number: str | None
    price_ht: str | None = Field(description="Prix HT facturé par le prestataire, en euros ; null : inconnu")
    outcome: str | None = Field(
        description="delivered, refused, not_claimed, undeliverable ; null : en cours"
    )
    outcome_label: str | None
    letter_date: dt.date | None
    sent_on: dt.date | None
    first_presented_on: dt.date | None
    deadline: dt.date | None = Field(description="Dernier jour de paiement")
    emailed_to: str | None = Field(description="Copie envoyée par e-mail au débiteur")
    events: list[DeliveryEventView]
    proofs: int = Field(description="Nombre de preuves reçues du prestataire")
    returned_letters: int

    @classmethod
    def of(cls, notice: NoticeRecord) -> OperatorLetterView:
        delivery = notice.delivery
        price = delivery.get("price_cents")
        outcome = str(delivery.get("outcome") or "")
        events = DeliveryEventView.all_of(delivery)
        return cls(
            status=notice.status or "prepared",
            channel=notice.channel or None,
            channel_label=CHANNEL_LABELS_FR.get(notice.channel) if notice.channel else None,
            provider=notice.provider or None,
            provider_ref=str(delivery.get("provider_ref") or "") or None,
            tracking_number=notice.tracking_number or None,
            price_ht=euros(price) if isinstance(price, int) and not isinstance(price, bool) else None,
            outcome=outcome or None,
            outcome_label=outcome_label(outcome) if notice.is_sent else None,
            letter_date=notice.letter_date,
            sent_on=notice.sent_on,
            first_presented_on=notice.first_presented_on,
            deadline=notice.deadline,
            emailed_to=notice.emailed_to or None,
            events=events,
            proofs=len(delivery.get("proofs") or []),
            returned_letters=len(notice.extra.get("returned") or []),
        )


class OperatorDeclineView(BaseModel):
    lawyer_id: str
    lawyer: str = Field(description="L'avocat, en clair (e-mail)")
    at: dt.datetime
    kind: str
    kind_label: str
    reason: str


class OperatorLawyerView(BaseModel):
    """The partner lawyer the dossier is assigned to (if any), and the dossier's history of lawyers."""

    lawyer_id: str | None
    name: str | None
    barreau: str | None
    email: str | None
    assigned_at: dt.datetime | None
    accepted_at: dt.datetime | None
    waiting_reason: str = Field(description="Pourquoi aucun avocat n'a le dossier, le cas échéant")
    declines: list[OperatorDeclineView] = Field(description="Avocats qui ont décliné ou pas répondu")
    procedure: ClaimLawyerView | None = Field(description="La procédure : dépôt, ordonnance, signification…")

    @classmethod
    def of(cls, file: ClaimFile) -> OperatorLawyerView | None:
        case = file.lawyer_case
        lawyer_id = file.claim.assigned_lawyer_id or (case.lawyer_id if case else "")
        if case is None and not lawyer_id:
            return None
        case = case or LawyerCase(lawyer_id=lawyer_id)
        profile = file.lawyer.lawyer if file.lawyer is not None else None
        return cls(
            lawyer_id=lawyer_id or None,
            name=case.lawyer_name or (profile.name if profile else None) or None,
            barreau=case.lawyer_bar or (profile.barreau if profile else None) or None,
            email=file.lawyer.email if file.lawyer is not None else None,
            assigned_at=case.assigned_at,
            accepted_at=case.accepted_at,
            waiting_reason=case.waiting_reason,
            declines=[
                OperatorDeclineView(
                    lawyer_id=d.lawyer_id,
                    lawyer=file.person(d.lawyer_id),
                    at=d.at,
                    kind=d.kind,
                    kind_label=DECLINE_LABELS_FR[d.kind],
                    reason=d.reason,
                )
                for d in case.declines
            ],
            procedure=ClaimLawyerView.of(file.claim),
        )


class OperatorEmailView(BaseModel):
    """An email of the claim as the outbox holds it: what, to whom, how it went — never its content."""

    outbox_id: str
    kind: str
    kind_label: str = Field(description="Ce que dit l'e-mail, en une ligne")
    recipient: str = Field(description="creditor, debtor, lawyer ou operator")
    recipient_label: str
    status: str = Field(description="pending, sent, skipped ou failed")
    status_label: str
    attempts: int
    queued_at: dt.datetime
    sent_at: dt.datetime | None
    error: str | None = Field(description="Dernière erreur d'envoi")

    @classmethod
    def of(cls, item: OutboxItem) -> OperatorEmailView:
        spec = EMAIL_KINDS.get(item.kind)
        summary = spec.summary if spec else item.kind
        return cls(
            outbox_id=item.outbox_id,
            kind=item.kind,
            kind_label=summary[:1].upper() + summary[1:],
            recipient=item.recipient,
            recipient_label=RECIPIENT_LABELS_FR.get(item.recipient, item.recipient),
            status=item.status.value,
            status_label=OUTBOX_STATUS_LABELS_FR[item.status],
            attempts=item.attempts,
            queued_at=item.created_at,
            sent_at=item.sent_at,
            error=item.last_error or None,
        )


class OperatorEventView(TimelineEventView):
    actor_label: str = Field(description="Qui : e-mail et rôle du compte, ou la plateforme, Stripe…")


class OperatorClaimView(BaseModel):
    """Everything an operator needs to answer a support request on one claim."""

    claim: ClaimSummary = Field(description="La créance : statut, débiteur, référence, montant, envoi")
    debtor: OperatorDebtorView
    amounts: dict[str, Any] | None = Field(
        description="Sommes dues au dernier pré-contrôle (principal restant, intérêts, indemnité, total)"
    )
    amounts_as_of: str | None = None
    creditor: OperatorCreditorView
    payments: list[OperatorPaymentView]
    refunds: list[OperatorRefundView]
    invoices: list[OperatorInvoiceView]
    letter: OperatorLetterView | None = Field(description="La lettre recommandée, une fois préparée")
    lawyer: OperatorLawyerView | None = Field(description="L'avocat partenaire, une fois le dossier prêt")
    emails: list[OperatorEmailView]
    timeline: list[OperatorEventView] = Field(description="Tout l'historique, avec qui a fait quoi")

    @classmethod
    def of(cls, file: ClaimFile) -> OperatorClaimView:
        claim = file.claim
        creditor = file.creditor
        profile = creditor.creditor if creditor is not None else None
        named = (
            f"{profile.legal_name} ({creditor.email})"
            if profile and creditor
            else person_label(creditor)
            if creditor
            else claim.creditor_id
        )
        assessment = dict(claim.assessment or {})
        return cls(
            claim=ClaimSummary.for_operator(claim, creditor=named),
            debtor=OperatorDebtorView.of(claim.debtor_name, claim.content),
            amounts=dict(assessment["amounts"]) if assessment.get("amounts") else None,
            amounts_as_of=str(assessment.get("as_of") or "") or None,
            creditor=OperatorCreditorView.of(claim.creditor_id, creditor),
            payments=[OperatorPaymentView.of(c) for c in claim.checkouts],
            refunds=[OperatorRefundView.of(line, file) for line in file.refunds],
            invoices=[OperatorInvoiceView.of(i) for i in file.invoices],
            letter=OperatorLetterView.of(claim.notice) if claim.notice else None,
            lawyer=OperatorLawyerView.of(file),
            emails=[OperatorEmailView.of(e) for e in file.emails],
            timeline=[
                OperatorEventView(
                    **TimelineEventView.of(event).model_dump(), actor_label=file.person(event.actor)
                )
                for event in file.events
            ],
        )
