"""Request bodies of the accounts API (pydantic v2). Messages in French; the field is named by the
validation helper (``chalicelib/api/validation.py``). SIREN, SIRET and IBAN are checked by the legal
engine's :mod:`chalicelib.legal.identifiers` (python-stdnum)."""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from chalicelib.api.validation import FieldValueError
from chalicelib.domain.accounts import CreditorProfile, LawyerProfile, PostalAddress
from chalicelib.domain.claim_content import CompanyIdentifiers
from chalicelib.domain.input_bounds import email_address
from chalicelib.legal.identifiers import validate_iban

_POSTAL_CODE_FR = re.compile(r"^\d{5}$")

CreditorCategory = Literal[
    "commercant", "artisan", "liberal", "sel", "consumer", "non_professional_legal_person", "public_entity"
]
# The SIREN is printed on a professional's letters (C. com. R123-237): required for these categories.
_NEEDS_SIREN = {"commercant", "artisan", "liberal", "sel"}


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EmailBody(Body):
    email: str = Field(min_length=1, max_length=254)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return email_address(value)


class SignUpBody(EmailBody):
    password: str = Field(min_length=1, max_length=256)


class SignInBody(EmailBody):
    password: str = Field(min_length=1, max_length=256)


class ConfirmBody(EmailBody):
    code: str = Field(min_length=1, max_length=32)


class NewPasswordBody(EmailBody):
    session: str = Field(min_length=1, max_length=4096)
    new_password: str = Field(min_length=1, max_length=256)


class ResetPasswordBody(EmailBody):
    code: str = Field(min_length=1, max_length=32)
    new_password: str = Field(min_length=1, max_length=256)


class AddressBody(Body):
    country: str = Field(default="FR", min_length=2, max_length=2)  # first: postal_code's check reads it
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field(default="", max_length=200)
    postal_code: str = Field(min_length=1, max_length=16)
    city: str = Field(min_length=1, max_length=100)

    @field_validator("postal_code")
    @classmethod
    def _french_postal_code(cls, value: str, info: ValidationInfo) -> str:
        if str(info.data.get("country", "FR")).upper() == "FR" and not _POSTAL_CODE_FR.match(value):
            raise ValueError(f"Le code postal « {value} » doit comporter 5 chiffres.")
        return value


class CreditorProfileBody(Body, CompanyIdentifiers):
    legal_name: str = Field(min_length=1, max_length=200)
    category: CreditorCategory
    legal_form: str = Field(default="", max_length=100)
    address: AddressBody
    contact_name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=30)
    iban: str = Field(default="", max_length=50)
    signatory_name: str = Field(min_length=1, max_length=200)
    signatory_title: str = Field(default="", max_length=100)

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        return validate_iban(value, "iban") if value else ""

    @model_validator(mode="after")
    def _siren_and_siret_agree(self) -> Self:
        self.reconcile_identifiers()
        if self.category in _NEEDS_SIREN and not self.siren:
            raise FieldValueError(
                "siren", "Le numéro SIREN est obligatoire pour un professionnel (il figure sur ses lettres)."
            )
        return self

    def to_domain(self) -> CreditorProfile:
        address = self.address
        return CreditorProfile(
            legal_name=self.legal_name,
            category=self.category,
            legal_form=self.legal_form,
            siren=self.siren,
            siret=self.siret,
            address=PostalAddress(
                line1=address.line1,
                line2=address.line2,
                postal_code=address.postal_code,
                city=address.city,
                country=address.country.upper(),
            ),
            contact_name=self.contact_name,
            phone=self.phone,
            iban=self.iban,
            signatory_name=self.signatory_name,
            signatory_title=self.signatory_title,
        )


class LawyerInvitationBody(EmailBody):
    name: str = Field(min_length=1, max_length=200)
    barreau: str = Field(min_length=1, max_length=100)
    firm: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=30)
    courts: list[str] = Field(default_factory=list, max_length=200)
    regions: list[str] = Field(default_factory=list, max_length=50)
    departements: list[str] = Field(default_factory=list, max_length=110, description="Départements couverts")
    capacity: int | None = Field(default=None, ge=1, le=1000, description="Dossiers en cours au plus")

    @field_validator("departements")
    @classmethod
    def _departements(cls, value: list[str]) -> list[str]:
        return _departements(value)

    def to_domain(self) -> LawyerProfile:
        return LawyerProfile(
            name=self.name,
            barreau=self.barreau,
            firm=self.firm,
            phone=self.phone,
            courts=tuple(court.strip() for court in self.courts if court.strip()),
            regions=tuple(region.strip() for region in self.regions if region.strip()),
            departements=tuple(self.departements),
            capacity=self.capacity,
        )


_DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])$")


def _departements(values: list[str]) -> list[str]:
    cleaned = [value.strip().upper() for value in values if value.strip()]
    for value in cleaned:
        if not _DEPARTEMENT.match(value):
            raise ValueError(f"« {value} » n'est pas un numéro de département (par exemple 69, 2A, 974).")
    return cleaned


class LawyerUpdateBody(Body):
    """What the operator changes on a partner lawyer; absent fields stay as they are."""

    active: bool | None = Field(default=None, description="false : plus aucun nouveau dossier")
    courts: list[str] | None = Field(default=None, max_length=200)
    departements: list[str] | None = Field(default=None, max_length=110, description="Départements couverts")
    capacity: int | None = Field(default=None, ge=1, le=1000)
    firm: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=30)

    @field_validator("departements")
    @classmethod
    def _departements(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _departements(value)

    def changes(self) -> dict[str, object]:
        out: dict[str, object] = self.model_dump(exclude_unset=True)
        if "courts" in out and out["courts"] is not None:
            out["courts"] = tuple(c.strip() for c in self.courts or [] if c.strip())
        if "departements" in out and out["departements"] is not None:
            out["departements"] = tuple(self.departements or [])
        return out
