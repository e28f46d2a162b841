"""The PDF's text (pypdf) read with a few conservative French patterns, when no structured invoice is
embedded. Changes with the patterns.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from chalicelib.documents.einvoice.prefill import (
    _MAX_YEAR,
    _MIN_YEAR,
    NO_TEXT_WARNING,
    TEXT_WARNING,
    Prefill,
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
    from pypdf import PdfReader


logger = logging.getLogger("claims.einvoice")


# Text pages read: the first few (header, parties) and the last (totals, legal mentions).
_TEXT_PAGES_HEAD = 3


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
