"""ID-token verification with keys generated here: every forgery is refused, the caller's role is read."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.domain.accounts import Role, groups_from_claim, role_from_groups
from chalicelib.services.auth import InvalidToken, TokenPolicy, verify_id_token

ISSUER = "https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_TEST"
CLIENT_ID = "client-123"
POLICY = TokenPolicy(issuer=ISSUER, client_id=CLIENT_ID)

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Keys:
    """A key source holding the public halves of the given private keys."""

    def __init__(self, **private_keys):
        self.keys = {kid: key.public_key() for kid, key in private_keys.items()}

    def key_for(self, kid):
        return self.keys.get(kid)


KEYS = Keys(good=KEY, dummy=KEY)


def claims(**overrides):
    now = int(time.time())
    base = {
        "sub": "user-1",
        "email": "claire@exemple.fr",
        "aud": CLIENT_ID,
        "iss": ISSUER,
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
        "cognito:groups": ["creditor"],
    }
    return {key: value for key, value in (base | overrides).items() if value is not None}


def token(payload=None, *, kid="good", key=KEY, alg="RS256"):
    return jwt.encode(payload or claims(), key, algorithm=alg, headers={"kid": kid})


def refused(raw: str, policy: TokenPolicy = POLICY, keys=KEYS) -> str:
    with pytest.raises(InvalidToken) as error:
        verify_id_token(raw, keys=keys, policy=policy)
    assert error.value.message == "Votre session n'est pas valide ou a expiré ; veuillez vous reconnecter."
    return error.value.reason


def test_a_valid_id_token_gives_the_callers_identity():
    identity = verify_id_token(token(), keys=KEYS, policy=POLICY)
    assert (identity.user_id, identity.email, identity.role) == ("user-1", "claire@exemple.fr", Role.CREDITOR)
    assert identity.creditor_id == "user-1" and identity.lawyer_id is None


def test_an_unsigned_token_is_refused():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": "good"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    assert "algorithm" in refused(f"{header.decode()}.{body.decode()}.")


def test_a_token_signed_with_hmac_on_the_public_key_is_refused():
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": "good"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    assert "algorithm" in refused(f"{header.decode()}.{body.decode()}.c2lnbmF0dXJl")


def test_an_expired_token_is_refused():
    past = int(time.time()) - 3600
    assert "Expired" in refused(token(claims(iat=past - 3600, exp=past)))


def test_a_token_that_just_expired_is_within_the_leeway():
    now = int(time.time())
    assert verify_id_token(token(claims(exp=now - 5)), keys=KEYS, policy=POLICY).user_id == "user-1"


def test_a_token_from_another_issuer_is_refused():
    assert "Issuer" in refused(
        token(claims(iss="https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_OTHER"))
    )


def test_a_token_for_another_app_client_is_refused():
    assert "Audience" in refused(token(claims(aud="another-client")))


def test_a_tampered_payload_is_refused():
    header, _, signature = token().split(".")
    forged = base64.urlsafe_b64encode(json.dumps(claims(**{"cognito:groups": ["operator"]})).encode())
    assert "Signature" in refused(f"{header}.{forged.rstrip(b'=').decode()}.{signature}")


def test_a_token_signed_by_an_unknown_key_is_refused():
    assert "Signature" in refused(token(key=OTHER_KEY))
    assert "unknown key id" in refused(token(kid="rotated-away"))


def test_an_access_token_is_not_accepted_as_an_id_token():
    assert "token_use" in refused(token(claims(token_use="access")))


def test_a_token_without_expiry_or_subject_is_refused():
    assert "exp" in refused(token(claims(exp=None)))
    assert "sub" in refused(token(claims(sub=None)))


def test_a_token_without_a_role_group_is_refused():
    assert "role" in refused(token(claims(**{"cognito:groups": ["visitors"]})))


def test_motos_static_key_is_refused_unless_the_local_platform_allows_it():
    moto_signed = token(kid="dummy")
    assert "local platform" in refused(moto_signed)
    local = TokenPolicy(issuer=ISSUER, client_id=CLIENT_ID, allow_local_signing_key=True)
    assert verify_id_token(moto_signed, keys=KEYS, policy=local).role is Role.CREDITOR


def test_without_a_configured_app_client_every_token_is_refused():
    assert "client" in refused(token(), TokenPolicy(issuer=ISSUER, client_id=""))


@pytest.mark.parametrize(
    ("value", "groups"),
    [
        (["lawyer", "creditor"], ["lawyer", "creditor"]),
        ("[lawyer, creditor]", ["lawyer", "creditor"]),
        ("lawyer,creditor", ["lawyer", "creditor"]),
        ("operator", ["operator"]),
        (None, []),
    ],
)
def test_groups_are_read_as_a_list_or_as_api_gateways_string(value, groups):
    assert groups_from_claim(value) == groups


def test_the_most_privileged_group_decides_the_role():
    assert role_from_groups(["creditor", "operator"]) is Role.OPERATOR
    assert role_from_groups(["creditor", "lawyer"]) is Role.LAWYER
    assert role_from_groups(["visitors"]) is None
