"""The escalation state machine run for real by moto, Lambda tasks routed to the app's handlers, from the
creditor's payment to the lawyer's desk: notice, deadline, offer, dossier payment, dossier; and the
other roads (declined, settled, consumer reminder, failures, redrive)."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from tests.integration.accounts_helpers import mailbox
from tests.integration.claims_helpers import (
    b2b_content,
    cgv,
    create_claim,
    creditor,
    get,
    pdf_bytes,
    post,
    upload,
)

pytestmark = pytest.mark.integration
CREDITOR = "claire@atelier-numerique.fr"
DEBTOR = "compta@rhone-distribution.example.fr"


def deliver(api, fake, event):
    payload, header = fake.signed(event)
    response = api.http.post(
        "/v1/webhooks/stripe",
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
        body=payload,
    )
    assert response.status_code == 200, response.body
    return response


def paid_claim(api, fake, token, content=None):
    claim_id = create_claim(api, token, content)["claim_id"]
    response, _ = upload(api, token, claim_id, pdf_bytes())
    assert response.status_code == 200
    submitted = post(api, f"/v1/claims/{claim_id}/submit", cgv(), token)
    assert submitted.status_code == 200, submitted.json_body
    deliver(api, fake, fake.pay(submitted.json_body["checkout"]["session_id"]))
    return claim_id


def wait_status(api, token, claim_id, status, timeout=60.0):
    deadline = time.monotonic() + timeout
    while True:
        claim = get(api, f"/v1/claims/{claim_id}", token).json_body
        if claim["status"] == status:
            return claim
        assert time.monotonic() < deadline, (status, claim["status"], timeline(api, token, claim_id))
        time.sleep(0.1)


def timeline(api, token, claim_id):
    return get(api, f"/v1/claims/{claim_id}/timeline", token).json_body["events"]


def emails_to(address, *, settle=1.5):
    """The mailbox once the outbox is idle (the drainer runs in the background)."""
    time.sleep(settle)
    return mailbox(address)


def execution_of(claim_id):
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    sfn = client("stepfunctions")
    listed = sfn.list_executions(stateMachineArn=get_settings().state_machine_arn)["executions"]
    return [e for e in listed if e["name"].startswith(claim_id)]


def states_entered(execution_arn):
    from chalicelib.adapters.aws import client

    events = client("stepfunctions").get_execution_history(executionArn=execution_arn, maxResults=1000)[
        "events"
    ]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def test_a_paid_b2b_claim_goes_from_notice_to_waiting_for_a_lawyer(api, stripe):
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    offered = wait_status(api, token, claim_id, "escalation_offered")

    steps = [
        (e["from_status"], e["to_status"])
        for e in timeline(api, token, claim_id)
        if e["kind"] == "status_changed"
    ]
    assert steps == [
        (None, "draft"),
        ("draft", "awaiting_payment"),
        ("awaiting_payment", "assessing"),
        ("assessing", "notice_sent"),
        ("notice_sent", "escalation_offered"),
    ]
    notice = get(api, f"/v1/claims/{claim_id}/notice/pdf", token)
    assert notice.status_code == 200, notice.json_body

    accepted = post(api, f"/v1/claims/{claim_id}/escalation", {"decision": "accept"}, token)
    assert accepted.status_code == 201, accepted.json_body
    assert accepted.json_body["amount"] == "89.00" and accepted.json_body["step"] == "dossier"
    deliver(api, stripe, stripe.pay(accepted.json_body["session_id"]))
    ready = wait_status(api, token, claim_id, "dossier_ready")
    assert ready["checkouts"][-1]["status"] == "paid"
    assert offered["version"] < ready["version"]

    # The dossier: a ZIP with the merged PDF, each piece and a manifest of hashes, stored under the claim.
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.services.dossier import dossier_keys

    _, zip_key = dossier_keys(claim_id)
    archive = zipfile.ZipFile(io.BytesIO(DocumentStore().get(zip_key, 50_000_000)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["claim_id"] == claim_id
    assert {f["name"] for f in manifest["files"]} >= {"dossier-complet.pdf"}
    # the registered letter's proof is a pièce; the bordereau dates the invoice (from the claim's content)
    names = archive.namelist()
    assert any("preuve-d-envoi" in name for name in names), names
    from pypdf import PdfReader

    bordereau = next(n for n in names if "bordereau" in n)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(bordereau))).pages)
    assert "Preuve d'envoi de la mise en demeure (lettre recommandée n° " in " ".join(text.split())
    assert "Facture" in text and "—" not in text.split("Facture", 1)[1].split("Pièce")[0]
    # the business clock stays on 31 March 2025 here, the notice's deadline is later: the requête is dated
    # the day after that deadline, never before it
    requete = next(n for n in names if "requete" in n)
    signed = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(requete))).pages).split()
    )
    assert "Fait à" in signed and "le 31 mars 2025." not in signed, signed[signed.index("Fait à") :][:60]
    events = timeline(api, token, claim_id)
    dossier_event = next(
        e for e in events if e["to_status"] == "dossier_ready" and e["kind"] == "status_changed"
    )
    assert set(dossier_event["document_hashes"]) == {"dossier_pdf", "dossier_zip"}
    deadline = time.monotonic() + 20
    while "en attente d'un avocat" not in events[-1]["reason"].lower():
        assert time.monotonic() < deadline, events[-1]
        time.sleep(0.1)
        events = timeline(api, token, claim_id)
    [execution] = execution_of(claim_id)
    assert execution["status"] == "RUNNING"  # waiting for a lawyer (the lawyers' portal answers)
    assert "AssignLawyer" in states_entered(execution["executionArn"])

    # One email to the creditor per status change, the notice with its PDF; the debtor got the letter.
    sent = emails_to(CREDITOR)
    subjects = [m["subject"] for m in sent]
    status_changes = [e for e in events if e["kind"] == "status_changed" and e["from_status"] is not None]
    assert (
        len([m for m in sent if "paiement" not in m["subject"].lower() or "reçu" not in m["subject"].lower()])
        >= 1
    )
    # The fee invoices come with their own PDF, each in its own email (issue 24): not the notice's copy.
    notice_mails = [
        m
        for m in sent
        if m["attachments"] and not m["subject"].startswith(("Votre facture ", "Votre avoir "))
    ]
    assert len(notice_mails) == 1 and notice_mails[0]["attachments"][0]["filename"].endswith(".pdf")
    assert len(sent) >= len(status_changes), subjects
    debtor = emails_to(DEBTOR, settle=0)
    assert len([m for m in debtor if m["attachments"]]) == 1
    assert get(api, f"/v1/claims/{claim_id}/timeline/verify", token).json_body["valid"] is True


def test_the_claim_its_timeline_the_offer_and_the_emails_are_dated_on_the_business_clock(api, stripe):
    """One clock (CLAIMS_TODAY=2025-03-31 here): whatever the real date, the claim is « déposée le » 31 March
    2025, every timeline entry is of that day, the offer is valid 30 days from it and the emails are dated
    on it."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    offered = wait_status(api, token, claim_id, "escalation_offered")

    def day(stamp: str) -> dt.date:
        return dt.datetime.fromisoformat(stamp).astimezone(paris).date()

    assert day(offered["created_at"]) == dt.date(2025, 3, 31)
    assert {day(e["at"]) for e in timeline(api, token, claim_id)} == {dt.date(2025, 3, 31)}
    sent = emails_to(CREDITOR)
    [offer] = [m for m in sent if "injonction de payer proposée" in m["subject"]]
    assert "Proposition valable jusqu'au : 30 avril 2025" in offer["text"]
    assert {m["business_date"] for m in sent} == {"2025-03-31"}


def test_declining_the_offer_closes_the_claim(api, stripe):
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    declined = post(api, f"/v1/claims/{claim_id}/escalation", {"decision": "decline"}, token)
    assert declined.status_code == 200, declined.json_body
    wait_status(api, token, claim_id, "closed")
    assert len(execution_of(claim_id)) == 1
    deadline = time.monotonic() + 10
    while execution_of(claim_id)[0]["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert execution_of(claim_id)[0]["status"] == "SUCCEEDED"


def test_a_claim_settled_during_the_wait_is_closed_without_an_offer(api, stripe, monkeypatch):
    import datetime as dt

    from chalicelib.services.notice import sending
    from chalicelib.settings import get_settings
    from infra.local import localaws

    # A deadline ten days after the business date (CLAIMS_TODAY: the Wait maps it onto the real clock), and
    # a time scale that makes the wait last a few seconds.
    business_today = get_settings().today()
    monkeypatch.setattr(sending, "payment_deadline", lambda **_: business_today + dt.timedelta(days=10))
    localaws.set_time_scale(11 * 86400 / 6)
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "notice_sent")
    settled = post(api, f"/v1/claims/{claim_id}/settled", {"note": "Virement reçu le 5 avril"}, token)
    assert settled.status_code == 200, settled.json_body
    deadline = time.monotonic() + 30
    while execution_of(claim_id)[0]["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    [execution] = execution_of(claim_id)
    assert execution["status"] == "SUCCEEDED"
    entered = states_entered(execution["executionArn"])
    assert "WaitForDeadline" in entered and "OfferEscalation" not in entered and entered[-1] == "Ended"
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "settled"


def test_a_consumer_gets_a_reminder_before_the_notice(api, stripe):
    content = b2b_content()
    content["debtor"] = {
        "category": "consumer",
        "legal_name": "Jean Dupont",
        "title": "M.",
        "email": "jean.dupont@example.fr",
        "address": {"line1": "4 rue des Lilas", "postal_code": "44000", "city": "Nantes"},
    }
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token, content)
    wait_status(api, token, claim_id, "escalation_offered")
    [execution] = execution_of(claim_id)
    entered = states_entered(execution["executionArn"])
    assert entered.index("SendReminder") < entered.index("WaitAfterReminder") < entered.index("SendNotice")
    letters = [m for m in emails_to("jean.dupont@example.fr") if m["attachments"]]
    assert len(letters) == 2  # the relance, then the mise en demeure


def test_a_task_failing_twice_is_retried_and_the_claim_completes(api, stripe, monkeypatch):
    from chalicelib.adapters.errors import TransientError
    from chalicelib.workflow import steps

    real = steps.follow_up
    calls = []

    def flaky(event):
        calls.append(1)
        if len(calls) <= 2:
            raise TransientError("DynamoDB throttled")
        return real(event)

    monkeypatch.setattr(steps, "follow_up", flaky)
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    assert len(calls) == 3


def test_a_task_that_always_fails_hands_the_claim_to_an_operator(api, stripe, monkeypatch):
    from chalicelib.workflow import steps

    def broken(event):
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(steps, "send_notice", broken)
    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    claim = wait_status(api, token, claim_id, "needs_attention")
    assert claim["status_label"]
    deadline = time.monotonic() + 10
    while execution_of(claim_id)[0]["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert execution_of(claim_id)[0]["status"] == "FAILED"
    last = timeline(api, token, claim_id)[-1]
    assert last["to_status"] == "needs_attention" and "printer is on fire" in last["reason"]
    alerts = emails_to("operateur@demo.localhost")
    assert any(claim_id in m["body"] for m in alerts)


def test_a_claim_left_mid_workflow_is_redriven_at_its_step(api, stripe):
    from datetime import UTC, datetime

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.step_functions import StepFunctionsEngine
    from chalicelib.services.escalation import redrive_all
    from chalicelib.settings import get_settings

    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    # The platform stops: its executions are gone (moto keeps them in memory only), the claim remains.
    from chalicelib.adapters.dynamo import ClaimModel

    [execution] = execution_of(claim_id)
    old_token = ClaimRepository().get(claim_id).task_token
    lost = execution["executionArn"].rsplit(":", 1)[0] + ":lost-in-the-restart"
    ClaimModel.get(claim_id).update(actions=[ClaimModel.execution_arn.set(lost)])
    engine = StepFunctionsEngine(get_settings().state_machine_arn)
    assert redrive_all(ClaimRepository(), engine, now=datetime.now(UTC)) == [claim_id]
    assert redrive_all(ClaimRepository(), engine, now=datetime.now(UTC)) == []  # already running
    deadline = time.monotonic() + 20
    while ClaimRepository().get(claim_id).task_token == old_token:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    [redriven] = [e for e in execution_of(claim_id) if "redrive" in e["name"]]
    assert states_entered(redriven["executionArn"])[:2] == ["Route", "OfferEscalation"]
    # The creditor can still answer: accept and pay → the dossier is assembled.
    accepted = post(api, f"/v1/claims/{claim_id}/escalation", {"decision": "accept"}, token).json_body
    deliver(api, stripe, stripe.pay(accepted["session_id"]))
    wait_status(api, token, claim_id, "dossier_ready")


def test_a_claim_waiting_for_its_deadline_is_redriven_into_the_wait(api, stripe):
    from dataclasses import replace
    from datetime import UTC, datetime

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.dynamo import ClaimModel
    from chalicelib.adapters.step_functions import StepFunctionsEngine
    from chalicelib.domain.claim import EventKind
    from chalicelib.services.escalation import redrive_all
    from chalicelib.settings import get_settings

    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    # Put the claim back to "notice sent, waiting for the deadline", its execution lost in a restart.
    repository = ClaimRepository()
    item = ClaimModel.get(claim_id)
    item.update(actions=[ClaimModel.status.set("notice_sent"), ClaimModel.execution_arn.set("gone")])
    repository.record(
        claim_id, kind=EventKind.NOTE, actor="test", reason="redémarrage simulé", change=lambda c: replace(c)
    )
    engine = StepFunctionsEngine(get_settings().state_machine_arn)
    assert redrive_all(repository, engine, now=datetime.now(UTC)) == [claim_id]
    [redriven] = [e for e in execution_of(claim_id) if "redrive" in e["name"]]
    deadline = time.monotonic() + 20
    while "OfferEscalation" not in (entered := states_entered(redriven["executionArn"])):
        assert time.monotonic() < deadline, entered
        time.sleep(0.1)
    assert entered[:3] == ["Route", "WaitForDeadline", "ReadClaim"]


def test_a_partial_payment_after_the_notice_lowers_the_balance_and_a_full_one_settles(
    api, stripe, monkeypatch
):
    from chalicelib.settings import get_settings

    token = creditor(api)
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    # Weeks later on the business clock: a payment is never dated after the business date.
    monkeypatch.setenv("CLAIMS_TODAY", "2025-04-25")
    get_settings.cache_clear()
    early = post(api, f"/v1/claims/{claim_id}/debtor-payments", {"date": "2025-04-26", "amount": "10"}, token)
    assert early.status_code == 400 and early.json_body["error"]["field"] == "date"  # the business tomorrow
    partial = post(
        api, f"/v1/claims/{claim_id}/debtor-payments", {"date": "2025-04-20", "amount": "300,00"}, token
    )
    assert partial.status_code == 200, partial.json_body
    assert partial.json_body["status"] == "escalation_offered"
    assert partial.json_body["content"]["payments"][-1] == {
        "date": "2025-04-20",
        "amount": "300.00",
        "invoice": "",
    }
    assert "reste dû en principal : 700,00" in timeline(api, token, claim_id)[-1]["reason"].replace(
        "\u202f", " "
    )
    # The pre-check now computes on the balance.
    rest = post(
        api, f"/v1/claims/{claim_id}/debtor-payments", {"date": "2025-04-25", "amount": "700.00"}, token
    )
    assert rest.status_code == 200, rest.json_body
    assert rest.json_body["status"] == "settled"
    deadline = time.monotonic() + 20
    while execution_of(claim_id)[0]["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert get(api, f"/v1/claims/{claim_id}", token).json_body["status"] == "closed"


def test_a_claim_paid_after_the_rate_tables_goes_ahead_with_interest_a_parfaire(api, stripe, monkeypatch):
    """The tables stop at 2026-S1: a claim assessed in November 2026 is submitted, paid and notified with its
    interest counted to 30 June 2026 « à parfaire » — never rejected nor refunded for the missing rate."""
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TODAY", "2026-11-23")
    get_settings.cache_clear()
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    precheck = post(api, f"/v1/claims/{claim_id}/precheck", {}, token).json_body
    assert precheck["can_submit"] is True, precheck["blockers"]
    amounts = precheck["amounts"]
    assert (amounts["a_parfaire"], amounts["interest_until"]) == (True, "2026-06-30")
    assert amounts["principal_outstanding"] and amounts["indemnity"] and amounts["total"]
    assert any(f["code"] == "interest_a_parfaire" for f in precheck["findings"])

    claim_id = paid_claim(api, stripe, token)
    offered = wait_status(api, token, claim_id, "escalation_offered")
    assert offered["status"] == "escalation_offered"
    reached = {e["to_status"] for e in timeline(api, token, claim_id)}
    assert "notice_sent" in reached and "rejected" not in reached
