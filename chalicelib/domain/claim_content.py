"""What a creditor files: the debtor, the invoices, the contract facts, what was paid, acknowledged and
already claimed. One pydantic model validates the web form's JSON, the CSV import's rows and the stored
item alike; messages are French and name the field (``invoices[0].due_date``).

Pure: no I/O. Money is ``Decimal`` (a JSON float is refused: amounts travel as strings such as
``"1234.56"``; ``"1 234,56"`` is accepted too), dates are ``datetime.date``.
:func:`legal_input` turns a content plus the creditor's profile into the legal engine's input.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from chalicelib.domain.accounts import CreditorProfile
from chalicelib.domain.errors import FieldValueError
from chalicelib.domain.input_bounds import Day, email_address
from chalicelib.legal.identifiers import siren_from_siret, validate_siren, validate_siret
from chalicelib.legal.money import parse_amount as strict_amount

DebtorCategory = Literal[
    "commercant", "artisan", "liberal", "sel", "consumer", "non_professional_legal_person", "public_entity"
]
DEBTOR_CATEGORY_LABELS: dict[str, str] = {
    "commercant": "commerçant ou société commerciale",
    "artisan": "artisan",
    "liberal": "profession libérale",
    "sel": "société d'exercice libéral",
    "consumer": "particulier (consommateur)",
    "non_professional_legal_person": "association, SCI ou autre personne morale non professionnelle",
    "public_entity": "personne publique",
}
BUSINESS_CATEGORIES = frozenset({"commercant", "artisan", "liberal", "sel"})
# Categories whose debtor may be a natural person who bought for private purposes (rulebook 1.1: such a
# debtor is a consumer for C. conso. L218-2; a legal person never is). Only there is the purpose asked.
PURPOSE_CATEGORIES = frozenset({"commercant", "artisan", "liberal"})
DebtorPurpose = Literal["professional", "private"]
# Legal forms of companies: a debtor with one of them is a legal person, who never buys "privately".
COMPANY_FORMS = frozenset(
    {"SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCS", "SCA", "SCI", "SCP", "SCOP", "GIE", "SEL", "SELARL",
     "SELAS", "SELAFA", "SELCA", "SELEURL", "SELASU", "SCM", "SEM", "SE"}
)  # fmt: skip
DEBTOR_PURPOSE_LABELS: dict[str, str] = {
    "professional": "pour son activité professionnelle",
    "private": "à titre privé (personne physique, hors de son activité professionnelle)",
}
Nature = Literal[
    "sale_or_service", "loan", "carriage_of_goods", "residential_rent", "cheque", "bill_of_exchange"
]
ReminderChannel = Literal["email", "letter", "phone", "registered_letter", "other"]
ProceedingKind = Literal["sauvegarde", "redressement", "liquidation"]

MAX_AMOUNT = Decimal("10000000.00")  # ten million euros: above, a typing error is far likelier than a claim
_POSTAL_CODE_FR = re.compile(r"^\d{5}$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,25}$")


def parse_amount(value: Any) -> Decimal:
    """``"1234.56"``, ``"1 234,56"``, ``"1234,5 €"`` or an integer → Decimal with cents, by the platform's
    one strict amount grammar (:func:`chalicelib.legal.money.parse_amount`): a float, an exponent, a sign
    other than « - », other digits than 0-9 or more than two decimals are refused."""
    return strict_amount(value)


def _positive_amount(value: Any) -> Decimal:
    amount = parse_amount(value)
    if amount <= 0:
        raise ValueError("Le montant doit être supérieur à zéro.")
    if amount > MAX_AMOUNT:
        raise ValueError("Le montant dépasse 10 000 000 € : vérifiez la saisie.")
    return amount


def _rate(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    rate = parse_amount(value)
    if rate < 0 or rate > 100:
        raise ValueError("Le taux doit être un pourcentage annuel entre 0 et 100 (par exemple « 12.00 »).")
    return rate


Money = Annotated[
    Decimal, BeforeValidator(_positive_amount), PlainSerializer(lambda d: f"{d:.2f}", return_type=str)
]
Rate = Annotated[
    Decimal | None,
    BeforeValidator(_rate),
    PlainSerializer(lambda d: None if d is None else f"{d:.2f}", return_type=str | None),
]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DebtorAddress(Part):
    country: str = Field(default="FR", min_length=2, max_length=2, description="Code pays ISO 3166 (FR, BE…)")
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field(default="", max_length=200)
    postal_code: str = Field(min_length=1, max_length=16)
    city: str = Field(min_length=1, max_length=100)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @model_validator(mode="after")
    def _french_postal_code(self) -> Self:
        if self.country == "FR" and not _POSTAL_CODE_FR.match(self.postal_code):
            raise FieldValueError(
                "postal_code", f"Le code postal « {self.postal_code} » doit comporter 5 chiffres."
            )
        return self

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.line1, self.line2, f"{self.postal_code} {self.city}") if line]


class CollectiveProceedingsPart(Part):
    kind: ProceedingKind
    opened_on: Day
    published_on: Day | None = None
    # Where it comes from: the creditor's declaration, or the BODACC announcement the platform found
    # (chalicelib/services/debtor_check.py), with the court and the mandataire or liquidateur it names.
    source: Literal["creditor", "bodacc"] = "creditor"
    court: str = Field(default="", max_length=200)
    mandataire: str = Field(
        default="", max_length=400, description="Mandataire judiciaire ou liquidateur : nom et adresse"
    )
    announcement: str = Field(default="", max_length=40, description="Référence de l'annonce au BODACC")


class CompanyIdentifiers(BaseModel):
    """SIREN and SIRET of a company, checked with python-stdnum; the SIREN is taken from the SIRET when
    only the SIRET is given. Shared by the debtor here and the creditor's profile."""

    siren: str = Field(default="", max_length=20, description="Obligatoire pour un professionnel")
    siret: str = Field(default="", max_length=24)

    @field_validator("siren")
    @classmethod
    def _siren(cls, value: str) -> str:
        return validate_siren(value, "siren") if value else ""

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str) -> str:
        return validate_siret(value, "siret") if value else ""

    def reconcile_identifiers(self) -> None:
        if self.siret and not self.siren:
            self.siren = siren_from_siret(self.siret)
        if self.siret and self.siren and not self.siret.startswith(self.siren):
            raise FieldValueError(
                "siret",
                f"Le numéro SIRET « {self.siret} » n'appartient pas au SIREN « {self.siren} » : "
                "ses 9 premiers chiffres doivent être le SIREN.",
            )


class Debtor(Part, CompanyIdentifiers):
    category: DebtorCategory = Field(
        description="Catégorie juridique du débiteur ; elle décide des règles applicables"
    )
    legal_name: str = Field(min_length=1, max_length=200, description="Raison sociale, ou nom et prénom")
    legal_form: str = Field(default="", max_length=100)
    title: Literal["", "M.", "Mme"] = Field(default="", description="Civilité d'un particulier")
    address: DebtorAddress
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30)
    # CPCE L100: a non-professional receives a registered letter electronically only if he consented.
    lre_consent: bool = Field(
        default=False,
        description="Le débiteur (non professionnel) a consenti par écrit à recevoir des envois recommandés "
        "électroniques",
    )
    collective_proceedings: CollectiveProceedingsPart | None = None
    over_indebtedness: bool = False
    purpose: DebtorPurpose | None = Field(
        default=None,
        description="Pour un commerçant, un artisan ou une profession libérale : a-t-il acheté pour son "
        "activité (« professional », par défaut) ou, personne physique, à titre privé (« private » : "
        "il est alors traité comme un consommateur) ?",
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return email_address(value) if value else value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not _PHONE.match(value):
            raise ValueError(f"Le numéro de téléphone « {value[:30]} » n'est pas valide.")
        return value

    @model_validator(mode="after")
    def _purpose(self) -> Self:
        if self.purpose == "private" and self.category not in PURPOSE_CATEGORIES:
            raise FieldValueError(
                "purpose",
                "Seul un commerçant, un artisan ou une profession libérale exerçant en nom propre (personne "
                "physique) peut avoir acheté à titre privé ; une société ou une autre personne morale "
                "n'est jamais traitée comme un consommateur.",
            )
        form = self.legal_form.replace(".", "").replace(" ", "").upper()
        if self.purpose == "private" and form in COMPANY_FORMS:
            raise FieldValueError(
                "purpose",
                f"Une société ({self.legal_form}) n'achète jamais à titre privé : seule une personne "
                "physique exerçant en nom propre (entreprise individuelle) peut être traitée comme un "
                "consommateur.",
            )
        if self.purpose == "professional" and self.category == "consumer":
            raise FieldValueError(
                "purpose",
                "Un particulier achète par définition à titre privé : choisissez la catégorie "
                "professionnelle du débiteur s'il a acheté pour son activité.",
            )
        return self

    @model_validator(mode="after")
    def _identifiers(self) -> Self:
        self.reconcile_identifiers()
        if (
            self.category in BUSINESS_CATEGORIES
            and not self.private_purpose
            and not self.siren
            and self.address.country == "FR"
        ):
            raise FieldValueError(
                "siren",
                "Le numéro SIREN du débiteur est obligatoire quand c'est un professionnel établi en France.",
            )
        return self

    @property
    def private_purpose(self) -> bool:
        """A trader, craftsman or liberal professional (a natural person) who bought for private purposes."""
        return self.purpose == "private" and self.category in PURPOSE_CATEGORIES

    @property
    def acts_as_consumer(self) -> bool:
        """Rulebook 1.1: a consumer, or a natural person in business who bought outside his trade."""
        return self.category == "consumer" or self.private_purpose

    @property
    def is_business(self) -> bool:
        return self.category in BUSINESS_CATEGORIES and not self.private_purpose

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.legal_name}" if self.title else self.legal_name


class InvoicePart(Part):
    number: str = Field(min_length=1, max_length=60, description="Numéro de la facture")
    issue_date: Day = Field(description="Date de la facture")
    performance_date: Day | None = Field(
        default=None,
        description="Date de livraison ou d'exécution de la prestation (par défaut : date de la facture)",
    )
    due_date: Day | None = Field(default=None, description="Date d'échéance imprimée sur la facture")
    amount_ttc: Money = Field(description="Montant TTC en euros, par exemple « 1234.56 »")
    currency: Literal["EUR"] = "EUR"
    description: str = Field(default="", max_length=500, description="Objet de la facture")

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.due_date is not None and self.due_date < self.issue_date:
            raise FieldValueError(
                "due_date", "La date d'échéance ne peut pas précéder la date de la facture."
            )
        return self


class ContractPart(Part):
    nature: Nature = Field(default="sale_or_service", description="Nature de la créance")
    contractual_rate: Rate = Field(
        default=None, description="Taux annuel de pénalités prévu au contrat ou aux CGV (%)"
    )
    jurisdiction_clause: str = Field(
        default="", max_length=2000, description="Texte de la clause attributive"
    )
    disputed: bool = Field(default=False, description="Le débiteur a-t-il contesté la créance par écrit ?")
    dispute_details: str = Field(default="", max_length=2000)


class PaymentPart(Part):
    date: Day
    amount: Money
    invoice: str = Field(
        default="", max_length=60, description="Facture désignée par le débiteur, le cas échéant"
    )


class AcknowledgementPart(Part):
    date: Day
    description: str = Field(default="", max_length=500)


class ReminderPart(Part):
    date: Day
    channel: ReminderChannel = "email"
    description: str = Field(default="", max_length=500)


class ClaimContent(Part):
    """Everything the creditor says about one unpaid debt (one debtor, one or more invoices)."""

    reference: str = Field(default="", max_length=100, description="Référence interne du créancier")
    debtor: Debtor
    invoices: list[InvoicePart] = Field(min_length=1, max_length=200)
    contract: ContractPart = Field(default_factory=ContractPart)
    payments: list[PaymentPart] = Field(default_factory=list, max_length=500)
    acknowledgements: list[AcknowledgementPart] = Field(default_factory=list, max_length=100)
    reminders: list[ReminderPart] = Field(default_factory=list, max_length=100)
    reminder_first: bool | None = Field(
        default=None,
        description="Envoyer d'abord une relance amiable avant la mise en demeure "
        "(par défaut : oui pour un particulier, non pour un professionnel)",
    )

    @property
    def wants_reminder(self) -> bool:
        if self.reminder_first is not None:
            return self.reminder_first
        return self.debtor.acts_as_consumer

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        seen: set[str] = set()
        for index, invoice in enumerate(self.invoices):
            if invoice.number in seen:
                raise FieldValueError(
                    f"invoices[{index}].number",
                    f"La facture n° {invoice.number} figure deux fois dans la créance.",
                )
            seen.add(invoice.number)
        for index, payment in enumerate(self.payments):
            if payment.invoice and payment.invoice not in seen:
                raise FieldValueError(
                    f"payments[{index}].invoice",
                    f"Le paiement désigne la facture « {payment.invoice} », absente de la créance.",
                )
        return self

    @property
    def principal(self) -> Decimal:
        return sum((invoice.amount_ttc for invoice in self.invoices), Decimal("0.00"))

    @property
    def paid(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal("0.00"))

    @property
    def balance(self) -> Decimal:
        return self.principal - self.paid

    def as_json(self) -> dict[str, Any]:
        """JSON-ready (amounts as strings with two decimals, dates ISO): what is stored and returned."""
        return self.model_dump(mode="json")


def parse_content(data: Any) -> ClaimContent:
    """Validate a stored or submitted content (raises pydantic's ``ValidationError``)."""
    return ClaimContent.model_validate(data)


def _party_from_profile(profile: CreditorProfile) -> dict[str, Any]:
    address = profile.address
    party: dict[str, Any] = {
        "category": profile.category,
        "name": profile.legal_name,
        "city": address.city if address else None,
        "postal_code": address.postal_code if address else None,
        "country": address.country if address else "FR",
    }
    party.update({key: value for key, value in (("siren", profile.siren), ("siret", profile.siret)) if value})
    return party


def legal_input(content: ClaimContent, creditor: CreditorProfile, as_of: dt.date) -> dict[str, Any]:
    """The legal engine's input (``shared/legal/cases/README.md``) for this content, judged on ``as_of``.

    Field paths match the content's (``invoices[0].due_date``), so the engine's errors name the form's fields.
    """
    debtor = content.debtor
    proceedings = debtor.collective_proceedings
    debtor_party: dict[str, Any] = {
        "category": debtor.category,
        "name": debtor.legal_name,
        "city": debtor.address.city,
        "postal_code": debtor.address.postal_code,
        "country": debtor.address.country,
        "collective_proceedings": (
            None
            if proceedings is None
            else {
                "kind": proceedings.kind,
                "opened_on": proceedings.opened_on.isoformat(),
                "published_on": proceedings.published_on.isoformat() if proceedings.published_on else None,
            }
        ),
        "over_indebtedness": debtor.over_indebtedness,
    }
    if debtor.purpose is not None:
        debtor_party["purpose"] = debtor.purpose
    debtor_party.update(
        {key: value for key, value in (("siren", debtor.siren), ("siret", debtor.siret)) if value}
    )
    contract = content.contract
    return {
        "as_of": as_of.isoformat(),
        "creditor": _party_from_profile(creditor),
        "debtor": debtor_party,
        "claim": {
            "nature": contract.nature,
            "contractual_rate": None
            if contract.contractual_rate is None
            else f"{contract.contractual_rate:.2f}",
            "jurisdiction_clause": contract.jurisdiction_clause or None,
            "disputed": contract.disputed,
        },
        "invoices": [
            {
                "number": invoice.number,
                "amount_ttc": f"{invoice.amount_ttc:.2f}",
                "performance_date": (invoice.performance_date or invoice.issue_date).isoformat(),
                "issue_date": invoice.issue_date.isoformat(),
                "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
            }
            for invoice in content.invoices
        ],
        "payments": [
            {
                "date": p.date.isoformat(),
                "amount": f"{p.amount:.2f}",
                **({"invoice": p.invoice} if p.invoice else {}),
            }
            for p in content.payments
        ],
        "acknowledgements": [{"date": a.date.isoformat()} for a in content.acknowledgements],
        "suspensions": [],
        "formal_notice": None,
        "cheque": None,
    }
