"""An operator's view of one claim (prefix /v1, issue 24): ``GET /v1/operator/claims/{claim_id}`` — the claim,
its creditor, payments and refunds with their Stripe references, fee invoices, registered letter, lawyer,
emails (never their content) and the whole timeline with its actors, for a support request. Operators only:
creditors and lawyers get 403, as on every ``/operator/`` route; an unknown claim is 404.
Parse → call ``chalicelib/services/operator_view.claim_file`` → respond through ``operator_schemas``."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.operator_schemas import OperatorClaimView
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services.operator_view import claim_file

operator_routes = Blueprint(__name__)


@operator_routes.route("/operator/claims/{claim_id}", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(operator_routes, Role.OPERATOR)
def operator_claim(identity: Identity, claim_id: str) -> Response:

    found = claim_file(
        identity,
        claim_id,
        claims=bootstrap.claims(),
        accounts=bootstrap.accounts(),
        invoices=bootstrap.invoices(),
    )
    return json_response(OperatorClaimView.of(found).model_dump(mode="json"))
