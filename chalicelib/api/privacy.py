"""Privacy (RGPD, prefix /v1): the creditor asks for everything the platform holds about them
(``POST /v1/me/exports``: 202, prepared in the background), follows it (``GET /v1/me/exports/{id}``, the
latest ten: ``GET /v1/me/exports``) and downloads it once ready (chalicelib/services/data_export.py); an
operator runs the retention plan of RULEBOOK 7.1 on request (``POST /v1/operator/retention/run``; it also
runs daily, ``app.apply_retention``). Parse → call one service function → respond.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.privacy_schemas import ExportView, RetentionRunBody
from chalicelib.api.validation import parse_body
from chalicelib.clock import real_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.data_export import ExportJob
from chalicelib.services import data_export
from chalicelib.services.privacy import run_retention as run

privacy_routes = Blueprint(__name__)


def _view(job: ExportJob) -> dict[str, Any]:
    url = data_export.download_url(job, bootstrap.export_jobs())
    view = ExportView.of(job, url, data_export.DOWNLOAD_SECONDS).model_dump(mode="json")
    return view


def _answer(body: dict[str, Any], status: int = 200) -> Response:
    response = json_response(body, status)
    response.headers["Cache-Control"] = "no-store"  # a download link, and personal data
    return response


@privacy_routes.route("/me/exports", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(privacy_routes, Role.CREDITOR)
def start_export(identity: Identity) -> Response:

    job = data_export.start_export(
        identity, jobs=bootstrap.export_jobs(), start_worker=bootstrap.start_data_export, now=real_now()
    )
    return _answer(_view(job), 202)


@privacy_routes.route("/me/exports", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(privacy_routes, Role.CREDITOR)
def list_exports(identity: Identity) -> Response:

    jobs = data_export.recent_exports(
        identity, jobs=bootstrap.export_jobs(), start_worker=bootstrap.start_data_export, now=real_now()
    )
    return _answer({"exports": [_view(job) for job in jobs]})


@privacy_routes.route("/me/exports/{export_id}", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(privacy_routes, Role.CREDITOR)
def get_export(identity: Identity, export_id: str) -> Response:

    job = data_export.export_status(
        identity,
        export_id,
        jobs=bootstrap.export_jobs(),
        start_worker=bootstrap.start_data_export,
        now=real_now(),
    )
    return _answer(_view(job))


@privacy_routes.route("/operator/retention/run", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(privacy_routes, Role.OPERATOR)
def run_retention(identity: Identity) -> Response:

    raw = privacy_routes.current_request.raw_body or b""
    body = parse_body(privacy_routes.current_request, RetentionRunBody) if raw.strip() else RetentionRunBody()
    return json_response(run(dry_run=body.dry_run).as_dict())
