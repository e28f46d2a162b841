"""The creditor's data export (RGPD) through the API on in-process moto: asked for, prepared in the
background by the ``export_data`` function (as the bulk import is), followed, downloaded, announced by one
email; one at a time per account; a run whose function died is started again under the same id.

Where a test must hold the export at a given point, the start of the function is recorded instead of run
(``started``), and the test runs it itself through the Chalice test client."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
import requests

from tests.integration.accounts_helpers import get, mailbox, post
from tests.integration.claims_helpers import b2b_content, creditor
from tests.integration.export_helpers import READY_SUBJECT, wait_for_export

pytestmark = pytest.mark.integration

CREDITOR_EMAIL = "claire@atelier-numerique.fr"


@pytest.fixture
def started(monkeypatch) -> list[dict]:
    """The payloads ``export_data`` was started with, without running it."""
    from chalicelib.adapters import lambda_invoker

    calls: list[dict] = []
    original = lambda_invoker.invoke_async

    def record(name: str, payload: dict) -> None:
        if name != "export_data":
            return original(name, payload)
        calls.append(payload)
        return None

    monkeypatch.setattr(lambda_invoker, "invoke_async", record)
    return calls


def _user_id(api, token) -> str:
    return str(get(api, "/v1/me", token).json_body["user_id"])


def _ready_emails() -> list[dict]:
    return [m for m in mailbox(CREDITOR_EMAIL) if m["subject"] == READY_SUBJECT]


def _backdate(creditor_id: str, export_id: str, minutes: int, **changes) -> None:
    """The job as if its function had last written its progress ``minutes`` ago."""
    from chalicelib.adapters.export_jobs import ExportJobStore

    jobs = ExportJobStore()
    job = jobs.get(creditor_id, export_id)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)
    jobs.save(dataclasses.replace(job, updated_at=at, **changes))


def test_an_export_is_prepared_in_the_background_downloaded_and_announced_once(api):
    token = creditor(api)
    claim = post(api, "/v1/claims", {"content": b2b_content(reference="EXP-001")}, token).json_body

    started = post(api, "/v1/me/exports", {}, token)
    assert started.status_code == 202, started.body
    queued = started.json_body
    assert queued["status"] in {"en_cours", "terminee"} and 0 <= queued["progress"] <= 100
    assert queued["export_id"].startswith("exp_") and started.headers["Cache-Control"] == "no-store"

    job = wait_for_export(api, token, queued["export_id"])
    assert job["status"] == "terminee" and job["status_label"] == "Prêt" and job["progress"] == 100
    assert job["claims_done"] == job["claims_total"] == 1 and job["finished_at"] and job["size_bytes"] > 0
    assert job["filename"] == "mes-donnees.json" and job["download_expires_in"] == 900

    downloaded = requests.get(job["download_url"], timeout=30)
    assert downloaded.status_code == 200
    assert downloaded.headers["Content-Type"] == "application/json"
    assert 'attachment; filename="mes-donnees.json"' in downloaded.headers["Content-Disposition"]
    document = downloaded.json()
    assert document["format"] == "claims-platform-export/1" and document["account"]["email"] == CREDITOR_EMAIL
    [exported] = document["claims"]
    assert exported["claim_id"] == claim["claim_id"] and exported["reference"] == "EXP-001"
    assert exported["timeline"] and exported["timeline"][0]["sequence"] == 1

    [listed] = get(api, "/v1/me/exports", token).json_body["exports"]
    assert listed["export_id"] == job["export_id"] and listed["download_url"]

    deadline = time.monotonic() + 10
    while not _ready_emails():
        assert time.monotonic() < deadline, "no « export prêt » email"
        time.sleep(0.05)
    [email] = _ready_emails()
    assert "/#/profil" in email["body"] and email["attachments"] == []
    assert claim["claim_id"] not in email["body"]  # it announces the data, it never carries it

    # The function started again for a finished export does nothing: no second document, no second email.
    payload = {"creditor_id": _user_id(api, token), "export_id": job["export_id"], "attempt": 1}
    assert api.lambda_.invoke("export_data", payload).payload["status"] == "terminee"
    assert len(_ready_emails()) == 1


def test_a_second_request_while_one_runs_gives_the_running_one(api, started):
    token = creditor(api)
    first = post(api, "/v1/me/exports", {}, token).json_body
    again = post(api, "/v1/me/exports", {}, token)
    assert again.status_code == 202 and again.json_body["export_id"] == first["export_id"]
    assert again.json_body["status"] == "en_cours" and again.json_body["download_url"] is None
    assert len(started) == 1  # started once

    api.lambda_.invoke("export_data", started[0])
    assert get(api, f"/v1/me/exports/{first['export_id']}", token).json_body["status"] == "terminee"
    newer = post(api, "/v1/me/exports", {}, token).json_body  # the first is done: a new one
    assert newer["export_id"] != first["export_id"] and len(started) == 2
    listed = get(api, "/v1/me/exports", token).json_body["exports"]
    assert [e["export_id"] for e in listed] == [newer["export_id"], first["export_id"]]


def test_two_requests_in_the_same_instant_start_one_export(api, started):
    # Both read « nothing running » before either recorded its export: the conditional write decides.
    import threading

    from chalicelib.adapters.export_jobs import ExportJobStore

    token = creditor(api)
    barrier = threading.Barrier(2, timeout=10)
    original = ExportJobStore.latest

    def latest_then_wait(self, creditor_id, *, limit):
        found = original(self, creditor_id, limit=limit)
        barrier.wait()
        return found

    answers: list = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ExportJobStore, "latest", latest_then_wait)
        threads = [
            threading.Thread(target=lambda: answers.append(post(api, "/v1/me/exports", {}, token)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json_body["export_id"] == answers[1].json_body["export_id"]
    assert len(started) == 1
    assert [e["export_id"] for e in get(api, "/v1/me/exports", token).json_body["exports"]] == [
        answers[0].json_body["export_id"]
    ]


def test_another_creditors_export_is_not_found(api, started):
    token_a = creditor(api, "claire@atelier-numerique.fr")
    token_b = creditor(api, "bruno@menuiserie-b.fr")
    export_id = post(api, "/v1/me/exports", {}, token_a).json_body["export_id"]
    api.lambda_.invoke("export_data", started[0])

    theirs = get(api, f"/v1/me/exports/{export_id}", token_b)
    unknown = get(api, "/v1/me/exports/exp_20260101000000000000_0123abcd", token_b)
    malformed = get(api, "/v1/me/exports/..%2F..%2Fclaims", token_b)
    assert theirs.status_code == unknown.status_code == malformed.status_code == 404
    assert theirs.json_body == unknown.json_body == malformed.json_body
    assert get(api, "/v1/me/exports", token_b).json_body["exports"] == []
    assert get(api, f"/v1/me/exports/{export_id}", token_a).json_body["status"] == "terminee"


def test_an_export_whose_function_died_is_started_again_under_the_same_id(api, started):
    token = creditor(api)
    user_id = _user_id(api, token)
    export_id = post(api, "/v1/me/exports", {}, token).json_body["export_id"]
    assert started == [{"creditor_id": user_id, "export_id": export_id, "attempt": 1}]

    _backdate(user_id, export_id, minutes=4)  # slow, not dead
    assert get(api, f"/v1/me/exports/{export_id}", token).json_body["status"] == "en_cours"
    assert len(started) == 1

    _backdate(user_id, export_id, minutes=6, claims_done=3, claims_total=10)  # dead: no progress for 5 min
    restarted = get(api, f"/v1/me/exports/{export_id}", token).json_body
    assert restarted["export_id"] == export_id and restarted["status"] == "en_cours"
    assert restarted["progress"] == 0  # rebuilt from the start
    assert started[-1] == {"creditor_id": user_id, "export_id": export_id, "attempt": 2}

    # The dead start, should it wake up, does nothing; the new one finishes the export.
    assert api.lambda_.invoke("export_data", started[0]).payload["status"] == "en_cours"
    assert api.lambda_.invoke("export_data", started[-1]).payload["status"] == "terminee"
    assert get(api, f"/v1/me/exports/{export_id}", token).json_body["status"] == "terminee"

    # A POST also looks after a dead export: it is started again rather than a new one begun.
    second = post(api, "/v1/me/exports", {}, token).json_body["export_id"]
    _backdate(user_id, second, minutes=6)
    assert post(api, "/v1/me/exports", {}, token).json_body["export_id"] == second
    assert started[-1]["attempt"] == 2

    # An export whose function keeps dying is given up after the third start.
    _backdate(user_id, second, minutes=6, attempt=3)
    given_up = get(api, f"/v1/me/exports/{second}", token).json_body
    assert given_up["status"] == "echec" and "3 tentatives" in given_up["error"]
    assert given_up["download_url"] is None and started[-1]["attempt"] == 2


def test_the_list_shows_the_ten_latest_exports(api):
    from chalicelib.adapters.export_jobs import ExportJobStore
    from chalicelib.domain.data_export import ExportJob, ExportStatus

    token = creditor(api)
    user_id = _user_id(api, token)
    base = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    for n in range(12):
        at = base + dt.timedelta(minutes=n)
        job = ExportJob(
            f"exp_{at:%Y%m%d%H%M%S}_{n:08x}", user_id, ExportStatus.FAILED, at, at, finished_at=at
        )
        ExportJobStore().save(job)
    listed = get(api, "/v1/me/exports", token).json_body["exports"]
    assert len(listed) == 10 and listed[0]["export_id"].endswith(f"_{11:08x}")
    assert [e["created_at"] for e in listed] == sorted((e["created_at"] for e in listed), reverse=True)
