"""Pre-fill a claim's invoice, creditor and debtor from an uploaded invoice PDF.

Two sources, best first:

1. the structured invoice embedded in a Factur-X or ZUGFeRD PDF (CII XML: ``factur-x.xml`` or
   ``zugferd-invoice.xml``), read with the ``factur-x`` package and lxml. ZUGFeRD 1.0
   (``CrossIndustryDocument``) is read too, with a warning; a UBL XML is only reported;
2. otherwise the PDF's text (pypdf), with a few conservative patterns: « Facture n° », « Date »,
   « Échéance », « Total TTC » / « Net à payer », « SIREN » / « SIRET » / « RCS ». Identifiers are checked
   (python-stdnum); a value that appears twice with different contents is not used.

A key is present only when the source gives it: nothing is guessed or defaulted. The result is a suggestion
for the form; the user checks it. Never raises: an unreadable PDF gives ``source="none"`` and a warning.
factur-x, lxml and pypdf are imported inside the functions only (cold start).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

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

logger = logging.getLogger(__name__)

PrefillSource = Literal["factur-x", "zugferd", "text", "none"]

TEXT_WARNING = "À vérifier : ces informations ont été lues dans le texte du PDF."
UNREADABLE_WARNING = "Le PDF n'a pas pu être lu : saisissez vous-même les informations de la facture."
ENCRYPTED_WARNING = (
    "Le PDF est protégé par un mot de passe : ses informations n'ont pas pu être lues. "
    "Saisissez-les vous-même."
)
NO_TEXT_WARNING = (
    "Le PDF ne contient pas de texte (document numérisé ?) : saisissez vous-même les informations "
    "de la facture."
)
ZUGFERD_1_WARNING = (
    "La facture est au format ZUGFeRD 1.0 (ancien format) : seules les informations principales ont été "
    "reprises, vérifiez-les."
)

# Text pages read: the first few (header, parties) and the last (totals, legal mentions).
_TEXT_PAGES_HEAD = 3
_MIN_YEAR, _MAX_YEAR = 1990, 2100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Prefill:
    """What was read from the PDF. ``invoice`` keys: number, issue_date, due_date, performance_date (ISO
    dates), amount_ttc ("1234.56"), currency. ``seller`` / ``buyer`` keys: legal_name, siren, siret,
    address {line1, line2, postal_code, city, country}, email. Only keys the source gives are present."""

    source: PrefillSource
    profile: str | None = None
    invoice: dict[str, str] = field(default_factory=dict)
    seller: dict[str, Any] = field(default_factory=dict)
    buyer: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (the API's response body)."""
        return dataclasses.asdict(self)


def extract_invoice_prefill(pdf: bytes) -> Prefill:
    """Read what an invoice PDF says about itself (see the module's docstring). Never raises."""
    try:
        return _extract(pdf)
    except Exception:  # a hostile or broken PDF must not break the upload: the user types the fields
        logger.warning("invoice prefill failed", exc_info=True)
        return Prefill(source="none", warnings=[UNREADABLE_WARNING])


def _extract(pdf: bytes) -> Prefill:
    from pypdf import PdfReader  # lazy: cold start

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return Prefill(source="none", warnings=[ENCRYPTED_WARNING])
    except Exception:
        logger.info("prefill: the PDF cannot be opened", exc_info=True)
        return Prefill(source="none", warnings=[UNREADABLE_WARNING])

    warnings: list[str] = []
    structured = _from_embedded_xml(pdf, reader, warnings)
    if structured is not None:
        return structured
    return _from_text(reader, warnings)


# --- Embedded XML (Factur-X, ZUGFeRD) -----------------------------------------------------------------------


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


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value:
        target[key] = value


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


# --- Plain text ---------------------------------------------------------------------------------------------

_SP = r"[ \t]*"  # label and value stay on the same line
_DATE = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
_NUMBER = re.compile(
    rf"(?:\bfacture{_SP}(?:n{_SP}[°ºo]\.?|num[ée]ro|#)|\bn{_SP}[°ºo]\.?{_SP}de{_SP}facture"
    rf"|\bnum[ée]ro{_SP}de{_SP}facture){_SP}:?{_SP}([A-Za-z0-9][A-Za-z0-9/_.-]{{0,59}})",
    re.IGNORECASE,
)
_ISSUE_DATE = re.compile(
    rf"(?:\bdate(?:{_SP}de{_SP}(?:la{_SP})?facture|{_SP}d['’]{_SP}émission|{_SP}de{_SP}facturation)?{_SP}:?"
    rf"|\bfacture{_SP}n{_SP}[°ºo]\.?{_SP}\S+{_SP}du){_SP}{_DATE}",
    re.IGNORECASE,
)
_DUE_DATE = re.compile(
    rf"(?:\bdate{_SP}d['’]{_SP}[ée]ch[ée]ance|\b[ée]ch[ée]ance|\bdate{_SP}limite{_SP}de{_SP}(?:paiement|règlement)"
    rf"|\bà{_SP}payer{_SP}avant{_SP}le){_SP}:?{_SP}(?:le{_SP})?{_DATE}",
    re.IGNORECASE,
)
_PERFORMANCE_DATE = re.compile(
    rf"\bdate{_SP}(?:de{_SP}livraison|d['’]{_SP}exécution|de{_SP}(?:la{_SP})?prestation){_SP}:?{_SP}{_DATE}",
    re.IGNORECASE,
)
_FRENCH_AMOUNT = r"(\d{1,3}(?:[ .]\d{3})+,\d{2}|\d+,\d{2})(?![\d,])"
_AMOUNT_LEAD = rf"{_SP}(?:\((?:en{_SP})?(?:€|eur|euros)\))?{_SP}:?{_SP}(?:€{_SP})?"
_TOTAL_TTC = re.compile(rf"\b(?:total|montant){_SP}ttc{_AMOUNT_LEAD}{_FRENCH_AMOUNT}", re.IGNORECASE)
_NET_TO_PAY = re.compile(
    rf"\b(?:net|total|reste){_SP}à{_SP}payer{_AMOUNT_LEAD}{_FRENCH_AMOUNT}", re.IGNORECASE
)
_EURO = re.compile(r"€|\bEUR\b|\beuros?\b", re.IGNORECASE)
_COMPANY_ID = re.compile(r"\b(SIREN|SIRET|RCS)\b[^\n\d]{0,40}?(\d(?:[ .]?\d){8,13})", re.IGNORECASE)
_VAT_NUMBER = re.compile(
    r"\bTVA\b[^\n]{0,40}?\b(FR[ ]?[0-9A-Z]{2}[ ]?\d{3}[ ]?\d{3}[ ]?\d{3})\b", re.IGNORECASE
)


def _page_texts(reader: PdfReader) -> list[str]:
    count = len(reader.pages)
    indexes = sorted(set(range(min(count, _TEXT_PAGES_HEAD))) | ({count - 1} if count else set()))
    texts = []
    for index in indexes:
        try:
            texts.append(reader.pages[index].extract_text() or "")
        except Exception:
            logger.info("prefill: text of page %s unreadable", index, exc_info=True)
    return texts


def _normalise(text: str) -> str:
    return re.sub(r"[\u00a0\u202f\u2007]", " ", text).replace("\r", "\n")


def _text_date(match: re.Match[str]) -> str | None:
    day, month, year = (int(part) for part in match.groups()[-3:])
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date.isoformat() if _MIN_YEAR <= date.year <= _MAX_YEAR else None


def _french_amount(match: re.Match[str]) -> str | None:
    raw = match.group(1).replace(" ", "").replace(".", "").replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    return f"{amount:.2f}" if amount > 0 else None


def _invoice_number(match: re.Match[str]) -> str | None:
    value = match.group(1).rstrip("./-_")
    return value if any(ch.isdigit() for ch in value) else None


def _single(
    pattern: re.Pattern[str],
    text: str,
    convert: Callable[[re.Match[str]], str | None],
    label: str,
    warnings: list[str],
) -> str | None:
    """The one value the pattern finds; None when it finds nothing, or several different values (warned)."""
    values = list(dict.fromkeys(value for value in map(convert, pattern.finditer(text)) if value))
    if len(values) > 1:
        shown = ", ".join(f"« {value} »" for value in values[:3])
        warnings.append(f"Plusieurs valeurs possibles pour {label} ({shown}) : aucune n'a été reprise.")
        return None
    return values[0] if values else None


def _in_euros(text: str, pattern: re.Pattern[str], amount: str) -> bool:
    """Whether a line that gives ``amount`` says it is in euros (« € », « EUR », « euros »)."""
    for match in pattern.finditer(text):
        if _french_amount(match) == amount:
            start, end = text.rfind("\n", 0, match.start()) + 1, text.find("\n", match.end())
            if _EURO.search(text[start : end if end >= 0 else len(text)]):
                return True
    return False


def _company_identifiers(text: str) -> tuple[list[str], dict[str, str]]:
    """The distinct valid SIRENs in the text, and a SIRET per SIREN when one is printed."""
    sirens: dict[str, None] = {}
    sirets: dict[str, str] = {}
    for match in _COMPANY_ID.finditer(text):
        digits = re.sub(r"\D", "", match.group(2))
        if len(digits) >= 14:
            try:
                siret = validate_siret(digits[:14])
            except InvalidIdentifier:
                pass
            else:
                siren = siren_from_siret(siret)
                sirens.setdefault(siren)
                sirets.setdefault(siren, siret)
                continue
        try:
            sirens.setdefault(validate_siren(digits[:9]))
        except InvalidIdentifier:
            continue
    for match in _VAT_NUMBER.finditer(text):
        try:
            sirens.setdefault(siren_from_vat_number(match.group(1)))
        except InvalidIdentifier:
            continue
    return list(sirens), sirets


def _from_text(reader: PdfReader, warnings: list[str]) -> Prefill:
    pages = _page_texts(reader)
    text = _normalise("\n".join(pages))
    if not text.strip():
        return Prefill(source="none", warnings=[*warnings, NO_TEXT_WARNING])

    found: list[str] = []
    invoice: dict[str, str] = {}
    _put(invoice, "number", _single(_NUMBER, text, _invoice_number, "le numéro de facture", found))
    _put(invoice, "issue_date", _single(_ISSUE_DATE, text, _text_date, "la date de la facture", found))
    _put(invoice, "due_date", _single(_DUE_DATE, text, _text_date, "la date d'échéance", found))
    _put(
        invoice,
        "performance_date",
        _single(_PERFORMANCE_DATE, text, _text_date, "la date de livraison ou d'exécution", found),
    )
    total_ttc = _single(_TOTAL_TTC, text, _french_amount, "le total TTC", found)
    net_to_pay = _single(_NET_TO_PAY, text, _french_amount, "le net à payer", found)
    if total_ttc and net_to_pay and total_ttc != net_to_pay:
        found.append(
            f"Le net à payer ({net_to_pay}) diffère du total TTC ({total_ttc}) : le total TTC a été repris ; "
            "déclarez les paiements déjà reçus."
        )
    amount = total_ttc or net_to_pay
    if amount:
        invoice["amount_ttc"] = amount
        if _in_euros(text, _TOTAL_TTC if total_ttc else _NET_TO_PAY, amount):
            invoice["currency"] = "EUR"

    seller: dict[str, Any] = {}
    sirens, sirets = _company_identifiers(text)
    if len(sirens) == 1:
        # Every French invoice prints its issuer's SIREN (C. com. R123-237): alone, it is the seller's.
        seller["siren"] = sirens[0]
        _put(seller, "siret", sirets.get(sirens[0]))
    elif len(sirens) > 1:
        shown = ", ".join(f"« {siren} »" for siren in sirens[:3])
        found.append(
            f"Plusieurs numéros SIREN figurent dans le PDF ({shown}) : celui du débiteur n'a pas pu être "
            "identifié, saisissez-le."
        )

    if not (invoice or seller):
        return Prefill(source="none", warnings=[*warnings, *found])
    return Prefill(source="text", invoice=invoice, seller=seller, warnings=[TEXT_WARNING, *warnings, *found])
