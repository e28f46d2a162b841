"""Fee invoices: issued when Stripe confirms a payment or a refund, rendered as a PDF in the background,
listed and downloaded by the creditor who paid (and the operators); never shown to a lawyer.

* **Issued by the webhook** (:class:`Invoicing`, called from ``services/payments.handle_event``): for a
  payment, one invoice keyed by Stripe's payment intent; for a refund, one credit note keyed by Stripe's
  refund id, in the same numbering sequence, crediting the payment's invoice. The number is taken in the
  transaction that writes the invoice (``adapters/invoices_repository.py``): no gap, no duplicate, and a
  Stripe event delivered twice finds the invoice already there. The invoice is issued *before* the claim
  records the payment, so the receipt email can name its number.
* **Rendered after, by a PDF function.** The webhook runs in the API's Lambda, which never loads WeasyPrint
  (its cold start stays short; ``tests/infra`` checks it). So the webhook only writes the invoice record and
  starts ``render_invoice`` (``app.py``, a PDF function like the notice's, with the WeasyPrint layer) in the
  background. The PDF is a pure function of the record (the same bytes every time), stored under
  ``invoices/<year>/<number>.pdf`` — outside ``claims/<id>/``, so a claim's anonymisation never deletes an
  accounting document (10 years, C. com. L123-22) — with its SHA-256 on the record. A download that finds no
  PDF yet starts the function again and answers « en préparation » (409): the page asks again.
* **Emailed how**: twice. The receipt email (``payment_received``) and the refund email (``refund_issued``)
  are queued with the payment's claim write, before the PDF exists: they give the invoice's number and where
  to download it (the claim's page, « Factures », and the account's list). Then the PDF function, once the
  PDF is stored, queues the creditor's ``invoice_issued`` email with the PDF attached (« Votre facture
  FA-… » / « Votre avoir FA-… »): an outbox item of its own, ``<claim id>#invoice-<number>#1``, put only if
  absent (:func:`invoice_email`, ``OutboxWriter.queue_once``), and no claim write at all — the webhook's
  claim write, which may run at the same time, checks the claim's version and would be refused by any other
  write in between. It is queued before the PDF is recorded: a crash in between renders again and finds the
  email queued already (queued once, never not at all).

Stripe's own objects: the Checkout Session asks Stripe for its post-payment invoice (``invoice_creation``)
and its id is kept on our invoice for reconciliation, but the invoice of record is the platform's: Stripe's
numbering is Stripe's (per account prefix, not our per-stage yearly series shared with credit notes), its
document cannot carry the claim, the seller's RCS and share capital or the L441-10 mentions as required,
Stripe receipts are not invoices, and Stripe credit notes exist only for Stripe Billing invoices.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.clock import day_of
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim
from chalicelib.domain.errors import Forbidden, IntegrityError, InvalidTransition, NotFound
from chalicelib.domain.fee_invoices import (
    FeeInvoice,
    InvoiceRefused,
    Party,
    buyer_of,
    credit_note,
    credited_so_far,
    payment_invoice,
    payment_source,
    refund_source,
    refunds_in_charge,
)
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import Checkout, euros, refund_mismatch
from chalicelib.services.ports import AccountFinder, BlobStore, ClaimStore, DocumentStore, OutboxWriter

logger = logging.getLogger("claims.invoices")

INVOICE_NOT_FOUND = "Cette facture est introuvable."
ASYNC_PAYMENT_EVENT = "checkout.session.async_payment_succeeded"
# The Lambda function that renders an invoice's PDF (app.py), started by the composition root.
RENDER_FUNCTION = "render_invoice"
# The creditor's email that carries an invoice's or a credit note's PDF.
INVOICE_EMAIL = "invoice_issued"


class InvoiceStore(Protocol):
    def by_source(self, source_id: str) -> FeeInvoice | None: ...
    def issue(self, draft: FeeInvoice) -> tuple[FeeInvoice, bool]: ...
    def for_claim(self, claim_id: str) -> list[FeeInvoice]: ...
    def find(self, claim_id: str, number: str) -> FeeInvoice | None: ...
    def record_pdf(self, source_id: str, *, key: str, sha256: str, at: dt.datetime) -> FeeInvoice: ...


class CreditorInvoices(Protocol):
    def page_for_creditor(
        self, creditor_id: str, *, limit: int, after: Mapping[str, Any] | None = None
    ) -> tuple[list[FeeInvoice], dict[str, Any] | None]: ...
    def all_for_creditor(self, creditor_id: str) -> list[FeeInvoice]: ...


class InvoiceNotReady(InvalidTransition):
    """The invoice exists but its PDF is still being made (409: ask again in a moment)."""

    code = "invoice_not_ready"


StartRender = Callable[[str], None]


def seller_party(seller: Any) -> Party:
    """The operator's company (``Settings.seller``) as printed on its invoices."""
    return Party(
        name=seller.legal_name,
        legal_form=seller.legal_form,
        siren=seller.siren,
        vat_number=seller.vat_number,
        address_lines=tuple(part.strip() for part in seller.address.split(",") if part.strip()),
        share_capital=seller.share_capital,
        rcs=seller.rcs,
        email=seller.email,
        phone=seller.phone,
        demo=bool(seller.demo),
    )


# ---------------------------------------------------------------------------------------------------
# issuing (the webhook)
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Invoicing:
    """What issuing needs: where invoices are kept, the creditors' profiles (the buyer), the seller, the
    VAT rate (the prices are VAT included) and how to start the PDF's rendering in the background."""

    invoices: InvoiceStore
    accounts: AccountFinder
    seller: Party
    vat_rate_percent: int
    start_render: StartRender

    def for_payment(
        self,
        claim: Claim,
        checkout: Checkout,
        session: Mapping[str, Any],
        *,
        event_type: str,
        now: dt.datetime,
    ) -> FeeInvoice:
        """The invoice of the Checkout payment Stripe confirmed (issued now, or found issued before)."""
        payment_intent = str(session.get("payment_intent") or checkout.payment_intent or "")
        method = "bank_transfer" if event_type == ASYNC_PAYMENT_EVENT else "card"
        invoice = self._invoice_of(
            claim,
            checkout,
            payment_intent=payment_intent,
            stripe_invoice_id=str(session.get("invoice") or checkout.invoice_id or ""),
            method=method,
            paid_at=now,
        )
        self._ensure_pdf(invoice)
        return invoice

    def for_refund(self, claim: Claim, charge: Mapping[str, Any], *, now: dt.datetime) -> list[FeeInvoice]:
        """The credit notes of the refunds a ``charge.refunded`` event reports for one of the claim's
        payments (issued now or before), oldest first; none when the charge is not the claim's payment or
        does not match it (the payment service refuses the event then)."""
        payment_intent = str(charge.get("payment_intent") or "")
        checkout = next(
            (c for c in claim.checkouts if payment_intent and c.payment_intent == payment_intent), None
        )
        if checkout is None or refund_mismatch(checkout, charge) is not None:
            return []
        paid_at = checkout.paid_at or now
        invoice = self._invoice_of(
            claim,
            checkout,
            payment_intent=payment_intent,
            stripe_invoice_id=checkout.invoice_id,
            method="",
            paid_at=paid_at,
        )
        self._ensure_pdf(invoice)
        notes = {
            n.source_id: n
            for n in self.invoices.for_claim(claim.claim_id)
            if n.credited_number == invoice.number
        }
        refunds = refunds_in_charge(charge)
        if not refunds:  # the charge does not list its refunds: name this one after the total refunded
            total = int(charge.get("amount_refunded") or 0)
            credited = credited_so_far(list(notes.values()), invoice)
            if total > credited:
                refunds = [(f"{charge.get('id') or payment_intent}-{total}", total - credited)]
        issued: list[FeeInvoice] = []
        for refund_id, cents in refunds:
            note = notes.get(refund_source(refund_id)) or self.invoices.by_source(refund_source(refund_id))
            if note is None:
                try:
                    draft = credit_note(
                        invoice,
                        refund_id=refund_id,
                        refunded_cents=cents,
                        refunded_at=now,
                        refunded_on=day_of(now),
                        already_credited_cents=credited_so_far(list(notes.values()), invoice),
                    )
                except InvoiceRefused as refused:
                    logger.warning(
                        "no credit note for refund %s of claim %s: %s", refund_id, claim.claim_id, refused
                    )
                    continue
                note, _ = self.invoices.issue(draft)
                notes[note.source_id] = note
            self._ensure_pdf(note)
            issued.append(note)
        return issued

    def _invoice_of(
        self,
        claim: Claim,
        checkout: Checkout,
        *,
        payment_intent: str,
        stripe_invoice_id: str,
        method: str,
        paid_at: dt.datetime,
    ) -> FeeInvoice:
        existing = self.invoices.by_source(payment_source(payment_intent or checkout.session_id))
        if existing is not None:
            return existing
        account = self.accounts.find(claim.creditor_id)
        draft = payment_invoice(
            claim_id=claim.claim_id,
            creditor_id=claim.creditor_id,
            reference=claim.reference,
            debtor_name=claim.debtor_name,
            step=checkout.step,
            ttc_cents=checkout.amount_cents,
            vat_rate_percent=self.vat_rate_percent,
            seller=self.seller,
            buyer=buyer_of(account.creditor if account else None, email=account.email if account else ""),
            paid_at=paid_at,
            paid_on=day_of(paid_at),
            payment_method=method,
            payment_intent=payment_intent,
            session_id=checkout.session_id,
            stripe_invoice_id=stripe_invoice_id,
        )
        invoice, _ = self.invoices.issue(draft)
        return invoice

    def _ensure_pdf(self, invoice: FeeInvoice) -> None:
        """Start the PDF's rendering unless it is there: best effort (a download starts it again)."""
        if invoice.pdf_sha256:
            return
        try:
            self.start_render(invoice.source_id)
        except Exception as error:  # never fails the payment: the PDF can be made later
            logger.warning("invoice %s: PDF rendering not started: %s", invoice.number, error)


# ---------------------------------------------------------------------------------------------------
# rendering (the PDF function)
# ---------------------------------------------------------------------------------------------------
def render_pdf(
    source_id: str, *, invoices: InvoiceStore, store: BlobStore, outbox: OutboxWriter, now: dt.datetime
) -> FeeInvoice:
    """Render, store, email and record the PDF of one invoice (nothing to do when it is recorded). The
    email is queued once the PDF is stored and before it is recorded: a run that dies in between is run
    again (a download starts it) and finds the email queued already: it is queued once."""
    from chalicelib.documents.fee_invoice import fee_invoice_pdf  # WeasyPrint: the PDF function only

    invoice = invoices.by_source(source_id)
    if invoice is None:
        raise NotFound(INVOICE_NOT_FOUND)
    if invoice.pdf_sha256:
        return invoice
    pdf = fee_invoice_pdf(invoice)
    store.put(invoice.storage_key, pdf, "application/pdf")
    if not outbox.queue_once(invoice.claim_id, invoice_email_key(invoice), invoice_email(invoice), now=now):
        logger.info("invoice %s: its email was queued by an earlier run", invoice.number)
    return invoices.record_pdf(
        source_id, key=invoice.storage_key, sha256=hashlib.sha256(pdf).hexdigest(), at=now
    )


def invoice_email_key(invoice: FeeInvoice) -> str:
    """What names an invoice's email in the outbox (``<claim id>#invoice-<number>#1``): one per number."""
    return f"invoice-{invoice.number}"


def invoice_email(invoice: FeeInvoice) -> Notification:
    """The creditor's email carrying the PDF of an invoice or a credit note (issue 24, « emailed with the
    receipt »): its number, date and amount TTC (a credit note's as a positive amount, and the invoice it
    credits); the sender adds the claim's reference, debtor and link."""
    context: dict[str, object] = {
        "invoice_number": invoice.number,
        "credit_note": invoice.is_credit_note,
        "issued_on": invoice.issued_on,
        "amount_ttc": euros(abs(invoice.amounts.ttc_cents)),
    }
    if invoice.is_credit_note and invoice.credited_number:
        context["credited_number"] = invoice.credited_number
    return Notification(INVOICE_EMAIL, context, attachments=(invoice.storage_key,))


# ---------------------------------------------------------------------------------------------------
# reading (the creditor's pages, the operators)
# ---------------------------------------------------------------------------------------------------
def _no_lawyer(identity: Identity) -> None:
    if identity.role not in (Role.CREDITOR, Role.OPERATOR):
        raise Forbidden("Les factures de la plateforme ne sont visibles que du créancier et des opérateurs.")


def claim_invoices(
    claims: ClaimStore, invoices: InvoiceStore, identity: Identity, claim_id: str
) -> list[FeeInvoice]:
    """The claim's invoices and credit notes, for its creditor and the operators (404 for anyone else)."""
    _no_lawyer(identity)
    claim = claims.get_for(identity, claim_id)
    return [i for i in invoices.for_claim(claim.claim_id) if i.creditor_id == claim.creditor_id]


@dataclass(frozen=True)
class InvoiceDownload:
    url: str
    filename: str
    expires_in: int
    sha256: str


def invoice_download(
    claims: ClaimStore,
    invoices: InvoiceStore,
    store: DocumentStore,
    identity: Identity,
    claim_id: str,
    number: str,
    *,
    start_render: StartRender,
    expires_in: int = 300,
) -> InvoiceDownload:
    """A short-lived link to one invoice's PDF, checked against its recorded SHA-256; 409 « en
    préparation » while the PDF is being made (and its rendering started again)."""
    _no_lawyer(identity)
    claim = claims.get_for(identity, claim_id)
    invoice = invoices.find(claim.claim_id, number[:40])
    if invoice is None or invoice.creditor_id != claim.creditor_id:
        raise NotFound(INVOICE_NOT_FOUND)
    if not invoice.pdf_key or not invoice.pdf_sha256:
        try:
            start_render(invoice.source_id)
        except Exception as error:
            logger.warning("invoice %s: PDF rendering not started: %s", invoice.number, error)
        raise InvoiceNotReady(
            f"Le PDF de la {invoice.title.lower()} n° {invoice.number} est en préparation : réessayez dans "
            "quelques secondes."
        )
    from chalicelib.services.integrity import report, verified

    try:
        verified(
            store, invoice.pdf_key, invoice.pdf_sha256, what=f"La {invoice.title.lower()} n° {invoice.number}"
        )
    except IntegrityError as error:
        report(claims, claim.claim_id, claim.status.value, error, actor="plateforme")
        raise
    url = store.presigned_get(invoice.pdf_key, invoice.filename, expires_in=expires_in)
    return InvoiceDownload(url, invoice.filename, expires_in, invoice.pdf_sha256)


def creditor_page(
    invoices: CreditorInvoices, identity: Identity, *, limit: int, after: Mapping[str, Any] | None
) -> tuple[list[FeeInvoice], dict[str, Any] | None]:
    """One page of the caller's invoices (creditors only), newest first."""
    if identity.role is not Role.CREDITOR or not identity.creditor_id:
        raise Forbidden("Seul un compte créancier a des factures.")
    found, last_key = invoices.page_for_creditor(identity.creditor_id, limit=limit, after=after)
    return found, last_key


def export_rows(
    invoices: CreditorInvoices, files: DocumentStore, creditor_id: str, *, expires_in: int
) -> list[dict[str, Any]]:
    """Every invoice of a creditor for the data export: the invoice as issued and a link to its PDF."""
    rows = []
    for invoice in invoices.all_for_creditor(creditor_id):
        row = invoice.as_json() | {"pdf_sha256": invoice.pdf_sha256 or None, "pdf_url": None}
        if invoice.pdf_key:
            row["pdf_url"] = files.presigned_get(invoice.pdf_key, invoice.filename, expires_in=expires_in)
        rows.append(row)
    return rows
