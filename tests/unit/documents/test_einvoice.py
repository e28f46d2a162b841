"""Pre-fill from an invoice PDF: the embedded Factur-X / ZUGFeRD XML first, else a few sure things from the
text; never a guessed field, never an exception."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from chalicelib.documents.einvoice import (
    ENCRYPTED_WARNING,
    NO_TEXT_WARNING,
    TEXT_WARNING,
    UNREADABLE_WARNING,
    ZUGFERD_1_WARNING,
    extract_invoice_prefill,
)
from tests.helpers.facturx_sample import cii_invoice_xml, facturx_invoice_pdf, html_pdf


@functools.cache
def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def attach(pdf: bytes, name: str, content: bytes) -> bytes:
    """``pdf`` with one more embedded file (no Factur-X metadata, no XSD check: a careless tool's output)."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_attachment(name, content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@functools.cache
def text_pdf(body: str) -> bytes:
    return html_pdf(
        "<html><head><meta charset='utf-8'></head><body style='font-family: DejaVu Sans'>"
        f"{body}</body></html>"
    )


PLAIN_INVOICE = (
    "<h1>Menuiserie Durand</h1><p>12 rue des Artisans, 69003 Lyon</p>"
    "<p>Facture n° F-42</p><p>Date : 02/01/2025</p><p>Échéance : 01/02/2025</p>"
    "<table><tr><th>Total HT</th><th>TVA</th><th>Total TTC</th></tr>"
    "<tr><td>1 028,80 €</td><td>205,76 €</td><td>1 234,56 €</td></tr></table>"
    "<p>Total TTC : 1 234,56 €</p>"
    "<p>SARL au capital de 10 000 € – SIREN 732 829 320 – RCS Lyon</p>"
)


# --- Factur-X / ZUGFeRD ----------------------------------------------------------------------------------


def test_a_facturx_invoice_fills_the_invoice_the_seller_and_the_buyer() -> None:
    prefill = extract_invoice_prefill(facturx_invoice_pdf())

    assert prefill.as_dict() == {
        "source": "factur-x",
        "profile": "en16931",
        "invoice": {
            "number": "F-2026-001",
            "issue_date": "2026-01-05",
            "due_date": "2026-02-04",
            "performance_date": "2025-12-19",
            "amount_ttc": "1234.56",
            "currency": "EUR",
        },
        "seller": {
            "legal_name": "Atelier Durand SARL",
            "siren": "732829320",
            "address": {
                "line1": "12 rue des Artisans",
                "postal_code": "69003",
                "city": "Lyon",
                "country": "FR",
            },
        },
        "buyer": {
            "legal_name": "Boulangerie Martin SAS",
            "siren": "542051180",
            "address": {
                "line1": "3 place du Marché",
                "postal_code": "33000",
                "city": "Bordeaux",
                "country": "FR",
            },
            "email": "compta@boulangerie-martin.example.fr",
        },
        "warnings": [],
    }


def test_the_facturx_helper_parameters_reach_the_prefill() -> None:
    pdf = facturx_invoice_pdf(
        number="A-7",
        amount="99.90",
        seller_siren="542051180",
        buyer_siren="732829320",
        buyer_name="Épicerie Fine & Fils",
        issue_date=dt.date(2025, 3, 1),
        due_date=None,
    )

    prefill = extract_invoice_prefill(pdf)

    assert prefill.invoice["number"] == "A-7"
    assert prefill.invoice["amount_ttc"] == "99.90"
    assert prefill.invoice["issue_date"] == "2025-03-01"
    assert "due_date" not in prefill.invoice
    assert prefill.seller["siren"] == "542051180"
    assert prefill.buyer["siren"] == "732829320"
    assert prefill.buyer["legal_name"] == "Épicerie Fine & Fils"


def test_a_zugferd_2_attachment_is_read_as_zugferd_with_its_profile() -> None:
    xml = cii_invoice_xml(guideline="urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic")

    prefill = extract_invoice_prefill(attach(blank_pdf(), "zugferd-invoice.xml", xml))

    assert (prefill.source, prefill.profile) == ("zugferd", "basic")
    assert prefill.invoice["amount_ttc"] == "1234.56"
    assert prefill.buyer["siren"] == "542051180"


def test_a_siret_identifier_gives_the_siren_and_the_siret() -> None:
    xml = cii_invoice_xml().replace(
        b'<ram:ID schemeID="0002">542051180</ram:ID>', b'<ram:ID schemeID="0009">54205118000009</ram:ID>'
    )

    prefill = extract_invoice_prefill(attach(blank_pdf(), "factur-x.xml", xml))

    assert prefill.buyer["siren"] == "542051180"
    assert prefill.buyer["siret"] == "54205118000009"


def test_a_french_vat_number_gives_the_siren_when_no_legal_identifier_is_given() -> None:
    xml = cii_invoice_xml().replace(
        b'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">542051180</ram:ID>'
        b"</ram:SpecifiedLegalOrganization>",
        b"",
    )
    xml = xml.replace(
        b"</ram:URIUniversalCommunication></ram:BuyerTradeParty>",
        b"</ram:URIUniversalCommunication><ram:SpecifiedTaxRegistration>"
        b'<ram:ID schemeID="VA">FR59542051180</ram:ID></ram:SpecifiedTaxRegistration></ram:BuyerTradeParty>',
    )

    prefill = extract_invoice_prefill(attach(blank_pdf(), "factur-x.xml", xml))

    assert prefill.buyer["siren"] == "542051180"


def test_a_customer_number_without_scheme_is_not_taken_for_a_siren() -> None:
    xml = cii_invoice_xml().replace(
        b'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">542051180</ram:ID>'
        b"</ram:SpecifiedLegalOrganization>",
        b"",
    )
    # 732829320 passes the SIREN checksum, but here it is the seller's customer account (BT-46).
    xml = xml.replace(
        b"<ram:BuyerTradeParty><ram:Name>", b"<ram:BuyerTradeParty><ram:ID>732829320</ram:ID><ram:Name>"
    )

    prefill = extract_invoice_prefill(attach(blank_pdf(), "factur-x.xml", xml))

    assert "siren" not in prefill.buyer


def test_an_invalid_siren_in_the_xml_is_left_out_with_a_warning() -> None:
    xml = cii_invoice_xml().replace(b">542051180<", b">542051181<")

    prefill = extract_invoice_prefill(attach(blank_pdf(), "factur-x.xml", xml))

    assert "siren" not in prefill.buyer
    assert prefill.buyer["legal_name"] == "Boulangerie Martin SAS"
    assert any("542051181" in warning and "client" in warning for warning in prefill.warnings)


def test_a_prepaid_amount_keeps_the_total_ttc_and_warns() -> None:
    xml = cii_invoice_xml().replace(
        b"<ram:DuePayableAmount>1234.56</ram:DuePayableAmount>",
        b"<ram:DuePayableAmount>734.56</ram:DuePayableAmount>",
    )

    prefill = extract_invoice_prefill(attach(blank_pdf(), "factur-x.xml", xml))

    assert prefill.invoice["amount_ttc"] == "1234.56"
    assert any("734.56" in warning for warning in prefill.warnings)


ZUGFERD_1_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>RE-1001</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20250305</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty>
        <ram:Name>Boulangerie Martin SAS</ram:Name>
        <ram:SpecifiedTaxRegistration>
          <ram:ID schemeID="VA">FR59542051180</ram:ID>
        </ram:SpecifiedTaxRegistration>
      </ram:BuyerTradeParty>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:GrandTotalAmount currencyID="EUR">529.87</ram:GrandTotalAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>
"""


def test_a_zugferd_1_invoice_gives_its_main_fields_with_a_warning() -> None:
    prefill = extract_invoice_prefill(attach(blank_pdf(), "ZUGFeRD-invoice.xml", ZUGFERD_1_XML))

    assert (prefill.source, prefill.profile) == ("zugferd", "comfort")
    assert prefill.invoice == {
        "number": "RE-1001",
        "issue_date": "2025-03-05",
        "amount_ttc": "529.87",
        "currency": "EUR",
    }
    assert prefill.seller == {"legal_name": "Lieferant GmbH"}
    assert prefill.buyer == {"legal_name": "Boulangerie Martin SAS", "siren": "542051180"}
    assert prefill.warnings == [ZUGFERD_1_WARNING]


def test_a_ubl_attachment_is_reported_and_the_text_is_read_instead() -> None:
    ubl = (
        b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        b"<cbc:ID>U-1</cbc:ID></Invoice>"
    )

    prefill = extract_invoice_prefill(attach(text_pdf(PLAIN_INVOICE), "xrechnung.xml", ubl))

    assert prefill.source == "text"
    assert prefill.invoice["number"] == "F-42"
    assert any("UBL" in warning for warning in prefill.warnings)


def test_an_xml_with_external_entities_is_not_resolved() -> None:
    xml = cii_invoice_xml().replace(
        b"<rsm:CrossIndustryInvoice",
        b'<!DOCTYPE x [<!ENTITY leak SYSTEM "file:///etc/passwd">]>\n<rsm:CrossIndustryInvoice',
    )
    xml = xml.replace(b"<ram:ID>F-2026-001</ram:ID>", b"<ram:ID>&leak;</ram:ID>")

    prefill = extract_invoice_prefill(attach(blank_pdf(), "factur-x.xml", xml))

    assert "root:" not in str(prefill.as_dict())


# --- Plain text ---------------------------------------------------------------------------------------------


def test_a_plain_invoice_gives_what_its_text_says_with_a_warning_to_check() -> None:
    prefill = extract_invoice_prefill(text_pdf(PLAIN_INVOICE))

    assert prefill.source == "text"
    assert prefill.profile is None
    assert prefill.invoice == {
        "number": "F-42",
        "issue_date": "2025-01-02",
        "due_date": "2025-02-01",
        "amount_ttc": "1234.56",
        "currency": "EUR",
    }
    assert prefill.seller == {"siren": "732829320"}
    assert prefill.buyer == {}
    assert prefill.warnings == [TEXT_WARNING]


def test_a_total_printed_under_its_column_header_is_not_taken_for_another_column() -> None:
    table_only = (
        "<p>Facture n° F-43</p><table><tr><th>Total TTC</th><th>Total HT</th></tr>"
        "<tr><td>1 234,56</td><td>1 028,80</td></tr></table>"
    )

    prefill = extract_invoice_prefill(text_pdf(table_only))

    assert prefill.invoice == {"number": "F-43"}


def test_two_different_totals_leave_the_amount_empty_with_a_warning() -> None:
    prefill = extract_invoice_prefill(
        text_pdf("<p>Facture n° F-44</p><p>Total TTC : 100,00 €</p><p>Total TTC : 250,00 €</p>")
    )

    assert "amount_ttc" not in prefill.invoice
    assert any("100.00" in warning and "250.00" in warning for warning in prefill.warnings)


def test_two_different_sirens_are_not_attributed_to_anyone() -> None:
    prefill = extract_invoice_prefill(
        text_pdf("<p>Facture n° F-45</p><p>SIREN 732 829 320</p><p>Client : SIREN 542 051 180</p>")
    )

    assert prefill.seller == {} and prefill.buyer == {}
    assert any("732829320" in warning and "542051180" in warning for warning in prefill.warnings)


def test_an_invalid_siren_in_the_text_is_ignored() -> None:
    prefill = extract_invoice_prefill(text_pdf("<p>Facture n° F-46</p><p>SIREN 732 829 321</p>"))

    assert prefill.seller == {}


def test_a_net_to_pay_is_used_when_there_is_no_total_ttc() -> None:
    prefill = extract_invoice_prefill(
        text_pdf("<p>N° de facture : 2025-118</p><p>Net à payer : 480,00 €</p>")
    )

    assert prefill.invoice == {"number": "2025-118", "amount_ttc": "480.00", "currency": "EUR"}


def test_a_pdf_without_invoice_facts_gives_nothing_and_invents_no_key() -> None:
    prefill = extract_invoice_prefill(
        text_pdf("<h1>Compte rendu de réunion</h1><p>Prochaine réunion le 12/03/2025 à 10 h.</p>")
    )

    assert prefill.source == "none"
    assert (prefill.profile, prefill.invoice, prefill.seller, prefill.buyer) == (None, {}, {}, {})


def test_a_pdf_without_text_says_it_may_be_a_scan() -> None:
    prefill = extract_invoice_prefill(blank_pdf())

    assert prefill.source == "none"
    assert prefill.warnings == [NO_TEXT_WARNING]


# --- Broken input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content", [b"", b"not a pdf at all", b"%PDF-1.7\n" + bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n"]
)
def test_an_unreadable_pdf_gives_nothing_and_a_warning(content: bytes) -> None:
    prefill = extract_invoice_prefill(content)

    assert prefill.source == "none"
    assert prefill.warnings == [UNREADABLE_WARNING]


def test_an_encrypted_pdf_gives_nothing_and_says_why() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(PLAIN_INVOICE))))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)

    prefill = extract_invoice_prefill(buffer.getvalue())

    assert prefill.source == "none"
    assert prefill.warnings == [ENCRYPTED_WARNING]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=1024))
def test_no_input_makes_the_extraction_raise(tail: bytes) -> None:
    prefill = extract_invoice_prefill(b"%PDF-1.4\n" + tail)

    assert prefill.source in {"none", "text", "factur-x", "zugferd"}
