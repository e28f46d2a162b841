"""The conditions générales de vente in end-to-end tests: a creditor accepts the version in force before the
first payment (chalicelib/services/terms.py), through the API's ``cgv_version`` or the filing form's box."""

from __future__ import annotations

from typing import Any

import requests


def accept_cgv(base_url: str) -> dict[str, str]:
    """The body that accepts the version in force, as ``GET /v1/legal`` (public) states it."""
    legal = requests.get(f"{base_url}/v1/legal", timeout=10)
    assert legal.status_code == 200, legal.text
    return {"cgv_version": legal.json()["cgv"]["version"]}


def tick_cgv(page: Any) -> None:
    """On the filing form's last step, tick « J'ai lu et j'accepte les conditions générales de vente » when
    it is asked (an account that accepted the version in force is not asked again)."""
    page.wait_for_selector("#payer")
    box = page.locator("#accepter-cgv")
    if box.count():
        box.check()
