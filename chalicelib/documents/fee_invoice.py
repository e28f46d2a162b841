"""The fee invoice and the credit note as a PDF/A-3b (``templates/documents/facture.html``), drawn with the
house style of the letters. WeasyPrint is imported by :func:`fee_invoice_pdf` only (render.py), so the API
may import this module without paying for it."""

from __future__ import annotations

from decimal import Decimal

from chalicelib.documents import formatting
from chalicelib.documents.render import html_to_pdf, render_html
from chalicelib.domain.fee_invoices import FeeInvoice


def money(cents: int) -> str:
    """``-2417`` → ``-24,17 €`` (cents, never floats)."""
    return formatting.euros(Decimal(cents) / 100)


def fee_invoice_html(invoice: FeeInvoice) -> str:
    if not invoice.number:
        raise ValueError("an invoice is printed once numbered")
    return render_html(
        "documents/facture.html",
        inv=invoice,
        money=money,
        title=f"{invoice.title} n° {invoice.number}",
    )


def fee_invoice_pdf(invoice: FeeInvoice) -> bytes:
    """The same bytes for the same invoice (fixed identifier and dates): rendering again changes nothing."""
    return html_to_pdf(
        fee_invoice_html(invoice),
        identifier=f"invoices/{invoice.number}",
        created=invoice.issued_at,
        house=True,
    )
