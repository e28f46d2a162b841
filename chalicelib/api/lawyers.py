"""The partner lawyers' portal (prefix /v1/lawyer): their dossiers, accept or decline, download links,
and what they record after filing. A dossier not assigned to the caller answers 404. Plus the
operator's retry of an assignment that found no lawyer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import lawyer_schemas
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.claim_schemas import ClaimView
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.lawyer_schemas import (
    DeclineBody,
    DossierListView,
    LinkBody,
    LinkView,
    ReviewBody,
    dossier_detail,
    dossier_view,
)
from chalicelib.api.pages import list_filters, page_request
from chalicelib.api.validation import parse_body
from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.errors import InvalidTransition
from chalicelib.services import lawyers, review
from chalicelib.services.payments import reject_and_refund
from chalicelib.settings import get_settings

lawyer_routes = Blueprint(__name__)


def _creditor_name(accounts: Any, claim: Claim, cache: dict[str, str]) -> str:
    if claim.creditor_id not in cache:
        account = accounts.find(claim.creditor_id)
        profile = account.creditor if account is not None else None
        cache[claim.creditor_id] = (profile.legal_name if profile and profile.legal_name else "") or "—"
    return cache[claim.creditor_id]


def _detail(claims: Any, claim: Claim, status: int = 200) -> Response:

    name = _creditor_name(bootstrap.accounts(), claim, {})
    view = dossier_detail(
        claim, claims.events(claim.claim_id), creditor_name=name, today=get_settings().today()
    )
    return json_response(view.model_dump(mode="json"), status)


@lawyer_routes.route("/lawyer/dossiers", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def lawyer_dossiers(identity: Identity) -> Response:
    """One page of the caller's dossiers (``limit``, ``cursor``, ``status``, ``q``) in one order across
    the pages: the date by which the lawyer must act, earliest first — the next procedure deadline (one
    already passed first), else the prescription's last day (chalicelib/domain/lawyer_case.py ``due_key``,
    kept in the ``by_lawyer_due`` index). The urgent dossiers therefore lead; each row keeps its ``urgent``
    badge."""

    accounts = bootstrap.accounts()
    cache: dict[str, str] = {}
    today = get_settings().today()
    params: Mapping[str, str] = lawyer_routes.current_request.query_params or {}
    statuses, text = list_filters(params)
    # "by-due": a cursor of the list as it was read before (another index's key) is refused, not misread.
    page = page_request(params, scope=f"dossiers|by-due|{identity.user_id}|{','.join(statuses)}|{text}")
    claims, last_key = bootstrap.claims().page_for(
        identity, limit=page.limit, after=page.after, statuses=statuses, text=text
    )
    views = [
        dossier_view(claim, creditor_name=_creditor_name(accounts, claim, cache), today=today)
        for claim in claims
    ]
    listed = DossierListView(dossiers=views, next_cursor=page.next_cursor(last_key))
    return json_response(listed.model_dump(mode="json"))


@lawyer_routes.route("/lawyer/dossiers/{claim_id}", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def lawyer_dossier(identity: Identity, claim_id: str) -> Response:
    claims = bootstrap.claims()
    return _detail(claims, claims.get_for(identity, claim_id))


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/accept", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def accept_dossier(identity: Identity, claim_id: str) -> Response:

    claims = bootstrap.claims()
    claim = lawyers.accept(
        claims,
        bootstrap.accounts(),
        identity,
        claim_id,
        resume=bootstrap.engine().send_task_success,
        now=business_now(),
    )
    return _detail(claims, claim)


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/decline", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def decline_dossier(identity: Identity, claim_id: str) -> Response:
    """The dossier leaves the caller's list (their links stop working) and goes to another lawyer."""

    bootstrap.claims().get_for(identity, claim_id)  # a dossier not theirs is 404 whatever the body
    body = parse_body(lawyer_routes.current_request, DeclineBody)
    lawyers.decline(
        bootstrap.claims(),
        bootstrap.accounts(),
        identity,
        claim_id,
        reason=body.reason,
        resume=bootstrap.engine().send_task_success,
        store=bootstrap.documents(),
        base_url=get_settings().public_url,
        now=business_now(),
    )
    return json_response({"claim_id": claim_id, "status": "declined", "message": "Dossier décliné."})


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/review", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def review_claim(identity: Identity, claim_id: str) -> Response:
    """The reviewing lawyer's decision before any letter: approve (the notice goes out) or refuse with a
    reason for the creditor (rejected and refunded)."""

    claims = bootstrap.claims()
    claims.get_for(identity, claim_id)  # a claim not theirs is 404 whatever the body
    body = parse_body(lawyer_routes.current_request, ReviewBody)
    resume = bootstrap.engine().send_task_success
    if body.decision == "approve":
        claim = review.approve(
            claims,
            bootstrap.accounts(),
            identity,
            claim_id,
            note=body.note,
            resume=resume,
            now=business_now(),
        )
        return json_response(
            {
                "claim_id": claim_id,
                "status": claim.status.value,
                "message": "Accord enregistré : la mise en demeure part.",
            }
        )

    gateway = bootstrap.stripe()
    claim = review.refuse(
        claims,
        bootstrap.accounts(),
        identity,
        claim_id,
        reason=body.note,
        resume=resume,
        refund=lambda cid, **kw: reject_and_refund(claims, gateway, cid, **kw),
        now=business_now(),
    )
    return json_response(
        {
            "claim_id": claim_id,
            "status": claim.status.value,
            "message": "Refus enregistré : le créancier est remboursé et informé.",
        }
    )


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/links", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def dossier_link(identity: Identity, claim_id: str) -> Response:
    """A short-lived download link to the merged PDF or the ZIP (recorded in the claim's timeline)."""

    bootstrap.claims().get_for(identity, claim_id)  # a dossier not theirs is 404 whatever the body
    body = parse_body(lawyer_routes.current_request, LinkBody)
    link = lawyers.download_link(
        bootstrap.claims(), bootstrap.documents(), identity, claim_id, body.document, now=business_now()
    )
    view = LinkView(url=link.url, expires_at=link.expires_at, filename=link.filename)
    return json_response(view.model_dump(mode="json"), 201)


def _record_step(identity: Identity, claim_id: str, body_model: str, record: Any) -> Response:
    """What every "record a step after filing" route does: the dossier must be the caller's (404 whatever
    the body), then the body is checked, then ``record(claims, body, today, now)`` writes the step."""

    claims = bootstrap.claims()
    claims.get_for(identity, claim_id)
    body = parse_body(lawyer_routes.current_request, getattr(lawyer_schemas, body_model))
    return _detail(claims, record(claims, body, get_settings().today(), business_now()))


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/filing", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def record_filing(identity: Identity, claim_id: str) -> Response:

    return _record_step(
        identity,
        claim_id,
        "FilingBody",
        lambda claims, body, today, now: lawyers.record_filing(
            claims,
            identity,
            claim_id,
            court=body.court,
            filed_on=body.filed_on,
            reference=body.reference,
            today=today,
            now=now,
        ),
    )


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/order", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def record_order(identity: Identity, claim_id: str) -> Response:

    return _record_step(
        identity,
        claim_id,
        "OrderBody",
        lambda claims, body, today, now: lawyers.record_order(
            claims,
            identity,
            claim_id,
            outcome=body.outcome,
            ordered_on=body.ordered_on,
            today=today,
            now=now,
            scheduler=bootstrap.engine(),
        ),
    )


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/service", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def record_service(identity: Identity, claim_id: str) -> Response:

    return _record_step(
        identity,
        claim_id,
        "ServiceBody",
        lambda claims, body, today, now: lawyers.record_service(
            claims,
            identity,
            claim_id,
            served_on=body.served_on,
            in_person=body.in_person,
            today=today,
            now=now,
            scheduler=bootstrap.engine(),
        ),
    )


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/opposition", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def record_opposition(identity: Identity, claim_id: str) -> Response:

    return _record_step(
        identity,
        claim_id,
        "OppositionBody",
        lambda claims, body, today, now: lawyers.record_opposition(
            claims, identity, claim_id, opposed_on=body.opposed_on, today=today, now=now
        ),
    )


@lawyer_routes.route(
    "/lawyer/dossiers/{claim_id}/enforcement", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.LAWYER)
def record_enforcement(identity: Identity, claim_id: str) -> Response:

    return _record_step(
        identity,
        claim_id,
        "EnforcementBody",
        lambda claims, body, today, now: lawyers.record_enforcement(
            claims, identity, claim_id, started_on=body.started_on, note=body.note, today=today, now=now
        ),
    )


@lawyer_routes.route(
    "/operator/claims/{claim_id}/assign", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(lawyer_routes, Role.OPERATOR)
def retry_assignment(identity: Identity, claim_id: str) -> Response:
    """Run the assignment again for a dossier waiting for want of a lawyer (after inviting one, widening
    a lawyer's départements or capacity)."""

    claims = bootstrap.claims()
    claim = claims.get(claim_id)
    if claim.status is not ClaimStatus.DOSSIER_READY or lawyers.case_of(claim).lawyer_id:
        raise InvalidTransition("Cette créance n'attend pas l'attribution d'un avocat.")
    outcome = lawyers.assign(
        claims,
        bootstrap.accounts(),
        claim_id,
        task_token=claim.task_token,
        resume=bootstrap.engine().send_task_success,
        base_url=get_settings().public_url,
        now=business_now(),
        store=bootstrap.documents(),
        again=True,
    )
    body = ClaimView.of(claims.get(claim_id)).model_dump(mode="json") | {"assignment": outcome}
    return json_response(body)
