"""The debtor lookup (prefix /v1): ``GET /v1/companies?q=…&code_postal=…`` — a SIREN, a SIRET or a name
(with an optional postal code) → the companies of the public registry, in our format, for the creditor to pick
one on the debtor step (chalicelib/domain/companies.py). The registry not answering is a 503 in French that
says to type the debtor by hand: the filing never depends on it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, error_response, handles_errors, json_response
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.companies import SOURCE, Company
from chalicelib.domain.errors import InvalidInput
from chalicelib.legal.identifiers import InvalidIdentifier, validate_siren, validate_siret

company_routes = Blueprint(__name__)

MAX_QUERY_CHARS = 100
UNAVAILABLE_FR = (
    "Le registre des entreprises ne répond pas pour l'instant : saisissez le débiteur à la main, ou "
    "réessayez dans quelques minutes."
)


def _query(params: Mapping[str, str]) -> tuple[str, str]:
    text = " ".join((params.get("q") or "").split())
    postal = (params.get("code_postal") or "").strip()
    if len(text) < 3:
        raise InvalidInput(
            "Indiquez au moins 3 caractères : un SIREN, un SIRET ou un nom.", code="invalid_query", field="q"
        )
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInput(
            f"La recherche ne doit pas dépasser {MAX_QUERY_CHARS} caractères.",
            code="invalid_query",
            field="q",
        )
    digits = text.replace(" ", "")
    try:  # a typo in a SIREN or a SIRET is said here, in French, before the registry is asked
        if digits.isascii() and digits.isdigit() and len(digits) == 9:
            text = validate_siren(digits, "q")
        elif digits.isascii() and digits.isdigit() and len(digits) == 14:
            text = validate_siret(digits, "q")
    except InvalidIdentifier as invalid:
        raise InvalidInput(invalid.message, code="invalid_identifier", field="q") from None
    if postal and not re.fullmatch(r"[0-9]{5}", postal):
        raise InvalidInput(
            "Le code postal comporte 5 chiffres.", code="invalid_postal_code", field="code_postal"
        )
    return text, postal


def _view(company: Company) -> dict[str, Any]:
    return {
        "siren": company.siren,
        "name": company.name,
        "trade_name": company.trade_name or None,
        "sole_trader": company.sole_trader,
        "legal_form_code": company.legal_form_code,
        "head_office_siret": company.head_office_siret,
        "address": {
            "line1": company.address_line,
            "line2": company.address_complement or None,
            "postal_code": company.postal_code,
            "city": company.city,
        },
        "active": company.active,
        "closed_on": company.closed_on.isoformat() if company.closed_on else None,
        "finding": company.finding or None,
        "vat_numbers": list(company.vat_numbers),
        "suggested_category": company.suggestion.category,
        "category_reason": company.suggestion.reason,
    }


@company_routes.route("/companies", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(company_routes, Role.CREDITOR)
def search_companies(identity: Identity) -> Response:
    from chalicelib.adapters.company_registry import RegistryUnavailable

    text, postal = _query(company_routes.current_request.query_params or {})
    bootstrap.limiter().hit("company_lookup_account", identity.user_id)  # 429 with Retry-After beyond it
    registry = bootstrap.company_registry()
    if registry is None:
        return error_response(503, "registry_off", "La recherche d'entreprise n'est pas activée ici.")
    try:
        found = registry.search(text, postal_code=postal)
    except RegistryUnavailable as error:
        return error_response(
            503, "registry_unavailable", UNAVAILABLE_FR, details=[{"field": "q", "message": str(error)}]
        )
    return json_response(
        {
            "companies": [_view(company) for company in found],
            "source": SOURCE,
            "simulated": registry.simulated,
        }
    )
