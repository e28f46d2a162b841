"""The legal pages' data and the terms of sale: ``GET /v1/legal`` (public) gives the seller and the prices
HT + TVA = TTC; a creditor accepts the conditions générales de vente in force before any checkout (submitting,
reopening the payment), once per version, recorded on the account and in the claim's timeline."""

from __future__ import annotations

import pytest

from tests.integration.claims_helpers import cgv, create_claim, creditor, get, pdf_bytes, post, upload

pytestmark = pytest.mark.integration

ACCEPTED = "Conditions générales de vente (version du {label}) acceptées le "


def ready_claim(api, token, reference: str) -> str:
    """A draft with its invoice, ready to submit."""
    from tests.integration.claims_helpers import b2b_content

    claim_id = create_claim(api, token, b2b_content(reference=reference))["claim_id"]
    confirmed, _ = upload(api, token, claim_id, pdf_bytes())
    assert confirmed.status_code == 200, confirmed.json_body
    return claim_id


def acceptance_events(api, token, claim_id: str) -> list[str]:
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    return [e["reason"] for e in events if e["reason"].startswith("Conditions générales de vente")]


def new_cgv_version(monkeypatch, version: str) -> None:
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CGV_VERSION", version)
    get_settings.cache_clear()


def test_the_legal_information_is_public_with_the_seller_and_the_prices_before_and_after_vat(api):
    from chalicelib.settings import get_settings

    answer = get(api, "/v1/legal")  # no token
    assert answer.status_code == 200, answer.json_body
    legal = answer.json_body
    seller = get_settings().seller
    assert legal["seller"]["legal_name"] == seller.legal_name and legal["seller"]["siren"] == seller.siren
    assert legal["seller"]["demo"] is True  # the local platform's fictitious company, said as such
    assert legal["seller"]["publication_director"] and legal["seller"]["host"]
    assert legal["support_email"] == seller.email
    assert legal["cgv"] == {"version": "2026-12-01", "date": "2026-12-01", "label": "1er décembre 2026"}
    prices = {p["step"]: p for p in legal["prices"]}
    assert (prices["notice"]["ht_cents"], prices["notice"]["vat_cents"]) == (2417, 483)
    assert (prices["dossier"]["ht_cents"], prices["dossier"]["vat_cents"]) == (7417, 1483)
    for price in legal["prices"]:
        assert price["ht_cents"] + price["vat_cents"] == price["ttc_cents"]
        assert price["vat_rate_percent"] == legal["vat_rate_percent"] == 20
    assert prices["notice"]["ttc_cents"] == 2900 and prices["dossier"]["ttc_cents"] == 8900


def test_no_checkout_before_the_terms_are_accepted_then_once_per_version(api, stripe, monkeypatch):
    from chalicelib.adapters.accounts_repository import AccountRepository

    token = creditor(api)
    me = get(api, "/v1/me", token).json_body
    assert me["cgv_accepted"] is None

    # Not accepted: a French refusal, the claim stays a draft, nothing is charged.
    first = ready_claim(api, token, "CGV-1")
    refused = post(api, f"/v1/claims/{first}/submit", {}, token)
    assert refused.status_code == 409, refused.json_body
    error = refused.json_body["error"]
    assert error["code"] == "cgv_not_accepted"
    assert "conditions générales de vente (version du 1er décembre 2026)" in error["message"]
    claim = get(api, f"/v1/claims/{first}", token).json_body
    assert claim["status"] == "draft" and claim["checkouts"] == []
    assert stripe.sessions() == []
    wrong = post(api, f"/v1/claims/{first}/submit", {"cgv_version": "2020-01-01"}, token)
    assert wrong.status_code == 409 and wrong.json_body["error"]["code"] == "cgv_not_accepted"
    assert stripe.sessions() == []

    # Accepted with the submission: the checkout opens; the account and the timeline record it.
    accepted = post(api, f"/v1/claims/{first}/submit", cgv(), token)
    assert accepted.status_code == 200, accepted.json_body
    assert accepted.json_body["checkout"]["status"] == "open"
    account = AccountRepository().get(get(api, "/v1/me", token).json_body["user_id"])
    assert account.cgv_version == "2026-12-01" and account.cgv_accepted_at is not None
    me = get(api, "/v1/me", token).json_body
    assert me["cgv_accepted"]["version"] == "2026-12-01" and me["cgv_accepted"]["accepted_at"]
    [event] = acceptance_events(api, token, first)
    assert event.startswith(ACCEPTED.format(label="1er décembre 2026"))

    # The second claim needs no new acceptance (and its timeline says nothing about it).
    second = ready_claim(api, token, "CGV-2")
    again = post(api, f"/v1/claims/{second}/submit", {}, token)
    assert again.status_code == 200, again.json_body
    assert again.json_body["checkout"]["status"] == "open"
    assert acceptance_events(api, token, second) == []

    # A new version comes into force: accepted again before any checkout, reopening one included.
    new_cgv_version(monkeypatch, "2027-03-01")
    third = ready_claim(api, token, "CGV-3")
    refused = post(api, f"/v1/claims/{third}/submit", {}, token)
    assert refused.status_code == 409 and "1er mars 2027" in refused.json_body["error"]["message"]
    stale = post(api, f"/v1/claims/{third}/submit", {"cgv_version": "2026-12-01"}, token)
    assert stale.status_code == 409 and "ont changé" in stale.json_body["error"]["message"]
    assert get(api, f"/v1/claims/{third}", token).json_body["status"] == "draft"
    reopen = post(api, f"/v1/claims/{first}/checkout", {}, token)
    assert reopen.status_code == 409 and reopen.json_body["error"]["code"] == "cgv_not_accepted"
    reopened = post(api, f"/v1/claims/{first}/checkout", {"cgv_version": "2027-03-01"}, token)
    assert reopened.status_code == 201, reopened.json_body
    assert acceptance_events(api, token, first)[-1].startswith(ACCEPTED.format(label="1er mars 2027"))
    assert get(api, "/v1/me", token).json_body["cgv_accepted"]["version"] == "2027-03-01"
    assert post(api, f"/v1/claims/{third}/submit", {}, token).status_code == 200


def test_a_claim_that_cannot_go_ahead_says_why_before_asking_for_the_terms(api, stripe):
    from tests.integration.claims_helpers import b2c_barred_content

    token = creditor(api)
    claim_id = create_claim(api, token, b2c_barred_content())["claim_id"]
    refused = post(api, f"/v1/claims/{claim_id}/submit", {}, token)
    assert refused.status_code == 422 and refused.json_body["error"]["code"] != "cgv_not_accepted"


def test_someone_elses_claim_is_not_found_whatever_the_terms(api, stripe):
    owner = creditor(api)
    claim_id = ready_claim(api, owner, "CGV-A")
    stranger = creditor(api, "autre@exemple.fr")
    for path in (f"/v1/claims/{claim_id}/submit", f"/v1/claims/{claim_id}/checkout"):
        assert post(api, path, {}, stranger).status_code == 404
