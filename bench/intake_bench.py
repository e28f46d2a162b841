"""Claim intake through the API on the embedded local AWS (in-process moto, Chalice's test client with
the real authorizer): claims created per second, and a 10,000-line aged balance imported end to end
(upload, background Lambda, 2,000 drafts written with their audit events)."""

from __future__ import annotations

import json
import statistics
import time

CLAIMS = 200


def _content(index: int) -> dict[str, object]:
    return {
        "reference": f"BENCH-{index}",
        "debtor": {
            "category": "commercant",
            "legal_name": f"Débiteur {index} SARL",
            "siren": "542051180",
            "address": {"line1": "3 quai Saint-Antoine", "postal_code": "69002", "city": "Lyon"},
        },
        "invoices": [
            {
                "number": f"F-{index}",
                "issue_date": "2025-01-02",
                "due_date": "2025-01-31",
                "amount_ttc": "1000.00",
            }
        ],
    }


def run() -> list[tuple[str, str]]:
    from bench.local_api import signed_in_creditor
    from tests.unit.domain.aged_balance_samples import generated_balance

    figures: list[tuple[str, str]] = []
    with signed_in_creditor() as session:
        api, headers = session.api, session.headers
        api.http.post("/v1/claims", headers=headers, body=json.dumps({"content": _content(-1)}))  # warm-up
        latencies = []
        started = time.perf_counter()
        for index in range(CLAIMS):
            one = time.perf_counter()
            response = api.http.post(
                "/v1/claims", headers=headers, body=json.dumps({"content": _content(index)})
            )
            latencies.append(time.perf_counter() - one)
            assert response.status_code == 201, response.body
        elapsed = time.perf_counter() - started
        figures.append(
            (
                f"intake: claims created through the API ({CLAIMS}, local)",
                f"{CLAIMS / elapsed:.0f} claims/s (median {statistics.median(latencies) * 1000:.1f} ms each)",
            )
        )

        data = generated_balance(debtors=2000, invoices_per_debtor=5).encode("utf-8")
        started = time.perf_counter()
        response = api.http.post(
            "/v1/imports?filename=bench.csv",
            headers={"Authorization": headers["Authorization"], "Content-Type": "text/csv"},
            body=data,
        )
        assert response.status_code == 202, response.body
        import_id = json.loads(response.body)["import_id"]
        while True:
            job = json.loads(api.http.get(f"/v1/imports/{import_id}", headers=headers).body)
            if job["status"] in {"done", "failed"}:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        assert job["status"] == "done" and job["drafts_created"] == 2000, job
        figures.append(
            ("intake: 10,000-line CSV import through the API (2,000 drafts)", f"{elapsed:.1f} s end to end")
        )
        time.sleep(3)  # let the background email senders finish before the embedded AWS goes away
    return figures


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
