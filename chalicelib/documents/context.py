"""Typed inputs of every document, built from the legal engine's output plus the parties' data.

Pure: no rendering, no I/O. The claim-intake and accounts code fill these objects; the templates only
read them. Amounts stay ``Decimal`` (parsed from the legal engine's strings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from chalicelib.documents.formatting import to_decimal

PartyKind = Literal["legal_person", "natural_person"]
Channel = Literal["lrar", "lre"]

PAYMENT_DAYS_B2B = 8  # RULEBOOK 4.2 item 5 [POLICY]
PAYMENT_DAYS_B2C = 15
PRESENTATION_ALLOWANCE_DAYS = 3  # days assumed between sending and first presentation of a LRAR


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "France"

    @property
    def lines(self) -> tuple[str, ...]:
        last = f"{self.postal_code} {self.city}"
        return (self.street, last) if self.country == "France" else (self.street, last, self.country)

    @property
    def one_line(self) -> str:
        return ", ".join(self.lines)


@dataclass(frozen=True)
class Party:
    """A creditor or a debtor, with what the letters and the requête must print (CPC 54)."""

    name: str
    address: Address
    category: str  # the legal engine's category (commercant, consumer, …)
    kind: PartyKind = "legal_person"
    legal_form: str | None = None  # "SAS", "SARL"…
    siren: str | None = None
    siret: str | None = None
    rcs_city: str | None = None
    share_capital: Decimal | None = None
    representative: str | None = None  # the body legally representing a legal person: "son président, M. …"
    signatory_name: str | None = None
    signatory_title: str | None = None
    iban: str | None = None
    bic: str | None = None
    bank_name: str | None = None
    email: str | None = None
    phone: str | None = None
    # natural persons (CPC 54: surname, first names, profession, domicile, nationality, birth date and place)
    title: str | None = None  # "M.", "Mme"
    profession: str | None = None
    nationality: str | None = None
    birth_date: dt.date | None = None
    birth_place: str | None = None

    @property
    def is_professional(self) -> bool:
        return self.category in {"commercant", "artisan", "liberal", "sel"}

    @property
    def display_name(self) -> str:
        if self.kind == "natural_person" and self.title:
            return f"{self.title} {self.name}"
        return self.name

    @property
    def siren_spaced(self) -> str | None:
        if not self.siren:
            return None
        s = self.siren.replace(" ", "")
        return f"{s[0:3]} {s[3:6]} {s[6:9]}"

    @property
    def iban_spaced(self) -> str | None:
        if not self.iban:
            return None
        s = self.iban.replace(" ", "")
        return " ".join(s[i : i + 4] for i in range(0, len(s), 4))


@dataclass(frozen=True)
class Invoice:
    number: str
    issue_date: dt.date
    due_date: dt.date | None
    amount_ttc: Decimal
    performance_date: dt.date | None = None
    object: str | None = None
    contract_ref: str | None = None


@dataclass(frozen=True)
class Payment:
    date: dt.date
    amount: Decimal


@dataclass(frozen=True)
class Exhibit:
    """A pièce of the bordereau; ``content`` is the file (PDF, PNG or JPEG) when the dossier is assembled."""

    number: int
    title: str
    date: dt.date | None
    filename: str | None = None
    media_type: str | None = None
    content: bytes | None = None


@dataclass(frozen=True)
class SendingService:
    """The platform, which appears only as the technical sender (RULEBOOK 7.2)."""

    name: str
    address: str
    website: str
    privacy_contact: str


@dataclass(frozen=True)
class DocumentContext:
    claim_id: str
    creditor: Party
    debtor: Party
    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]
    assessment: Mapping[str, Any]  # the legal engine's ``assess()`` output, unchanged
    letter_date: dt.date
    sending_service: SendingService
    generated_at: dt.datetime
    channel: Channel = "lrar"
    payment_days: int = PAYMENT_DAYS_B2B
    first_presented_on: dt.date | None = None  # known for an LRE (availability date); None for a LRAR
    presentation_allowance_days: int = PRESENTATION_ALLOWANCE_DAYS
    exhibits: tuple[Exhibit, ...] = ()
    claim_nature: str = "sale_or_service"
    reference: str | None = None
    notice_date: dt.date | None = None  # the mise en demeure already sent (for the requête)
    extra: Mapping[str, str] = field(default_factory=dict)

    # --- the legal engine's parts -------------------------------------------------------------------
    @property
    def amounts(self) -> Mapping[str, Any]:
        return self.assessment.get("amounts") or {}

    @property
    def route(self) -> Mapping[str, Any]:
        return self.assessment.get("route") or {}

    @property
    def decompte(self) -> Mapping[str, Any]:
        return self.assessment.get("decompte") or {}

    @property
    def findings(self) -> Sequence[Mapping[str, Any]]:
        return self.assessment.get("findings") or []

    @property
    def is_b2b(self) -> bool:
        return self.amounts.get("regime") == "b2b_penalties"

    @property
    def our_reference(self) -> str:
        return self.reference or self.claim_id

    @property
    def place(self) -> str:
        return self.creditor.address.city

    # --- figures the letters print ------------------------------------------------------------------
    @property
    def principal_ttc(self) -> Decimal:
        return sum((inv.amount_ttc for inv in self.invoices), Decimal("0.00"))

    @property
    def payments_total(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal("0.00"))

    @property
    def principal_outstanding(self) -> Decimal:
        return to_decimal(self.amounts.get("principal_outstanding"))

    @property
    def interest(self) -> Decimal:
        return to_decimal(self.amounts.get("interest"))

    @property
    def indemnity(self) -> Decimal:
        return to_decimal(self.amounts.get("indemnity"))

    @property
    def total(self) -> Decimal:
        return to_decimal(self.amounts.get("total"))

    @property
    def indemnity_count(self) -> int:
        return sum(
            1 for inv in self.decompte.get("invoices", []) if to_decimal(inv["indemnity_outstanding"]) > 0
        )

    @property
    def rates(self) -> list[tuple[str, str]]:
        """Distinct (rate, source) pairs of the décompte's segments, in order of appearance."""
        seen: dict[tuple[str, str], None] = {}
        for inv in self.decompte.get("invoices", []):
            for seg in inv.get("segments", []):
                seen.setdefault((seg["rate"], seg["rate_source"]), None)
        return list(seen)

    @property
    def item_label(self) -> str:
        """What each line of the claim is: an invoice, a loan, a rent instalment…"""
        return _ITEM_LABELS.get(self.claim_nature, ("Facture", "Principal TTC facturé"))[0]

    @property
    def principal_label(self) -> str:
        return _ITEM_LABELS.get(self.claim_nature, ("Facture", "Principal TTC facturé"))[1]

    @property
    def rate_bases(self) -> list[tuple[str, str]]:
        """Distinct (rate, basis in words) of the décompte: the basis actually applied to each rate."""
        return list(dict.fromkeys((rate, rate_basis(source)) for rate, source in self.rates))

    @property
    def interest_claimed_from(self) -> dt.date | None:
        """Further interest runs from the day after the last day the décompte counts."""
        until = self.amounts.get("interest_until")
        if not until:
            return None
        return dt.date.fromisoformat(str(until)) + dt.timedelta(days=1)

    @property
    def presentation_date(self) -> dt.date:
        """First presentation: known for an LRE, else assumed some days after the letter."""
        return self.first_presented_on or self.letter_date + dt.timedelta(
            days=self.presentation_allowance_days
        )

    @property
    def payment_deadline(self) -> dt.date:
        """Last day to pay: first presentation + the notice period (RULEBOOK 4.2 item 5)."""
        return self.presentation_date + dt.timedelta(days=self.payment_days)

    @property
    def warnings(self) -> list[Mapping[str, Any]]:
        return [f for f in self.findings if f.get("level") in {"warning", "blocking"}]

    @property
    def urgent(self) -> bool:
        return bool((self.assessment.get("prescription") or {}).get("urgent"))

    @property
    def lawyer_review(self) -> bool:
        return bool(self.route.get("lawyer_review"))

    def invoice_decompte(self, number: str) -> Mapping[str, Any]:
        for inv in self.decompte.get("invoices", []):
            if inv["number"] == number:
                return dict(inv)
        return {}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def default_exhibits(
    claim_input: Mapping[str, Any], invoices: Sequence[Invoice], contract_title: str | None = None
) -> tuple[Exhibit, ...]:
    """The usual bordereau (RULEBOOK 2.4): contract/quote, invoices, statement, notice and its proof."""
    exhibits: list[Exhibit] = []
    if contract_title:
        exhibits.append(
            Exhibit(len(exhibits) + 1, contract_title, invoices[0].issue_date if invoices else None)
        )
    for inv in invoices:
        nature = str((claim_input.get("claim") or {}).get("nature", "sale_or_service"))
        label = _ITEM_LABELS.get(nature, ("Facture", ""))[0]
        exhibits.append(Exhibit(len(exhibits) + 1, f"{label} n° {inv.number}", inv.issue_date))
    notice = claim_input.get("formal_notice") or {}
    if notice.get("sent_on"):
        sent = _date(notice["sent_on"])
        exhibits.append(Exhibit(len(exhibits) + 1, "Mise en demeure", sent))
        presented = _date(notice.get("first_presented_on"))
        exhibits.append(
            Exhibit(
                len(exhibits) + 1, "Preuve de dépôt et avis de réception de la mise en demeure", presented
            )
        )
    return tuple(exhibits)


def build_context(
    claim_input: Mapping[str, Any],
    assessment: Mapping[str, Any],
    *,
    claim_id: str,
    creditor: Party,
    debtor: Party,
    sending_service: SendingService,
    letter_date: dt.date | None = None,
    generated_at: dt.datetime | None = None,
    invoice_details: Mapping[str, Mapping[str, str]] | None = None,
    exhibits: Sequence[Exhibit] | None = None,
    contract_title: str | None = None,
    channel: Channel = "lrar",
    payment_days: int | None = None,
    first_presented_on: dt.date | None = None,
    reference: str | None = None,
) -> DocumentContext:
    """Join the legal engine's input and output with the parties' identities.

    ``claim_input`` is what was given to ``assess()``; ``invoice_details`` maps an invoice number to its
    ``object`` and ``contract_ref``. The letter date defaults to the assessment's ``as_of`` (the date to
    which penalties were accrued), and the notice period to 8 days B2B / 15 days otherwise.
    """
    details = invoice_details or {}
    invoices = tuple(
        Invoice(
            number=inv["number"],
            issue_date=dt.date.fromisoformat(inv["issue_date"]),
            due_date=_date(inv.get("due_date")),
            amount_ttc=to_decimal(inv["amount_ttc"]),
            performance_date=_date(inv.get("performance_date")),
            object=details.get(inv["number"], {}).get("object"),
            contract_ref=details.get(inv["number"], {}).get("contract_ref"),
        )
        for inv in claim_input.get("invoices", [])
    )
    payments = tuple(
        Payment(dt.date.fromisoformat(p["date"]), to_decimal(p["amount"]))
        for p in claim_input.get("payments", [])
    )
    as_of = dt.date.fromisoformat(assessment["as_of"])
    letter = letter_date or as_of
    b2b = (assessment.get("amounts") or {}).get("regime") == "b2b_penalties"
    notice = claim_input.get("formal_notice") or {}
    return DocumentContext(
        claim_id=claim_id,
        creditor=creditor,
        debtor=debtor,
        invoices=invoices,
        payments=payments,
        assessment=assessment,
        letter_date=letter,
        sending_service=sending_service,
        generated_at=generated_at or dt.datetime.combine(letter, dt.time(9, 0), tzinfo=dt.UTC),
        channel=channel,
        payment_days=payment_days or (PAYMENT_DAYS_B2B if b2b else PAYMENT_DAYS_B2C),
        first_presented_on=first_presented_on,
        exhibits=tuple(exhibits)
        if exhibits is not None
        else default_exhibits(claim_input, invoices, contract_title),
        claim_nature=(claim_input.get("claim") or {}).get("nature", "sale_or_service"),
        reference=reference,
        notice_date=_date(notice.get("sent_on")),
    )


def rate_basis(source: str) -> str:
    """The basis of a décompte rate in the words of a letter, from the engine's ``rate_source``."""
    if source.startswith("Taux contractuel"):
        return "taux contractuel"
    if source.startswith("Plancher légal"):
        return "plancher légal de trois fois le taux de l'intérêt légal"
    if source.startswith("Taux de l'intérêt légal"):
        return "taux de l'intérêt légal"
    return "taux de refinancement de la Banque centrale européenne majoré de 10 points"


# Per nature of claim: how a line of the claim is named and how its principal is named (a loan or a rent is
# not an invoice).
_ITEM_LABELS: dict[str, tuple[str, str]] = {
    "sale_or_service": ("Facture", "Principal TTC facturé"),
    "loan": ("Prêt", "Capital prêté restant exigible"),
    "residential_rent": ("Échéance", "Loyers et charges échus"),
    "carriage_of_goods": ("Facture", "Prix du transport facturé"),
    "cheque": ("Chèque", "Montant du chèque"),
    "bill_of_exchange": ("Effet", "Montant de l'effet"),
}
