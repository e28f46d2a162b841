"""The platform's own invoices for its fees (29 € the notice step, 89 € the injonction dossier, VAT
included): one invoice per payment received through Stripe, one credit note (« facture d'avoir ») per
refund, as French law wants them (C. com. L441-9; CGI art. 242 nonies A, ann. II).

Pure data and rules: amounts in integer cents, VAT split with :class:`~decimal.Decimal` (never a float), the
numbers' format and series, what each document says. Numbering itself — one unbroken sequence per series,
shared by invoices and credit notes — is the repository's (``chalicelib/adapters/invoices_repository.py``):
a number is taken in the transaction that writes its invoice, so none is ever lost.

Series: one per calendar year of issue (Europe/Paris), ``FA-2026-000001``, ``FA-2026-000002``… Every stage
(``claims-<stage>``) has its own tables, so its own sequence; the invoices of the local platform name the
demonstration seller and say they have no value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from chalicelib.domain.accounts import CreditorProfile
from chalicelib.domain.payments import STEP_DESCRIPTIONS_FR, STEP_LABELS_FR, PaymentStep
from chalicelib.legal.settings import Settings as LegalSettings

NUMBER_PREFIX = "FA"
# The late-payment mentions every B2B invoice carries (C. com. L441-10 II; D441-5 for the amount).
RECOVERY_INDEMNITY = LegalSettings().FLAT_INDEMNITY
LATE_PAYMENT_RATE_FR = "taux d'intérêt de la BCE majoré de 10 points"


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


KIND_LABELS_FR: Mapping[InvoiceKind, str] = {
    InvoiceKind.INVOICE: "Facture",
    InvoiceKind.CREDIT_NOTE: "Facture d'avoir",
}
# How the creditor paid, as Stripe Checkout tells it: a card is paid at once, a bank transfer (Stripe's
# customer balance) later, through ``checkout.session.async_payment_succeeded``.
PAYMENT_METHODS_FR: Mapping[str, str] = {
    "card": "par carte bancaire (Stripe)",
    "bank_transfer": "par virement (Stripe)",
}


class InvoiceRefused(ValueError):
    """What was asked cannot be invoiced (a credit note larger than what is left of its invoice…)."""


# ---------------------------------------------------------------------------------------------------
# amounts
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Amounts:
    """HT + TVA = TTC exactly, in cents; negative on a credit note."""

    ht_cents: int
    vat_cents: int
    ttc_cents: int
    vat_rate: Decimal  # percent: Decimal("20")

    def as_json(self) -> dict[str, Any]:
        return {
            "ht_cents": self.ht_cents,
            "vat_cents": self.vat_cents,
            "ttc_cents": self.ttc_cents,
            "vat_rate": str(self.vat_rate),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Amounts:
        return cls(
            int(data["ht_cents"]),
            int(data["vat_cents"]),
            int(data["ttc_cents"]),
            Decimal(str(data["vat_rate"])),
        )


def split_ttc(ttc_cents: int, vat_rate_percent: Decimal | int | str) -> Amounts:
    """The HT amount of a price VAT included, rounded half up to the cent, and the VAT as the difference (so
    the three always add up). ``2900`` at 20 % → 2417 HT + 483 TVA. A negative amount (a credit note) is
    split as its opposite, so a full credit note is exactly the invoice with the signs changed."""
    if isinstance(ttc_cents, bool) or not isinstance(ttc_cents, int):
        raise TypeError("amounts are integer cents")
    rate = Decimal(str(vat_rate_percent))
    if rate < 0:
        raise ValueError("a VAT rate is never negative")
    sign = -1 if ttc_cents < 0 else 1
    ttc = abs(ttc_cents)
    ht = int((Decimal(ttc) * 100 / (100 + rate)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return Amounts(sign * ht, sign * (ttc - ht), sign * ttc, rate)


# ---------------------------------------------------------------------------------------------------
# parties
# ---------------------------------------------------------------------------------------------------
def spaced_siren(siren: str) -> str:
    """``732829320`` → ``732 829 320`` (as a SIREN is printed)."""
    digits = "".join(ch for ch in siren if ch.isdigit())
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3)) if len(digits) == 9 else siren


@dataclass(frozen=True)
class Party:
    """The seller or the buyer as printed on the invoice, frozen at issue (a later change of profile or
    of the operator's settings never changes an invoice already issued)."""

    name: str
    legal_form: str = ""
    siren: str = ""
    vat_number: str = ""
    address_lines: tuple[str, ...] = ()
    share_capital: str = ""
    rcs: str = ""
    email: str = ""
    phone: str = ""
    demo: bool = False

    @property
    def siren_spaced(self) -> str:
        return spaced_siren(self.siren)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "legal_form": self.legal_form,
            "siren": self.siren,
            "vat_number": self.vat_number,
            "address_lines": list(self.address_lines),
            "share_capital": self.share_capital,
            "rcs": self.rcs,
            "email": self.email,
            "phone": self.phone,
            "demo": self.demo,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Party:
        return cls(
            name=str(data.get("name", "")),
            legal_form=str(data.get("legal_form", "")),
            siren=str(data.get("siren", "")),
            vat_number=str(data.get("vat_number", "")),
            address_lines=tuple(str(line) for line in data.get("address_lines") or ()),
            share_capital=str(data.get("share_capital", "")),
            rcs=str(data.get("rcs", "")),
            email=str(data.get("email", "")),
            phone=str(data.get("phone", "")),
            demo=bool(data.get("demo", False)),
        )


def buyer_of(profile: CreditorProfile | None, *, email: str) -> Party:
    """The creditor company as the buyer: its legal name, form, address, SIREN and VAT number when its
    profile has them (a profile without a VAT number: none is printed, none is guessed)."""
    if profile is None:
        return Party(name=email or "Client", email=email)
    address = profile.address
    lines: tuple[str, ...] = ()
    if address is not None:
        lines = tuple(
            line
            for line in (address.line1, address.line2, f"{address.postal_code} {address.city}".strip())
            if line
        )
        if address.country and address.country != "FR":
            lines += (address.country,)
    return Party(
        name=profile.legal_name,
        legal_form=profile.legal_form,
        siren=profile.siren,
        vat_number=str(getattr(profile, "vat_number", "") or ""),
        address_lines=lines,
        email=email,
        phone=profile.phone,
    )


# ---------------------------------------------------------------------------------------------------
# the invoice
# ---------------------------------------------------------------------------------------------------
def series_of(issued_on: date) -> str:
    return str(issued_on.year)


def invoice_number(series: str, sequence: int) -> str:
    """``FA-2026-000012``: the prefix, the series (year) and the sequence, padded so numbers sort in order."""
    if sequence < 1:
        raise ValueError("invoice sequences start at 1")
    return f"{NUMBER_PREFIX}-{series}-{sequence:06d}"


def payment_source(payment_intent: str) -> str:
    """The key of a payment's invoice: Stripe's payment intent (one per Checkout payment)."""
    return f"payment:{payment_intent}"


def refund_source(refund_id: str) -> str:
    """The key of a refund's credit note: Stripe's refund id."""
    return f"refund:{refund_id}"


@dataclass(frozen=True)
class FeeInvoice:
    """An invoice (``kind`` invoice) or a credit note as issued. ``number`` is empty until the repository
    numbers it (:meth:`numbered`)."""

    kind: InvoiceKind
    source_id: str
    series: str
    claim_id: str
    creditor_id: str
    issued_at: datetime
    issued_on: date
    seller: Party
    buyer: Party
    step: PaymentStep
    designation: str  # the service sold
    detail: str  # the claim it was sold for: reference and debtor
    amounts: Amounts
    paid_on: date  # payment received (invoice) or refund made (credit note)
    payment_method: str  # card | bank_transfer
    quantity: int = 1
    number: str = ""
    sequence: int = 0
    stripe_payment_intent: str = ""
    stripe_session_id: str = ""
    stripe_invoice_id: str = ""  # Stripe's own invoice of the Checkout, when it made one
    stripe_refund_id: str = ""
    credited_number: str = ""  # a credit note: the invoice it credits
    credited_issued_on: date | None = None
    pdf_key: str = ""
    pdf_sha256: str = ""
    mentions: tuple[str, ...] = field(default=())

    @property
    def is_credit_note(self) -> bool:
        return self.kind is InvoiceKind.CREDIT_NOTE

    @property
    def title(self) -> str:
        return KIND_LABELS_FR[self.kind]

    @property
    def unit_ht_cents(self) -> int:
        return self.amounts.ht_cents // self.quantity

    @property
    def payment_method_fr(self) -> str:
        return PAYMENT_METHODS_FR.get(self.payment_method, "par Stripe")

    @property
    def filename(self) -> str:
        return f"{'avoir' if self.is_credit_note else 'facture'}-{self.number}.pdf"

    @property
    def storage_key(self) -> str:
        """Where its PDF is kept: outside ``claims/<id>/``, so the claims' retention (anonymisation after
        the archive period) never deletes an accounting document, kept 10 years (C. com. L123-22)."""
        return f"invoices/{self.series}/{self.number}.pdf"

    def numbered(self, sequence: int) -> FeeInvoice:
        return replace(self, sequence=sequence, number=invoice_number(self.series, sequence))

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "source_id": self.source_id,
            "series": self.series,
            "number": self.number,
            "sequence": self.sequence,
            "claim_id": self.claim_id,
            "creditor_id": self.creditor_id,
            "issued_at": self.issued_at.isoformat(),
            "issued_on": self.issued_on.isoformat(),
            "seller": self.seller.as_json(),
            "buyer": self.buyer.as_json(),
            "step": self.step.value,
            "designation": self.designation,
            "detail": self.detail,
            "quantity": self.quantity,
            "amounts": self.amounts.as_json(),
            "paid_on": self.paid_on.isoformat(),
            "payment_method": self.payment_method,
            "stripe_payment_intent": self.stripe_payment_intent,
            "stripe_session_id": self.stripe_session_id,
            "stripe_invoice_id": self.stripe_invoice_id,
            "stripe_refund_id": self.stripe_refund_id,
            "credited_number": self.credited_number,
            "credited_issued_on": self.credited_issued_on.isoformat() if self.credited_issued_on else None,
            "mentions": list(self.mentions),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, pdf_key: str = "", pdf_sha256: str = "") -> FeeInvoice:
        credited_on = data.get("credited_issued_on")
        return cls(
            kind=InvoiceKind(data["kind"]),
            source_id=str(data["source_id"]),
            series=str(data["series"]),
            number=str(data.get("number", "")),
            sequence=int(data.get("sequence", 0)),
            claim_id=str(data["claim_id"]),
            creditor_id=str(data["creditor_id"]),
            issued_at=datetime.fromisoformat(str(data["issued_at"])),
            issued_on=date.fromisoformat(str(data["issued_on"])),
            seller=Party.from_json(data["seller"]),
            buyer=Party.from_json(data["buyer"]),
            step=PaymentStep(data["step"]),
            designation=str(data["designation"]),
            detail=str(data["detail"]),
            quantity=int(data.get("quantity", 1)),
            amounts=Amounts.from_json(data["amounts"]),
            paid_on=date.fromisoformat(str(data["paid_on"])),
            payment_method=str(data.get("payment_method", "")),
            stripe_payment_intent=str(data.get("stripe_payment_intent", "")),
            stripe_session_id=str(data.get("stripe_session_id", "")),
            stripe_invoice_id=str(data.get("stripe_invoice_id", "")),
            stripe_refund_id=str(data.get("stripe_refund_id", "")),
            credited_number=str(data.get("credited_number", "")),
            credited_issued_on=date.fromisoformat(str(credited_on)) if credited_on else None,
            mentions=tuple(str(m) for m in data.get("mentions") or ()),
            pdf_key=pdf_key,
            pdf_sha256=pdf_sha256,
        )


def standard_mentions(*, credit_note: bool) -> tuple[str, ...]:
    """The B2B mentions (C. com. L441-9 I and L441-10 II): payment terms, no discount, the late-payment
    penalties and the flat recovery indemnity, worded as the law states them."""
    settled = (
        "Avoir remboursé : le montant ci-dessus a été restitué par le moyen de paiement d'origine."
        if credit_note
        else "Facture acquittée : paiement comptant à la commande, reçu à la date indiquée ci-dessus."
    )
    return (
        settled,
        "Pas d'escompte pour paiement anticipé.",
        "En cas de retard de paiement, pénalités exigibles de plein droit au "
        f"{LATE_PAYMENT_RATE_FR} (taux appliqué par la Banque centrale européenne à son opération de "
        "refinancement la plus récente majoré de 10 points de pourcentage), et indemnité forfaitaire pour "
        f"frais de recouvrement de {_euros_fr(RECOVERY_INDEMNITY)} (C. com. L441-10 II et D441-5).",
    )


def _euros_fr(amount: Decimal) -> str:
    whole = int(amount)
    cents = int((amount - whole) * 100)
    return f"{whole} €" if not cents else f"{whole},{cents:02d} €"


def payment_invoice(
    *,
    claim_id: str,
    creditor_id: str,
    reference: str,
    debtor_name: str,
    step: PaymentStep,
    ttc_cents: int,
    vat_rate_percent: Decimal | int | str,
    seller: Party,
    buyer: Party,
    paid_at: datetime,
    paid_on: date,
    payment_method: str,
    payment_intent: str,
    session_id: str = "",
    stripe_invoice_id: str = "",
) -> FeeInvoice:
    """The (unnumbered) invoice of one payment received: issued on the day it was paid, « acquittée »."""
    if ttc_cents <= 0:
        raise InvoiceRefused("only a payment of a positive amount is invoiced")
    return FeeInvoice(
        kind=InvoiceKind.INVOICE,
        source_id=payment_source(payment_intent or session_id),
        series=series_of(paid_on),
        claim_id=claim_id,
        creditor_id=creditor_id,
        issued_at=paid_at,
        issued_on=paid_on,
        seller=seller,
        buyer=buyer,
        step=step,
        designation=f"{STEP_LABELS_FR[step]} — {STEP_DESCRIPTIONS_FR[step]}",
        detail=f"Créance {reference or claim_id} sur {debtor_name}",
        amounts=split_ttc(ttc_cents, vat_rate_percent),
        paid_on=paid_on,
        payment_method=payment_method,
        stripe_payment_intent=payment_intent,
        stripe_session_id=session_id,
        stripe_invoice_id=stripe_invoice_id,
        mentions=standard_mentions(credit_note=False),
    )


def credited_so_far(credit_notes: Sequence[FeeInvoice], invoice: FeeInvoice) -> int:
    """Cents already credited on ``invoice`` (a positive number)."""
    return -sum(n.amounts.ttc_cents for n in credit_notes if n.credited_number == invoice.number)


def credit_note(
    invoice: FeeInvoice,
    *,
    refund_id: str,
    refunded_cents: int,
    refunded_at: datetime,
    refunded_on: date,
    already_credited_cents: int = 0,
) -> FeeInvoice:
    """The (unnumbered) credit note of one refund of ``invoice``: same parties and service, the refunded
    amount split as the invoice was, with negative amounts, naming the invoice it credits. Never more than
    what is left of the invoice."""
    if invoice.is_credit_note or not invoice.number:
        raise InvoiceRefused("a credit note credits a numbered invoice")
    left = invoice.amounts.ttc_cents - already_credited_cents
    if refunded_cents <= 0 or refunded_cents > left:
        raise InvoiceRefused(f"refund of {refunded_cents} cents, {left} left on invoice {invoice.number}")
    whole = refunded_cents == invoice.amounts.ttc_cents
    return replace(
        invoice,
        kind=InvoiceKind.CREDIT_NOTE,
        source_id=refund_source(refund_id),
        series=series_of(refunded_on),
        number="",
        sequence=0,
        issued_at=refunded_at,
        issued_on=refunded_on,
        amounts=split_ttc(-refunded_cents, invoice.amounts.vat_rate),
        paid_on=refunded_on,
        detail=f"{invoice.detail} — {'annulation' if whole else 'remboursement partiel'} de la facture "
        f"n° {invoice.number}",
        stripe_refund_id=refund_id,
        credited_number=invoice.number,
        credited_issued_on=invoice.issued_on,
        pdf_key="",
        pdf_sha256="",
        mentions=standard_mentions(credit_note=True),
    )


def refunds_in_charge(charge: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(refund id, cents) of every succeeded refund a ``charge.refunded`` event's charge lists, oldest
    first (Stripe lists them newest first). Empty when the charge does not list them (Stripe API versions
    since 2022-11-15 no longer expand ``refunds``): the caller then names the refund after the charge."""
    listed = charge.get("refunds")
    data = listed.get("data") if isinstance(listed, Mapping) else None
    if not isinstance(data, list):
        return []
    found: list[tuple[str, int]] = []
    for refund in reversed(data):
        if not isinstance(refund, Mapping) or refund.get("status") != "succeeded":
            continue
        amount = refund.get("amount")
        if refund.get("id") and isinstance(amount, int) and not isinstance(amount, bool) and amount > 0:
            found.append((str(refund["id"]), amount))
    return found
