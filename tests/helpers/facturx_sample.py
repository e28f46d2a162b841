"""Build a real Factur-X invoice (PDF/A-3b + embedded EN16931 CII XML) for the tests.

    pdf = facturx_invoice_pdf(number="F-2026-001", amount="1234.56")

The visible page (WeasyPrint) and the XML say the same thing. The XML passes the factur-x package's XSD
check. Results are cached: the same arguments give the same bytes without rendering again.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from html import escape
from xml.sax.saxutils import escape as xml_escape

SELLER_SIREN = "732829320"
BUYER_SIREN = "542051180"
VAT_RATE = Decimal("0.20")

_NAMESPACES = (
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)


def _date(value: dt.date) -> str:
    return f'<udt:DateTimeString format="102">{value:%Y%m%d}</udt:DateTimeString>'


def _party(
    tag: str, *, name: str, siren: str, line1: str, postal_code: str, city: str, email: str | None
) -> str:
    email_xml = (
        f'<ram:URIUniversalCommunication><ram:URIID schemeID="EM">{xml_escape(email)}</ram:URIID>'
        "</ram:URIUniversalCommunication>"
        if email
        else ""
    )
    return (
        f"<ram:{tag}>"
        f"<ram:Name>{xml_escape(name)}</ram:Name>"
        f'<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{siren}</ram:ID>'
        "</ram:SpecifiedLegalOrganization>"
        "<ram:PostalTradeAddress>"
        f"<ram:PostcodeCode>{postal_code}</ram:PostcodeCode>"
        f"<ram:LineOne>{xml_escape(line1)}</ram:LineOne>"
        f"<ram:CityName>{xml_escape(city)}</ram:CityName>"
        "<ram:CountryID>FR</ram:CountryID>"
        "</ram:PostalTradeAddress>"
        f"{email_xml}"
        f"</ram:{tag}>"
    )


def cii_invoice_xml(
    *,
    number: str = "F-2026-001",
    amount: str = "1234.56",
    seller_siren: str = SELLER_SIREN,
    seller_name: str = "Atelier Durand SARL",
    buyer_siren: str = BUYER_SIREN,
    buyer_name: str = "Boulangerie Martin SAS",
    buyer_email: str | None = "compta@boulangerie-martin.example.fr",
    issue_date: dt.date = dt.date(2026, 1, 5),
    due_date: dt.date | None = dt.date(2026, 2, 4),
    delivery_date: dt.date | None = dt.date(2025, 12, 19),
    guideline: str = "urn:cen.eu:en16931:2017",
) -> bytes:
    """A Factur-X EN16931 CII XML: one line at 20 % VAT whose total TTC is ``amount``."""
    total = Decimal(amount).quantize(Decimal("0.01"))
    net = (total / (1 + VAT_RATE)).quantize(Decimal("0.01"))
    tax = total - net
    delivery = (
        "<ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>"
        f"{_date(delivery_date)}</ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent>"
        if delivery_date
        else ""
    )
    terms = (
        f"<ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime>{_date(due_date)}</ram:DueDateDateTime>"
        "</ram:SpecifiedTradePaymentTerms>"
        if due_date
        else ""
    )
    seller = _party(
        "SellerTradeParty",
        name=seller_name,
        siren=seller_siren,
        line1="12 rue des Artisans",
        postal_code="69003",
        city="Lyon",
        email=None,
    )
    buyer = _party(
        "BuyerTradeParty",
        name=buyer_name,
        siren=buyer_siren,
        line1="3 place du Marché",
        postal_code="33000",
        city="Bordeaux",
        email=buyer_email,
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {_NAMESPACES}>
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{guideline}</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>{xml_escape(number)}</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime>{_date(issue_date)}</ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Travaux de menuiserie</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>{
        net
    }</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery>
        <ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity>
      </ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax>
          <ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>
          <ram:RateApplicablePercent>20</ram:RateApplicablePercent>
        </ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation>
          <ram:LineTotalAmount>{net}</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      {seller}
      {buyer}
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery>{delivery}</ram:ApplicableHeaderTradeDelivery>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount>{tax}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>{net}</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>
        <ram:RateApplicablePercent>20</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>
      {terms}
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>{net}</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>{net}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">{tax}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{total}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>{total}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""
    return xml.encode("utf-8")


def html_pdf(html: str) -> bytes:
    """A PDF/A-3b rendered by WeasyPrint from an HTML string (imported here only: it is slow to import)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    return pdf


def _visible_invoice(number: str, amount: str, buyer_name: str, issue_date: dt.date) -> str:
    shown_amount = f"{Decimal(amount):,.2f}".replace(",", " ").replace(".", ",")
    return (
        "<html><head><meta charset='utf-8'><title>Facture</title></head>"
        "<body style='font-family: DejaVu Sans'>"
        "<h1>Atelier Durand SARL</h1>"
        f"<p>Facture n° {escape(number)}</p><p>Date : {issue_date:%d/%m/%Y}</p>"
        f"<p>Client : {escape(buyer_name)}</p>"
        f"<p>Total TTC : {shown_amount} €</p>"
        "</body></html>"
    )


@functools.cache
def facturx_invoice_pdf(
    number: str = "F-2026-001",
    amount: str = "1234.56",
    seller_siren: str = SELLER_SIREN,
    buyer_siren: str = BUYER_SIREN,
    buyer_name: str = "Boulangerie Martin SAS",
    issue_date: dt.date = dt.date(2026, 1, 5),
    due_date: dt.date | None = dt.date(2026, 2, 4),
) -> bytes:
    """A Factur-X (EN16931) invoice PDF whose page and XML agree: seller Atelier Durand SARL (Lyon), buyer
    ``buyer_name`` (Bordeaux, compta@boulangerie-martin.example.fr), delivered on 2025-12-19."""
    from facturx import generate_from_binary

    xml = cii_invoice_xml(
        number=number,
        amount=amount,
        seller_siren=seller_siren,
        buyer_siren=buyer_siren,
        buyer_name=buyer_name,
        issue_date=issue_date,
        due_date=due_date,
    )
    page = html_pdf(_visible_invoice(number, amount, buyer_name, issue_date))
    pdf: bytes = generate_from_binary(page, xml, flavor="factur-x", level="autodetect", check_xsd=True)
    return pdf
