"""The rate tables run by the operator (prefix /v1): what they cover and the semesters added
(``GET /v1/operator/rates``), and adding a semester (``POST /v1/operator/rates``).
Parse → call one function of ``chalicelib/services/rates.py`` → respond."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.clock import business_now, business_today
from chalicelib.domain.accounts import Identity, Role

rate_routes = Blueprint(__name__)


@rate_routes.route("/operator/rates", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def list_rates(identity: Identity) -> Response:
    from chalicelib.adapters.rates_repository import RateRepository
    from chalicelib.services.rates import coverage, current_tables

    repository = RateRepository()
    return json_response({"coverage": coverage(current_tables(repository)), "added": repository.details()})


@rate_routes.route("/operator/rates", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def add_rates(identity: Identity) -> Response:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.rates_repository import RateRepository
    from chalicelib.api.rate_schemas import RateSemesterBody
    from chalicelib.api.validation import parse_body
    from chalicelib.services.rates import add_semester

    body = parse_body(rate_routes.current_request, RateSemesterBody)
    added = add_semester(
        identity,
        body.model_dump(),
        rates=RateRepository(),
        claims=ClaimRepository(),
        accounts=AccountRepository(),
        today=business_today(),
        now=business_now(),
    )
    return json_response(added.as_dict(), status=201)
