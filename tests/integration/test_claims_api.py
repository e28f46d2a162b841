"""Claim intake through the API on in-process moto: drafts, optimistic locking, pre-check, submission,
visibility, and the hash-chained timeline."""

from __future__ import annotations

import itertools

import pytest

from tests.integration.claims_helpers import (
    b2b_content,
    b2c_barred_content,
    create_claim,
    creditor,
    get,
    post,
    put,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def assessed_on(monkeypatch):
    """Assess claims on a given day (the local platform's CLAIMS_TODAY), inside the rate tables."""
    from chalicelib.settings import get_settings

    def set_day(day: str) -> None:
        monkeypatch.setenv("CLAIMS_TODAY", day)
        get_settings.cache_clear()

    yield set_day
    get_settings.cache_clear()


def test_a_creditor_creates_reads_and_lists_a_draft(api):
    token = creditor(api)
    claim = create_claim(api, token)
    assert claim["status"] == "draft" and claim["editable"] is True
    assert claim["debtor_name"] == "Rhône Distribution SARL"
    assert claim["principal"] == "1000.00"
    assert claim["content"]["invoices"][0]["amount_ttc"] == "1000.00"

    read = get(api, f"/v1/claims/{claim['claim_id']}", token)
    assert read.status_code == 200 and read.json_body["version"] == 1
    listed = get(api, "/v1/claims", token).json_body["claims"]
    assert [c["claim_id"] for c in listed] == [claim["claim_id"]]


def test_bad_content_is_a_400_naming_each_field_in_french(api):
    token = creditor(api)
    content = b2b_content()
    content["invoices"][0]["amount_ttc"] = 1000.5
    content["debtor"]["siren"] = "123456789"
    content["debtor"]["address"]["postal_code"] = "6900"
    response = post(api, "/v1/claims", {"content": content}, token)
    assert response.status_code == 400
    error = response.json_body["error"]
    assert error["code"] == "invalid_input"
    fields = {detail["field"] for detail in error["details"]}
    assert {
        "content.invoices[0].amount_ttc",
        "content.debtor.siren",
        "content.debtor.address.postal_code",
    } <= fields
    assert all(detail["message"] for detail in error["details"])


def test_a_non_json_body_is_a_400_not_a_500(api):
    token = creditor(api)
    response = api.http.post(
        "/v1/claims",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body="{",
    )
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_json"


def test_stale_update_is_refused_with_409_and_the_first_update_is_kept(api):
    token = creditor(api)
    claim = create_claim(api, token)
    path = f"/v1/claims/{claim['claim_id']}"
    first = b2b_content(reference="MODIF-A")
    second = b2b_content(reference="MODIF-B")
    ok = put(api, path, {"version": 1, "content": first}, token)
    assert ok.status_code == 200 and ok.json_body["version"] == 2
    stale = put(api, path, {"version": 1, "content": second}, token)
    assert stale.status_code == 409
    assert stale.json_body["error"]["code"] == "concurrent_update"
    assert "rechargez" in stale.json_body["error"]["message"]
    kept = get(api, path, token).json_body
    assert kept["reference"] == "MODIF-A" and kept["version"] == 2


def test_another_creditors_claim_answers_404_everywhere(api):
    owner = creditor(api, "owner@example.fr")
    stranger = creditor(api, "stranger@example.fr")
    claim_id = create_claim(api, owner)["claim_id"]
    for response in (
        get(api, f"/v1/claims/{claim_id}", stranger),
        put(api, f"/v1/claims/{claim_id}", {"version": 1, "content": b2b_content()}, stranger),
        post(api, f"/v1/claims/{claim_id}/precheck", {}, stranger),
        post(api, f"/v1/claims/{claim_id}/submit", {}, stranger),
        post(api, f"/v1/claims/{claim_id}/withdraw", {}, stranger),
        get(api, f"/v1/claims/{claim_id}/timeline", stranger),
        post(
            api,
            f"/v1/claims/{claim_id}/documents",
            {"filename": "f.pdf", "content_type": "application/pdf"},
            stranger,
        ),
    ):
        assert response.status_code == 404, response.json_body
        assert response.json_body["error"]["code"] == "not_found"
    assert get(api, "/v1/claims", stranger).json_body["claims"] == []
    assert get(api, f"/v1/claims/{claim_id}", owner).status_code == 200


def test_precheck_gives_amounts_route_and_decompte_of_shared_case_01(api, assessed_on):
    assessed_on("2025-03-31")
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    response = post(api, f"/v1/claims/{claim_id}/precheck", {}, token)
    assert response.status_code == 200, response.json_body
    result = response.json_body
    assert result["can_submit"] is True and result["blockers"] == []
    assert result["amounts"]["total"] == "1061.26"
    assert result["amounts"]["interest"] == "21.26"
    assert result["route"]["court_kind"] == "tribunal_de_commerce" and result["route"]["court_city"] == "Lyon"
    [segment] = result["decompte"]["invoices"][0]["segments"]
    assert segment["days"] == 59 and segment["rate"] == "13.15" and "L441-10" in segment["rate_source"]


def test_precheck_without_a_creditor_profile_asks_to_complete_it(api):
    from tests.integration.accounts_helpers import signed_up_creditor

    token = signed_up_creditor(api, "noprofile@example.fr")
    claim_id = create_claim(api, token)["claim_id"]
    response = post(api, f"/v1/claims/{claim_id}/precheck", {}, token)
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "profile_incomplete"


def test_a_time_barred_claim_cannot_be_submitted_and_says_why(api, assessed_on):
    assessed_on("2025-06-30")
    token = creditor(api)
    claim_id = create_claim(api, token, b2c_barred_content())["claim_id"]
    precheck = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert precheck["can_submit"] is False
    assert precheck["prescription"]["status"] == "barred"
    assert precheck["blockers"][0]["code"] == "time_barred"
    assert precheck["blockers"][0]["article"].startswith("C. conso.")

    refused = post(api, f"/v1/claims/{claim_id}/submit", {}, token)
    assert refused.status_code == 422
    error = refused.json_body["error"]
    assert error["code"] == "not_submittable" and "prescrite" in error["message"]
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "draft"


def test_a_rate_not_yet_published_does_not_block_submission(api, assessed_on):
    assessed_on("2026-11-23")  # the rulebook's tables stop at 2026-S1
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    precheck = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert precheck["can_submit"] is True, precheck["blockers"]
    assert precheck["amounts"]["a_parfaire"] is True
    [finding] = [f for f in precheck["findings"] if f["code"] == "interest_a_parfaire"]
    assert "2026-S2" in finding["message"] and "à parfaire" in finding["message"]
    assert "chalicelib" not in finding["message"]


def test_submission_needs_an_invoice_among_the_evidence(api, assessed_on):
    assessed_on("2025-03-31")
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    refused = post(api, f"/v1/claims/{claim_id}/submit", {}, token)
    assert refused.status_code == 422
    assert refused.json_body["error"]["code"] == "invoice_missing"


def test_withdrawing_a_draft_records_the_reason(api):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    response = post(api, f"/v1/claims/{claim_id}/withdraw", {"reason": "Le client a payé"}, token)
    assert response.status_code == 200 and response.json_body["status"] == "withdrawn"
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert events[-1]["reason"] == "Retirée par le créancier : Le client a payé"
    again = put(api, f"/v1/claims/{claim_id}", {"version": 2, "content": b2b_content()}, token)
    assert again.status_code == 409 and again.json_body["error"]["code"] == "not_editable"


def test_the_timeline_is_hash_chained_and_detects_an_edited_event(api):
    from chalicelib.adapters.dynamo import ClaimEventModel

    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    put(api, f"/v1/claims/{claim_id}", {"version": 1, "content": b2b_content(reference="X")}, token)
    post(api, f"/v1/claims/{claim_id}/withdraw", {"reason": "test"}, token)

    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert [e["kind"] for e in events] == ["status_changed", "content_updated", "status_changed"]
    assert events[0]["prev_hash"] == "0" * 64
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(events))
    verified = get(api, f"/v1/claims/{claim_id}/timeline/verify", token).json_body
    assert verified == {"claim_id": claim_id, "valid": True, "events": 3, "broken_at": None, "reason": ""}

    tampered = ClaimEventModel.get(claim_id, 2)
    tampered.update(actions=[ClaimEventModel.reason.set("Modifié en douce")])
    broken = get(api, f"/v1/claims/{claim_id}/timeline/verify", token).json_body
    assert broken["valid"] is False and broken["broken_at"] == 2
    assert "modifié" in broken["reason"]


def test_removing_the_last_event_is_detected(api):
    from chalicelib.adapters.dynamo import ClaimEventModel

    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    post(api, f"/v1/claims/{claim_id}/withdraw", {}, token)
    ClaimEventModel.get(claim_id, 2).delete()
    broken = get(api, f"/v1/claims/{claim_id}/timeline/verify", token).json_body
    assert broken["valid"] is False and "retirés" in broken["reason"]


# --- only claims that are due (rulebook 2.1-2.2, CPC 1405) --------------------------------------------------

NOT_YET_DUE = {  # assessed on 31 March 2025: due on 19 April
    "number": "F-2025-0040",
    "issue_date": "2025-03-20",
    "due_date": "2025-04-19",
    "amount_ttc": "500.00",
}
DATED_IN_THE_FUTURE = {
    "number": "F-2025-0051",
    "issue_date": "2025-04-02",
    "due_date": "2025-05-02",
    "amount_ttc": "750.00",
}


def test_an_invoice_not_yet_due_is_refused_at_submission_with_its_due_date(api, assessed_on):
    assessed_on("2025-03-31")
    token = creditor(api)
    claim_id = create_claim(api, token, b2b_content(invoices=[NOT_YET_DUE]))["claim_id"]
    precheck = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert precheck["can_submit"] is False
    assert precheck["route"]["injonction_de_payer"] == "not_admissible"
    [blocker] = precheck["blockers"]
    assert blocker["code"] == "invoice_not_yet_due" and blocker["invoice"] == "F-2025-0040"
    assert "n'est exigible que le 19 avril 2025" in blocker["message"]
    assert "Pré-contrôle favorable" not in str(precheck) and "ip_admissible" not in str(precheck["findings"])

    refused = post(api, f"/v1/claims/{claim_id}/submit", {}, token)
    assert refused.status_code == 422
    error = refused.json_body["error"]
    assert error["code"] == "not_submittable"
    assert "La facture n° F-2025-0040 n'est exigible que le 19 avril 2025" in error["message"]
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "draft"


def test_the_invoices_not_due_are_named_and_once_removed_the_claim_may_go(api, assessed_on):
    assessed_on("2025-03-31")
    token = creditor(api)
    due = b2b_content()["invoices"][0]
    content = b2b_content(invoices=[due, NOT_YET_DUE, DATED_IN_THE_FUTURE])
    claim_id = create_claim(api, token, content)["claim_id"]
    precheck = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    named = {b["invoice"]: b for b in precheck["blockers"] if b.get("invoice")}
    assert set(named) == {"F-2025-0040", "F-2025-0051"}  # the due invoice F-2025-0012 is not named
    assert "datée du 2 avril 2025" in named["F-2025-0051"]["message"]
    refused = post(api, f"/v1/claims/{claim_id}/submit", {}, token)
    assert refused.status_code == 422
    assert {d["field"] for d in refused.json_body["error"]["details"]} == {
        "invoice_not_yet_due",
        "invoice_dated_after_assessment",
    }

    # What « Retirer cette facture » does: the same content without them, with the version read.
    kept = put(api, f"/v1/claims/{claim_id}", {"version": 1, "content": b2b_content(invoices=[due])}, token)
    assert kept.status_code == 200, kept.json_body
    again = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert again["can_submit"] is True and again["amounts"]["total"] == "1061.26"


# --- the debtor's purpose (rulebook 1.1) --------------------------------------------------------------------


def test_a_trader_who_bought_privately_gets_the_consumer_regime(api, assessed_on):
    assessed_on("2025-03-31")
    token = creditor(api)
    content = b2b_content()
    content["debtor"] |= {"category": "artisan", "legal_name": "Paul Martin", "legal_form": "", "siren": ""}
    content["debtor"]["purpose"] = "private"
    claim = create_claim(api, token, content)
    assert claim["content"]["debtor"]["purpose"] == "private"
    precheck = post(api, f"/v1/claims/{claim['claim_id']}/precheck", {}, token).json_body
    assert precheck["prescription"]["last_day"] == "2027-01-02"  # C. conso. L218-2: two years
    assert precheck["amounts"]["regime"] == "legal_interest" and precheck["amounts"]["indemnity"] == "0.00"
    assert precheck["route"]["court_kind"] == "tribunal_judiciaire"


def test_a_company_cannot_have_bought_privately_400_in_french(api):
    token = creditor(api)
    content = b2b_content()
    content["debtor"]["category"] = "sel"
    content["debtor"]["purpose"] = "private"
    response = post(api, "/v1/claims", {"content": content}, token)
    assert response.status_code == 400
    [detail] = [d for d in response.json_body["error"]["details"] if d["field"] == "content.debtor.purpose"]
    assert "personne morale" in detail["message"]
    content["debtor"]["purpose"] = "perso"
    unknown = post(api, "/v1/claims", {"content": content}, token)
    assert unknown.status_code == 400
    assert any(d["field"] == "content.debtor.purpose" for d in unknown.json_body["error"]["details"])
