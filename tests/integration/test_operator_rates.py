"""The rate tables run by the operator (issue 17): a semester added over the packaged tables (test values,
never real ones), merged for the legal engine, audited, and the claims « à parfaire » recomputed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.claims_helpers import create_claim, creditor, get, post
from tests.integration.test_escalation_pipeline import paid_claim, wait_status
from tests.integration.test_payments import operator_token

TEST_VALUES = {
    "semester": "2026-S2",
    "ecb_mro": "2,15",
    "particuliers": "6,50",
    "autres_cas": "2,50",
    "source": "valeurs de test — jamais publiées (tests automatiques)",
    "published_on": "2026-06-30",
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    from chalicelib.services.rates import forget_cached_tables

    forget_cached_tables()
    yield
    forget_cached_tables()


def test_only_an_operator_reads_or_adds_rates(api):
    token = creditor(api)
    assert get(api, "/v1/operator/rates", token).status_code == 403
    assert post(api, "/v1/operator/rates", TEST_VALUES, token).status_code == 403


def test_the_tables_say_up_to_which_day_they_go(api):
    ops = operator_token(api)
    listed = get(api, "/v1/operator/rates", ops).json_body
    assert listed["coverage"]["interest_through"] == "2026-06-30"
    assert listed["coverage"]["next_semester"] == "2026-S2"
    assert listed["added"] == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"semester": "2027-S1"}, "semester"),  # a gap after the tables
        ({"semester": "2026-S1"}, "semester"),  # a packaged semester is never replaced
        ({"semester": "S2-2026"}, "semester"),
        ({"ecb_mro": "215"}, "ecb_mro"),  # percent, not basis points
        ({"autres_cas": "deux"}, "autres_cas"),
        ({"source": ""}, "source"),
    ],
)
def test_a_wrong_semester_is_refused_in_french_naming_the_field(api, change, field):
    ops = operator_token(api)
    refused = post(api, "/v1/operator/rates", TEST_VALUES | change, ops)
    assert refused.status_code == 400, refused.json_body
    assert refused.json_body["error"]["field"] == field
    assert get(api, "/v1/operator/rates", ops).json_body["added"] == []


def test_adding_a_semester_extends_the_tables_once_and_is_audited(api):
    ops = operator_token(api)
    added = post(api, "/v1/operator/rates", TEST_VALUES, ops)
    assert added.status_code == 201, added.json_body
    assert added.json_body["coverage"]["interest_through"] == "2026-12-31"
    listed = get(api, "/v1/operator/rates", ops).json_body
    [row] = listed["added"]
    assert (row["semester"], row["ecb_mro"], row["autres_cas"]) == ("2026-S2", "2.15", "2.50")
    assert row["added_by"] == "ops@plateforme.fr" and row["source"].startswith("valeurs de test")
    again = post(api, "/v1/operator/rates", TEST_VALUES, ops)
    assert again.status_code in (400, 409)


def test_a_claim_a_parfaire_is_recomputed_when_the_semester_is_added(api, stripe, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2026-11-23")
    get_settings.cache_clear()
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    before = wait_status(api, token, claim_id, "escalation_offered")["assessment"]["amounts"]
    assert before["a_parfaire"] is True and before["interest_until"] == "2026-06-30"

    ops = operator_token(api)
    added = post(api, "/v1/operator/rates", TEST_VALUES, ops)
    assert added.status_code == 201, added.json_body
    assert claim_id in added.json_body["recomputed"]
    after = get(api, f"/v1/claims/{claim_id}", token).json_body["assessment"]["amounts"]
    assert after["a_parfaire"] is False and after["interest_until"] == "2026-11-23"
    assert Decimal(after["interest"]) > Decimal(before["interest"])
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert any("Taux du semestre 2026-S2 publiés" in e["reason"] for e in events)
    # a draft filed now is assessed with the new semester: nothing left « à parfaire »
    draft = create_claim(api, token)["claim_id"]
    precheck = post(api, f"/v1/claims/{draft}/precheck", {}, token).json_body
    assert precheck["amounts"]["a_parfaire"] is False
