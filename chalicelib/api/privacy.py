"""Privacy (RGPD, prefix /v1): the creditor downloads everything the platform holds about them
(``GET /v1/me/export``), and an operator runs the retention plan of RULEBOOK 7.1 on request
(``POST /v1/operator/retention/run``; it also runs daily, ``app.apply_retention``).
Parse → call one function of ``chalicelib/services/privacy.py`` → respond.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.privacy_schemas import RetentionRunBody
from chalicelib.api.validation import parse_body
from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services.privacy import export_for
from chalicelib.services.privacy import run_retention as run
from chalicelib.settings import get_settings

privacy_routes = Blueprint(__name__)


@privacy_routes.route("/me/export", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(privacy_routes, Role.CREDITOR)
def export_my_data(identity: Identity) -> Response:

    document = export_for(
        identity,
        accounts=bootstrap.accounts(),
        claims=bootstrap.claims(),
        imports=bootstrap.imports(),
        files=bootstrap.documents(),
        now=business_now(),
        today=get_settings().today(),
        invoices=bootstrap.invoices(),
    )
    response = json_response(document)
    response.headers["Content-Disposition"] = 'attachment; filename="mes-donnees.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@privacy_routes.route("/operator/retention/run", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(privacy_routes, Role.OPERATOR)
def run_retention(identity: Identity) -> Response:

    raw = privacy_routes.current_request.raw_body or b""
    body = parse_body(privacy_routes.current_request, RetentionRunBody) if raw.strip() else RetentionRunBody()
    return json_response(run(dry_run=body.dry_run).as_dict())
