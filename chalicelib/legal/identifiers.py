"""Validation and display of company and bank identifiers: SIREN, SIRET, VAT number, IBAN, BIC.

Every check is python-stdnum's (never a hand-written checksum): this module only normalises the input,
turns stdnum's exceptions into ``InvalidIdentifier`` with a French message naming the field, and formats for
display.

    validate_siren("552 008 443")            -> "552008443"
    format_siret("73282932000074")           -> "732 829 320 00074"
    validate_vat_number("fr 40 303 265 045") -> "FR40303265045"
    validate_iban("fr14 2004 1010 0505 0001 3m02 606") -> "FR1420041010050500013M02606"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import bic, iban, numdb
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siren, siret, tva

__all__ = [
    "InvalidIdentifier",
    "format_bic",
    "format_iban",
    "format_siren",
    "format_siret",
    "format_vat_number",
    "siren_from_siret",
    "siren_from_vat_number",
    "validate_bic",
    "validate_fr_vat_number",
    "validate_iban",
    "validate_siren",
    "validate_siret",
    "validate_vat_number",
    "vat_number_from_siren",
]


class InvalidIdentifier(ValueError):
    """An identifier failed validation. ``field`` names the input; ``str(exc)`` is a French message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class _Wording:
    """How to speak of one kind of identifier, and what to say for each stdnum error."""

    label: str  # "Le numéro SIREN"
    length: str
    format: str
    checksum: str = "sa clé de contrôle est fausse (un chiffre manque, est en trop ou a été mal recopié)"
    component: str = "l'une de ses parties n'existe pas"


_SIREN = _Wording(
    label="Le numéro SIREN",
    length="il doit comporter 9 chiffres",
    format="il ne doit contenir que des chiffres (9 chiffres, espaces permis)",
)
_SIRET = _Wording(
    label="Le numéro SIRET",
    length="il doit comporter 14 chiffres (les 9 du SIREN puis les 5 du NIC)",
    format="il ne doit contenir que des chiffres (14 chiffres, espaces permis)",
)
_FR_VAT = _Wording(
    label="Le numéro de TVA intracommunautaire",
    length="il doit comporter « FR » suivi de 11 caractères (2 caractères de clé et les 9 chiffres du SIREN)",
    format="il doit comporter « FR », 2 caractères de clé puis les 9 chiffres du SIREN",
    checksum="sa clé ne correspond pas au numéro SIREN (un caractère a sans doute été mal recopié)",
)
_EU_VAT = _Wording(
    label="Le numéro de TVA intracommunautaire",
    length="sa longueur ne correspond pas aux numéros de TVA de son pays",
    format="son format ne correspond pas aux numéros de TVA de son pays",
    checksum="sa clé de contrôle est fausse (un caractère a sans doute été mal recopié)",
    component=(
        "il doit commencer par le code d'un État membre de l'Union européenne "
        "(FR, DE, IT, ES, BE, EL pour la Grèce…)"
    ),
)
_IBAN = _Wording(
    label="L'IBAN",
    length="sa longueur ne correspond pas aux IBAN de son pays",
    format="son format ne correspond pas aux IBAN de son pays",
    checksum="sa clé de contrôle est fausse (un caractère manque, est en trop ou a été mal recopié)",
    component="il doit commencer par le code d'un pays qui utilise l'IBAN (FR, DE, ES…)",
)
_BIC = _Wording(
    label="Le code BIC",
    length="il doit comporter 8 ou 11 caractères",
    format=(
        "il doit comporter 4 lettres (banque), 2 lettres (pays), 2 caractères (lieu) et, le cas échéant, "
        "3 caractères (agence)"
    ),
    component="ses 5e et 6e caractères doivent être le code d'un pays",
)

_MAX_SHOWN = 40


def _fail(wording: _Wording, field: str, raw: str, error: ValidationError) -> InvalidIdentifier:
    # InvalidLength is a subclass of InvalidFormat: test it first.
    if isinstance(error, InvalidLength):
        reason = wording.length
    elif isinstance(error, InvalidFormat):
        reason = wording.format
    elif isinstance(error, InvalidChecksum):
        reason = wording.checksum
    elif isinstance(error, InvalidComponent):
        reason = wording.component
    else:
        reason = "il n'a pas le format attendu"
    shown = raw if len(raw) <= _MAX_SHOWN else raw[: _MAX_SHOWN - 1] + "…"
    return InvalidIdentifier(field, f"{wording.label} « {shown} » est invalide : {reason}.")


def _present(wording: _Wording, field: str, value: str | None) -> str:
    raw = (value or "").strip()
    if not raw:
        raise InvalidIdentifier(field, f"{wording.label} est manquant.")
    return raw


# --- SIREN / SIRET ------------------------------------------------------------------------------------------


def validate_siren(value: str | None, field: str = "siren") -> str:
    """The SIREN as 9 digits, or ``InvalidIdentifier``."""
    raw = _present(_SIREN, field, value)
    try:
        return str(siren.validate(raw))
    except ValidationError as error:
        raise _fail(_SIREN, field, raw, error) from error


def validate_siret(value: str | None, field: str = "siret") -> str:
    """The SIRET as 14 digits, or ``InvalidIdentifier``. La Poste's establishments, whose SIRET do not follow
    the Luhn key, are accepted (stdnum knows the exception)."""
    raw = _present(_SIRET, field, value)
    try:
        return str(siret.validate(raw))
    except ValidationError as error:
        raise _fail(_SIRET, field, raw, error) from error


def siren_from_siret(value: str | None, field: str = "siret") -> str:
    """The SIREN (first 9 digits) of a valid SIRET."""
    return str(siret.to_siren(validate_siret(value, field)))


def format_siren(value: str | None, field: str = "siren") -> str:
    """Display form: "552 008 443"."""
    return str(siren.format(validate_siren(value, field)))


def format_siret(value: str | None, field: str = "siret") -> str:
    """Display form: "732 829 320 00074"."""
    return str(siret.format(validate_siret(value, field)))


# --- VAT numbers --------------------------------------------------------------------------------------------


def validate_fr_vat_number(value: str | None, field: str = "vat_number") -> str:
    """A French VAT number (numéro de TVA intracommunautaire) as "FR" + 11 characters; the "FR" prefix may be
    omitted in the input."""
    raw = _present(_FR_VAT, field, value)
    try:
        return "FR" + str(tva.validate(raw))
    except ValidationError as error:
        raise _fail(_FR_VAT, field, raw, error) from error


def validate_vat_number(value: str | None, field: str = "vat_number") -> str:
    """An EU VAT number with its country prefix ("FR…", "DE…", "EL…" for Greece), checked by the rules of its
    Member State; returned compact and upper case."""
    raw = _present(_EU_VAT, field, value)
    if raw.upper().startswith("FR"):
        return validate_fr_vat_number(raw, field)
    try:
        return str(eu_vat.validate(raw))
    except ValidationError as error:
        raise _fail(_EU_VAT, field, raw, error) from error


def vat_number_from_siren(value: str | None, field: str = "siren") -> str:
    """The French VAT number of a company, computed from its SIREN ("FR" + key + SIREN)."""
    return "FR" + str(siren.to_tva(validate_siren(value, field)))


def siren_from_vat_number(value: str | None, field: str = "vat_number") -> str:
    """The SIREN inside a French VAT number. Monaco's numbers (FRxx000…) have none: ``InvalidIdentifier``."""
    number = validate_fr_vat_number(value, field)
    try:
        return str(tva.to_siren(number))
    except ValidationError as error:
        raise InvalidIdentifier(
            field, f"{_FR_VAT.label} « {number} » est monégasque : il ne contient pas de numéro SIREN."
        ) from error


def format_vat_number(value: str | None, field: str = "vat_number") -> str:
    """The compact form, as printed on invoices: "FR40303265045" (stdnum has no other VAT format)."""
    return validate_vat_number(value, field)


# --- bank identifiers ---------------------------------------------------------------------------------------


def validate_iban(value: str | None, field: str = "iban") -> str:
    """The IBAN, compact and upper case; the national part is checked too where stdnum knows the country (the
    RIB key for France)."""
    raw = _present(_IBAN, field, value)
    try:
        return str(iban.validate(raw))
    except InvalidChecksum as error:
        # stdnum checks the key before the country and the length: say which of them is wrong, from stdnum's
        # own table of IBAN structures, so that a truncated IBAN is not reported as a bad key.
        raise _fail(_IBAN, field, raw, _iban_structure_error(raw) or error) from error
    except ValidationError as error:
        raise _fail(_IBAN, field, raw, error) from error


def _iban_structure_error(raw: str) -> ValidationError | None:
    number = iban.compact(raw)
    structure = numdb.get("iban").info(number)[0][1].get("bban")
    if not structure:
        return InvalidComponent()
    expected = 4 + sum(int(size) for size, _ in re.findall(r"(\d+)!([nac])", structure))
    return InvalidLength() if len(number) != expected else None


def format_iban(value: str | None, field: str = "iban") -> str:
    """Display form: "FR14 2004 1010 0505 0001 3M02 606"."""
    return str(iban.format(validate_iban(value, field)))


def validate_bic(value: str | None, field: str = "bic") -> str:
    """The BIC (SWIFT code), compact and upper case: 8 or 11 characters, with a known country code."""
    raw = _present(_BIC, field, value)
    try:
        return str(bic.validate(raw))
    except ValidationError as error:
        raise _fail(_BIC, field, raw, error) from error


def format_bic(value: str | None, field: str = "bic") -> str:
    """Display form: "AGRIFRPP882"."""
    return str(bic.format(validate_bic(value, field)))
