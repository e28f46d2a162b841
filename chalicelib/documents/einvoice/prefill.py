"""What an invoice PDF gave for the claim form (:class:`Prefill`), the warnings shown with it, and the
rules both readers share.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    pass


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


_MIN_YEAR, _MAX_YEAR = 1990, 2100


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


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value:
        target[key] = value
