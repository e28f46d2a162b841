"""Who is calling, and what an account holds: roles, the creditor's profile, the partner lawyer's card.

Pure: no I/O. Identifiers (SIREN, SIRET, IBAN) are validated by the legal engine's
:mod:`chalicelib.legal.identifiers` at the API's edge; here they are plain strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CREDITOR = "creditor"
    LAWYER = "lawyer"
    OPERATOR = "operator"


ROLE_LABELS_FR: dict[Role, str] = {
    Role.CREDITOR: "créancier",
    Role.LAWYER: "avocat partenaire",
    Role.OPERATOR: "opérateur de la plateforme",
}

# The pool's password policy (provisioned locally by infra/local/provision.py, on AWS by the stack).
PASSWORD_POLICY: dict[str, int | bool] = {
    "MinimumLength": 10,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": False,
}
PASSWORD_RULES_FR = "au moins 10 caractères, dont une majuscule, une minuscule et un chiffre"


def meets_password_policy(password: str) -> bool:
    """What Cognito checks, checked first: a sign-up with a weak password is refused the same way whether
    or not the address already has an account."""
    return (
        len(password) >= int(PASSWORD_POLICY["MinimumLength"])
        and any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
    )


# When a user is in several groups, the most privileged one decides (groups are set by operators only).
_PRECEDENCE = (Role.OPERATOR, Role.LAWYER, Role.CREDITOR)

# The legal engine's party categories (chalicelib/legal/model.py, CATEGORIES): they drive its rules.
CREDITOR_CATEGORIES: dict[str, str] = {
    "commercant": "commerçant ou société commerciale",
    "artisan": "artisan",
    "liberal": "profession libérale ou autre professionnel non commerçant",
    "sel": "société d'exercice libéral",
    "consumer": "particulier",
    "non_professional_legal_person": "personne morale non professionnelle (association…)",
    "public_entity": "personne publique",
}


def groups_from_claim(value: object) -> list[str]:
    """``cognito:groups`` as a list. Cognito puts a JSON list in the token; API Gateway hands claims on as
    strings (``"[a, b]"``, ``"a,b"`` or ``"a b"``): accept all of them."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,\[\]\"']+", value) if part]
    if isinstance(value, Iterable):
        return [str(part) for part in value if str(part)]
    return []


def role_from_groups(groups: Iterable[str]) -> Role | None:
    known = set(groups)
    return next((role for role in _PRECEDENCE if role.value in known), None)


@dataclass(frozen=True)
class Identity:
    """The verified caller. ``creditor_id`` / ``lawyer_id`` say whose data they may see (one user per
    creditor account for now, so it is the user id)."""

    user_id: str
    email: str
    role: Role

    @property
    def creditor_id(self) -> str | None:
        return self.user_id if self.role is Role.CREDITOR else None

    @property
    def lawyer_id(self) -> str | None:
        return self.user_id if self.role is Role.LAWYER else None

    def as_context(self) -> dict[str, str]:
        """Strings only: what an API Gateway authorizer may pass to the route."""
        return {"user_id": self.user_id, "email": self.email, "role": self.role.value}

    @classmethod
    def from_context(cls, context: dict[str, object]) -> Identity | None:
        try:
            return cls(str(context["user_id"]), str(context.get("email", "")), Role(str(context["role"])))
        except (KeyError, ValueError):
            return None


@dataclass(frozen=True)
class PostalAddress:
    line1: str
    postal_code: str
    city: str
    line2: str = ""
    country: str = "FR"


@dataclass(frozen=True)
class CreditorProfile:
    """What the letters print about the creditor."""

    legal_name: str
    category: str
    legal_form: str = ""
    siren: str = ""
    siret: str = ""
    address: PostalAddress | None = None
    contact_name: str = ""
    phone: str = ""
    iban: str = ""
    signatory_name: str = ""
    signatory_title: str = ""

    @property
    def is_professional(self) -> bool:
        return self.category in {"commercant", "artisan", "liberal", "sel"}


@dataclass(frozen=True)
class LawyerProfile:
    """A partner avocat: their bar (barreau), firm, contact and the courts/regions they take."""

    name: str
    barreau: str
    firm: str = ""
    phone: str = ""
    courts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()  # the départements whose courts they take ("69", "2A", "974")
    # An inactive lawyer keeps their dossiers but gets no new one; capacity: open dossiers at most (None: no
    # limit). Both are the operator's to set.
    active: bool = True
    capacity: int | None = None


@dataclass(frozen=True)
class Account:
    user_id: str
    email: str
    role: Role
    creditor: CreditorProfile | None = None
    lawyer: LawyerProfile | None = None
    created_at: datetime | None = None
    # The conditions générales de vente the account accepted last (their version) and when (chalicelib/domain/
    # terms.py): a creditor accepts the version in force before paying.
    cgv_version: str | None = None
    cgv_accepted_at: datetime | None = None
