"""The rate tables run by the operator (prefix /v1): what they cover and the semesters added
(``GET /v1/operator/rates``), adding a semester (``POST /v1/operator/rates``), and the rate feed's proposals
(``GET /v1/operator/rate-proposals``, ``POST …/check``, ``POST …/{id}/confirm`` and ``…/{id}/reject``).
Parse → call one function of ``chalicelib/services/rates.py`` → respond."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.adapters.rate_feeds import rate_feeds
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.rate_schemas import RateSemesterBody, RejectProposalBody
from chalicelib.api.validation import parse_body
from chalicelib.clock import business_now, business_today
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services.rate_feed import check_rate_feeds, confirm_proposal, list_proposals, reject_proposal
from chalicelib.services.rates import add_semester, coverage, current_tables

rate_routes = Blueprint(__name__)


@rate_routes.route("/operator/rates", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def list_rates(identity: Identity) -> Response:

    repository = bootstrap.rates()
    return json_response({"coverage": coverage(current_tables(repository)), "added": repository.details()})


@rate_routes.route("/operator/rates", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def add_rates(identity: Identity) -> Response:

    body = parse_body(rate_routes.current_request, RateSemesterBody)
    added = add_semester(
        identity,
        body.model_dump(),
        rates=bootstrap.rates(),
        claims=bootstrap.claims(),
        accounts=bootstrap.accounts(),
        today=business_today(),
        now=business_now(),
    )
    return json_response(added.as_dict(), status=201)


# --- proposals of the rate feed (chalicelib/services/rate_feed.py) ---------------------------------------
@rate_routes.route("/operator/rate-proposals", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def list_rate_proposals(identity: Identity) -> Response:

    return json_response({"proposals": list_proposals(identity, bootstrap.rate_proposals())})


@rate_routes.route("/operator/rate-proposals/check", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def check_rate_proposals(identity: Identity) -> Response:

    report = check_rate_feeds(
        today=business_today(),
        now=business_now(),
        feeds=rate_feeds(timeout=8),
        proposals=bootstrap.rate_proposals(),
    )
    return json_response(report.as_dict())


@rate_routes.route(
    "/operator/rate-proposals/{proposal_id}/confirm", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def confirm_rate_proposal(identity: Identity, proposal_id: str) -> Response:

    confirmed = confirm_proposal(
        identity,
        proposal_id,
        proposals=bootstrap.rate_proposals(),
        rates=bootstrap.rates(),
        claims=bootstrap.claims(),
        accounts=bootstrap.accounts(),
        today=business_today(),
        now=business_now(),
    )
    return json_response(confirmed)


@rate_routes.route(
    "/operator/rate-proposals/{proposal_id}/reject", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(rate_routes, Role.OPERATOR)
def reject_rate_proposal(identity: Identity, proposal_id: str) -> Response:

    request = rate_routes.current_request
    body = (
        parse_body(request, RejectProposalBody) if (request.raw_body or b"").strip() else RejectProposalBody()
    )
    return json_response(
        reject_proposal(
            identity, proposal_id, body.reason, proposals=bootstrap.rate_proposals(), now=business_now()
        )
    )
