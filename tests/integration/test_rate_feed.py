"""The rate feed (issue 17): the local twin of the ECB Data Portal and Banque de France Webstat serves
recorded answers; the check PROPOSES the semester the tables lack (pending, with its sources, emailed to the
operator once); the operator confirms (the semester is added with its source and the claims « à parfaire »
are recomputed) or rejects. Never applied without an operator, never proposed twice, never proposed when the
tables already hold the semester. The recorded 2026-S2 legal rates are demonstration values."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from tests.integration.claims_helpers import creditor, get, post
from tests.integration.test_escalation_pipeline import paid_claim, wait_status
from tests.integration.test_payments import operator_token

CHECK = "/v1/operator/rate-proposals/check"
LIST = "/v1/operator/rate-proposals"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """A business date after 1 July 2026 (the recorded answers hold 2026-S2) and fresh rate tables."""
    from chalicelib.services.rates import forget_cached_tables
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2026-11-23")
    monkeypatch.delenv("RATE_FEED", raising=False)
    get_settings.cache_clear()
    forget_cached_tables()
    yield
    forget_cached_tables()
    get_settings.cache_clear()


def _pending(api, ops) -> list[dict]:
    return [p for p in get(api, LIST, ops).json_body["proposals"] if p["status"] == "pending"]


def _platform_outbox() -> list:
    from chalicelib.adapters.outbox_repository import OutboxRepository
    from chalicelib.domain.notifications import RATE_PROPOSALS_SUBJECT

    return OutboxRepository().for_claim(RATE_PROPOSALS_SUBJECT)


def test_the_feed_proposes_the_missing_semester_once_with_its_sources_and_emails_the_operator(api):
    ops = operator_token(api)
    checked = post(api, CHECK, {}, ops)
    assert checked.status_code == 200, checked.json_body
    assert checked.json_body["mode"] == "local" and checked.json_body["next_semester"] == "2026-S2"
    [proposal_id] = checked.json_body["proposed"]

    [proposal] = _pending(api, ops)
    assert proposal["proposal_id"] == proposal_id and proposal["simulated"] is True
    assert (proposal["semester"], proposal["ecb_mro"], proposal["particuliers"], proposal["autres_cas"]) == (
        "2026-S2",
        "2.15",
        "6.50",
        "2.50",
    )
    ecb, part, other = proposal["sources"]
    assert ecb["series"] == "FM.D.U2.EUR.4F.KR.MRR_FR.LEV" and ecb["observed_on"] == "2025-06-11"
    assert ecb["url"].startswith("https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV?")
    assert part["url"].startswith("https://webstat.banque-france.fr/api/explore/v2.1/catalog/datasets/")
    assert other["observed_on"] == "2026-07-01"
    # proposed, not applied: the tables still stop at 2026-S1
    assert get(api, "/v1/operator/rates", ops).json_body["coverage"]["interest_through"] == "2026-06-30"

    # the daily run again: no second proposal, no second email
    again = post(api, CHECK, {}, ops).json_body
    assert again["proposed"] == [] and again["already_proposed"] == [proposal_id]
    [email] = _platform_outbox()
    assert (email.kind, email.recipient, email.context["semester"]) == (
        "rate_proposal",
        "operator",
        "2026-S2",
    )

    # sent once to the operator (by the background start or this drainer, whichever leases it first)
    from chalicelib.domain.notifications import OutboxStatus
    from chalicelib.services.outbox import deliver_pending
    from chalicelib.settings import get_settings
    from tests.integration.accounts_helpers import mailbox

    deadline = time.monotonic() + 30
    while _platform_outbox()[0].status is not OutboxStatus.SENT:
        deliver_pending(claim_id=email.claim_id)
        assert time.monotonic() < deadline, _platform_outbox()
        time.sleep(0.2)
    [message] = [m for m in mailbox(get_settings().operator_email) if "2026-S2" in m["subject"]]
    assert message["subject"] == "Taux du semestre 2026-S2 à confirmer (flux simulé)"
    assert "6,50 %" in message["body"] and "2,15 %" in message["body"] and "/#/operateur" in message["body"]


def test_confirming_adds_the_semester_with_its_source_and_recomputes_the_claims_a_parfaire(
    api, stripe, monkeypatch
):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2026-11-23")  # the stripe fixture set 2025-03-31
    get_settings.cache_clear()
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    before = wait_status(api, token, claim_id, "escalation_offered")["assessment"]["amounts"]
    assert before["a_parfaire"] is True and before["interest_until"] == "2026-06-30"

    ops = operator_token(api)
    [proposal_id] = post(api, CHECK, {}, ops).json_body["proposed"]
    confirmed = post(api, f"{LIST}/{proposal_id}/confirm", {}, ops)
    assert confirmed.status_code == 200, confirmed.json_body
    assert confirmed.json_body["proposal"]["status"] == "confirmed"
    assert confirmed.json_body["proposal"]["decided_by"] == "ops@plateforme.fr"
    assert claim_id in confirmed.json_body["semester_added"]["recomputed"]

    [row] = get(api, "/v1/operator/rates", ops).json_body["added"]
    assert (row["semester"], row["ecb_mro"], row["particuliers"], row["autres_cas"]) == (
        "2026-S2",
        "2.15",
        "6.50",
        "2.50",
    )
    assert row["source"].startswith("Flux simulé") and "FM.D.U2.EUR.4F.KR.MRR_FR.LEV" in row["source"]
    after = get(api, f"/v1/claims/{claim_id}", token).json_body["assessment"]["amounts"]
    assert after["a_parfaire"] is False and after["interest_until"] == "2026-11-23"
    assert Decimal(after["interest"]) > Decimal(before["interest"])

    # confirmed once: a second confirmation is refused, and the feed has nothing left to propose
    again = post(api, f"{LIST}/{proposal_id}/confirm", {}, ops)
    assert again.status_code == 409 and "confirmée" in again.json_body["error"]["message"]
    checked = post(api, CHECK, {}, ops).json_body
    assert checked["proposed"] == [] and checked["next_semester"] == "2027-S1"


def test_a_rejected_proposal_changes_nothing_and_is_not_proposed_again(api):
    ops = operator_token(api)
    [proposal_id] = post(api, CHECK, {}, ops).json_body["proposed"]
    rejected = post(api, f"{LIST}/{proposal_id}/reject", {"reason": "valeurs à vérifier au JO"}, ops)
    assert rejected.status_code == 200, rejected.json_body
    assert rejected.json_body["proposal"]["status"] == "rejected"
    assert rejected.json_body["proposal"]["reason"] == "valeurs à vérifier au JO"
    assert get(api, "/v1/operator/rates", ops).json_body["added"] == []
    assert post(api, CHECK, {}, ops).json_body["already_proposed"] == [proposal_id]
    assert _pending(api, ops) == [] and len(_platform_outbox()) == 1
    refused = post(api, f"{LIST}/{proposal_id}/confirm", {}, ops)
    assert refused.status_code == 409 and "rejetée" in refused.json_body["error"]["message"]


def test_no_proposal_when_the_tables_already_hold_the_semester(api):
    ops = operator_token(api)
    typed = {
        "semester": "2026-S2",
        "ecb_mro": "2,15",
        "particuliers": "6,50",
        "autres_cas": "2,50",
        "source": "valeurs de test — jamais publiées (tests automatiques)",
    }
    assert post(api, "/v1/operator/rates", typed, ops).status_code == 201
    checked = post(api, CHECK, {}, ops).json_body
    assert checked["proposed"] == [] and checked["already_proposed"] == []
    assert checked["next_semester"] == "2027-S1" and "Tables à jour" in checked["notes"][0]
    assert get(api, LIST, ops).json_body["proposals"] == [] and _platform_outbox() == []


def test_a_proposal_overtaken_by_a_typed_semester_is_closed_without_effect(api):
    ops = operator_token(api)
    [proposal_id] = post(api, CHECK, {}, ops).json_body["proposed"]
    typed = {
        "semester": "2026-S2",
        "ecb_mro": "2,15",
        "particuliers": "6,40",
        "autres_cas": "2,40",
        "source": "valeurs de test — jamais publiées (tests automatiques)",
    }
    assert post(api, "/v1/operator/rates", typed, ops).status_code == 201
    refused = post(api, f"{LIST}/{proposal_id}/confirm", {}, ops)
    assert refused.status_code == 409 and "figure déjà" in refused.json_body["error"]["message"]
    [proposal] = get(api, LIST, ops).json_body["proposals"]
    assert proposal["status"] == "superseded"
    [row] = get(api, "/v1/operator/rates", ops).json_body["added"]
    assert row["particuliers"] == "6.40"  # the typed values stay


def test_nothing_is_proposed_before_the_semester_begins(api, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2026-06-30")
    get_settings.cache_clear()
    ops = operator_token(api)
    checked = post(api, CHECK, {}, ops).json_body
    assert checked["proposed"] == [] and "commence le 2026-07-01" in checked["notes"][0]


def test_the_feed_switched_off_reads_nothing(api, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("RATE_FEED", "off")
    get_settings.cache_clear()
    ops = operator_token(api)
    checked = post(api, CHECK, {}, ops).json_body
    assert checked["mode"] == "off" and checked["proposed"] == [] and "RATE_FEED=off" in checked["notes"][0]


def test_the_schedule_runs_the_same_check(api):
    import app

    report = app.check_rate_feeds.func({})  # the function Chalice deploys behind the daily rule
    assert report["next_semester"] == "2026-S2" and len(report["proposed"]) == 1


def test_unknown_proposal_and_non_operators(api):
    ops = operator_token(api)
    missing = post(api, f"{LIST}/2026-S2-0000000000/confirm", {}, ops)
    assert missing.status_code == 404 and missing.json_body["error"]["message"] == (
        "Cette proposition de taux est introuvable."
    )
    token = creditor(api)
    assert get(api, LIST, token).status_code == 403
    assert post(api, CHECK, {}, token).status_code == 403
