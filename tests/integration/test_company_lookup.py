"""The debtor lookup through the API (issue 21, first step): the local twin of the registry answers as the
API Recherche d'entreprises does; a typo in a SIREN is said at once; a registry down is a French 503 that says
to type the debtor by hand."""

from __future__ import annotations

import pytest

from chalicelib import bootstrap
from chalicelib.adapters.company_registry import CompanyRegistry, RecordedCompanies
from tests.integration.claims_helpers import creditor, get
from tests.integration.test_payments import operator_token

pytestmark = pytest.mark.integration


def test_a_creditor_finds_the_debtor_by_siren_siret_or_name(api):
    token = creditor(api)
    answer = get(api, "/v1/companies?q=833698020", token)
    assert answer.status_code == 200, answer.json_body
    [rhone] = answer.json_body["companies"]
    assert answer.json_body["simulated"] is True and "Recherche d'entreprises" in answer.json_body["source"]
    assert rhone == {
        "siren": "833698020",
        "name": "RHÔNE DISTRIBUTION",
        "trade_name": None,
        "sole_trader": False,
        "legal_form_code": "5499",
        "head_office_siret": "83369802000017",
        "address": {"line1": "3 QUAI SAINT-ANTOINE", "line2": None, "postal_code": "69002", "city": "LYON"},
        "active": True,
        "closed_on": None,
        "finding": None,
        "vat_numbers": rhone["vat_numbers"],
        "suggested_category": "commercant",
        "category_reason": "société commerciale (SARL, SA, SAS, SNC…)",
    }
    assert (
        get(api, "/v1/companies?q=833%20698%20020%2000017", token).json_body["companies"][0]["siren"]
        == "833698020"
    )
    closed = get(api, "/v1/companies?q=atelier%20bois", token).json_body["companies"][0]
    assert closed["active"] is False and "a cessé son activité le 30/06/2023" in closed["finding"]
    sole = get(api, "/v1/companies?q=menuiserie%20faure&code_postal=74000", token).json_body["companies"][0]
    assert (sole["name"], sole["trade_name"], sole["sole_trader"]) == (
        "JULIEN FAURE",
        "MENUISERIE FAURE",
        True,
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("q=ab", "q"),
        ("q=833698021", "q"),
        ("q=rhone&code_postal=6900", "code_postal"),
        (f"q={'x' * 101}", "q"),
    ],
)
def test_bad_queries_are_refused_in_french(api, query, field):
    answer = get(api, f"/v1/companies?{query}", creditor(api))
    assert answer.status_code == 400, answer.json_body
    assert answer.json_body["error"]["message"] and answer.json_body["error"].get("field", field) == field


def test_a_registry_down_is_a_503_that_says_to_type_the_debtor(api):
    token = creditor(api)

    def down(url):  # type: ignore[no-untyped-def]
        raise TimeoutError("timed out")

    broken = CompanyRegistry("https://recherche-entreprises.api.gouv.fr", down, sleep=lambda s: None)
    with bootstrap.override("company_registry", lambda: broken):
        answer = get(api, "/v1/companies?q=rhone", token)
    assert answer.status_code == 503 and answer.json_body["error"]["code"] == "registry_unavailable"
    assert "saisissez le débiteur à la main" in answer.json_body["error"]["message"]


def test_only_a_creditor_searches(api):
    assert get(api, "/v1/companies?q=rhone", operator_token(api)).status_code == 403
    assert get(api, "/v1/companies?q=rhone").status_code == 401
    assert isinstance(RecordedCompanies().results, list)


def test_the_same_question_within_the_day_is_answered_from_the_cache(api):
    import datetime as dt

    from chalicelib.adapters.company_registry import DynamoAnswerCache

    token = creditor(api)
    now = [dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)]
    twin = RecordedCompanies()
    cached = CompanyRegistry(
        "https://recherche-entreprises.api.gouv.fr",
        twin,
        simulated=True,
        cache=DynamoAnswerCache(clock=lambda: now[0]),
    )
    with bootstrap.override("company_registry", lambda: cached):
        first = get(api, "/v1/companies?q=tilleuls", token).json_body
        now[0] += dt.timedelta(hours=23)
        again = get(api, "/v1/companies?q=tilleuls", token).json_body
        assert len(twin.requests) == 1 and again == first
        now[0] += dt.timedelta(hours=2)  # a day has passed: asked again
        get(api, "/v1/companies?q=tilleuls", token)
        assert len(twin.requests) == 2
        get(api, "/v1/companies?q=tilleuls&code_postal=33000", token)  # another question
        assert len(twin.requests) == 3


def test_a_creditor_asking_too_often_is_told_to_wait(api, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_LIMIT_COMPANY_LOOKUP_ACCOUNT", "2/300")
    get_settings.cache_clear()
    try:
        token = creditor(api)
        assert [get(api, "/v1/companies?q=tilleuls", token).status_code for _ in range(2)] == [200, 200]
        refused = get(api, "/v1/companies?q=tilleuls", token)
        assert (
            refused.status_code == 429
            and "Trop de recherches d'entreprise" in refused.json_body["error"]["message"]
        )
        assert int(refused.headers["Retry-After"]) > 0
        assert get(api, "/v1/companies?q=tilleuls", creditor(api, "autre@exemple.fr")).status_code == 200
    finally:
        monkeypatch.delenv("CLAIMS_LIMIT_COMPANY_LOOKUP_ACCOUNT")
        get_settings.cache_clear()
