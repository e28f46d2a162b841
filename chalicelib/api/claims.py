"""Claims API for creditors (prefix /v1): drafts, evidence uploads, pre-check, submission, withdrawal,
timeline. Parse → call one service function → respond through the response models of
``claim_schemas``. A claim the caller may not see answers 404 (never 403: ids do not leak).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel

from chalicelib import bootstrap, logs
from chalicelib.adapters.errors import TransientError
from chalicelib.api import claim_schemas
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.pages import list_filters, page_request
from chalicelib.api.payments import open_checkout_for
from chalicelib.api.validation import M, parse_body
from chalicelib.clock import business_now
from chalicelib.documents.inspection import MAX_UPLOAD_BYTES
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim, DocumentKind
from chalicelib.services import claims
from chalicelib.services.terms import CgvConsent
from chalicelib.settings import get_settings

claim_routes = Blueprint(__name__)

TIMELINE_PAGE = 200  # a claim's life is a few dozen events: one page but for the longest

_CREDITOR = (Role.CREDITOR,)
_READERS = (Role.CREDITOR, Role.LAWYER, Role.OPERATOR)


def _body(model: type[M]) -> M:

    return parse_body(claim_routes.current_request, model)


def _now() -> datetime:
    """The business clock (chalicelib/clock.py): claims, documents and their timeline are dated on it."""

    return business_now()


def _reply(model: BaseModel, status: int = 200) -> Response:
    return json_response(model.model_dump(mode="json"), status)


def _claim_view(claim: Claim) -> claim_schemas.ClaimView:
    return claim_schemas.ClaimView.of(claim)


# --- drafts ---------------------------------------------------------------------------------------------


@claim_routes.route("/claims", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def create_claim(identity: Identity) -> Response:
    body = _body(claim_schemas.CreateClaimBody)
    claim = claims.create_draft(bootstrap.claims(), identity, body.content, now=_now())
    logs.bind(claim_id=claim.claim_id)  # the first line of the claim's story (chalicelib/logs.py)
    return _reply(_claim_view(claim), 201)


@claim_routes.route("/claims", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_READERS)
def list_claims(identity: Identity) -> Response:
    """One page of the caller's claims, newest first (a lawyer's: the date to act on each, earliest first,
    as their dossiers), (``limit``, ``cursor``), filtered by ``status`` (one or several, comma-separated)
    and ``q`` (in the debtor's name or the reference): summaries only."""
    schemas = claim_schemas
    params: Mapping[str, str] = claim_routes.current_request.query_params or {}
    statuses, text = list_filters(params)
    role = f"{identity.role.value}|by-due" if identity.role is Role.LAWYER else identity.role.value
    scope = f"claims|{role}|{identity.user_id}|{','.join(statuses)}|{text}"
    page = page_request(params, scope=scope)
    if identity.role is Role.OPERATOR:
        return _operator_list(identity, page, statuses, text)
    claims, last_key = bootstrap.claims().page_for(
        identity, limit=page.limit, after=page.after, statuses=statuses, text=text
    )
    summaries = [schemas.ClaimSummary.of(c) for c in claims]
    return _reply(schemas.ClaimList(claims=summaries, next_cursor=page.next_cursor(last_key)))


def _operator_list(identity: Identity, page: Any, statuses: list[Any], text: str) -> Response:
    """The operator's search (issue 24): ``q`` is a claim id (``clm_…``), a creditor's email (``…@…``: their
    claims) or words of the debtor's name or the reference; each row names its creditor."""
    repository = bootstrap.claims()
    accounts = bootstrap.accounts()
    if text.startswith("clm_") and " " not in text:
        from chalicelib.domain.errors import NotFound

        try:
            found = [repository.get(text)]
        except NotFound:
            found = []
        claims = [c for c in found if not statuses or c.status in statuses]
        last_key = None
    elif "@" in text and " " not in text:
        from chalicelib.domain.accounts import Role as AccountRole

        matching = [a for a in accounts.list_by_role(AccountRole.CREDITOR) if a.email.lower() == text.lower()]
        claims, last_key = [], None
        if matching:
            claims, last_key = repository.page_for(
                identity,
                limit=page.limit,
                after=page.after,
                statuses=statuses,
                creditor_id=matching[0].user_id,
            )
    else:
        claims, last_key = repository.page_for(
            identity, limit=page.limit, after=page.after, statuses=statuses, text=text
        )
    names: dict[str, str] = {}
    for creditor_id in {c.creditor_id for c in claims}:
        account = accounts.find(creditor_id)
        profile = account.creditor if account is not None else None
        names[creditor_id] = (
            f"{profile.legal_name} ({account.email})"
            if profile and account
            else account.email
            if account
            else "—"
        )
    summaries = [
        claim_schemas.ClaimSummary.for_operator(c, creditor=names.get(c.creditor_id, "—")) for c in claims
    ]
    return _reply(claim_schemas.ClaimList(claims=summaries, next_cursor=page.next_cursor(last_key)))


@claim_routes.route("/dashboard", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def creditor_dashboard(identity: Identity) -> Response:
    """The creditor's totals by status and aged balance: one read of the rows every claim write keeps."""
    from chalicelib.domain.totals import dashboard

    today = get_settings().today()
    figures = dashboard(bootstrap.claims().totals(identity.creditor_id or ""), today)
    return _reply(claim_schemas.DashboardView.of(figures, today))


@claim_routes.route("/claims/{claim_id}", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_READERS)
def get_claim(identity: Identity, claim_id: str) -> Response:
    return _reply(_claim_view(bootstrap.claims().get_for(identity, claim_id)))


@claim_routes.route("/claims/{claim_id}", methods=["PUT"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def update_claim(identity: Identity, claim_id: str) -> Response:
    bootstrap.claims().get_for(identity, claim_id)  # someone else's claim is 404 whatever the body
    body = _body(claim_schemas.UpdateClaimBody)
    claim = claims.update_draft(
        bootstrap.claims(), identity, claim_id, body.content, expected_version=body.version, now=_now()
    )
    return _reply(_claim_view(claim))


@claim_routes.route("/claims/{claim_id}/withdraw", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def withdraw_claim(identity: Identity, claim_id: str) -> Response:
    body = _body(claim_schemas.WithdrawBody)
    claim = claims.withdraw(bootstrap.claims(), identity, claim_id, reason=body.reason, now=_now())
    return _reply(_claim_view(claim))


# --- pre-check and submission ---------------------------------------------------------------------------


@claim_routes.route("/claims/{claim_id}/precheck", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def precheck_claim(identity: Identity, claim_id: str) -> Response:
    result = claims.precheck(
        bootstrap.claims(), bootstrap.accounts(), identity, claim_id, today=get_settings().today(), now=_now()
    )
    return _reply(claim_schemas.PrecheckView.model_validate(result.as_dict()))


@claim_routes.route("/claims/{claim_id}/declaration", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def request_declaration(identity: Identity, claim_id: str) -> Response:
    """Start ``prepare_declaration`` (WeasyPrint is a PDF function's, not the API's); the page asks
    ``GET …/declaration`` until the letter is there."""
    from chalicelib.adapters.lambda_invoker import invoke_async
    from chalicelib.services import declaration

    declaration.check_requestable(bootstrap.claims(), identity, claim_id)
    invoke_async("prepare_declaration", {"claim_id": claim_id})
    return _reply(claim_schemas.DeclarationView(status="pending"), 202)


@claim_routes.route("/claims/{claim_id}/declaration", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def get_declaration(identity: Identity, claim_id: str) -> Response:
    from chalicelib.services import declaration

    found = declaration.current(bootstrap.claims(), bootstrap.documents(), identity, claim_id)
    return _reply(claim_schemas.DeclarationView.model_validate(found.as_dict()))


@claim_routes.route("/claims/{claim_id}/submit", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def submit_claim(identity: Identity, claim_id: str) -> Response:
    schemas = claim_schemas
    raw = claim_routes.current_request.raw_body or b""
    body = _body(schemas.SubmitBody) if raw.strip() else schemas.SubmitBody()
    result = claims.submit(
        bootstrap.claims(),
        bootstrap.accounts(),
        identity,
        claim_id,
        today=get_settings().today(),
        now=_now(),
        consent=CgvConsent(in_force=get_settings().cgv_version, offered=body.cgv_version),
        expected_version=body.version,
    )
    claim, opened, message = _open_first_checkout(identity, result.claim)
    return _reply(
        schemas.SubmitView(
            claim=_claim_view(claim),
            precheck=schemas.PrecheckView.model_validate(result.as_dict()),
            checkout=schemas.CheckoutView.of(opened) if opened is not None else None,
            message=message,
        )
    )


def _open_first_checkout(identity: Identity, claim: Any) -> tuple[Any, Any, str]:
    """Submitting creates the Stripe Checkout of the notice; if Stripe does not answer, the claim stays
    submitted and payable (``POST /v1/claims/{id}/checkout`` opens it later)."""
    import logging

    try:
        claim, opened = open_checkout_for(identity, claim.claim_id)
    except TransientError:
        logging.getLogger("claims.api").warning("checkout not opened for %s", claim.claim_id, exc_info=True)
        return (
            claim,
            None,
            (
                "Créance soumise. Le paiement n'a pas pu être préparé pour l'instant : "
                "réessayez depuis la page de la créance."
            ),
        )
    # The creditor's email (what to pay, and where) was queued with the submission itself.
    return claim, opened, "Créance soumise : réglez le service pour que la mise en demeure parte."


# --- evidence -------------------------------------------------------------------------------------------


@claim_routes.route("/claims/{claim_id}/documents", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def request_upload(identity: Identity, claim_id: str) -> Response:

    schemas = claim_schemas
    bootstrap.claims().get_for(identity, claim_id)  # someone else's claim is 404 whatever the body
    body = _body(schemas.UploadRequestBody)
    slot = claims.request_upload(
        bootstrap.claims(),
        bootstrap.documents(),
        identity,
        claim_id,
        filename=body.filename,
        kind=DocumentKind(body.kind),
        content_type=body.content_type,
        max_bytes=MAX_UPLOAD_BYTES,
        now=_now(),
        title=body.title,
        document_date=body.document_date.isoformat() if body.document_date else "",
    )
    return _reply(
        schemas.UploadSlotView(
            document=schemas.DocumentView.of(slot.document),
            upload=dict(slot.upload),
            max_bytes=MAX_UPLOAD_BYTES,
            message="Envoyez le fichier avec ce formulaire, puis confirmez le dépôt pour qu'il soit vérifié.",
        ),
        201,
    )


@claim_routes.route(
    "/claims/{claim_id}/documents/{document_id}/confirm",
    methods=["POST"],
    authorizer=signed_in,
    cors=API_CORS,
)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def confirm_upload(identity: Identity, claim_id: str, document_id: str) -> Response:
    schemas = claim_schemas
    result = claims.confirm_upload(
        bootstrap.claims(), bootstrap.documents(), identity, claim_id, document_id, now=_now()
    )
    return _reply(
        schemas.ConfirmedUploadView(
            document=schemas.DocumentView.of(result.document),
            prefill=dict(result.prefill) if result.prefill is not None else None,
            claim=_claim_view(result.claim),
        )
    )


@claim_routes.route(
    "/claims/{claim_id}/documents/{document_id}", methods=["DELETE"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(claim_routes, *_CREDITOR)
def remove_document(identity: Identity, claim_id: str, document_id: str) -> Response:
    claim = claims.remove_document(
        bootstrap.claims(), bootstrap.documents(), identity, claim_id, document_id, now=_now()
    )
    return _reply(_claim_view(claim))


# --- timeline -------------------------------------------------------------------------------------------


@claim_routes.route("/claims/{claim_id}/timeline", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(claim_routes, *_READERS)
def claim_timeline(identity: Identity, claim_id: str) -> Response:
    """The claim's events in order, a page at a time (``limit``, 200 by default; ``cursor``)."""
    schemas = claim_schemas
    params: Mapping[str, str] = claim_routes.current_request.query_params or {}
    page = page_request(params, scope=f"timeline|{identity.user_id}|{claim_id}", default_limit=TIMELINE_PAGE)
    after = int((page.after or {}).get("sequence", 0))
    events, more = claims.timeline(bootstrap.claims(), identity, claim_id, after=after, limit=page.limit)
    cursor = page.next_cursor({"sequence": events[-1].sequence} if more and events else None)
    views = [schemas.TimelineEventView.of(e) for e in events]
    return _reply(schemas.TimelineView(claim_id=claim_id, events=views, next_cursor=cursor))


@claim_routes.route(
    "/claims/{claim_id}/timeline/verify", methods=["GET"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(claim_routes, *_READERS)
def verify_timeline(identity: Identity, claim_id: str) -> Response:
    check = claims.verify_timeline(bootstrap.claims(), identity, claim_id)
    return _reply(claim_schemas.ChainCheckView(claim_id=claim_id, **check.as_dict()))
