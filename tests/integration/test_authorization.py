"""The API's authorizer through the Chalice test client: 401 for any token that is not a valid ID token of
this pool and app client, 403 for a valid token of the wrong role; operators invite lawyers."""

from __future__ import annotations

import json
import re
import time

import jwt
import pytest

from tests.integration.accounts_helpers import PASSWORD, get, mailbox, post, signed_up_creditor

pytestmark = pytest.mark.integration

UNAUTHORIZED = {
    "error": {
        "code": "unauthenticated",
        "message": "Veuillez vous connecter : votre session est absente, invalide ou expirée.",
    }
}


def moto_private_key():
    """moto signs every Cognito token with this static key (kid "dummy"); it ships with moto."""
    from moto.utilities.utils import load_resource

    return jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"), algorithm="RS256").key


def resigned(id_token: str, **changes) -> str:
    payload = jwt.decode(id_token, options={"verify_signature": False}) | changes
    return jwt.encode(payload, moto_private_key(), algorithm="RS256", headers={"kid": "dummy"})


def assert_unauthorized(response):
    assert response.status_code == 401, response.body
    assert json.loads(response.body) == UNAUTHORIZED


def operator_token(api) -> str:
    from chalicelib.bootstrap import identity_provider
    from chalicelib.domain.accounts import Role

    identity_provider().create_user("ops@plateforme.fr", PASSWORD, Role.OPERATOR)
    response = post(api, "/v1/auth/signin", {"email": "ops@plateforme.fr", "password": PASSWORD})
    assert response.status_code == 200, response.json_body
    return response.json_body["id_token"]


def test_a_valid_token_is_accepted(api):
    assert get(api, "/v1/me", signed_up_creditor(api)).status_code == 200


def test_no_token_or_a_malformed_one_is_401(api):
    assert_unauthorized(get(api, "/v1/me"))
    assert_unauthorized(get(api, "/v1/me", "pas-un-jeton"))
    assert_unauthorized(api.http.get("/v1/me", headers={"Authorization": "Bearer"}))


def test_an_unsigned_token_is_401(api):
    payload = jwt.decode(signed_up_creditor(api), options={"verify_signature": False})
    unsigned = jwt.encode(payload, key=None, algorithm="none", headers={"kid": "dummy"})
    assert_unauthorized(get(api, "/v1/me", unsigned))


def test_expired_wrong_issuer_and_wrong_audience_tokens_are_401(api):
    token = signed_up_creditor(api)
    past = int(time.time()) - 7200
    assert_unauthorized(get(api, "/v1/me", resigned(token, iat=past, exp=past + 3600)))
    assert_unauthorized(
        get(api, "/v1/me", resigned(token, iss="https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_autre"))
    )
    assert_unauthorized(get(api, "/v1/me", resigned(token, aud="un-autre-client")))
    assert_unauthorized(get(api, "/v1/me", resigned(token, token_use="access")))


def test_a_tampered_token_is_401(api):
    header, payload, signature = signed_up_creditor(api).split(".")
    claims = jwt.decode(f"{header}.{payload}.{signature}", options={"verify_signature": False})
    claims["cognito:groups"] = ["operator"]
    forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    assert_unauthorized(get(api, "/v1/operator/lawyers", f"{header}.{forged}.{signature}"))


def test_motos_static_key_is_refused_when_the_local_signing_key_is_not_allowed(api, monkeypatch):
    from chalicelib.settings import get_settings

    token = signed_up_creditor(api)
    monkeypatch.delenv("CLAIMS_ALLOW_LOCAL_SIGNING_KEY")
    get_settings.cache_clear()
    try:
        assert get_settings().allow_local_signing_key is False
        assert_unauthorized(get(api, "/v1/me", token))
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert get(api, "/v1/me", token).status_code == 200


def test_a_valid_token_of_the_wrong_role_is_403_in_french(api):
    token = signed_up_creditor(api)
    response = get(api, "/v1/operator/lawyers", token)
    assert response.status_code == 403
    assert response.json_body["error"] == {
        "code": "forbidden",
        "message": "Cette action est réservée au rôle opérateur de la plateforme.",
    }
    lawyer = {"email": "a@b.fr", "name": "Me A", "barreau": "Lyon"}
    assert post(api, "/v1/operator/lawyers", lawyer, token).status_code == 403
    assert get(api, "/v1/me/profile", operator_token(api)).status_code == 403


def test_an_operator_invites_a_lawyer_who_signs_in_and_chooses_a_password(api):
    token = operator_token(api)
    invitation = {
        "email": "Me.Martin@barreau-lyon.fr",
        "name": "Maître Jeanne Martin",
        "barreau": "Lyon",
        "firm": "Martin Avocats",
        "phone": "04 78 00 00 00",
        "courts": ["Tribunal judiciaire de Lyon", "Tribunal de commerce de Lyon"],
        "regions": ["Auvergne-Rhône-Alpes"],
    }
    created = post(api, "/v1/operator/lawyers", invitation, token)
    assert created.status_code == 201, created.json_body
    assert created.json_body["role"] == "lawyer"
    assert created.json_body["lawyer"]["barreau"] == "Lyon"
    again = post(api, "/v1/operator/lawyers", invitation, token)
    assert again.status_code == 409

    listed = get(api, "/v1/operator/lawyers", token).json_body["lawyers"]
    assert [lawyer["email"] for lawyer in listed] == ["me.martin@barreau-lyon.fr"]
    assert listed[0]["lawyer"]["courts"] == invitation["courts"]

    [email] = mailbox("me.martin@barreau-lyon.fr")
    assert email["subject"] == "Invitation à la plateforme de recouvrement"
    assert "avocat partenaire" in email["body"]
    temporary = re.search(r"Mot de passe provisoire : (\S+)", email["body"]).group(1)

    first = post(api, "/v1/auth/signin", {"email": "me.martin@barreau-lyon.fr", "password": temporary})
    assert first.status_code == 200, first.json_body
    assert first.json_body["challenge"] == "NEW_PASSWORD_REQUIRED"
    chosen = {
        "email": "me.martin@barreau-lyon.fr",
        "session": first.json_body["session"],
        "new_password": "AvocateLyon2026",
    }
    weak = post(api, "/v1/auth/new-password", chosen | {"new_password": "faible"})
    assert weak.status_code == 400 and weak.json_body["error"]["field"] == "new_password"
    tokens = post(api, "/v1/auth/new-password", chosen)
    assert tokens.status_code == 200, tokens.json_body
    me = get(api, "/v1/me", tokens.json_body["id_token"]).json_body
    assert me["role"] == "lawyer" and me["lawyer"]["name"] == "Maître Jeanne Martin"

    later = post(
        api, "/v1/auth/signin", {"email": "me.martin@barreau-lyon.fr", "password": "AvocateLyon2026"}
    )
    assert "id_token" in later.json_body


def test_an_operator_sets_a_lawyers_departements_capacity_and_deactivates_them(api):
    token = operator_token(api)
    invitation = {
        "email": "me.durand@barreau-lyon.fr",
        "name": "Maître Paul Durand",
        "barreau": "Lyon",
        "departements": ["69", "01"],
        "capacity": 20,
    }
    created = post(api, "/v1/operator/lawyers", invitation, token).json_body
    assert created["lawyer"]["departements"] == ["69", "01"] and created["lawyer"]["active"] is True
    path = f"/v1/operator/lawyers/{created['user_id']}"
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    changed = api.http.patch(
        path, headers=headers, body=json.dumps({"active": False, "departements": ["2a", "974"]})
    )
    assert changed.status_code == 200, changed.json_body
    lawyer = changed.json_body["lawyer"]
    assert lawyer["active"] is False and lawyer["departements"] == ["2A", "974"] and lawyer["capacity"] == 20
    listed = get(api, "/v1/operator/lawyers", token).json_body["lawyers"]
    assert listed[0]["lawyer"]["active"] is False

    bad = api.http.patch(path, headers=headers, body=json.dumps({"departements": ["Rhône"], "capacity": 0}))
    assert bad.status_code == 400
    assert {d["field"] for d in bad.json_body["error"]["details"]} == {"departements", "capacity"}
    assert api.http.patch("/v1/operator/lawyers/nobody", headers=headers, body="{}").status_code == 404
    creditor_token = signed_up_creditor(api, "c@exemple.fr")
    refused = api.http.patch(
        path,
        headers={**headers, "Authorization": f"Bearer {creditor_token}"},
        body=json.dumps({"active": True}),
    )
    assert refused.status_code == 403
