"""The fee invoices' rules: HT + TVA = TTC to the cent (half up, never a float), the numbers' format, credit
notes never larger than what is left of their invoice, the refunds a Stripe charge lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.accounts import CreditorProfile, PostalAddress
from chalicelib.domain.fee_invoices import (
    FeeInvoice,
    InvoiceKind,
    InvoiceRefused,
    Party,
    buyer_of,
    credit_note,
    credited_so_far,
    invoice_number,
    payment_invoice,
    refunds_in_charge,
    split_ttc,
)
from chalicelib.domain.payments import PaymentStep

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def test_the_prices_split_into_ht_and_vat_half_up():
    assert split_ttc(2900, 20) == split_ttc(2900, Decimal("20"))
    assert (split_ttc(2900, 20).ht_cents, split_ttc(2900, 20).vat_cents) == (2417, 483)
    assert (split_ttc(8900, 20).ht_cents, split_ttc(8900, 20).vat_cents) == (7417, 1483)
    assert (split_ttc(-8900, 20).ht_cents, split_ttc(-8900, 20).vat_cents) == (-7417, -1483)
    assert split_ttc(1000, "5.5").ht_cents == 948  # 947.867… → 948
    with pytest.raises(TypeError):
        split_ttc(29.0, 20)  # type: ignore[arg-type]


@given(st.integers(min_value=-10_000_000, max_value=10_000_000), st.sampled_from([0, 2.1, 5.5, 10, 20]))
def test_ht_plus_vat_is_always_ttc_and_the_vat_is_the_rate_of_ht_to_the_cent(ttc, rate):
    amounts = split_ttc(ttc, Decimal(str(rate)))
    assert amounts.ht_cents + amounts.vat_cents == amounts.ttc_cents == ttc
    exact_vat = Decimal(amounts.ht_cents) * Decimal(str(rate)) / 100
    assert abs(Decimal(amounts.vat_cents) - exact_vat) <= 1  # rounding moves a cent at most
    assert split_ttc(-ttc, Decimal(str(rate))).ht_cents == -amounts.ht_cents


def test_numbers_sort_in_issue_order_within_a_year():
    assert invoice_number("2026", 12) == "FA-2026-000012"
    numbers = [invoice_number("2026", n) for n in (1, 2, 9, 10, 100, 999_999)]
    assert numbers == sorted(numbers)
    with pytest.raises(ValueError):
        invoice_number("2026", 0)


def _invoice(cents: int = 8900) -> FeeInvoice:
    return payment_invoice(
        claim_id="clm-1",
        creditor_id="user-1",
        reference="",
        debtor_name="Durand SAS",
        step=PaymentStep.DOSSIER,
        ttc_cents=cents,
        vat_rate_percent=20,
        seller=Party("Vendeur SAS", siren="732829320", vat_number="FR44732829320"),
        buyer=Party("Client SARL"),
        paid_at=NOW,
        paid_on=date(2026, 11, 22),
        payment_method="bank_transfer",
        payment_intent="pi_1",
    ).numbered(3)


def test_an_invoice_is_keyed_by_its_payment_and_dated_the_day_it_was_paid():
    invoice = _invoice()
    assert invoice.source_id == "payment:pi_1" and invoice.kind is InvoiceKind.INVOICE
    assert invoice.number == "FA-2026-000003" and invoice.series == "2026"
    assert invoice.detail == "Créance clm-1 sur Durand SAS"
    assert invoice.payment_method_fr == "par virement (Stripe)"
    assert invoice.storage_key == "invoices/2026/FA-2026-000003.pdf"
    assert FeeInvoice.from_json(invoice.as_json()) == invoice
    assert replace(invoice, number="").numbered(4).number == "FA-2026-000004"
    with pytest.raises(InvoiceRefused):  # nothing paid, nothing invoiced
        _invoice(0)


def test_credit_notes_never_credit_more_than_is_left_of_the_invoice():
    invoice = _invoice()
    first = credit_note(
        invoice, refund_id="re_1", refunded_cents=3000, refunded_at=NOW, refunded_on=date(2027, 1, 2)
    ).numbered(1)
    assert (
        first.source_id == "refund:re_1" and first.series == "2027" and first.kind is InvoiceKind.CREDIT_NOTE
    )
    assert first.amounts.ttc_cents == -3000 and first.credited_number == "FA-2026-000003"
    assert "remboursement partiel de la facture n° FA-2026-000003" in first.detail
    assert credited_so_far([first], invoice) == 3000
    with pytest.raises(InvoiceRefused):
        credit_note(
            invoice,
            refund_id="re_2",
            refunded_cents=6000,
            refunded_at=NOW,
            refunded_on=date(2027, 1, 3),
            already_credited_cents=3000,
        )
    rest = credit_note(
        invoice,
        refund_id="re_2",
        refunded_cents=5900,
        refunded_at=NOW,
        refunded_on=date(2027, 1, 3),
        already_credited_cents=3000,
    )
    assert rest.amounts.ttc_cents == -5900
    with pytest.raises(InvoiceRefused):
        credit_note(first, refund_id="re_3", refunded_cents=1, refunded_at=NOW, refunded_on=date(2027, 1, 3))


def test_the_refunds_a_charge_lists_are_read_oldest_first():
    charge = {
        "refunds": {
            "data": [
                {"id": "re_2", "amount": 500, "status": "succeeded"},
                {"id": "re_x", "amount": 100, "status": "failed"},
                {"id": "re_1", "amount": 1000, "status": "succeeded"},
            ]
        }
    }
    assert refunds_in_charge(charge) == [("re_1", 1000), ("re_2", 500)]
    assert refunds_in_charge({"amount_refunded": 1500}) == []


def test_the_buyer_is_the_creditor_company_with_what_its_profile_holds():
    profile = CreditorProfile(
        legal_name="Atelier SARL",
        category="commercant",
        legal_form="SARL",
        siren="552100554",
        address=PostalAddress(line1="3 quai Saint-Antoine", postal_code="69002", city="Lyon", country="BE"),
    )
    buyer = buyer_of(profile, email="a@b.fr")
    assert buyer.address_lines == ("3 quai Saint-Antoine", "69002 Lyon", "BE")
    assert buyer.siren_spaced == "552 100 554" and buyer.vat_number == ""
    assert buyer_of(None, email="a@b.fr").name == "a@b.fr"
