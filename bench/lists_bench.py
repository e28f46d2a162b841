"""Growth (issue 26): the first page of each list and the dashboard at 100, 1,000 and 10,000 claims of one
creditor, with the answer's size; and a whole 10,000-line import (2,000 drafts) to its report.

In-process platform (Chalice's test client, real authorizer, in-process moto); claims seeded through the
repository in batched transactions, as the bulk import writes them. Acceptance: each first page within 2× its
time at 100 claims, under 100 KiB.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from typing import Any

SIZES = (100, 1_000, 10_000)
RUNS = 5


def _median_call(api: Any, path: str, token: str) -> tuple[float, int]:
    timings, size = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        answer = api.http.get(path, headers={"Authorization": f"Bearer {token}"})
        timings.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.body[:300]
        size = len(answer.body)
    return statistics.median(timings), size


def _seed(creditor_id: str, lawyer_id: str, start: int, stop: int) -> None:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.domain.claim import Claim, ClaimStatus

    base = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    claims = []
    for n in range(start, stop):
        at = base + dt.timedelta(minutes=n)
        claims.append(
            (
                Claim(
                    f"clm_bench_{n:06d}",
                    creditor_id,
                    ClaimStatus.DRAFT,
                    f"Client {n:05d} SAS",
                    10_000 + n,
                    at,
                    at,
                    reference=f"F-{n:06d}",
                    assigned_lawyer_id=lawyer_id,
                    content={"invoices": [{"number": f"F-{n:06d}", "due_date": f"2025-{n % 12 + 1:02d}-15"}]},
                ),
                "Brouillon (banc d'essai)",
            )
        )
    repository = ClaimRepository()
    for chunk in range(0, len(claims), 500):
        repository.create_many(claims[chunk : chunk + 500], actor=creditor_id)


def _token(email: str, role: Any) -> str:
    from bench.local_api import PASSWORD
    from chalicelib.bootstrap import identity_provider

    users = identity_provider()
    users.create_user(email, PASSWORD, role)
    return str(users.sign_in(email, PASSWORD).as_dict()["id_token"])  # type: ignore[union-attr]


def _import_10000_lines(signed: Any, creditor_id: str) -> list[tuple[str, str]]:
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.domain.accounts import Identity, Role
    from chalicelib.services.bulk_import import run_import, start_import
    from tests.unit.domain.aged_balance_samples import generated_balance

    now = dt.datetime.now(dt.UTC)
    job = start_import(
        ImportRepository(),
        DocumentStore(),
        lambda import_id: None,
        Identity(creditor_id, "bench@example.fr", Role.CREDITOR),
        data=generated_balance(debtors=2000, invoices_per_debtor=5).encode(),
        filename="balance-10000.csv",
        now=now,
    )
    emailed: list[str] = []
    started = time.perf_counter()
    finished = run_import(
        job.import_id,
        imports=ImportRepository(),
        files=DocumentStore(),
        claims=ClaimRepository(),
        now=lambda: now,
        notify=lambda done: emailed.append(done.import_id),
    )
    elapsed = time.perf_counter() - started
    assert finished.status.value == "done" and finished.drafts_created == 2000 and emailed, finished
    report_bytes = len(json.dumps(finished.report, ensure_ascii=False).encode())
    return [
        ("import: 10,000 lines → 2,000 drafts, report in S3, creditor notified", f"{elapsed:.1f} s"),
        ("import: the line report's size (S3, not the job's item)", f"{report_bytes / 1024:.0f} KiB"),
    ]


def run() -> list[tuple[str, str]]:
    from bench.local_api import signed_in_creditor
    from chalicelib.domain.accounts import Role

    figures: list[tuple[str, str]] = []
    with signed_in_creditor("lists@example.fr") as signed:
        api, token = signed.api, signed.token
        creditor_id = api.http.get("/v1/me", headers=signed.headers).json_body["user_id"]
        lawyer = _token("avocat.bench@example.fr", Role.LAWYER)
        operator = _token("operateur.bench@example.fr", Role.OPERATOR)
        lawyer_id = api.http.get("/v1/me", headers={"Authorization": f"Bearer {lawyer}"}).json_body["user_id"]
        lists = {
            "creditor GET /v1/claims": ("/v1/claims", token),
            "creditor GET /v1/dashboard": ("/v1/dashboard", token),
            "lawyer GET /v1/lawyer/dossiers": ("/v1/lawyer/dossiers", lawyer),
            "operator GET /v1/claims": ("/v1/claims", operator),
        }
        seeded = 0
        first: dict[str, float] = {}
        for size in SIZES:
            _seed(creditor_id, lawyer_id, seeded, size)
            seeded = size
            for name, (path, caller) in lists.items():
                seconds, length = _median_call(api, path, caller)
                first.setdefault(name, seconds)
                ratio = seconds / first[name]
                figure = f"{seconds * 1000:.0f} ms, {length / 1024:.0f} KiB ({ratio:.1f}× at 100)"
                figures.append((f"lists: {name} at {size:,} claims", figure))
        figures += _import_10000_lines(signed, creditor_id)
    return figures


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
