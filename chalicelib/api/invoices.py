"""The platform's fee invoices (prefix /v1): a claim's invoices and credit notes with a short-lived link to
each PDF, for its creditor and the operators (never a lawyer: 403), and the creditor's own, page by page.
Parse → call one function of ``chalicelib/services/invoices.py`` → respond through ``invoice_schemas``.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.invoice_schemas import FeeInvoiceDownloadView, FeeInvoiceList, FeeInvoiceView
from chalicelib.api.pages import page_request
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services.invoices import claim_invoices, creditor_page, invoice_download

invoice_routes = Blueprint(__name__)


@invoice_routes.route("/claims/{claim_id}/invoices", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(invoice_routes, Role.CREDITOR, Role.OPERATOR)
def claim_invoice_list(identity: Identity, claim_id: str) -> Response:

    found = claim_invoices(bootstrap.claims(), bootstrap.invoices(), identity, claim_id)
    listed = FeeInvoiceList(invoices=[FeeInvoiceView.of(invoice) for invoice in found])
    return json_response(listed.model_dump(mode="json"))


@invoice_routes.route(
    "/claims/{claim_id}/invoices/{number}", methods=["GET"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(invoice_routes, Role.CREDITOR, Role.OPERATOR)
def claim_invoice_pdf(identity: Identity, claim_id: str, number: str) -> Response:

    link = invoice_download(
        bootstrap.claims(),
        bootstrap.invoices(),
        bootstrap.documents(),
        identity,
        claim_id,
        number,
        start_render=bootstrap.start_invoice_render,
    )
    view = FeeInvoiceDownloadView(
        url=link.url, filename=link.filename, expires_in=link.expires_in, sha256=link.sha256
    )
    return json_response(view.model_dump(mode="json"))


@invoice_routes.route("/me/invoices", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(invoice_routes, Role.CREDITOR)
def my_invoices(identity: Identity) -> Response:

    params: Mapping[str, str] = invoice_routes.current_request.query_params or {}
    page = page_request(params, scope=f"invoices|{identity.user_id}")
    found, last_key = creditor_page(bootstrap.invoices(), identity, limit=page.limit, after=page.after)
    listed = FeeInvoiceList(
        invoices=[FeeInvoiceView.of(invoice) for invoice in found], next_cursor=page.next_cursor(last_key)
    )
    return json_response(listed.model_dump(mode="json"))
