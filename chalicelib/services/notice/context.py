"""The letters' context: the creditor and the debtor as parties, the sending service, the notice context."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.documents.context import (
    Address,
    DocumentContext,
    Party,
    SendingService,
    build_context,
)
from chalicelib.domain.accounts import CreditorProfile
from chalicelib.domain.claim import Claim
from chalicelib.domain.claim_content import ClaimContent, Debtor, legal_input
from chalicelib.domain.errors import (
    InvalidInput,
)
from chalicelib.services.notice.deadlines import notice_period_days
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    pass

logger = logging.getLogger("claims.notice")

# ---------------------------------------------------------------------------------------------------
# the documents' context
# ---------------------------------------------------------------------------------------------------
_INDIVIDUAL_FORMS = {"ei", "entrepreneur individuel", "entreprise individuelle", "micro-entreprise"}
# The creditor's legal form as the letter states its identity (RULEBOOK 4.2 item 2): "SAS" after a name that
# often ends with it would read "Atelier SAS, SAS, immatriculée…".
_LEGAL_FORMS = {
    "SA": "société anonyme",
    "SAS": "société par actions simplifiée",
    "SASU": "société par actions simplifiée unipersonnelle",
    "SARL": "société à responsabilité limitée",
    "EURL": "entreprise unipersonnelle à responsabilité limitée",
    "SNC": "société en nom collectif",
    "SCI": "société civile immobilière",
    "SCP": "société civile professionnelle",
    "SELARL": "société d'exercice libéral à responsabilité limitée",
    "SELAS": "société d'exercice libéral par actions simplifiée",
}


def _country_name(code: str) -> str:
    if code.upper() == "FR":
        return "France"
    from babel import Locale

    return str(Locale("fr").territories.get(code.upper(), code.upper()))


def _address(line1: str, line2: str, postal_code: str, city: str, country: str) -> Address:
    street = ", ".join(part for part in (line1.strip(), line2.strip()) if part)
    return Address(street, postal_code, city, _country_name(country or "FR"))


def _is_individual(category: str, legal_form: str) -> bool:
    """A consumer, or a professional without a company (an artisan or a liberal profession in their own
    name): the letters name them as a natural person (``demeurant``, no RCS line)."""
    form = legal_form.strip().lower()
    if category == "consumer" or form in _INDIVIDUAL_FORMS:
        return True
    return category in {"artisan", "liberal"} and not form


def _legal_form(form: str) -> str | None:
    return _LEGAL_FORMS.get(form.replace(".", "").strip().upper(), form.strip()) or None


def creditor_party(profile: CreditorProfile, *, email: str | None = None) -> Party:
    if profile.address is None:
        raise InvalidInput(
            "Complétez d'abord le profil du créancier (adresse) : elle figure sur la mise en demeure.",
            code="profile_incomplete",
            field="profile.address",
        )
    address = profile.address
    individual = _is_individual(profile.category, profile.legal_form)
    representative = None
    if not individual and profile.signatory_name:  # "représentée par Claire Morel, présidente"
        title = profile.signatory_title.strip()
        representative = profile.signatory_name + (f", {title[:1].lower()}{title[1:]}" if title else "")
    return Party(
        name=profile.legal_name,
        address=_address(address.line1, address.line2, address.postal_code, address.city, address.country),
        category=profile.category,
        kind="natural_person" if individual else "legal_person",
        legal_form=None if individual else _legal_form(profile.legal_form),
        siren=profile.siren or None,
        siret=profile.siret or None,
        representative=representative,
        signatory_name=profile.signatory_name or None,
        signatory_title=profile.signatory_title or None,
        iban=profile.iban or None,
        email=email or None,
        phone=profile.phone or None,
    )


def debtor_party(debtor: Debtor) -> Party:
    individual = debtor.acts_as_consumer or bool(debtor.title)
    address = debtor.address
    return Party(
        name=debtor.legal_name,
        address=_address(address.line1, address.line2, address.postal_code, address.city, address.country),
        category=debtor.category,
        kind="natural_person" if individual else "legal_person",
        title=debtor.title or None,
        legal_form=debtor.legal_form or None,
        siren=debtor.siren or None,
        siret=debtor.siret or None,
        email=debtor.email or None,
        phone=debtor.phone or None,
    )


def sending_service() -> SendingService:
    """The platform as the letters name it: only the technical sender (RULEBOOK 7.2)."""
    from chalicelib.documents.emails import DEFAULT_PLATFORM_NAME, DEFAULT_SUPPORT_EMAIL

    website = urlsplit(get_settings().public_url).netloc or get_settings().public_url
    return SendingService(
        name=DEFAULT_PLATFORM_NAME,
        address="",
        website=website,
        privacy_contact=DEFAULT_SUPPORT_EMAIL,
    )


def _content(claim: Claim) -> ClaimContent:
    if claim.content is None:
        raise InvalidInput("La créance est vide : aucune lettre ne peut être préparée.", field="content")
    return ClaimContent.model_validate(claim.content)


def build_notice_context(
    claim: Claim,
    profile: CreditorProfile,
    assessment: Mapping[str, Any],
    *,
    today: dt.date,
    creditor_email: str | None = None,
    payment_days: int | None = None,
    first_presented_on: dt.date | None = None,
) -> DocumentContext:
    """The documents' context of a stored claim: the creditor's profile, the debtor as filed (a natural
    person when a consumer), the invoices (their object from the invoice's description), the payments, the
    legal engine's ``assessment`` and the notice period of the debtor's kind; the letter is dated
    ``today``."""
    content = _content(claim)
    settings = get_settings()
    days = payment_days or notice_period_days(
        content.debtor.category,
        b2b_days=settings.notice_period_days_b2b,
        b2c_days=settings.notice_period_days_b2c,
        private_purpose=content.debtor.private_purpose,
    )
    details = {
        invoice.number: {"object": invoice.description} for invoice in content.invoices if invoice.description
    }
    return build_context(
        legal_input(content, profile, today),
        assessment,
        claim_id=claim.claim_id,
        creditor=creditor_party(profile, email=creditor_email),
        debtor=debtor_party(content.debtor),
        sending_service=sending_service(),
        letter_date=today,
        invoice_details=details,
        exhibits=(),
        payment_days=days,
        first_presented_on=first_presented_on,
        reference=content.reference or claim.reference or None,
    )
