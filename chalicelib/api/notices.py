"""The mise en demeure of a claim (prefix /v1): the creditor records the registered letter's first
presentation (the payment deadline follows it), and whoever may see the claim downloads the stored letter.
Parse → call one service function of ``chalicelib/services/notice.py`` → respond through ``claim_schemas``.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.claim_schemas import NoticeDownloadView, NoticePresentationBody, NoticeView
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.validation import parse_body
from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services.notice import notice_download, record_presentation

notice_routes = Blueprint(__name__)


@notice_routes.route(
    "/claims/{claim_id}/notice/presentation", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(notice_routes, Role.CREDITOR)
def record_notice_presentation(identity: Identity, claim_id: str) -> Response:

    bootstrap.claims().get_for(identity, claim_id)  # someone else's claim is 404 whatever the body
    body = parse_body(notice_routes.current_request, NoticePresentationBody)
    notice = record_presentation(
        claim_id,
        tracking_number=body.tracking_number,
        first_presented_on=body.first_presented_on,
        claims=bootstrap.claims(),
        identity=identity,
        now=business_now(),  # "in the future" is the business date's
    )
    return json_response(NoticeView.of(claim_id, notice).model_dump(mode="json"))


@notice_routes.route("/claims/{claim_id}/notice/pdf", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(notice_routes, Role.CREDITOR, Role.OPERATOR, Role.LAWYER)
def notice_pdf(identity: Identity, claim_id: str) -> Response:

    link = notice_download(
        claim_id, claims=bootstrap.claims(), store=bootstrap.documents(), identity=identity
    )
    view = NoticeDownloadView(
        url=link.url, filename=link.filename, expires_in=link.expires_in, sha256=link.sha256
    )
    return json_response(view.model_dump(mode="json"))


@notice_routes.route(
    "/claims/{claim_id}/notice/proofs/{kind}", methods=["GET"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(notice_routes, Role.CREDITOR, Role.OPERATOR, Role.LAWYER)
def notice_proof(identity: Identity, claim_id: str, kind: str) -> Response:
    from chalicelib.services.notice.download import proof_download

    link = proof_download(
        claim_id, kind[:20], claims=bootstrap.claims(), store=bootstrap.documents(), identity=identity
    )
    view = NoticeDownloadView(
        url=link.url, filename=link.filename, expires_in=link.expires_in, sha256=link.sha256
    )
    return json_response(view.model_dump(mode="json"))
