"""Bulk import of an aged-balance CSV (prefix /v1): send the file, then follow the job until its report.

``POST /v1/imports?filename=balance.csv`` with the CSV as the body (``text/csv``) answers 202 at once;
``GET /v1/imports/{id}`` gives the progress (percent, lines read, drafts created) and, at the end, the
line-by-line report. The columns are documented in ``docs/import-csv.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.adapters.lambda_invoker import invoke_async
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.claim_schemas import ImportList, ImportView
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.pages import page_request
from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services.bulk_import import start_import as start
from chalicelib.services.bulk_import import with_report

import_routes = Blueprint(__name__)

CSV_CONTENT_TYPES = [
    "text/csv",
    "text/plain",
    "application/csv",
    "application/vnd.ms-excel",
    "application/octet-stream",
]


@import_routes.route(
    "/imports", methods=["POST"], authorizer=signed_in, cors=API_CORS, content_types=CSV_CONTENT_TYPES
)
@handles_errors
@requires_role(import_routes, Role.CREDITOR)
def start_import(identity: Identity) -> Response:

    request = import_routes.current_request
    params: Mapping[str, str] = request.query_params or {}
    filename = (params.get("filename") or "import.csv").strip()[:200]
    raw = request.raw_body or b""
    job = start(
        bootstrap.imports(),
        bootstrap.documents(),
        lambda import_id: invoke_async("import_claims", {"import_id": import_id}),
        identity,
        data=raw if isinstance(raw, bytes) else raw.encode(),
        filename=filename,
        now=business_now(),
    )
    return json_response(ImportView.of(job).model_dump(mode="json"), 202)


@import_routes.route("/imports", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(import_routes, Role.CREDITOR)
def list_imports(identity: Identity) -> Response:

    params: Mapping[str, str] = import_routes.current_request.query_params or {}
    page = page_request(params, scope=f"imports|{identity.user_id}")
    jobs, last_key = bootstrap.imports().page_for_creditor(
        identity.user_id, limit=page.limit, after=page.after
    )
    listed = ImportList(imports=[ImportView.of(job) for job in jobs], next_cursor=page.next_cursor(last_key))
    return json_response(listed.model_dump(mode="json"))


@import_routes.route("/imports/{import_id}", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(import_routes, Role.CREDITOR)
def get_import(identity: Identity, import_id: str) -> Response:

    job = bootstrap.imports().get_for_creditor(identity.user_id, import_id)
    return json_response(ImportView.of(with_report(bootstrap.documents(), job)).model_dump(mode="json"))
