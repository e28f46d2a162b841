"""Field-level validators of the legal engine's input: each turns one JSON value into a typed value or
raises :class:`BadField` naming the field and the problem in French (used by :mod:`chalicelib.legal.model`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.legal.errors import FieldError
from chalicelib.legal.money import CENT, parse_amount

MIN_YEAR, MAX_YEAR = 1900, 2199  # dates outside are typing errors (and would overflow the calendar)


class BadField(Exception):
    def __init__(self, field: str, message: str, code: str = "invalid_field") -> None:
        super().__init__(message)
        self.error = FieldError(field, message, code)


_MISSING = object()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def field_value(obj: Mapping[str, Any], path: str, key: str, required: bool = True) -> Any:
    value = obj.get(key, _MISSING)
    if value is _MISSING:
        if required:
            raise BadField(_join(path, key), "champ obligatoire manquant", "missing_field")
        return None
    return value


def as_mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BadField(field, "un objet JSON est attendu", "invalid_type")
    return value


def as_list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadField(field, "une liste est attendue", "invalid_type")
    return value


def as_date(value: Any, field: str, required: bool = True) -> date | None:
    if value is None:
        if required:
            raise BadField(field, "date obligatoire (format AAAA-MM-JJ)", "missing_field")
        return None
    parsed: date | None = value if isinstance(value, date) else None
    if isinstance(value, str) and len(value) == 10:
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise BadField(field, f"date invalide {value!r} : format AAAA-MM-JJ attendu", "invalid_date")
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise BadField(
            field,
            f"date hors plage {value!r} : année entre {MIN_YEAR} et {MAX_YEAR} attendue",
            "invalid_date",
        )
    return parsed


def required_date(value: Any, field: str) -> date:
    parsed = as_date(value, field)
    assert parsed is not None
    return parsed


def as_decimal(value: Any, field: str, what: str) -> Decimal:
    if isinstance(value, (bool, float)):
        raise BadField(
            field,
            f'{what} : nombre décimal attendu sous forme de texte (par ex. "1000.00"), '
            "jamais un nombre à virgule flottante",
            "invalid_amount",
        )
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise BadField(field, f"{what} invalide : {value!r}", "invalid_amount") from None
    else:
        raise BadField(field, f"{what} invalide : {value!r}", "invalid_amount")
    if not number.is_finite():
        raise BadField(field, f"{what} invalide : {value!r}", "invalid_amount")
    return number


def as_money(value: Any, field: str, allow_zero: bool = False) -> Decimal:
    if value is None:
        raise BadField(field, "montant obligatoire", "missing_field")
    if isinstance(value, bool | float):
        as_decimal(value, field, "montant")  # its message about floats
    try:
        amount = parse_amount(value)  # the platform's one strict amount grammar
    except ValueError as error:
        raise BadField(field, str(error), "invalid_amount") from None
    if amount < 0:
        raise BadField(field, f"montant négatif ({value}) : un montant doit être positif", "negative_amount")
    if amount == 0 and not allow_zero:
        raise BadField(field, "montant nul : un montant strictement positif est attendu", "invalid_amount")
    if amount != amount.quantize(CENT):
        raise BadField(field, f"montant {value} : au plus deux décimales (centimes)", "invalid_amount")
    return amount.quantize(CENT)


def as_choice(value: Any, field: str, allowed: Mapping[str, str] | tuple[str, ...], what: str) -> str:
    if value is None:
        raise BadField(field, f"{what} obligatoire", "missing_field")
    if not isinstance(value, str) or value not in allowed:
        listed = ", ".join(allowed)
        raise BadField(field, f"{what} inconnu(e) {value!r} ; valeurs admises : {listed}", "unknown_value")
    return value


def as_bool(value: Any, field: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise BadField(field, "vrai ou faux (true/false) attendu", "invalid_type")
    return value


def as_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise BadField(field, "texte attendu", "invalid_type")
    return str(value).strip() or None


def as_country(value: Any, field: str) -> str:
    if value is None:
        raise BadField(field, "pays obligatoire (code ISO 3166 à deux lettres, par ex. FR)", "missing_field")
    if not isinstance(value, str) or len(value.strip()) != 2 or not value.strip().isalpha():
        raise BadField(
            field, f"code pays invalide {value!r} : code ISO 3166 à deux lettres attendu", "invalid_country"
        )
    return value.strip().upper()


IDENTIFIER_KEYS = ("siren", "siret", "vat_number", "iban")


def as_identifiers(data: Mapping[str, Any], path: str) -> tuple[tuple[str, str], ...]:
    """Optional SIREN / SIRET / VAT number / IBAN of a party, checked with python-stdnum."""
    present = [k for k in IDENTIFIER_KEYS if data.get(k) not in (None, "")]
    if not present:
        return ()
    from chalicelib.legal import identifiers as ids

    checks = {
        "siren": ids.validate_siren,
        "siret": ids.validate_siret,
        "vat_number": ids.validate_vat_number,
        "iban": ids.validate_iban,
    }
    out = []
    for key in present:
        value = data[key]
        field = f"{path}.{key}"
        if not isinstance(value, str):
            raise BadField(field, "texte attendu", "invalid_type")
        try:
            out.append((key, checks[key](value, field)))
        except ids.InvalidIdentifier as invalid:
            raise BadField(field, invalid.message, "invalid_identifier") from None
    return tuple(out)
