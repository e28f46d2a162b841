"""Partner lawyers on the in-process platform, the escalation run for real by moto: a ready dossier goes to
the lawyer who covers the court, a refusal sends it to the next one (the first one's list and links go
dark), acceptance resumes and ends the execution, downloads are recorded, filing → order → service are
statuses with emails, and the CPC 1411 reminder waits in its own execution."""

from __future__ import annotations

import time

import pytest
import requests

from chalicelib.adapters.accounts_repository import AccountRepository
from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.domain.accounts import Account, LawyerProfile, Role
from tests.integration.accounts_helpers import mailbox
from tests.integration.claims_helpers import creditor, get, post
from tests.integration.test_escalation_pipeline import (
    CREDITOR,
    deliver,
    execution_of,
    paid_claim,
    timeline,
    wait_status,
)

pytestmark = pytest.mark.integration
PASSWORD = "AvocatTest2026"


def lawyer(api, email: str, **profile) -> tuple[str, str]:
    """A lawyer account (user, group, profile) and their ID token."""
    from chalicelib.bootstrap import identity_provider

    user_id = identity_provider().create_user(email, PASSWORD, Role.LAWYER)
    defaults = {"name": email.split("@")[0].title(), "barreau": "Lyon"}
    AccountRepository().create(
        Account(user_id, email, Role.LAWYER, lawyer=LawyerProfile(**(defaults | profile)))
    )
    signed_in = post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.json_body
    return user_id, signed_in.json_body["id_token"]


def assigned_lawyer(claim_id: str, *, other_than: str | None = None, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        assigned = ClaimRepository().get(claim_id).assigned_lawyer_id
        if assigned and assigned != other_than:
            return assigned
        assert time.monotonic() < deadline, ClaimRepository().get(claim_id).lawyer_case
        time.sleep(0.05)


def ready_dossier(api, stripe, token) -> str:
    claim_id = paid_claim(api, stripe, token)
    wait_status(api, token, claim_id, "escalation_offered")
    accepted = post(api, f"/v1/claims/{claim_id}/escalation", {"decision": "accept"}, token)
    assert accepted.status_code == 201, accepted.json_body
    deliver(api, stripe, stripe.pay(accepted.json_body["session_id"]))
    wait_status(api, token, claim_id, "dossier_ready")
    return claim_id


def wait_mail(address: str, words: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mailbox(address) if words in m["subject"]]
        if found:
            return found[0]
        assert time.monotonic() < deadline, [m["subject"] for m in mailbox(address)]
        time.sleep(0.1)


def test_a_declined_dossier_goes_to_the_next_covering_lawyer_who_accepts_downloads_and_files(api, stripe):
    token = creditor(api)
    paris_id, paris = lawyer(api, "me.paris@barreau-paris.fr", departements=("75",))
    _, resting = lawyer(api, "me.repos@barreau-lyon.fr", departements=("69",), active=False)
    full_id, _ = lawyer(api, "me.complet@barreau-lyon.fr", departements=("69",), capacity=0)
    court_id, by_court = lawyer(
        api, "me.tc@barreau-lyon.fr", courts=("Tribunal des activités économiques de Lyon",)
    )
    dept_id, by_dept = lawyer(api, "me.rhone@barreau-lyon.fr", departements=("69",))
    tokens = {court_id: by_court, dept_id: by_dept}

    claim_id = ready_dossier(api, stripe, token)
    first = assigned_lawyer(claim_id)
    # The debtor is a Lyon merchant: only the two active lawyers with room who cover the TC of Lyon qualify.
    assert first in {court_id, dept_id}
    second = dept_id if first == court_id else court_id
    for outsider in (paris, resting, tokens[second]):
        assert get(api, "/v1/lawyer/dossiers", outsider).json_body["dossiers"] == []
        assert get(api, f"/v1/lawyer/dossiers/{claim_id}", outsider).status_code == 404
        assert post(api, f"/v1/lawyer/dossiers/{claim_id}/accept", {}, outsider).status_code == 404
    # The creditor cannot use the lawyers' portal at all.
    assert get(api, "/v1/lawyer/dossiers", token).status_code == 403

    before = get(api, f"/v1/claims/{claim_id}", token).json_body["lawyer"]
    assert before["accepted"] is False and before["name"] is None  # not named before accepting
    [listed] = get(api, "/v1/lawyer/dossiers", tokens[first]).json_body["dossiers"]
    assert listed["claim_id"] == claim_id and listed["accepted"] is False
    assert listed["court"]["name"] == "Tribunal des activités économiques de Lyon"
    assert listed["amount_cents"] == 106_126 and listed["creditor_name"]
    assert listed["prescription_deadline"] == "2030-01-02"  # 5 years from the performance (C. com. L110-4)
    detail = get(api, f"/v1/lawyer/dossiers/{claim_id}", tokens[first]).json_body
    assert detail["actions"] == ["accept", "decline", "download"]
    link = post(api, f"/v1/lawyer/dossiers/{claim_id}/links", {"document": "pdf"}, tokens[first])
    assert link.status_code == 201, link.json_body
    assert requests.get(link.json_body["url"], timeout=10).content.startswith(b"%PDF")
    assigned_mail = wait_mail(
        "me.tc@barreau-lyon.fr" if first == court_id else "me.rhone@barreau-lyon.fr", "Nouveau dossier"
    )
    assert "Tribunal des activités économiques de Lyon" in assigned_mail["body"]

    declined = post(
        api, f"/v1/lawyer/dossiers/{claim_id}/decline", {"reason": "conflit d'intérêts"}, tokens[first]
    )
    assert declined.status_code == 200, declined.json_body
    assert assigned_lawyer(claim_id, other_than=first) == second
    assert get(api, "/v1/lawyer/dossiers", tokens[first]).json_body["dossiers"] == []
    assert get(api, f"/v1/lawyer/dossiers/{claim_id}", tokens[first]).status_code == 404
    assert requests.get(link.json_body["url"], timeout=10).status_code in {403, 404}  # its copy is gone
    assert full_id != second and paris_id != second

    accepted = post(api, f"/v1/lawyer/dossiers/{claim_id}/accept", {}, tokens[second])
    assert accepted.status_code == 200, accepted.json_body
    assert accepted.json_body["status"] == "with_lawyer" and accepted.json_body["accepted"] is True
    assert post(api, f"/v1/lawyer/dossiers/{claim_id}/decline", {}, tokens[second]).status_code == 409
    [execution] = execution_of(claim_id)
    deadline = time.monotonic() + 20
    while execution["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
        [execution] = execution_of(claim_id)
    assert execution["status"] == "SUCCEEDED"
    wait_mail(CREDITOR, "confié")

    archive = post(api, f"/v1/lawyer/dossiers/{claim_id}/links", {"document": "zip"}, tokens[second])
    assert requests.get(archive.json_body["url"], timeout=10).content.startswith(b"PK")
    bad = post(api, f"/v1/lawyer/dossiers/{claim_id}/links", {"document": "docx"}, tokens[second])
    assert bad.status_code == 400 and bad.json_body["error"]["field"] == "document"

    # Filing, then the order: each a status, an email to the creditor, the next deadline shown.
    future = post(
        api,
        f"/v1/lawyer/dossiers/{claim_id}/filing",
        # The day after the business date (CLAIMS_TODAY=2025-03-31), long past on the real clock: one clock.
        {"court": "Tribunal des activités économiques de Lyon", "filed_on": "2025-04-01"},
        tokens[second],
    )
    assert future.status_code == 400 and future.json_body["error"]["field"] == "filed_on"
    assert "futur" in future.json_body["error"]["message"]
    early_order = post(
        api,
        f"/v1/lawyer/dossiers/{claim_id}/order",
        {"outcome": "granted", "ordered_on": "2025-03-31"},
        tokens[second],
    )
    assert early_order.status_code == 409
    filed = post(
        api,
        f"/v1/lawyer/dossiers/{claim_id}/filing",
        {
            "court": "Tribunal des activités économiques de Lyon",
            "filed_on": "2025-03-31",
            "reference": "2025R01234",
        },
        tokens[second],
    )
    assert filed.status_code == 200, filed.json_body
    assert filed.json_body["status"] == "filed" and filed.json_body["actions"] == ["download", "order"]
    ordered = post(
        api,
        f"/v1/lawyer/dossiers/{claim_id}/order",
        {"outcome": "partly", "ordered_on": "2025-03-31"},
        tokens[second],
    )
    assert ordered.status_code == 200, ordered.json_body
    body = ordered.json_body
    assert (
        body["status"] == "order_granted"
        and body["order"]["outcome_label"] == "requête accueillie partiellement"
    )
    assert body["next_deadline"] == {
        "label": "Signification de l'ordonnance (sinon non avenue)",
        "date": "2025-09-30",
        "article": "CPC art. 1411",
        "to_check": "",
    }
    # The creditor's claim page: who has the dossier, the steps, the next deadline (no other lawyer named).
    seen = get(api, f"/v1/claims/{claim_id}", token).json_body["lawyer"]
    assert seen["accepted"] is True and seen["name"] in {"Me.Tc", "Me.Rhone"} and seen["barreau"] == "Lyon"
    assert seen["filing"]["reference"] == "2025R01234" and seen["order"]["outcome"] == "partly"
    assert (
        seen["next_deadline"]["date"] == "2025-09-30" and seen["next_deadline"]["article"] == "CPC art. 1411"
    )
    assert first not in str(seen)
    granted_mail = wait_mail(CREDITOR, "ordonnance")
    assert "30 septembre 2025" in granted_mail["body"] and "1411" in granted_mail["body"]

    # The creditor's timeline: the lawyers' steps, both downloads, every status; the chain verifies.
    events = timeline(api, token, claim_id)
    kinds = [e["kind"] for e in events]
    assert kinds.count("download") == 2 and kinds.count("lawyer") >= 3
    assert any("conflit d'intérêts" in e["reason"] for e in events)
    changes = [e["to_status"] for e in events if e["kind"] == "status_changed"][-4:]
    assert changes == ["dossier_ready", "with_lawyer", "filed", "order_granted"]
    assert get(api, f"/v1/claims/{claim_id}/timeline/verify", token).json_body["valid"] is True

    # The reminders of CPC 1411 wait in their own executions (30 and 7 days before the last day).
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    listed_executions = client("stepfunctions").list_executions(
        stateMachineArn=get_settings().state_machine_arn
    )
    reminders = [e for e in listed_executions["executions"] if e["name"].startswith(f"rem-{claim_id}")]
    assert len(reminders) == 2, [e["name"] for e in listed_executions["executions"]]


def test_no_covering_lawyer_leaves_the_dossier_waiting_until_the_operator_retries(api, stripe):
    from tests.integration.test_authorization import operator_token

    token = creditor(api)
    lawyer(api, "me.paris@barreau-paris.fr", departements=("75",))
    claim_id = ready_dossier(api, stripe, token)
    deadline = time.monotonic() + 20
    while "Aucun avocat partenaire" not in timeline(api, token, claim_id)[-1]["reason"]:
        assert time.monotonic() < deadline, timeline(api, token, claim_id)[-1]
        time.sleep(0.05)
    assert ClaimRepository().get(claim_id).assigned_lawyer_id is None

    operator = operator_token(api)
    too_early = post(api, f"/v1/operator/claims/{claim_id}/assign", {}, operator)
    assert too_early.status_code == 200 and "Aucun" in too_early.json_body["assignment"]
    lyon_id, lyon = lawyer(api, "me.lyon@barreau-lyon.fr", departements=("69",))
    retried = post(api, f"/v1/operator/claims/{claim_id}/assign", {}, operator)
    assert retried.status_code == 200, retried.json_body
    assert assigned_lawyer(claim_id) == lyon_id
    assert post(api, f"/v1/operator/claims/{claim_id}/assign", {}, operator).status_code == 409
    accepted = post(api, f"/v1/lawyer/dossiers/{claim_id}/accept", {}, lyon)
    assert accepted.status_code == 200, accepted.json_body
    [execution] = execution_of(claim_id)
    deadline = time.monotonic() + 20
    while execution["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
        [execution] = execution_of(claim_id)
    assert execution["status"] == "SUCCEEDED"


def test_an_expired_download_link_is_refused(api, stripe):
    from datetime import UTC, datetime

    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.domain.accounts import Identity
    from chalicelib.services.lawyers import download_link

    token = creditor(api)
    lyon_id, lyon = lawyer(api, "me.lyon@barreau-lyon.fr", departements=("69",))
    claim_id = ready_dossier(api, stripe, token)
    assert assigned_lawyer(claim_id) == lyon_id
    identity = Identity(lyon_id, "me.lyon@barreau-lyon.fr", Role.LAWYER)
    link = download_link(
        ClaimRepository(), DocumentStore(), identity, claim_id, "pdf", now=datetime.now(UTC), expires_in=5
    )
    assert requests.get(link.url, timeout=10).status_code == 200  # within its 5 s, even on a busy machine
    time.sleep(5.1)
    expired = requests.get(link.url, timeout=10)
    assert expired.status_code == 403 and b"expired" in expired.content
    # A fresh link from the portal works (and says when it stops working).
    fresh = post(api, f"/v1/lawyer/dossiers/{claim_id}/links", {"document": "pdf"}, lyon).json_body
    assert requests.get(fresh["url"], timeout=10).status_code == 200
    assert fresh["filename"] == "dossier-DOS-2025-001.pdf"


def test_a_resumed_wait_keeps_the_lawyer_and_only_their_silence_passes_the_dossier_on(api, stripe):
    """A restart or an operator's redrive re-enters AssignLawyer with a new task token: that is not the
    7-day timeout (LawyerNoAnswer). The assigned lawyer keeps the dossier, their list and their accept;
    only release_unanswered (the timeout's state) leaves them out, and past MAX_UNANSWERED silent lawyers
    the claim goes to an operator."""
    from chalicelib.clock import business_now
    from chalicelib.services import lawyers as service

    token = creditor(api)
    first_id, first = lawyer(api, "me.premier@barreau-lyon.fr", departements=("69",))
    claim_id = ready_dossier(api, stripe, token)
    assert assigned_lawyer(claim_id) == first_id
    claims = ClaimRepository()
    outcome = service.assign(
        claims,
        AccountRepository(),
        claim_id,
        task_token="token-after-restart",
        resume=None,
        base_url="http://localhost",
        now=business_now(),
    )
    assert outcome.startswith("resumed")
    claim = claims.get(claim_id)
    assert claim.assigned_lawyer_id == first_id and claim.task_token == "token-after-restart"
    assert [d["claim_id"] for d in get(api, "/v1/lawyer/dossiers", first).json_body["dossiers"]] == [claim_id]
    reasons = [e["reason"] for e in timeline(api, token, claim_id)]
    assert not any("pas répondu" in r for r in reasons)

    # The 7 days pass: the first lawyer is left out, the next one gets it.
    second_id, _ = lawyer(api, "me.second@barreau-lyon.fr", departements=("69",))
    assert service.release_unanswered(claims, claim_id, now=business_now()) is True
    assert service.release_unanswered(claims, claim_id, now=business_now()) is False  # idempotent
    assert get(api, f"/v1/lawyer/dossiers/{claim_id}", first).status_code == 404
    service.assign(
        claims,
        AccountRepository(),
        claim_id,
        task_token="token-after-timeout",
        resume=None,
        base_url="http://localhost",
        now=business_now(),
    )
    assert claims.get(claim_id).assigned_lawyer_id == second_id
    assert any("n'a pas répondu dans le délai" in e["reason"] for e in timeline(api, token, claim_id))

    # A third silent lawyer: the operator takes over instead of a fourth assignment.
    third_id, _ = lawyer(api, "me.troisieme@barreau-lyon.fr", departements=("69",))
    assert service.release_unanswered(claims, claim_id, now=business_now()) is True
    service.assign(
        claims,
        AccountRepository(),
        claim_id,
        task_token="token-after-second-timeout",
        resume=None,
        base_url="http://localhost",
        now=business_now(),
    )
    assert claims.get(claim_id).assigned_lawyer_id == third_id
    with pytest.raises(service.TooManyUnanswered):
        service.release_unanswered(claims, claim_id, now=business_now())


def test_the_dossier_list_is_in_one_order_across_pages_the_date_to_act_earliest_first(api):
    """Seven dossiers created in an order that is not their urgency: page after page (limit 3), each one
    once, by the date to act (the next procedure deadline, else the prescription's last day), so the urgent
    ones first wherever they were created; the status and text filters read the same order."""
    import datetime as dt
    import random

    from chalicelib.adapters.claims_repository import _to_item
    from chalicelib.domain.claim import Claim, ClaimStatus
    from chalicelib.domain.lawyer_case import LawyerCase, Order
    from chalicelib.domain.notice_record import DossierRecord, NoticeRecord

    lawyer_id, token = lawyer(api, "me.ordre@barreau-lyon.fr", departements=("69",))
    _, other = lawyer(api, "me.autre@barreau-lyon.fr", departements=("69",))
    served_by = LawyerCase(lawyer_id=lawyer_id, order=Order("granted", dt.date(2026, 8, 10)))  # 2027-02-10
    review = {"prescription": {"last_day": "2027-03-01", "status": "not_barred"}}
    dossiers = {  # id: (status, debtor, prescription end, urgent, lawyer case, assessment)
        "d-a": (ClaimStatus.WITH_LAWYER, "Rhône Négoce", "2027-09-30", False, None, None),
        "d-b": (ClaimStatus.WITH_LAWYER, "Rhône Transports", "2027-01-20", True, None, None),
        "d-c": (ClaimStatus.ORDER_GRANTED, "Saône Bois", "2028-01-01", False, served_by, None),
        "d-d": (ClaimStatus.DOSSIER_READY, "Ain Matériaux", "2027-01-05", True, None, None),
        "d-e": (ClaimStatus.FILED, "Loire Services", None, False, None, None),
        "d-f": (ClaimStatus.DOSSIER_READY, "Isère Froid", "2027-06-01", False, None, None),
        "d-g": (ClaimStatus.LAWYER_REVIEW, "Drôme Fruits", None, False, None, review),
    }
    created = list(dossiers)
    random.Random(7).shuffle(created)
    start = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    for n, claim_id in enumerate(created):
        status, debtor, prescription_end, urgent, case, assessment = dossiers[claim_id]
        record = DossierRecord(
            prescription_end=dt.date.fromisoformat(prescription_end) if prescription_end else None,
            urgent=urgent,
        )
        at = start + dt.timedelta(hours=n)
        _to_item(
            Claim(
                claim_id,
                "creditor-ordre",
                status,
                debtor,
                150_000,
                at,
                at,
                assigned_lawyer_id=lawyer_id,
                notice=NoticeRecord(dossier=record) if status is not ClaimStatus.LAWYER_REVIEW else None,
                lawyer_case=(case or LawyerCase(lawyer_id=lawyer_id)).as_json(),
                assessment=assessment,
                reference=f"REF-{claim_id.upper()}",
            )
        ).save()

    def every_page(query: str, user: str = token) -> list[list[dict]]:
        pages, cursor = [], None
        while True:
            path = f"/v1/lawyer/dossiers?{query}" + (f"&cursor={cursor}" if cursor else "")
            answer = get(api, path, user)
            assert answer.status_code == 200, answer.json_body
            pages.append(answer.json_body["dossiers"])
            cursor = answer.json_body["next_cursor"]
            if not cursor:
                return pages

    pages = every_page("limit=3")
    assert [len(page) for page in pages] == [3, 3, 1]
    listed = [dossier for page in pages for dossier in page]
    assert [d["claim_id"] for d in listed] == ["d-d", "d-b", "d-c", "d-g", "d-f", "d-a", "d-e"]
    assert [d["urgent"] for d in listed] == [True, True, False, False, False, False, False]
    assert listed[2]["next_deadline"]["date"] == "2027-02-10"  # the service of the order comes next
    assert created != [d["claim_id"] for d in listed]  # not the order they were created in

    # DynamoDB filters the page it read: a page may come out empty, the list goes on (flattened here).
    ready = every_page("limit=1&status=dossier_ready")
    assert [d["claim_id"] for page in ready for d in page] == ["d-d", "d-f"]
    rhone = every_page("limit=1&q=rh%C3%B4ne")
    assert [d["claim_id"] for page in rhone for d in page] == ["d-b", "d-a"]
    both = every_page("limit=2&status=with_lawyer,filed&q=e")
    assert [d["claim_id"] for page in both for d in page] == ["d-b", "d-a", "d-e"]
    assert every_page("limit=3", other) == [[]]  # another lawyer's list

    # A cursor of the list as it was read before (newest first, another index's key) is refused, not misread.
    from chalicelib.api.pages import encode_cursor

    before = {"claim_id": {"S": "d-a"}, "assigned_lawyer_id": {"S": lawyer_id}, "created_at": {"S": "x"}}
    stale = encode_cursor(before, scope=f"dossiers|{lawyer_id}||")
    answer = get(api, f"/v1/lawyer/dossiers?cursor={stale}", token)
    assert answer.status_code == 400 and answer.json_body["error"]["code"] == "invalid_cursor"
