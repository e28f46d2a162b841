"""The creditor's data export through the API: ask for it, wait for the ``export_data`` function (run in
the background by the in-process platform, as ``import_claims`` is), download the document."""

from __future__ import annotations

import time

import requests

from tests.integration.accounts_helpers import get, post

READY_SUBJECT = "Votre export de données est prêt"


def wait_for_export(api, token: str, export_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = get(api, f"/v1/me/exports/{export_id}", token).json_body
        if job["status"] != "en_cours":
            return job
        assert time.monotonic() < deadline, f"export still running: {job}"
        time.sleep(0.05)


def exported(api, token: str) -> dict:
    """Ask for an export, wait until it is ready, and return the downloaded document."""
    started = post(api, "/v1/me/exports", {}, token)
    assert started.status_code == 202, started.body
    job = wait_for_export(api, token, started.json_body["export_id"])
    assert job["status"] == "terminee", job
    downloaded = requests.get(job["download_url"], timeout=30)
    assert downloaded.status_code == 200
    return downloaded.json()
