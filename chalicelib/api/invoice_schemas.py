"""Response models of the fee invoices (``chalicelib/api/invoices.py``): what the creditor's pages list and
what the OpenAPI document describes. Amounts as decimal strings of euros (``"29.00"``), signed: a credit
note's are negative."""

from __future__ import annotations

from urllib.parse import quote

from pydantic import BaseModel, Field

from chalicelib.domain.fee_invoices import KIND_LABELS_FR, FeeInvoice
from chalicelib.domain.payments import STEP_LABELS_FR


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class FeeInvoiceView(BaseModel):
    number: str = Field(description="Numéro de la facture ou de l'avoir (FA-2026-000012)")
    kind: str = Field(description="invoice (facture) ou credit_note (facture d'avoir)")
    kind_label: str
    issued_on: str = Field(description="Date d'émission (AAAA-MM-JJ)")
    claim_id: str
    claim_detail: str = Field(description="La créance concernée : référence et débiteur")
    step: str = Field(description="notice (mise en demeure) ou dossier (injonction de payer)")
    step_label: str
    amount_ht: str = Field(description="Montant HT en euros, négatif pour un avoir (ex. « 24.17 »)")
    amount_vat: str = Field(description="TVA en euros")
    amount_ttc: str = Field(description="Montant TTC en euros")
    vat_rate: str = Field(description="Taux de TVA en pourcentage (« 20 »)")
    credited_number: str | None = Field(default=None, description="Pour un avoir : la facture qu'il crédite")
    ready: bool = Field(description="Le PDF est prêt à être téléchargé")
    download_path: str = Field(description="La route qui donne le lien de téléchargement du PDF")

    @classmethod
    def of(cls, invoice: FeeInvoice) -> FeeInvoiceView:
        a = invoice.amounts
        return cls(
            number=invoice.number,
            kind=invoice.kind.value,
            kind_label=KIND_LABELS_FR[invoice.kind],
            issued_on=invoice.issued_on.isoformat(),
            claim_id=invoice.claim_id,
            claim_detail=invoice.detail,
            step=invoice.step.value,
            step_label=STEP_LABELS_FR[invoice.step],
            amount_ht=_euros(a.ht_cents),
            amount_vat=_euros(a.vat_cents),
            amount_ttc=_euros(a.ttc_cents),
            vat_rate=str(a.vat_rate),
            credited_number=invoice.credited_number or None,
            ready=bool(invoice.pdf_sha256),
            download_path=f"/v1/claims/{quote(invoice.claim_id, safe='')}/invoices/"
            f"{quote(invoice.number, safe='')}",
        )


class FeeInvoiceList(BaseModel):
    invoices: list[FeeInvoiceView]
    next_cursor: str | None = Field(default=None, description="Paramètre cursor de la suite ; null : fin")


class FeeInvoiceDownloadView(BaseModel):
    url: str = Field(description="Lien de téléchargement temporaire du PDF")
    filename: str
    expires_in: int = Field(description="Validité du lien, en secondes")
    sha256: str = Field(description="Empreinte SHA-256 du PDF, inscrite sur la facture")
