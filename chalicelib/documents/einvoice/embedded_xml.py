"""The structured invoice embedded in a Factur-X or ZUGFeRD PDF (CII XML), read with factur-x and lxml;
ZUGFeRD 1.0 with a warning, a UBL XML only reported. Changes with the CII layouts.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from chalicelib.documents.einvoice.prefill import (
    _MAX_YEAR,
    _MIN_YEAR,
    ZUGFERD_1_WARNING,
    Prefill,
    PrefillSource,
    _put,
)
from chalicelib.legal.identifiers import (
    InvalidIdentifier,
    siren_from_siret,
    siren_from_vat_number,
    validate_siren,
    validate_siret,
)

if TYPE_CHECKING:
    from lxml.etree import _Element
    from pypdf import PdfReader


logger = logging.getLogger("claims.einvoice")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class _CiiLayout:
    """Where CII puts things: Factur-X / ZUGFeRD 2.x (D16B) and ZUGFeRD 1.0 differ in names only."""

    namespaces: dict[str, str]
    document: str
    transaction: str
    agreement: str
    delivery: str
    settlement: str
    summation: str


_CII_D16B = _CiiLayout(
    namespaces={
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    },
    document="rsm:ExchangedDocument",
    transaction="rsm:SupplyChainTradeTransaction",
    agreement="ram:ApplicableHeaderTradeAgreement",
    delivery="ram:ApplicableHeaderTradeDelivery",
    settlement="ram:ApplicableHeaderTradeSettlement",
    summation="ram:SpecifiedTradeSettlementHeaderMonetarySummation",
)
_ZUGFERD_1 = _CiiLayout(
    namespaces={
        "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
    },
    document="rsm:HeaderExchangedDocument",
    transaction="rsm:SpecifiedSupplyChainTradeTransaction",
    agreement="ram:ApplicableSupplyChainTradeAgreement",
    delivery="ram:ApplicableSupplyChainTradeDelivery",
    settlement="ram:ApplicableSupplyChainTradeSettlement",
    summation="ram:SpecifiedTradeSettlementMonetarySummation",
)
_UBL_NAMESPACES = (
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
)


def _parse_xml(xml: bytes) -> _Element | None:
    from lxml import etree  # lazy

    # An uploaded file is untrusted: no entities, no DTD, no network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError:
        return None


def _from_embedded_xml(pdf: bytes, reader: PdfReader, warnings: list[str]) -> Prefill | None:
    """The Prefill read from the embedded CII XML, or None (no usable XML: read the text instead)."""
    from facturx import get_facturx_xml_from_pdf  # lazy: imports requests, lxml, pypdf (~0.6 s)

    try:
        # No XSD check: a slightly invalid XML still carries the right number and amount.
        filename, xml = get_facturx_xml_from_pdf(io.BytesIO(pdf), check_xsd=False)
    except Exception:
        logger.info("prefill: factur-x could not read the attachments", exc_info=True)
        filename, xml = False, False
    root = _parse_xml(xml) if xml else None
    if root is None:
        _report_other_xml(reader, warnings)
        return None

    local_name = root.tag.rsplit("}", 1)[-1]
    layout = _ZUGFERD_1 if local_name == "CrossIndustryDocument" else _CII_D16B
    guideline = _text(
        root,
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        if layout is _CII_D16B
        else "rsm:SpecifiedExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
        layout,
    )
    source: PrefillSource
    if layout is _ZUGFERD_1:
        source = "zugferd"
        warnings.append(ZUGFERD_1_WARNING)
    elif str(filename).lower() == "zugferd-invoice.xml" or "zugferd" in (guideline or "").lower():
        source = "zugferd"
    else:
        source = "factur-x"

    invoice, seller, buyer = _read_cii(root, layout, warnings)
    if not (invoice or seller or buyer):
        warnings.append(
            "La facture électronique jointe au PDF ne contient aucune information exploitable : "
            "le texte du PDF a été lu à la place."
        )
        return None
    return Prefill(
        source=source,
        profile=_profile(root, guideline, layout),
        invoice=invoice,
        seller=seller,
        buyer=buyer,
        warnings=warnings,
    )


def _report_other_xml(reader: PdfReader, warnings: list[str]) -> None:
    """A UBL (or unknown) XML attached to the PDF is not read; say so, the text is read instead."""
    try:
        attachments = reader.attachments
        names = [name for name in attachments if name.lower().endswith(".xml")]
    except Exception:
        return
    for name in names:
        contents = attachments.get(name) or [b""]
        root = _parse_xml(contents[0]) if contents[0] else None
        namespace = root.tag[1:].split("}", 1)[0] if root is not None and root.tag.startswith("{") else ""
        if namespace in _UBL_NAMESPACES:
            warnings.append(
                f"Le PDF contient une facture électronique au format UBL (« {name[:60]} »), qui n'est pas "
                "lue : le texte du PDF a été lu à la place."
            )
            return
    if names:
        warnings.append(
            "Le PDF contient un fichier XML qui n'est pas une facture Factur-X ou ZUGFeRD : "
            "le texte du PDF a été lu à la place."
        )


def _profile(root: _Element, guideline: str | None, layout: _CiiLayout) -> str | None:
    from facturx import get_level  # lazy

    try:
        return str(get_level(root, "zugferd" if layout is _ZUGFERD_1 else "factur-x"))
    except Exception:
        return guideline[:100] if guideline else None


def _text(node: _Element, path: str, layout: _CiiLayout) -> str | None:
    """The stripped text of the first element at ``path``, or None when absent or empty."""
    for found in node.xpath(path, namespaces=layout.namespaces):
        value = (found.text or "").strip()
        if value:
            return value
    return None


def _texts(node: _Element, path: str, layout: _CiiLayout) -> list[str]:
    return [
        (found.text or "").strip()
        for found in node.xpath(path, namespaces=layout.namespaces)
        if (found.text or "").strip()
    ]


def _cii_date(value: str | None) -> str | None:
    """A ``udt:DateTimeString`` (format 102: YYYYMMDD) as an ISO date."""
    if value is None or not re.fullmatch(r"\d{8}", value):
        return None
    try:
        date = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
    return date.isoformat() if _MIN_YEAR <= date.year <= _MAX_YEAR else None


def _cii_amount(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() else None


def _read_cii(
    root: _Element, layout: _CiiLayout, warnings: list[str]
) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    document = f"/*/{layout.document}"
    transaction = f"/*/{layout.transaction}"
    agreement = f"{transaction}/{layout.agreement}"
    settlement = f"{transaction}/{layout.settlement}"
    date_string = "udt:DateTimeString"

    invoice: dict[str, str] = {}
    number = _text(root, f"{document}/ram:ID", layout)
    if number:
        invoice["number"] = number
    if _text(root, f"{document}/ram:TypeCode", layout) == "381":
        warnings.append("Ce document est un avoir (type 381), pas une facture : vérifiez le fichier envoyé.")
    _put(invoice, "issue_date", _cii_date(_text(root, f"{document}/ram:IssueDateTime/{date_string}", layout)))

    due_dates = sorted(
        {
            date
            for date in (
                _cii_date(text)
                for text in _texts(
                    root,
                    f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/{date_string}",
                    layout,
                )
            )
            if date
        }
    )
    if due_dates:
        invoice["due_date"] = due_dates[0]
        if len(due_dates) > 1:
            warnings.append(
                f"La facture prévoit {len(due_dates)} échéances : la première ({due_dates[0]}) a été reprise."
            )
    _put(
        invoice,
        "performance_date",
        _cii_date(
            _text(
                root,
                f"{transaction}/{layout.delivery}/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/"
                f"{date_string}",
                layout,
            )
        ),
    )

    summation = f"{settlement}/{layout.summation}"
    grand_total = _cii_amount(_text(root, f"{summation}/ram:GrandTotalAmount", layout))
    due_payable = _cii_amount(_text(root, f"{summation}/ram:DuePayableAmount", layout))
    amount = grand_total if grand_total is not None else due_payable
    if amount is not None and amount > 0:
        invoice["amount_ttc"] = f"{amount:.2f}"
        if grand_total is not None and due_payable is not None and due_payable != grand_total:
            warnings.append(
                f"La facture indique un reste à payer de {due_payable:.2f} pour un total TTC de "
                f"{grand_total:.2f} (acompte déjà versé ?) : le total TTC a été repris ; déclarez le "
                "paiement reçu."
            )
    elif amount is not None:
        warnings.append(
            f"Le montant total de la facture ({amount:.2f}) n'est pas positif : il n'a pas été repris."
        )
    currency = _text(root, f"{settlement}/ram:InvoiceCurrencyCode", layout)
    if currency:
        invoice["currency"] = currency.upper()
        if currency.upper() != "EUR":
            warnings.append(
                f"La facture est en {currency.upper()} : seules les factures en euros sont prises en charge."
            )

    seller = _read_party(root, f"{agreement}/ram:SellerTradeParty", layout, "du vendeur", warnings)
    buyer = _read_party(root, f"{agreement}/ram:BuyerTradeParty", layout, "du client", warnings)
    return invoice, seller, buyer


def _read_party(
    root: _Element, path: str, layout: _CiiLayout, whose: str, warnings: list[str]
) -> dict[str, Any]:
    found = root.xpath(path, namespaces=layout.namespaces)
    if not found:
        return {}
    party_node = found[0]
    party: dict[str, Any] = {}
    _put(party, "legal_name", _text(party_node, "ram:Name", layout))
    _read_identifiers(party_node, layout, party, whose, warnings)

    address_nodes = party_node.xpath("ram:PostalTradeAddress", namespaces=layout.namespaces)
    if address_nodes:
        node = address_nodes[0]
        address: dict[str, str] = {}
        _put(address, "line1", _text(node, "ram:LineOne", layout))
        extra = [
            line
            for line in (_text(node, "ram:LineTwo", layout), _text(node, "ram:LineThree", layout))
            if line
        ]
        _put(address, "line2", ", ".join(extra))
        _put(address, "postal_code", _text(node, "ram:PostcodeCode", layout))
        _put(address, "city", _text(node, "ram:CityName", layout))
        country = _text(node, "ram:CountryID", layout)
        _put(address, "country", country.upper() if country else None)
        _put(party, "address", address)

    emails = _texts(party_node, "ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']", layout) + _texts(
        party_node, "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID", layout
    )
    email = next((value for value in emails if _EMAIL.match(value)), None)
    _put(party, "email", email.lower() if email else None)
    return party


def _read_identifiers(
    party_node: _Element, layout: _CiiLayout, party: dict[str, Any], whose: str, warnings: list[str]
) -> None:
    """SIREN (and SIRET) from, in this order: the legal registration (BT-30/BT-47), the global ids (BT-29/46)
    and the party's ids with a scheme, then the French VAT number (BT-31/48). schemeID 0002 is a SIREN, 0009
    a SIRET. An id without a scheme counts only as the legal registration: elsewhere it is often the
    seller's own customer number, which could pass the SIREN checksum by chance."""
    candidates: list[tuple[str, str]] = []  # (scheme, value)
    for path in ("ram:SpecifiedLegalOrganization/ram:ID", "ram:GlobalID", "ram:ID"):
        for node in party_node.xpath(path, namespaces=layout.namespaces):
            value, scheme = (node.text or "").strip(), node.get("schemeID") or ""
            if value and (scheme or path.startswith("ram:SpecifiedLegalOrganization")):
                candidates.append((scheme, value))
    for node in party_node.xpath("ram:SpecifiedTaxRegistration/ram:ID", namespaces=layout.namespaces):
        value = (node.text or "").strip()
        if value.upper().startswith("FR") and (node.get("schemeID") or "VA") == "VA":
            candidates.append(("VA", value))

    for scheme, value in candidates:
        digits = re.sub(r"[\s.]", "", value)
        try:
            if scheme == "0002" or (not scheme and len(digits) == 9 and digits.isdigit()):
                siren, siret = validate_siren(value), None
            elif scheme == "0009" or (not scheme and len(digits) == 14 and digits.isdigit()):
                siret = validate_siret(value)
                siren = siren_from_siret(siret)
            elif scheme == "VA":
                siren, siret = siren_from_vat_number(value), None
            else:
                continue
        except InvalidIdentifier as error:
            if scheme:  # an identifier that says what it is, but is wrong: tell the user
                warnings.append(f"{error.message} (identifiant {whose}) : il n'a pas été repris.")
            continue
        if "siren" not in party:
            party["siren"] = siren
        if siret and "siret" not in party and siret.startswith(party["siren"]):
            party["siret"] = siret
