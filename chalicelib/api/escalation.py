"""What a creditor or an operator does to a running escalation (prefix /v1): answer the offer of an
injonction de payer, report that the debtor paid or disputes, redrive a stuck claim."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.claim_schemas import (
    CheckoutView,
    ClaimView,
    DebtorPaymentBody,
    EscalationDecisionBody,
    NoteBody,
)
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.payments import open_checkout_for
from chalicelib.api.validation import parse_body
from chalicelib.clock import business_now
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services import escalation
from chalicelib.services.escalation import decide_escalation, redrive, report_paid_in_full

escalation_routes = Blueprint(__name__)


def _view(claim: Any) -> Response:

    return json_response(ClaimView.of(claim).model_dump(mode="json"))


@escalation_routes.route(
    "/claims/{claim_id}/escalation", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(escalation_routes, Role.CREDITOR)
def answer_offer(identity: Identity, claim_id: str) -> Response:
    """``{"decision": "accept"}`` opens the dossier's payment (paying resumes the escalation);
    ``{"decision": "decline"}`` closes the claim."""

    claims = bootstrap.claims()
    claims.get_for(identity, claim_id)
    body = parse_body(escalation_routes.current_request, EscalationDecisionBody)
    if body.decision == "accept":
        _, checkout = open_checkout_for(identity, claim_id, body.cgv_version)
        return json_response(CheckoutView.of(checkout).model_dump(mode="json"), 201)
    claim = decide_escalation(
        claims,
        claim_id,
        decision="decline",
        actor=identity.user_id,
        resume=bootstrap.engine().send_task_success,
        now=business_now(),
    )
    return _view(claim)


@escalation_routes.route("/claims/{claim_id}/settled", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(escalation_routes, Role.CREDITOR)
def report_settled(identity: Identity, claim_id: str) -> Response:

    claims = bootstrap.claims()
    claims.get_for(identity, claim_id)
    body = parse_body(escalation_routes.current_request, NoteBody)
    claim = report_paid_in_full(
        claims,
        claim_id,
        actor=identity.user_id,
        note=body.note,
        resume=bootstrap.engine().send_task_success,
        now=business_now(),
    )
    return _view(claim)


@escalation_routes.route(
    "/claims/{claim_id}/debtor-payments", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(escalation_routes, Role.CREDITOR)
def record_debtor_payment(identity: Identity, claim_id: str) -> Response:
    """A payment the debtor made after the notice: partial → the claim goes on for the balance; the whole
    balance → settled."""

    claims = bootstrap.claims()
    claims.get_for(identity, claim_id)
    body = parse_body(escalation_routes.current_request, DebtorPaymentBody)
    claim = escalation.record_debtor_payment(
        claims,
        claim_id,
        actor=identity.user_id,
        paid_on=body.date,
        amount=body.amount,
        resume=bootstrap.engine().send_task_success,
        now=business_now(),
    )
    return _view(claim)


@escalation_routes.route("/claims/{claim_id}/dispute", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(escalation_routes, Role.CREDITOR)
def report_dispute(identity: Identity, claim_id: str) -> Response:

    claims = bootstrap.claims()
    claims.get_for(identity, claim_id)
    body = parse_body(escalation_routes.current_request, NoteBody)
    claim = escalation.report_dispute(
        claims, claim_id, actor=identity.user_id, summary=body.note, now=business_now()
    )
    return _view(claim)


@escalation_routes.route(
    "/operator/claims/{claim_id}/redrive", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(escalation_routes, Role.OPERATOR)
def redrive_claim(identity: Identity, claim_id: str) -> Response:

    claims = bootstrap.claims()
    execution = redrive(
        claims, bootstrap.engine(), claims.get(claim_id), now=business_now(), actor=identity.user_id
    )
    return json_response(
        {
            "claim_id": claim_id,
            "execution_arn": execution,
            "message": "Traitement relancé."
            if execution
            else "Rien à relancer : un traitement est déjà en cours "
            "ou la créance n'est pas à une étape automatique.",
        }
    )
