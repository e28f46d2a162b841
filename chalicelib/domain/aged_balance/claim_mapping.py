"""Between the file's columns and the claim content schema: the content built from lines, and each schema
error traced back to its list, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.aged_balance.lines import _Line

# Where the content schema's fields come from: (path in ClaimContent) -> column.
_SHARED_PATHS: dict[tuple[str, ...], str] = {
    ("debtor", "legal_name"): "debiteur_nom",
    ("debtor", "category"): "debiteur_categorie",
    ("debtor", "purpose"): "debiteur_achat",
    ("debtor", "siren"): "debiteur_siren",
    ("debtor", "siret"): "debiteur_siren",
    ("debtor", "address", "line1"): "debiteur_adresse",
    ("debtor", "address", "line2"): "debiteur_adresse2",
    ("debtor", "address", "postal_code"): "debiteur_code_postal",
    ("debtor", "address", "city"): "debiteur_ville",
    ("debtor", "address", "country"): "debiteur_pays",
    ("debtor", "email"): "debiteur_email",
    ("debtor", "phone"): "debiteur_telephone",
    ("contract", "contractual_rate"): "taux_contractuel",
    ("reference",): "reference",
}
_INVOICE_FIELDS = {
    "number": "facture_numero",
    "issue_date": "facture_date",
    "performance_date": "date_livraison",
    "due_date": "echeance",
    "amount_ttc": "montant_ttc",
    "description": "objet",
}
_PAYMENT_FIELDS = {"date": "date_reglement", "amount": "montant_regle", "invoice": "facture_numero"}


def _content(shared: Mapping[str, Any], lines: list[_Line]) -> dict[str, Any]:
    """The claim content (as the web form would send it) for these shared values and invoice lines."""

    def value(key: str) -> Any:
        return shared.get(key, "")

    content: dict[str, Any] = {
        "reference": value("reference"),
        "debtor": {
            "category": value("debiteur_categorie"),
            "legal_name": value("debiteur_nom"),
            "siren": value("debiteur_siren"),
            "siret": value("siret"),
            "address": {
                "line1": value("debiteur_adresse"),
                "line2": value("debiteur_adresse2"),
                "postal_code": value("debiteur_code_postal"),
                "city": value("debiteur_ville"),
                "country": shared.get("debiteur_pays", "FR"),
            },
            "email": value("debiteur_email"),
            "phone": value("debiteur_telephone"),
            **({"purpose": shared["debiteur_achat"]} if "debiteur_achat" in shared else {}),
        },
        "invoices": [line.invoice for line in lines],
        "payments": [line.payment for line in lines if line.payment is not None],
    }
    if "taux_contractuel" in shared:
        content["contract"] = {"contractual_rate": shared["taux_contractuel"]}
    return content


def _schema_errors(error: ValidationError) -> Iterable[tuple[str, int, str, str]]:
    """Each schema error as (list name or "", index in that list, column or "", French detail)."""
    for item in error.errors():
        location: tuple[Any, ...] = tuple(item.get("loc", ()))
        context = item.get("ctx") or {}
        cause = context.get("error")
        # A model validator names the field it blames (FieldValueError, InvalidIdentifier): "siren",
        # "due_date" or a whole path such as "invoices[1].number".
        blamed = getattr(cause, "field", None)
        if isinstance(blamed, str) and blamed and (not location or location[-1] != blamed):
            parts = re.findall(r"\[(\d+)\]|([^.\[\]]+)", blamed)
            location += tuple(int(index) if index else name for index, name in parts)
        kind = item.get("type", "")
        if cause is not None:
            detail = str(cause)
        elif kind == "missing" or (kind == "string_too_short" and context.get("min_length", 1) <= 1):
            detail = "La valeur est obligatoire."
        elif kind == "string_too_short":
            detail = f"La valeur doit comporter au moins {context.get('min_length')} caractères."
        elif kind == "string_too_long":
            detail = f"La valeur ne doit pas dépasser {context.get('max_length')} caractères."
        else:
            detail = "La valeur n'est pas valide."
        if len(location) >= 2 and location[0] in ("invoices", "payments") and isinstance(location[1], int):
            fields = _INVOICE_FIELDS if location[0] == "invoices" else _PAYMENT_FIELDS
            column = fields.get(location[2], "") if len(location) > 2 else ""
            yield location[0], location[1], column, detail
        else:
            yield "", 0, _SHARED_PATHS.get(location, ""), detail


def _sentence(detail: str) -> str:
    """A schema message made to follow « Ligne 7, colonne « x » : » (« Le montant… » → « le montant… »)."""
    if len(detail) > 1 and detail[0].isupper() and not detail[1].isupper():
        detail = detail[0].lower() + detail[1:]
    return detail if detail.endswith((".", "…", "?", "!")) else detail + "."
