"""The debtor checked against the BODACC (local twin, the API's record format): proceedings found at the
pre-check route the claim to the déclaration de créance with the deadline and the mandataire; a judgment
published between payment and CheckClaim rejects and refunds; a registry that does not answer is a finding
and the claim goes on; the answer is kept a day."""

from __future__ import annotations

import json
import time

import pytest

from tests import artefacts
from tests.integration.claims_helpers import b2b_content, create_claim, creditor, get, post
from tests.integration.outbox_helpers import wait_for_mail
from tests.integration.test_payments import deliver, submitted

pytestmark = pytest.mark.integration

# The integration tests' business day is 2025-03-31 (conftest): the announcements they add are dated before.
LIQUIDATION = "959185166"  # TRANSPORTS GARONNE in the twin


def _announce(twin, siren: str, *, record_id: str, judged: str, published: str) -> None:
    """A liquidation judgment for ``siren`` in the twin, in the API's format (from its first record)."""
    record = json.loads(json.dumps(twin.records[0]))
    record.update(
        id=record_id, registre=[f"{siren[:3]} {siren[3:6]} {siren[6:]}", siren], dateparution=published
    )
    record["jugement"] = json.dumps(json.loads(record["jugement"]) | {"date": judged}, ensure_ascii=False)
    twin.records.append(record)


@pytest.fixture
def twin(monkeypatch):
    """The process's BODACC twin, restored afterwards; claims assessed on 31 March 2025 (any real day)."""
    from chalicelib.adapters.bodacc import recorded_twin
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2025-03-31")
    get_settings.cache_clear()
    twin = recorded_twin()
    records = list(twin.records)
    twin.requests.clear()
    yield twin
    twin.records[:] = records
    twin.down = False
    get_settings.cache_clear()


def _forget_cached_answers() -> None:
    """What a day does to the registry cache (its items expire after 24 hours)."""
    from chalicelib.adapters.dynamo import RegistryCacheModel

    for item in RegistryCacheModel.scan():
        item.delete()


def _debtor(siren: str, name: str) -> dict:
    content = b2b_content()
    content["debtor"] = {**content["debtor"], "siren": siren, "legal_name": name}
    return content


def test_a_debtor_in_liquidation_is_routed_to_the_declaration_with_its_deadline_and_liquidateur(api, twin):
    token = creditor(api)
    _announce(twin, LIQUIDATION, record_id="A202500401186", judged="2025-02-10", published="2025-02-20")
    _forget_cached_answers()
    claim_id = create_claim(api, token, _debtor(LIQUIDATION, "Transports Garonne"))["claim_id"]
    result = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert result["can_submit"] is False
    assert result["route"]["injonction_de_payer"] == "blocked"
    assert result["route"]["alternative"] == "declaration_de_creance", (
        result["as_of"],
        result["route"],
        result["findings"],
    )
    assert result["route"]["declaration_deadline"] == "2025-04-20"  # R622-24: BODACC 2025-02-20 + 2 months
    [found] = [f for f in result["findings"] if f["code"] == "bodacc_in_proceedings"]
    assert "20 février 2025" in found["message"]
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    proceedings = claim["content"]["debtor"]["collective_proceedings"]
    assert proceedings["source"] == "bodacc" and proceedings["kind"] == "liquidation"
    assert proceedings["mandataire"].startswith("Me Hélène Rivière, 12 allée Jean Jaurès")
    assert proceedings["announcement"] == "A202500401186"
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert any("BODACC le 20 février 2025" in e["reason"] for e in events)
    # Asked again: nothing new is written.
    post(api, f"/v1/claims/{claim_id}/precheck", {}, token)
    again = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert len(again) == len(events)


def test_a_judgment_published_between_payment_and_the_check_rejects_and_refunds(api, stripe, twin):
    token = creditor(api)
    claim_id, result = submitted(api, token)  # debtor 542051180: nothing at the BODACC
    _announce(twin, "542051180", record_id="A202500609999", judged="2025-03-24", published="2025-03-31")
    _forget_cached_answers()

    assert deliver(api, stripe.pay(result["checkout"]["session_id"]), fake=stripe).status_code == 200
    deadline = time.monotonic() + 20
    while get(api, f"/v1/claims/{claim_id}", token).json_body["status"] != "rejected":
        assert time.monotonic() < deadline, get(api, f"/v1/claims/{claim_id}/timeline", token).json_body
        time.sleep(0.1)
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert any("BODACC le 31 mars 2025" in e["reason"] for e in events)
    rejection = next(e for e in events if e["to_status"] == "rejected")
    assert "liquidation" in rejection["reason"]
    deadline = time.monotonic() + 10
    while not [e for e in stripe.events() if e["type"] == "charge.refunded"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    wait_for_mail("claire@atelier-numerique.fr", lambda m: "liquidation" in m["body"])


def test_a_registry_that_does_not_answer_is_a_finding_and_the_claim_goes_on(api, twin):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    _forget_cached_answers()
    twin.down = True
    result = post(api, f"/v1/claims/{claim_id}/precheck", {}, token)
    assert result.status_code == 200
    [finding] = [f for f in result.json_body["findings"] if f["code"] == "bodacc_unavailable"]
    assert finding["level"] == "warning" and "n'a pas pu être consulté" in finding["message"]
    assert result.json_body["can_submit"] is True


def test_the_answer_is_kept_and_not_asked_again_within_the_day(api, twin):
    token = creditor(api)
    _forget_cached_answers()
    first = create_claim(api, token)["claim_id"]
    second = create_claim(api, token)["claim_id"]
    post(api, f"/v1/claims/{first}/precheck", {}, token)
    post(api, f"/v1/claims/{second}/precheck", {}, token)
    asked = [url for url in twin.requests if "542051180" in url]
    assert len(asked) == 1


def test_the_creditor_downloads_the_pre_filled_declaration_addressed_to_the_liquidateur(api, twin):
    import io

    import requests
    from pypdf import PdfReader

    token = creditor(api)
    _announce(twin, LIQUIDATION, record_id="A202500401186", judged="2025-02-10", published="2025-02-20")
    _forget_cached_answers()
    claim_id = create_claim(api, token, _debtor(LIQUIDATION, "Transports Garonne"))["claim_id"]
    assert get(api, f"/v1/claims/{claim_id}/declaration", token).status_code == 409  # no proceedings yet
    post(api, f"/v1/claims/{claim_id}/precheck", {}, token)
    assert get(api, f"/v1/claims/{claim_id}/declaration", token).json_body["status"] == "absent"
    started = post(api, f"/v1/claims/{claim_id}/declaration", {}, token)
    assert started.status_code == 202 and started.json_body["status"] == "pending"
    deadline = time.monotonic() + 60
    while (found := get(api, f"/v1/claims/{claim_id}/declaration", token).json_body)["status"] != "ready":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    pdf = requests.get(found["url"], timeout=30).content
    (artefacts.folder("documents") / "declaration-creance.pdf").write_bytes(pdf)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "DÉCLARATION DE CRÉANCE" in text
    assert "Me Hélène Rivière" in text and "liquidateur" in text
    assert "20 avril 2025" in text  # R622-24: two months from the BODACC publication of 20 February 2025
    assert "L622-28" in text and "Transports Garonne" in text
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert any("Déclaration de créance préparée" in e["reason"] for e in events)
    # Another creditor cannot reach it.
    other = creditor(api, email="autre@exemple.fr")
    assert get(api, f"/v1/claims/{claim_id}/declaration", other).status_code == 404


def test_a_judgment_published_while_the_notice_runs_is_written_the_creditor_told_and_no_injonction_offered(
    api, twin, monkeypatch
):
    from chalicelib import bootstrap
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.domain.claim import ClaimStatus
    from chalicelib.services.escalation import BlockedByProceedings
    from chalicelib.workflow import handlers, steps
    from tests.integration.outbox_helpers import status_email

    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]  # debtor 542051180
    repository = ClaimRepository()
    for status in (ClaimStatus.AWAITING_PAYMENT, ClaimStatus.ASSESSING, ClaimStatus.NOTICE_SENT):
        repository.transition(claim_id, status, actor="t", reason="préparation", notify=status_email(status))
    assert handlers.recheck_debtors()["found"] == []  # nothing at the BODACC yet

    _announce(twin, "542051180", record_id="A202500609999", judged="2025-03-24", published="2025-03-31")
    _forget_cached_answers()
    report = handlers.recheck_debtors()
    assert report["found"] == [claim_id] and report["unavailable"] == 0
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert any("BODACC le 31 mars 2025" in e["reason"] for e in events)
    [mail] = wait_for_mail("claire@atelier-numerique.fr", lambda m: "procédure collective" in m["subject"])
    assert "Me Hélène Rivière" in mail["body"] and "R622-24" in mail["body"]
    assert handlers.recheck_debtors()["found"] == []  # written once

    # After the deadline, the offer of the injonction is not made: the execution closes the claim.
    answered: list[tuple[str, dict]] = []

    class Engine:
        def send_task_success(self, token, output):
            answered.append((token, output))

    monkeypatch.setattr(bootstrap, "engine", lambda: Engine())
    assert steps.offer_escalation({"claim_id": claim_id, "task_token": "tok-1"}) == {"offer": "blocked"}
    assert answered == [("tok-1", {"decision": "proceedings"})]
    with pytest.raises(BlockedByProceedings, match="Dossier non constitué"):
        steps.assemble_dossier({"claim_id": claim_id})
    steps.close_claim({"claim_id": claim_id, "decision": {"decision": "proceedings"}})
    claim = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert claim["status"] == "closed"
    events = get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]
    assert "procédure collective" in events[-1]["reason"] and "L622-21" in events[-1]["reason"]
