"""The fee invoice and the credit note as PDF/A: every mention French law requires of a B2B invoice
(C. com. L441-9, L441-10 II; CGI art. 242 nonies A), read back from the PDF's text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.documents.fee_invoice import fee_invoice_pdf
from chalicelib.domain.fee_invoices import FeeInvoice, credit_note
from chalicelib.domain.payments import PaymentStep
from chalicelib.settings import DEMO_SELLER
from tests.unit.documents.fixtures import fee_invoice as _invoice
from tests.unit.documents.helpers import assert_pdf_a3b_in_house_fonts, pdf_text, save_pages

_RENDERED: dict[str, tuple[bytes, str]] = {}


def _rendered(name: str, invoice: FeeInvoice) -> tuple[bytes, str]:
    if name not in _RENDERED:
        pdf = fee_invoice_pdf(invoice)
        save_pages(pdf, name)
        _RENDERED[name] = (pdf, pdf_text(pdf))
    return _RENDERED[name]


def _credit_note(invoice: FeeInvoice, cents: int) -> FeeInvoice:
    return credit_note(
        invoice,
        refund_id="re_456",
        refunded_cents=cents,
        refunded_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        refunded_on=date(2026, 11, 24),
    ).numbered(13)


def test_the_invoice_prints_the_sellers_legal_identity():
    _, text = _rendered("facture", _invoice())
    for mention in (
        "Recouvrement Conseil SAS",
        "société par actions simplifiée au capital de 50 000 €",
        "8 rue de la République",
        "69002 Lyon",
        "SIREN 732 829 320 — RCS Lyon",
        "N° TVA intracommunautaire : FR44732829320",
    ):
        assert mention in text, mention


def test_the_invoice_prints_the_buyer_number_date_and_service():
    _, text = _rendered("facture", _invoice())
    assert "Atelier Numérique SARL (SARL)" in text
    assert "3 quai Saint-Antoine" in text and "SIREN 552 100 554" in text
    assert "FACTURE N° FA-2026-000012" in text
    assert "Date d'émission : 22 novembre 2026" in text
    assert "Mise en demeure — Vérification de la créance" in text
    assert "Créance F-2026-041 sur Bâtiments Durand SAS" in text
    assert "Opération : prestation de services" in text


def test_the_invoice_prints_ht_vat_and_ttc_that_add_up():
    _, text = _rendered("facture", _invoice())
    assert "Total HT 24,17 €" in text
    assert "TVA au taux de 20,00 % 4,83 €" in text
    assert "Total TTC 29,00 €" in text
    assert "1 24,17 € 20,00 % 24,17 €" in text  # quantity, unit price HT, rate, amount HT


def test_the_invoice_is_paid_and_carries_the_b2b_mentions():
    _, text = _rendered("facture", _invoice())
    assert "Facture acquittée : payée le 22 novembre 2026 par carte bancaire (Stripe)." in text
    assert "Pas d'escompte pour paiement anticipé." in text
    assert "taux d'intérêt de la BCE majoré de 10 points" in text
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in text
    assert "C. com. L441-10 II et D441-5" in text
    assert "démonstration" not in text


def test_a_credit_note_refers_to_its_invoice_with_negative_amounts():
    invoice = _invoice(step=PaymentStep.DOSSIER, cents=8900)
    _, text = _rendered("avoir", _credit_note(invoice, 8900))
    assert "FACTURE D'AVOIR N° FA-2026-000013" in text
    assert "Facture d'origine : n° FA-2026-000012 du 22 novembre 2026" in text
    assert "Date d'émission : 24 novembre 2026" in text
    assert "annulation de la facture n° FA-2026-000012" in text
    assert "Total HT -74,17 €" in text and "-14,83 €" in text and "Total TTC de l'avoir -89,00 €" in text
    assert "Avoir remboursé le 24 novembre 2026 par carte bancaire (Stripe)" in text
    assert "remboursement re_456" in text


def test_the_demonstration_seller_is_said_to_be_fictitious():
    _, text = _rendered("facture-demo", _invoice(DEMO_SELLER))
    assert "Document de démonstration : la société émettrice est fictive" in text
    assert "Recouvrement Démo SAS" in text and "FR68900000001" in text


def test_the_invoice_is_pdf_a_3b_with_embedded_fonts_and_the_same_bytes_each_time():
    invoice = _invoice()
    pdf, _ = _rendered("facture", invoice)
    reader = assert_pdf_a3b_in_house_fonts(pdf, year=2026)
    assert len(reader.pages) == 1
    assert fee_invoice_pdf(invoice) == pdf  # a second render (two deliveries racing) stores the same file


def test_an_unnumbered_invoice_is_never_printed():
    invoice = _invoice()
    with pytest.raises(ValueError, match="numbered"):
        fee_invoice_pdf(invoice.__class__(**{**invoice.__dict__, "number": ""}))
