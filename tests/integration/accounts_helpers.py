"""Helpers of the accounts tests: JSON calls through the Chalice test client, the local mailbox."""

from __future__ import annotations

import json
import re

PASSWORD = "Motdepasse2026"


def post(api, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.http.post(path, headers=headers, body=json.dumps(body))


def put(api, path, body, token):
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    return api.http.put(path, headers=headers, body=json.dumps(body))


def get(api, path, token=None):
    return api.http.get(path, headers={"Authorization": f"Bearer {token}"} if token else {})


def mailbox(to: str) -> list[dict]:
    from chalicelib.settings import get_settings
    from infra.local.mailbox import messages

    return [m for m in messages(get_settings().region) if to in m["to"]]


def code_from_mailbox(to: str) -> str:
    [latest, *_] = mailbox(to)
    found = re.search(r"\b(\d{6})\b", latest["body"])
    assert found, latest
    return found.group(1)


def signed_up_creditor(api, email="claire@atelier-dupont.fr") -> str:
    assert post(api, "/v1/auth/signup", {"email": email, "password": PASSWORD}).status_code == 202
    assert (
        post(api, "/v1/auth/confirm", {"email": email, "code": code_from_mailbox(email)}).status_code == 200
    )
    response = post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.json_body
    return response.json_body["id_token"]
