"""One cell at a time: the parsers turning what a spreadsheet writes into typed values, with the French
message for a cell they cannot read (:class:`_CellError`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from decimal import Decimal

from chalicelib.domain.aged_balance.columns import _COUNTRY_NAMES, CATEGORY_WORDS, PURPOSE_WORDS
from chalicelib.domain.aged_balance.text import _fold, _shown
from chalicelib.domain.claim_content import DEBTOR_CATEGORY_LABELS, parse_amount
from chalicelib.legal.identifiers import InvalidIdentifier, siren_from_siret, validate_siren, validate_siret

_CATEGORIES: dict[str, str] = {
    _fold(word): code
    for word, code in itertools.chain(
        ((code, code) for code in DEBTOR_CATEGORY_LABELS),
        ((label, code) for code, label in DEBTOR_CATEGORY_LABELS.items()),
        CATEGORY_WORDS.items(),
    )
}
_PURPOSES: dict[str, str] = {_fold(word): code for word, code in PURPOSE_WORDS.items()}


class _CellError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


_DATE_FR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_CURRENCY = re.compile(r"(?i)\s*(?:€|eur|euros?)\s*$")
_SEPARATORS = re.compile(r"[\s.\-]")


def _parse_date(raw: str) -> dt.date:
    if match := _DATE_FR.fullmatch(raw):
        day, month, year = match.groups()
    elif match := _DATE_ISO.fullmatch(raw):
        year, month, day = match.groups()
    else:
        hint = (
            " : Excel l'a enregistrée comme un nombre ; donnez à la colonne le format Date (JJ/MM/AAAA)"
            if raw.isdigit() and 4 <= len(raw) <= 5
            else " : écrivez-la JJ/MM/AAAA, par exemple 31/01/2026"
        )
        raise _CellError("invalid_date", f"La date « {_shown(raw)} » n'est pas reconnue{hint}.")
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        date = dt.date(full_year, int(month), int(day))
    except ValueError:
        raise _CellError("invalid_date", f"La date « {raw} » n'existe pas.") from None
    if not 1900 <= date.year <= 2100:
        raise _CellError("invalid_date", f"La date « {raw} » n'est pas plausible (année {date.year}).")
    return date


def _parse_money(raw: str) -> Decimal:
    try:
        return parse_amount(_CURRENCY.sub("", raw))
    except ValueError as error:
        raise _CellError("invalid_amount", str(error)) from None


def _parse_rate(raw: str) -> Decimal:
    try:
        return parse_amount(raw.replace("%", "").strip())
    except ValueError:
        raise _CellError(
            "invalid_rate",
            f"Le taux « {_shown(raw)} » n'est pas un pourcentage : écrivez par exemple « 10 » ou « 12,5 ».",
        ) from None


def _parse_category(raw: str) -> str:
    code = _CATEGORIES.get(_fold(raw))
    if code is None:
        raise _CellError(
            "invalid_category",
            f"La catégorie « {_shown(raw)} » n'est pas reconnue : indiquez société (ou entreprise, "
            "commerçant), artisan, profession libérale, particulier (ou consommateur), association ou "
            "administration (ou collectivité).",
        )
    return code


def _parse_purpose(raw: str) -> str:
    purpose = _PURPOSES.get(_fold(raw))
    if purpose is None:
        raise _CellError(
            "invalid_purpose",
            f"« {_shown(raw)} » n'est pas reconnu : indiquez professionnel (achat pour son activité) ou "
            "privé (achat à titre privé).",
        )
    return purpose


@functools.lru_cache(maxsize=4096)  # a debtor's number comes back on each of its lines
def _parse_company_id(raw: str) -> tuple[str, str]:
    """A SIREN or a SIRET → (siren, siret or "")."""
    compact = _SEPARATORS.sub("", raw)
    if "e+" in compact.casefold():
        raise _CellError(
            "invalid_siren",
            f"Le numéro « {_shown(raw)} » a été converti en nombre par Excel et ses derniers chiffres sont "
            "perdus : donnez à la colonne le format Texte et recopiez les numéros.",
        )
    try:
        if len(compact) == 14:
            siret = validate_siret(compact, "debiteur_siren")
            return siren_from_siret(siret, "debiteur_siren"), siret
        if len(compact) == 9:
            return validate_siren(compact, "debiteur_siren"), ""
    except InvalidIdentifier as error:
        raise _CellError("invalid_siren", error.message) from None
    raise _CellError(
        "invalid_siren",
        f"Le numéro « {_shown(raw)} » n'est ni un SIREN (9 chiffres) ni un SIRET (14 chiffres).",
    )


def _parse_country(raw: str) -> str:
    folded = _fold(raw)
    if folded in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[folded]
    if re.fullmatch(r"[a-z]{2}", folded):
        return folded.upper()
    raise _CellError(
        "invalid_country",
        f"Le pays « {_shown(raw)} » n'est pas reconnu : indiquez son code à 2 lettres (FR, BE, CH…).",
    )


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"
