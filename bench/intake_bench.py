"""Claim intake through the API on the embedded local AWS (in-process moto, Chalice's test client with
the real authorizer): claims created per second, and a 10,000-line aged balance imported end to end
(upload, background Lambda, 2,000 drafts written with their audit events)."""

from __future__ import annotations

import json
import os
import statistics
import time

CLAIMS = 200
PASSWORD = "Motdepasse2026"


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
    for variable in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        os.environ.pop(variable)
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"}
    )
    import logging

    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.adapters.aws import reset_clients
    from chalicelib.adapters.identity import identity_provider
    from chalicelib.domain.accounts import Role
    from chalicelib.settings import get_settings
    from infra.local import localaws
    from infra.local.provision import provision
    from tests.unit.domain.aged_balance_samples import generated_balance

    logging.getLogger("facturx").setLevel(logging.ERROR)
    localaws.install(time_scale=1e9)
    reset_clients()
    figures: list[tuple[str, str]] = []
    with mock_aws(config=localaws.MOTO_CONFIG):
        import app

        provisioned = provision(get_settings(), app.app)
        os.environ.update(
            provisioned.cognito_environment(localaws.moto_jwks_file_url())
            | {"CLAIMS_ALLOW_LOCAL_SIGNING_KEY": "1"}
        )
        get_settings.cache_clear()
        users = identity_provider()
        users.create_user("bench@example.fr", PASSWORD, Role.CREDITOR)
        signed_in = users.sign_in("bench@example.fr", PASSWORD)
        token = signed_in.as_dict()["id_token"]  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        with Client(app.app, stage_name="local") as api:
            api.http.post(
                "/v1/claims", headers=headers, body=json.dumps({"content": _content(-1)})
            )  # warm-up
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
                    f"{CLAIMS / elapsed:.0f} claims/s "
                    f"(median {statistics.median(latencies) * 1000:.1f} ms each)",
                )
            )

            data = generated_balance(debtors=2000, invoices_per_debtor=5).encode("utf-8")
            started = time.perf_counter()
            response = api.http.post(
                "/v1/imports?filename=bench.csv",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
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
                (
                    "intake: 10,000-line CSV import through the API (2,000 drafts)",
                    f"{elapsed:.1f} s end to end",
                )
            )
    reset_clients()
    get_settings.cache_clear()
    return figures


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
