"""Who may call what: the API's authorizer (verifies the Cognito ID token) and the role check.

The authorizer is a Chalice custom authorizer, so ``chalice local``, ``chalice.test.Client`` and API
Gateway all run this same code. A missing or invalid token raises ``Exception("Unauthorized")``: API
Gateway answers 401 (and the local platform does the same, see ``infra/local/localaws.py``). A valid
token passes the caller's identity to the route; :func:`requires_role` then answers 403 in French when
their role does not fit. Routes never read the token themselves.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from chalice import AuthResponse, Blueprint
from chalice.app import AuthRequest

from chalicelib.api.errors import response_for
from chalicelib.domain.accounts import ROLE_LABELS_FR, Identity, Role
from chalicelib.domain.errors import Forbidden, Unauthenticated
from chalicelib.services.auth import InvalidToken, TokenPolicy, verify_id_token
from chalicelib.services.ports import KeySource
from chalicelib.settings import get_settings

logger = logging.getLogger("claims.auth")
F = TypeVar("F", bound=Callable[..., Any])

_key_sources: dict[str, KeySource] = {}

# API Gateway's answer when the authorizer refuses a token (its UNAUTHORIZED gateway response, set to this
# body by the AWS stack; the local platform answers the same).
UNAUTHORIZED_RESPONSE_BODY = {
    "error": {
        "code": "unauthenticated",
        "message": "Veuillez vous connecter : votre session est absente, invalide ou expirée.",
    }
}

# Registered in app.py; routes of every blueprint use ``authorizer=signed_in``.
auth_routes = Blueprint(__name__)


def key_source() -> KeySource:
    """The JWKS of the configured pool, cached for the life of the Lambda container."""
    url = get_settings().jwks_url
    if url not in _key_sources:
        from chalicelib.adapters.jwks import JwksKeySource

        _key_sources[url] = JwksKeySource(url)
    return _key_sources[url]


def token_policy() -> TokenPolicy:
    settings = get_settings()
    return TokenPolicy(
        issuer=settings.cognito_issuer,
        client_id=settings.cognito_client_id,
        allow_local_signing_key=settings.allow_local_signing_key,
    )


def bearer_token(header: str | None) -> str:
    value = (header or "").strip()
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else value


def authorize(request: AuthRequest) -> AuthResponse:
    """API Gateway TOKEN authorizer: ``Authorization: Bearer <Cognito ID token>``."""
    try:
        identity = verify_id_token(bearer_token(request.token), keys=key_source(), policy=token_policy())
    except InvalidToken as refused:
        logger.info("token refused: %s", refused.reason)
        raise Exception("Unauthorized") from None  # API Gateway's contract for a 401
    return AuthResponse(routes=["*"], principal_id=identity.user_id, context=identity.as_context())


# No caching (ttl 0): a cached answer would outlive the token's expiry; verifying is cheap once the
# keys are cached in the container.
@auth_routes.authorizer(ttl_seconds=0)
def signed_in(request: AuthRequest) -> AuthResponse:
    return authorize(request)


def current_identity(routes: Blueprint) -> Identity:
    context = (routes.current_request.context or {}).get("authorizer") or {}
    identity = Identity.from_context(context)
    if identity is None:  # a route declared without the authorizer: refuse rather than guess
        raise Unauthenticated("Veuillez vous connecter.", code="unauthenticated")
    return identity


def requires_role(routes: Blueprint, *roles: Role) -> Callable[[F], F]:
    """The route runs with ``identity`` as first argument when the caller has one of ``roles``
    (any role when none is given); otherwise a French 401/403 JSON error."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                identity = current_identity(routes)
                if roles and identity.role not in roles:
                    allowed = " ou ".join(ROLE_LABELS_FR[role] for role in roles)
                    raise Forbidden(f"Cette action est réservée au rôle {allowed}.")
            except (Unauthenticated, Forbidden) as error:
                return response_for(error)
            return view(identity, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
