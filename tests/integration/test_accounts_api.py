"""Accounts through the API on the in-process local platform: sign-up, verification by the code in the
local mailbox, sign-in, the creditor profile, lawyer invitations, and the authorizer's 401/403."""

from __future__ import annotations

import pytest

from tests.integration.accounts_helpers import (
    PASSWORD,
    code_from_mailbox,
    get,
    mailbox,
    post,
    put,
    signed_up_creditor,
)

pytestmark = pytest.mark.integration

VALID_PROFILE = {
    "legal_name": "Atelier Dupont SARL",
    "category": "commercant",
    "legal_form": "SARL",
    "siren": "732 829 320",
    "siret": "73282932000074",
    "address": {"line1": "12 rue de la République", "postal_code": "69002", "city": "Lyon"},
    "contact_name": "Claire Dupont",
    "phone": "04 72 00 00 00",
    "iban": "FR14 2004 1010 0505 0001 3M02 606",
    "signatory_name": "Claire Dupont",
    "signatory_title": "Gérante",
}


def test_a_creditor_signs_up_verifies_by_email_signs_in_and_edits_the_profile(api):
    email = "claire@atelier-dupont.fr"
    response = post(api, "/v1/auth/signup", {"email": email, "password": PASSWORD})
    assert response.status_code == 202, response.json_body

    # Not verified yet: sign-in refused, in French.
    refused = post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD})
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "email_not_verified"

    [message] = mailbox(email)
    assert message["subject"] == "Votre code de vérification"
    wrong = post(api, "/v1/auth/confirm", {"email": email, "code": "000000"})
    assert wrong.status_code == 400 and wrong.json_body["error"]["field"] == "code"
    confirmed = post(api, "/v1/auth/confirm", {"email": email, "code": code_from_mailbox(email)})
    assert confirmed.status_code == 200, confirmed.json_body

    tokens = post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD}).json_body
    assert {"id_token", "access_token", "refresh_token"} <= set(tokens)
    token = tokens["id_token"]

    me = get(api, "/v1/me", token)
    assert me.status_code == 200, me.json_body
    assert me.json_body["role"] == "creditor" and me.json_body["email"] == email
    assert get(api, "/v1/me/profile", token).json_body["profile"] is None

    saved = put(api, "/v1/me/profile", VALID_PROFILE, token)
    assert saved.status_code == 200, saved.json_body
    profile = get(api, "/v1/me/profile", token).json_body["profile"]
    assert profile["siren"] == "732829320"
    assert profile["iban"] == "FR1420041010050500013M02606"
    assert profile["address"]["city"] == "Lyon"
    assert profile["category"] == "commercant"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"siren": "732 829 321", "siret": ""}, "siren", "Le numéro SIREN « 732 829 321 » est invalide"),
        (
            {"iban": "FR14 2004 1010 0505 0001 3M02 607"},
            "iban",
            "L'IBAN « FR14 2004 1010 0505 0001 3M02 607 »",
        ),
        ({"siret": "73282932000075"}, "siret", "Le numéro SIRET"),
        ({"siren": "", "siret": ""}, "siren", "SIREN est obligatoire"),
        (
            {"address": {"line1": "1 rue", "postal_code": "6900", "city": "Lyon"}},
            "address.postal_code",
            "5 chiffres",
        ),
        ({"category": "pme"}, "category", "doit valoir l'une de ces valeurs"),
    ],
)
def test_an_invalid_profile_is_refused_in_french_naming_the_field(api, change, field, words):
    token = signed_up_creditor(api)
    response = put(api, "/v1/me/profile", VALID_PROFILE | change, token)
    assert response.status_code == 400, response.json_body
    error = response.json_body["error"]
    assert error["field"] == field
    assert words in error["message"]


def test_bad_json_and_missing_fields_are_400_in_french(api):
    response = api.http.post("/v1/auth/signup", headers={"Content-Type": "application/json"}, body="{oops")
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_json"
    missing = post(api, "/v1/auth/signup", {"email": "a@b.fr"})
    assert missing.status_code == 400
    assert missing.json_body["error"] == {
        "code": "invalid_input",
        "message": "Le champ « password » est obligatoire.",
        "field": "password",
        "details": [{"field": "password", "message": "Le champ « password » est obligatoire."}],
    }


def test_cognito_refusals_become_french_errors(api):
    weak = post(api, "/v1/auth/signup", {"email": "x@exemple.fr", "password": "court"})
    assert weak.status_code == 400 and weak.json_body["error"]["code"] == "weak_password"
    assert "au moins 10 caractères" in weak.json_body["error"]["message"]
    signed_up_creditor(api, "y@exemple.fr")
    # A taken address answers as a new one (no account enumeration); its owner is told by email.
    taken = post(api, "/v1/auth/signup", {"email": "y@exemple.fr", "password": PASSWORD})
    fresh = post(api, "/v1/auth/signup", {"email": "z@exemple.fr", "password": PASSWORD})
    assert (taken.status_code, taken.json_body["message"]) == (fresh.status_code, fresh.json_body["message"])
    assert taken.status_code == 202
    assert mailbox("y@exemple.fr")[0]["subject"] == "Votre adresse a déjà un compte"
    wrong = post(api, "/v1/auth/signin", {"email": "y@exemple.fr", "password": "Pas1LeBonMotdepasse"})
    assert wrong.status_code == 401
    assert wrong.json_body["error"]["message"] == "Adresse e-mail ou mot de passe incorrect."
    nobody = post(api, "/v1/auth/signin", {"email": "personne@exemple.fr", "password": PASSWORD})
    assert nobody.status_code == 401 and nobody.json_body["error"]["code"] == "invalid_credentials"


def test_a_forgotten_password_is_reset_with_the_emailed_code(api):
    signed_up_creditor(api, "oubli@exemple.fr")
    assert post(api, "/v1/auth/forgot-password", {"email": "oubli@exemple.fr"}).status_code == 200
    unknown = post(api, "/v1/auth/forgot-password", {"email": "inconnu@exemple.fr"})
    assert unknown.status_code == 200  # the same answer: no account enumeration
    assert mailbox("inconnu@exemple.fr") == []
    code = code_from_mailbox("oubli@exemple.fr")
    body = {"email": "oubli@exemple.fr", "code": code, "new_password": "NouveauSecret2027"}
    assert post(api, "/v1/auth/reset-password", body | {"code": "123456"}).status_code == 400
    assert post(api, "/v1/auth/reset-password", body).status_code == 200
    again = post(api, "/v1/auth/signin", {"email": "oubli@exemple.fr", "password": "NouveauSecret2027"})
    assert again.status_code == 200
    assert (
        post(api, "/v1/auth/signin", {"email": "oubli@exemple.fr", "password": PASSWORD}).status_code == 401
    )


def test_codes_stop_working_after_five_wrong_attempts_even_after_a_new_code(api):
    """Five guesses per account and window, not per code: a new code does not give new guesses (until the
    window ends, see tests/security/test_abuse_limits.py)."""
    email = "essais@exemple.fr"
    assert post(api, "/v1/auth/signup", {"email": email, "password": PASSWORD}).status_code == 202
    code = code_from_mailbox(email)
    for _ in range(5):
        assert post(api, "/v1/auth/confirm", {"email": email, "code": "pas-le-code"}).json_body["error"][
            "code"
        ] == ("invalid_code")
    blocked = post(api, "/v1/auth/confirm", {"email": email, "code": code})
    assert blocked.status_code == 429 and blocked.json_body["error"]["code"] == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0
    assert post(api, "/v1/auth/resend-code", {"email": email}).status_code == 200
    fresh = post(api, "/v1/auth/confirm", {"email": email, "code": code_from_mailbox(email)})
    assert fresh.status_code == 429, fresh.json_body
