"""Accounts and sign-in (prefix /v1): sign-up, email verification, sign-in, password reset, the caller's
account and creditor profile, and the operator's lawyers.

Public routes (``/v1/auth/…``) need no token; every other route goes through the ``signed_in``
authorizer and :func:`requires_role`.
"""

from __future__ import annotations

from typing import Any, cast

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.adapters.identity import NewPasswordRequired, Tokens
from chalicelib.api import account_schemas
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.api.validation import M, parse_body
from chalicelib.domain.abuse import client_address
from chalicelib.domain.accounts import CREDITOR_CATEGORIES, Account, Identity, Role
from chalicelib.services import accounts as service
from chalicelib.services import sign_in as sign_in_service
from chalicelib.settings import get_settings

account_routes = Blueprint(__name__)

# PynamoDB, pydantic and stdnum are imported on first use, not with app.py: the API's cold start
# (measured by `make bench`) stays small for the routes that do not need them.


def _body(model: type[M]) -> M:

    return parse_body(account_routes.current_request, model)


def account_view(account: Account) -> dict[str, Any]:
    view: dict[str, Any] = {"user_id": account.user_id, "email": account.email, "role": account.role.value}
    # The conditions générales de vente this account accepted last (None: never); the version in force is
    # in GET /v1/legal.
    view["cgv_accepted"] = (
        {
            "version": account.cgv_version,
            "accepted_at": account.cgv_accepted_at.isoformat() if account.cgv_accepted_at else None,
        }
        if account.cgv_version
        else None
    )
    if account.creditor is not None:
        profile = account.creditor
        view["profile"] = {
            "legal_name": profile.legal_name,
            "category": profile.category,
            "category_label": CREDITOR_CATEGORIES.get(profile.category, profile.category),
            "legal_form": profile.legal_form,
            "siren": profile.siren,
            "siret": profile.siret,
            "address": profile.address.__dict__ if profile.address else None,
            "contact_name": profile.contact_name,
            "phone": profile.phone,
            "iban": profile.iban,
            "signatory_name": profile.signatory_name,
            "signatory_title": profile.signatory_title,
        }
    if account.lawyer is not None:
        lawyer = account.lawyer
        view["lawyer"] = {
            "name": lawyer.name,
            "barreau": lawyer.barreau,
            "firm": lawyer.firm,
            "phone": lawyer.phone,
            "courts": list(lawyer.courts),
            "regions": list(lawyer.regions),
            "departements": list(lawyer.departements),
            "active": lawyer.active,
            "capacity": lawyer.capacity,
        }
    return view


# --- public: sign-up, verification, sign-in, password reset ----------------------------------------------


SIGN_UP_ANSWER = "Si cette adresse peut être inscrite, un code vous a été envoyé."


def _client_ip() -> str:
    """The address the abuse limits count this request for (see chalicelib/domain/abuse.py)."""

    request = account_routes.current_request
    identity: dict[str, Any] = dict((request.context or {}).get("identity") or {})
    source_ip = str(identity.get("sourceIp") or "")
    forwarded_for = str(request.headers.get("x-forwarded-for") or "") if request.headers else ""
    return client_address(source_ip, forwarded_for, get_settings().trusted_proxy_hops)


def _guards() -> dict[str, Any]:
    """What every public use case needs: the identity provider, the limiter and the client's address."""

    return {"users": bootstrap.identity_provider(), "limiter": bootstrap.limiter(), "client_ip": _client_ip()}


def _tell_owner(email: str) -> None:
    """Someone tried to sign up with this address, which has an account: tell its owner, not the caller."""

    base = get_settings().public_url
    context = {"sign_in_url": f"{base}/#/connexion", "reset_url": f"{base}/#/mot-de-passe-oublie"}
    bootstrap.send_account_email(email, "account_exists", context)


@account_routes.route("/auth/signup", methods=["POST"], cors=API_CORS)
@handles_errors
def sign_up() -> Response:
    body = _body(account_schemas.SignUpBody)
    sign_in_service.sign_up(
        body.email, body.password, accounts=bootstrap.accounts(), tell_owner=_tell_owner, **_guards()
    )
    # The same answer whether or not the address already has an account (no account enumeration).
    return json_response({"email": body.email, "message": SIGN_UP_ANSWER}, 202)


@account_routes.route("/auth/confirm", methods=["POST"], cors=API_CORS)
@handles_errors
def confirm() -> Response:
    body = _body(account_schemas.ConfirmBody)
    sign_in_service.confirm(body.email, body.code, **_guards())
    return json_response({"message": "Adresse e-mail vérifiée. Vous pouvez vous connecter."})


@account_routes.route("/auth/resend-code", methods=["POST"], cors=API_CORS)
@handles_errors
def resend_code() -> Response:
    body = _body(account_schemas.EmailBody)
    sign_in_service.resend_code(body.email, **_guards())
    return json_response(
        {"message": "Si un compte attend une vérification à cette adresse, un nouveau code est parti."}
    )


@account_routes.route("/auth/signin", methods=["POST"], cors=API_CORS)
@handles_errors
def sign_in() -> Response:
    body = _body(account_schemas.SignInBody)

    result = sign_in_service.sign_in(body.email, body.password, **_guards())
    if isinstance(result, NewPasswordRequired):
        return json_response(
            {
                "challenge": "NEW_PASSWORD_REQUIRED",
                "session": result.session,
                "message": "Première connexion : choisissez votre mot de passe (POST /v1/auth/new-password).",
            }
        )
    return json_response(cast(Tokens, result).as_dict())


@account_routes.route("/auth/new-password", methods=["POST"], cors=API_CORS)
@handles_errors
def new_password() -> Response:
    body = _body(account_schemas.NewPasswordBody)
    tokens = bootstrap.identity_provider().complete_new_password(body.email, body.session, body.new_password)
    return json_response(tokens.as_dict())


@account_routes.route("/auth/forgot-password", methods=["POST"], cors=API_CORS)
@handles_errors
def forgot_password() -> Response:
    body = _body(account_schemas.EmailBody)
    sign_in_service.forgot_password(body.email, **_guards())
    # The same answer whether or not the address has an account.
    return json_response(
        {"message": "Si un compte existe à cette adresse, un code de réinitialisation vient d'être envoyé."}
    )


@account_routes.route("/auth/reset-password", methods=["POST"], cors=API_CORS)
@handles_errors
def reset_password() -> Response:
    body = _body(account_schemas.ResetPasswordBody)
    sign_in_service.reset_password(body.email, body.code, body.new_password, **_guards())
    return json_response({"message": "Mot de passe modifié. Vous pouvez vous connecter."})


# --- signed in --------------------------------------------------------------------------------------------


@account_routes.route("/me", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(account_routes)
def get_me(identity: Identity) -> Response:
    return json_response(account_view(service.me(identity, accounts=bootstrap.accounts())))


@account_routes.route("/me/profile", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(account_routes, Role.CREDITOR)
def get_profile(identity: Identity) -> Response:
    view = account_view(service.me(identity, accounts=bootstrap.accounts()))
    return json_response({"profile": view.get("profile"), "categories": CREDITOR_CATEGORIES})


@account_routes.route("/me/profile", methods=["PUT"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(account_routes, Role.CREDITOR)
def put_profile(identity: Identity) -> Response:
    body = _body(account_schemas.CreditorProfileBody)
    account = service.update_creditor_profile(identity, body.to_domain(), accounts=bootstrap.accounts())
    return json_response({"profile": account_view(account)["profile"]})


@account_routes.route("/operator/lawyers", methods=["POST"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(account_routes, Role.OPERATOR)
def invite_lawyer(identity: Identity) -> Response:
    body = _body(account_schemas.LawyerInvitationBody)
    account = service.invite_account(
        body.email,
        Role.LAWYER,
        users=bootstrap.identity_provider(),
        accounts=bootstrap.accounts(),
        lawyer=body.to_domain(),
    )
    return json_response(account_view(account) | {"message": f"Invitation envoyée à {account.email}."}, 201)


@account_routes.route("/operator/lawyers", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(account_routes, Role.OPERATOR)
def lawyers(identity: Identity) -> Response:
    return json_response(
        {"lawyers": [account_view(a) for a in service.list_lawyers(accounts=bootstrap.accounts())]}
    )


@account_routes.route("/operator/lawyers/{user_id}", methods=["PATCH"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(account_routes, Role.OPERATOR)
def update_lawyer(identity: Identity, user_id: str) -> Response:
    body = _body(account_schemas.LawyerUpdateBody)
    account = service.update_lawyer(user_id, body.changes(), accounts=bootstrap.accounts())
    return json_response(account_view(account))
