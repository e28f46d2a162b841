"""Verify a Cognito ID token and say who is calling.

Every check is explicit: RS256 only, a known key id, the signature, the expiry (small leeway), the issuer,
the audience (the app client), ``token_use == "id"`` and a role group. moto's static signing key (kid
``"dummy"``, whose private half ships with moto) is refused unless the local platform allows it.

The key source is injected (``KeySource``): the JWKS adapter on AWS and locally, generated keys in tests.
PyJWT and cryptography are imported inside :func:`verify_id_token` so the API's cold start does not pay
for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.accounts import Identity, groups_from_claim, role_from_groups
from chalicelib.domain.errors import Unauthenticated
from chalicelib.services.ports import KeySource

LOCAL_SIGNING_KEY_ID = "dummy"  # moto's static key (public, in moto/cognitoidp/resources)
LEEWAY_SECONDS = 30
_REFUSED = "Votre session n'est pas valide ou a expiré ; veuillez vous reconnecter."


@dataclass(frozen=True)
class TokenPolicy:
    issuer: str
    client_id: str
    allow_local_signing_key: bool = False
    leeway_seconds: int = LEEWAY_SECONDS


class InvalidToken(Unauthenticated):
    """``reason`` is for logs and tests; the user always reads the same French sentence."""

    code = "invalid_token"

    def __init__(self, reason: str) -> None:
        super().__init__(_REFUSED)
        self.reason = reason


_refuse = InvalidToken


def verify_id_token(token: str, *, keys: KeySource, policy: TokenPolicy) -> Identity:
    """The caller's identity, or :class:`Unauthenticated` (never a partial answer)."""
    import jwt

    if not token or not policy.client_id:
        raise _refuse("no token, or no app client configured")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise _refuse(f"malformed token: {error}") from None
    if header.get("alg") != "RS256":
        raise _refuse(f"algorithm {header.get('alg')!r} refused")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _refuse("no key id")
    if kid == LOCAL_SIGNING_KEY_ID and not policy.allow_local_signing_key:
        raise _refuse("moto's public signing key is only accepted on the local platform")
    key = keys.key_for(kid)
    if key is None:
        raise _refuse(f"unknown key id {kid!r}")
    options: Any = {"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]}
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=policy.client_id,
            issuer=policy.issuer,
            leeway=policy.leeway_seconds,
            options=options,
        )
    except jwt.PyJWTError as error:
        raise _refuse(f"{type(error).__name__}: {error}") from None
    if claims.get("token_use") != "id":
        raise _refuse(f"token_use {claims.get('token_use')!r} is not an ID token")
    role = role_from_groups(groups_from_claim(claims.get("cognito:groups")))
    if role is None:
        raise _refuse("no role group (creditor, lawyer, operator)")
    return Identity(user_id=str(claims["sub"]), email=str(claims.get("email", "")), role=role)
