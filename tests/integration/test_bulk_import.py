"""Bulk import through the API on in-process moto: the CSV is queued, the import_claims Lambda runs in
the background, progress is visible, drafts are grouped by debtor and the report lists rejected lines."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.integration.accounts_helpers import mailbox
from tests.integration.claims_helpers import creditor, get

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "frontend" / "exemple-import.csv"


def send_csv(api, token, data: bytes, filename="balance.csv"):
    return api.http.post(
        f"/v1/imports?filename={filename}",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        body=data,
    )


def wait_until_finished(api, token, import_id, timeout=120.0):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = get(api, f"/v1/imports/{import_id}", token).json_body
        seen.append(job["percent"])
        if job["status"] in {"done", "failed"}:
            return job, seen
        time.sleep(0.05)
    raise AssertionError(f"import still running: {job}")


def test_the_sample_file_becomes_one_draft_per_debtor(api):
    token = creditor(api)
    response = send_csv(api, token, SAMPLE.read_bytes(), "exemple-import.csv")
    assert response.status_code == 202, response.body
    queued = response.json_body
    assert (
        queued["status"] in {"queued", "reading", "creating", "done"}
        and queued["filename"] == "exemple-import.csv"
    )

    job, percents = wait_until_finished(api, token, queued["import_id"])
    assert job["status"] == "done" and job["percent"] == 100
    assert percents == sorted(percents)  # progress never goes backwards
    report = job["report"]
    assert report["rejected"] == [] and job["lines_rejected"] == 0
    claims = get(api, "/v1/claims", token).json_body["claims"]
    assert len(claims) == job["drafts_created"] == len(report["claims"]) == 5
    assert {c["status"] for c in claims} == {"draft"}
    aquitaine = next(c for c in report["claims"] if c["debtor_name"].startswith("Aquitaine"))
    assert aquitaine["invoices"] == 2
    draft = get(api, f"/v1/claims/{aquitaine['claim_id']}", token).json_body
    assert draft["content"]["payments"][0]["amount"] == "1000.00"
    timeline = get(api, f"/v1/claims/{aquitaine['claim_id']}/timeline", token).json_body["events"]
    assert "exemple-import.csv" in timeline[0]["reason"]

    deadline = time.monotonic() + 10
    while not (sent := [m for m in mailbox("claire@atelier-numerique.fr") if "Import" in m["subject"]]):
        assert time.monotonic() < deadline, "no import report email"
        time.sleep(0.05)
    assert "5" in sent[0]["body"] and job["import_id"] in sent[0]["body"]


def test_bad_lines_are_reported_and_good_neighbours_kept(api):
    token = creditor(api)
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    broken = lines[1].split(";")
    broken[14] = "douze euros"  # montant_ttc
    data = "\n".join([lines[0], *lines[1:], ";".join(broken).replace("F-2026-0118", "F-2026-9999")]).encode()
    job, _ = wait_until_finished(api, token, send_csv(api, token, data).json_body["import_id"])
    assert job["status"] == "done"
    [rejection] = job["report"]["rejected"]
    assert rejection["line"] == len(lines) + 1 and rejection["field"] == "montant_ttc"
    assert "douze" in rejection["message"] and "nombre" in rejection["message"]
    assert job["drafts_created"] == 5


def test_a_file_without_the_required_columns_fails_with_the_list(api):
    token = creditor(api)
    job, _ = wait_until_finished(
        api, token, send_csv(api, token, b"nom;montant\nA;12\n").json_body["import_id"]
    )
    assert job["status"] == "failed"
    assert "facture_numero" in job["error"]


def test_an_empty_or_binary_file_is_refused_at_once(api):
    token = creditor(api)
    empty = send_csv(api, token, b"  \n")
    assert empty.status_code == 400 and empty.json_body["error"]["code"] == "import_empty"
    pdf = send_csv(api, token, b"%PDF-1.7 ...")
    assert pdf.status_code == 400 and pdf.json_body["error"]["code"] == "import_not_csv"


def test_another_creditors_import_is_not_found(api):
    owner = creditor(api, "owner@example.fr")
    stranger = creditor(api, "stranger@example.fr")
    import_id = send_csv(api, owner, SAMPLE.read_bytes()).json_body["import_id"]
    wait_until_finished(api, owner, import_id)
    assert get(api, f"/v1/imports/{import_id}", stranger).status_code == 404
    assert get(api, "/v1/imports", stranger).json_body["imports"] == []


def test_running_a_job_twice_creates_nothing_twice(api):
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain.imports import ImportStatus
    from chalicelib.services.bulk_import import run_import

    token = creditor(api)
    import_id = send_csv(api, token, SAMPLE.read_bytes()).json_body["import_id"]
    wait_until_finished(api, token, import_id)
    # A crash after the drafts but before the report: Lambda retries the job.
    ImportRepository().update(import_id, status=ImportStatus.CREATING)
    from datetime import UTC, datetime

    job = run_import(
        import_id,
        imports=ImportRepository(),
        files=DocumentStore(),
        claims=ClaimRepository(),
        now=lambda: datetime.now(UTC),
    )
    assert job.status is ImportStatus.DONE and job.drafts_created == 5
    assert len(get(api, "/v1/claims", token).json_body["claims"]) == 5


def test_an_import_of_2000_drafts_finishes_with_its_report_in_s3(api, monkeypatch):
    """Above about 1,200 drafts the report no longer fits a DynamoDB item (400 KB): it is stored in S3, the
    job keeps its counts and the report's key; the drafts are written 33 or more to a transaction; the
    progress is written about once a second, not once per draft."""
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.dynamo import ImportJobModel
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.adapters.item_size import MAX_ITEM_BYTES, item_size
    from chalicelib.services.privacy import _import_export
    from tests.unit.domain.aged_balance_samples import generated_balance

    transactions: list[int] = []
    create_batch = ClaimRepository._create_batch
    monkeypatch.setattr(
        ClaimRepository,
        "_create_batch",
        lambda self, batch: (transactions.append(len(batch)), create_batch(self, batch))[1],
    )
    updates: list[dict] = []
    update = ImportRepository.update
    monkeypatch.setattr(
        ImportRepository,
        "update",
        lambda self, import_id, **kw: (updates.append(kw), update(self, import_id, **kw))[1],
    )

    token = creditor(api)
    data = generated_balance(debtors=2000, invoices_per_debtor=1).encode()
    import_id = send_csv(api, token, data).json_body["import_id"]
    job, percents = wait_until_finished(api, token, import_id, timeout=300)

    assert job["status"] == "done" and job["drafts_created"] == job["drafts_total"] == 2000
    assert percents == sorted(percents)
    report = job["report"]
    assert len(report["claims"]) == 2000 and report["rejected"] == []
    assert sum(transactions) == 2000 and len(transactions) <= 70  # up to 100 writes each (33 drafts here)
    assert len(updates) < 40  # not one per draft (2,000) nor per chunk of 50 (40) unless it took 40 s

    stored = ImportJobModel.get(import_id)
    assert stored.report is None and stored.claim_ids is None
    assert stored.report_key == f"imports/{stored.creditor_id}/{import_id}.report.json"
    assert item_size(stored.serialize()) < 2_000 < MAX_ITEM_BYTES

    # The dashboard's totals count them, from the rows each transaction kept.
    dashboard = get(api, "/v1/dashboard", token).json_body
    assert dashboard["count"] == dashboard["open_count"] == 2000
    assert dashboard["by_status"] == [
        {"key": "draft", "label": "Brouillon", "count": 2000, "amount": dashboard["amount"]}
    ]
    assert sum(bucket["count"] for bucket in dashboard["aged"]) == 2000

    claim_id = report["claims"][1234]["claim_id"]
    draft = get(api, f"/v1/claims/{claim_id}", token).json_body
    assert draft["status"] == "draft" and draft["debtor_name"] == report["claims"][1234]["debtor_name"]
    # The list of imports stays a summary; the creditor's data export carries the whole report.
    [listed] = get(api, "/v1/imports", token).json_body["imports"]
    assert listed["report"] is None and listed["drafts_created"] == 2000
    exported = _import_export(ImportRepository().get(import_id), DocumentStore())
    assert len(exported["report"]["claims"]) == 2000 and len(exported["claim_ids"]) == 2000

    deadline = time.monotonic() + 10
    while not [m for m in mailbox("claire@atelier-numerique.fr") if "Import" in m["subject"]]:
        assert time.monotonic() < deadline, "no import report email"
        time.sleep(0.05)


def test_a_job_finished_before_reports_moved_to_s3_still_shows_its_report(api):
    from datetime import UTC, datetime

    from chalicelib.adapters.dynamo import ImportJobModel

    token = creditor(api)
    import_id = send_csv(api, token, SAMPLE.read_bytes()).json_body["import_id"]
    wait_until_finished(api, token, import_id)
    old = ImportJobModel.get(import_id)
    old.report_key = None
    old.report = {"rejected": [], "total_lines": 7}
    old.claim_ids = ["clm_a", "clm_b"]
    old.updated_at = datetime.now(UTC)
    old.save()
    job = get(api, f"/v1/imports/{import_id}", token).json_body
    assert job["report"] == {
        "rejected": [],
        "total_lines": 7,
        "claims": [{"claim_id": "clm_a"}, {"claim_id": "clm_b"}],
    }
