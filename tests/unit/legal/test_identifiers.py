"""SIREN, SIRET, VAT number, IBAN and BIC checks (chalicelib/legal/identifiers.py), all by python-stdnum."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.legal.identifiers import (
    InvalidIdentifier,
    format_bic,
    format_iban,
    format_siren,
    format_siret,
    format_vat_number,
    siren_from_siret,
    siren_from_vat_number,
    validate_bic,
    validate_fr_vat_number,
    validate_iban,
    validate_siren,
    validate_siret,
    validate_vat_number,
    vat_number_from_siren,
)


def message_of(call: Callable[..., str], *args: str | None) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as caught:
        call(*args)
    return caught.value


# --- SIREN --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["552008443", "552 008 443", " 552.008.443 "])
def test_a_valid_siren_is_returned_compact(raw: str) -> None:
    assert validate_siren(raw) == "552008443"


def test_a_short_siren_is_reported_as_a_length_error() -> None:
    error = message_of(validate_siren, "123")
    assert error.field == "siren"
    assert str(error) == "Le numéro SIREN « 123 » est invalide : il doit comporter 9 chiffres."


def test_a_siren_with_letters_is_reported_as_a_format_error() -> None:
    assert "que des chiffres" in str(message_of(validate_siren, "55200844A"))


def test_a_siren_with_a_wrong_key_is_reported_as_a_checksum_error() -> None:
    assert "clé de contrôle est fausse" in str(message_of(validate_siren, "404833047"))


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_a_missing_siren_is_reported(raw: str | None) -> None:
    assert str(message_of(validate_siren, raw)) == "Le numéro SIREN est manquant."


def test_the_caller_names_the_field() -> None:
    assert message_of(validate_siren, "123", "debtor.siren").field == "debtor.siren"


def test_format_siren() -> None:
    assert format_siren("552008443") == "552 008 443"


# --- SIRET --------------------------------------------------------------------------------------------------


def test_a_valid_siret_is_returned_compact_and_formatted() -> None:
    assert validate_siret("732 829 320 00074") == "73282932000074"
    assert format_siret("73282932000074") == "732 829 320 00074"
    assert siren_from_siret("73282932000074") == "732829320"


def test_a_siret_with_a_wrong_key() -> None:
    error = message_of(validate_siret, "73282932000079")
    assert error.field == "siret"
    assert "clé de contrôle" in str(error)


def test_a_short_siret_is_a_length_error() -> None:
    assert "14 chiffres" in str(message_of(validate_siret, "7328293200007"))


@pytest.mark.parametrize("raw", ["35600000000048", "35600000049837"])
def test_la_poste_establishments_are_accepted_despite_their_luhn_key(raw: str) -> None:
    # La Poste's SIRET (except its head office) do not follow the Luhn key; stdnum knows the exception
    assert validate_siret(raw) == raw


# --- VAT numbers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["FR40303265045", "fr 40 303 265 045", "FR 40-303-265-045"])
def test_a_french_vat_number_is_returned_compact_with_its_prefix(raw: str) -> None:
    assert validate_vat_number(raw) == "FR40303265045"


def test_a_french_vat_number_without_prefix_is_accepted_as_french() -> None:
    assert validate_fr_vat_number("40303265045") == "FR40303265045"


def test_a_french_vat_number_whose_key_does_not_match_the_siren() -> None:
    error = message_of(validate_vat_number, "FR41303265045")
    assert error.field == "vat_number"
    assert "ne correspond pas au numéro SIREN" in str(error)


def test_a_short_french_vat_number_is_a_length_error() -> None:
    assert "11 caractères" in str(message_of(validate_vat_number, "FR4030326504"))


def test_the_vat_number_is_computed_from_the_siren_and_back() -> None:
    assert vat_number_from_siren("303 265 045") == "FR40303265045"
    assert siren_from_vat_number("FR40303265045") == "303265045"


@pytest.mark.parametrize(
    ("raw", "compact"), [("DE 136,695 976", "DE136695976"), ("el 094259216", "EL094259216")]
)
def test_other_eu_vat_numbers_are_checked_by_their_country_rules(raw: str, compact: str) -> None:
    assert validate_vat_number(raw) == compact
    assert format_vat_number(raw) == compact


def test_an_eu_vat_number_with_a_wrong_key() -> None:
    assert "clé de contrôle" in str(message_of(validate_vat_number, "DE136695977"))


@pytest.mark.parametrize("raw", ["US123456789", "40303265045"])
def test_a_vat_number_needs_an_eu_country_prefix(raw: str) -> None:
    assert "État membre" in str(message_of(validate_vat_number, raw))


# --- IBAN and BIC -------------------------------------------------------------------------------------------


def test_a_valid_iban_is_returned_compact_and_formatted() -> None:
    assert validate_iban("fr14 2004 1010 0505 0001 3m02 606") == "FR1420041010050500013M02606"
    assert format_iban("FR1420041010050500013M02606") == "FR14 2004 1010 0505 0001 3M02 606"
    assert validate_iban("GR16 0110 1050 0000 1054 7023 795") == "GR1601101050000010547023795"


def test_an_iban_with_a_wrong_key() -> None:
    error = message_of(validate_iban, "FR14 2004 1010 0505 0001 3M02 607")
    assert error.field == "iban"
    assert "clé de contrôle est fausse" in str(error)


def test_a_truncated_iban_is_a_length_error_not_a_key_error() -> None:
    assert "longueur" in str(message_of(validate_iban, "FR14 2004 1010"))


def test_an_iban_of_an_unknown_country() -> None:
    assert "code d'un pays" in str(message_of(validate_iban, "XX14 2004 1010 0505 0001 3M02 606"))


def test_a_valid_bic() -> None:
    assert validate_bic("agri fr pp 882") == "AGRIFRPP882"
    assert format_bic("AGRIFRPP") == "AGRIFRPP"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("AGRIFRPP88", "8 ou 11 caractères"), ("1GRIFRPP", "4 lettres"), ("AGRIXXPP", "code d'un pays")],
)
def test_invalid_bics_say_why(raw: str, reason: str) -> None:
    error = message_of(validate_bic, raw)
    assert error.field == "bic"
    assert reason in str(error)
    assert str(error).startswith(f"Le code BIC « {raw} » est invalide : ")
