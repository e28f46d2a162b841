"""The debtor's side (issue 22), prefix /v1.

``GET /v1/debtor/{token}`` — public, no account: the page of the link printed on the relance and the mise en
demeure (chalicelib/services/debtor_page.py). Never indexed nor cached; rate-limited per client address, and
links that are not valid count towards a lower limit checked before any lookup (guessing).

``GET /v1/claims/{claim_id}/debtor-link`` and ``POST …/debtor-link/revoke`` — the creditor's view of the
link (the link itself, whether it works, the debtor's first and last visits) and its revocation.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.clock import business_now
from chalicelib.domain.abuse import client_address
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.errors import NotFound
from chalicelib.settings import get_settings

debtor_routes = Blueprint(__name__)

# The page speaks of one person's debt: no search engine, no cache, no referrer to the sites it links to.
PRIVATE_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow, noarchive",
    "Referrer-Policy": "no-referrer",
}


def _client_ip() -> str:
    request = debtor_routes.current_request
    identity: dict[str, Any] = dict((request.context or {}).get("identity") or {})
    forwarded_for = str(request.headers.get("x-forwarded-for") or "") if request.headers else ""
    return client_address(
        str(identity.get("sourceIp") or ""), forwarded_for, get_settings().trusted_proxy_hops
    )


@debtor_routes.route("/debtor/{token}", methods=["GET"], cors=API_CORS)
@handles_errors
def debtor_page(token: str) -> Response:
    from chalicelib.services import debtor_page as pages

    limiter = bootstrap.limiter()
    address = _client_ip()
    limiter.hit("debtor_page_ip", address)
    # Counted before the lookup, given back when the link is valid: past the limit, no link is looked up.
    guess = limiter.hit("debtor_link_guess_ip", address)
    try:
        found = pages.page(
            token,
            links=bootstrap.debtor_links(),
            claims=bootstrap.claims(),
            accounts=bootstrap.accounts(),
            today=get_settings().today(),
            now=business_now(),
            declarations=bootstrap.debtor_declarations(),
        )
    except NotFound:
        raise
    except Exception:
        limiter.give_back(guess)
        raise
    limiter.give_back(guess)
    return json_response(found.as_dict(), extra_headers=PRIVATE_PAGE_HEADERS)


@debtor_routes.route("/claims/{claim_id}/debtor-link", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(debtor_routes, Role.CREDITOR)
def get_debtor_link(identity: Identity, claim_id: str) -> Response:
    from chalicelib.services import debtor_page as pages

    view = pages.creditor_view(
        bootstrap.debtor_links(), bootstrap.claims(), identity, claim_id, get_settings().public_url
    )
    return json_response(view.as_dict())


@debtor_routes.route(
    "/claims/{claim_id}/debtor-link/revoke", methods=["POST"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(debtor_routes, Role.CREDITOR)
def revoke_debtor_link(identity: Identity, claim_id: str) -> Response:
    from chalicelib.services import debtor_page as pages

    view = pages.revoke(
        bootstrap.debtor_links(),
        bootstrap.claims(),
        identity,
        claim_id,
        get_settings().public_url,
        business_now(),
    )
    return json_response(view.as_dict())


# --- the debtor's answers -----------------------------------------------------------------------------------
def _answer_guard() -> None:
    """The debtor's answers count towards the page's limit of their address (each is a page visit too)."""
    bootstrap.limiter().hit("debtor_page_ip", _client_ip())


@debtor_routes.route("/debtor/{token}/payment", methods=["POST"], cors=API_CORS)
@handles_errors
def debtor_declares_payment(token: str) -> Response:
    from chalicelib.api.claim_schemas import DebtorPaymentBody
    from chalicelib.api.validation import parse_body
    from chalicelib.services import debtor_declarations

    _answer_guard()
    body = parse_body(debtor_routes.current_request, DebtorPaymentBody)
    settings = get_settings()
    declared = debtor_declarations.declare_payment(
        token,
        paid_on=body.date,
        amount=body.amount,
        links=bootstrap.debtor_links(),
        claims=bootstrap.claims(),
        declarations=bootstrap.debtor_declarations(),
        today=settings.today(),
        now=business_now(),
        base_url=settings.public_url,
    )
    answer = {
        "message": "Merci : le créancier est informé de votre paiement et le confirmera à réception.",
        "declaration": declared.as_dict(),
    }
    return json_response(answer, 201, extra_headers=PRIVATE_PAGE_HEADERS)


@debtor_routes.route("/debtor/{token}/dispute", methods=["POST"], cors=API_CORS)
@handles_errors
def debtor_disputes(token: str) -> Response:
    from chalicelib.api.claim_schemas import DebtorDisputeBody
    from chalicelib.api.validation import parse_body
    from chalicelib.services import debtor_declarations

    _answer_guard()
    body = parse_body(debtor_routes.current_request, DebtorDisputeBody)
    declared = debtor_declarations.declare_dispute(
        token,
        reason=body.reason,
        text=body.text,
        links=bootstrap.debtor_links(),
        claims=bootstrap.claims(),
        declarations=bootstrap.debtor_declarations(),
        now=business_now(),
    )
    answer = {
        "message": "Votre contestation est transmise au créancier ; les démarches automatiques sont "
        "suspendues.",
        "declaration": declared.as_dict(),
    }
    return json_response(answer, 201, extra_headers=PRIVATE_PAGE_HEADERS)


@debtor_routes.route("/debtor/{token}/plan", methods=["POST"], cors=API_CORS)
@handles_errors
def debtor_requests_plan(token: str) -> Response:
    from chalicelib.api.claim_schemas import DebtorPlanBody
    from chalicelib.api.validation import parse_body
    from chalicelib.services import debtor_declarations

    _answer_guard()
    body = parse_body(debtor_routes.current_request, DebtorPlanBody)
    settings = get_settings()
    declared = debtor_declarations.request_plan(
        token,
        instalments=body.instalments,
        first_on=body.first_date,
        links=bootstrap.debtor_links(),
        claims=bootstrap.claims(),
        accounts=bootstrap.accounts(),
        declarations=bootstrap.debtor_declarations(),
        today=settings.today(),
        now=business_now(),
        base_url=settings.public_url,
    )
    answer = {
        "message": "Votre demande de délai est transmise au créancier, qui l'acceptera ou la refusera.",
        "declaration": declared.as_dict(),
    }
    return json_response(answer, 201, extra_headers=PRIVATE_PAGE_HEADERS)


@debtor_routes.route("/debtor/{token}/declarations/{declaration_id}/files", methods=["POST"], cors=API_CORS)
@handles_errors
def debtor_attaches_file(token: str, declaration_id: str) -> Response:
    import base64
    import binascii

    from chalicelib.api.claim_schemas import DebtorFileBody
    from chalicelib.api.validation import parse_body
    from chalicelib.domain.errors import InvalidInput
    from chalicelib.services import debtor_declarations

    _answer_guard()
    body = parse_body(debtor_routes.current_request, DebtorFileBody)
    try:
        content = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "Le fichier n'a pas été reçu correctement : envoyez-le à nouveau.", field="file"
        ) from None
    declared = debtor_declarations.attach_file(
        token,
        declaration_id,
        filename=body.filename,
        content=content,
        links=bootstrap.debtor_links(),
        claims=bootstrap.claims(),
        declarations=bootstrap.debtor_declarations(),
        store=bootstrap.documents(),
        now=business_now(),
    )
    return json_response({"declaration": declared.as_dict()}, 201, extra_headers=PRIVATE_PAGE_HEADERS)


# --- the creditor's side of the answers ---------------------------------------------------------------------
@debtor_routes.route(
    "/claims/{claim_id}/debtor-declarations", methods=["GET"], authorizer=signed_in, cors=API_CORS
)
@handles_errors
@requires_role(debtor_routes, Role.CREDITOR)
def list_debtor_declarations(identity: Identity, claim_id: str) -> Response:
    from chalicelib.services import debtor_declarations

    found = debtor_declarations.of_claim(
        bootstrap.claims(), bootstrap.debtor_declarations(), identity, claim_id
    )
    return json_response({"declarations": [d.as_dict() for d in found]})


@debtor_routes.route(
    "/claims/{claim_id}/debtor-declarations/{declaration_id}/confirm",
    methods=["POST"],
    authorizer=signed_in,
    cors=API_CORS,
)
@handles_errors
@requires_role(debtor_routes, Role.CREDITOR)
def confirm_debtor_payment(identity: Identity, claim_id: str, declaration_id: str) -> Response:
    from chalicelib.services import debtor_declarations

    decided = debtor_declarations.confirm_payment(
        bootstrap.claims(),
        bootstrap.debtor_declarations(),
        identity,
        claim_id,
        declaration_id,
        resume=bootstrap.engine().send_task_success,
        now=business_now(),
    )
    return json_response(decided.as_dict())


@debtor_routes.route(
    "/claims/{claim_id}/debtor-declarations/{declaration_id}/refuse",
    methods=["POST"],
    authorizer=signed_in,
    cors=API_CORS,
)
@handles_errors
@requires_role(debtor_routes, Role.CREDITOR)
def refuse_debtor_payment(identity: Identity, claim_id: str, declaration_id: str) -> Response:
    from chalicelib.services import debtor_declarations

    decided = debtor_declarations.refuse_payment(
        bootstrap.claims(),
        bootstrap.debtor_declarations(),
        identity,
        claim_id,
        declaration_id,
        now=business_now(),
    )
    return json_response(decided.as_dict())


@debtor_routes.route(
    "/claims/{claim_id}/debtor-declarations/{declaration_id}/files/{file_id}",
    methods=["GET"],
    authorizer=signed_in,
    cors=API_CORS,
)
@handles_errors
@requires_role(debtor_routes, Role.CREDITOR)
def get_debtor_file(identity: Identity, claim_id: str, declaration_id: str, file_id: str) -> Response:
    from chalicelib.services import debtor_declarations

    url = debtor_declarations.file_link(
        bootstrap.claims(),
        bootstrap.debtor_declarations(),
        bootstrap.documents(),
        identity,
        claim_id,
        declaration_id,
        file_id,
    )
    return json_response({"url": url})
