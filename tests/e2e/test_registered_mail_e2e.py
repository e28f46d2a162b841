"""Issue 23 on the real local platform (``make run``), over HTTP: the mise en demeure goes through the Maileva
twin served at ``/_local/maileva`` — a B2B claim by qualified LRE, a consumer's by paper LRAR; the console's
buttons (as a person would press them) move the claims through the twin's webhooks (paper) and the
platform's poll (LRE); the proofs are downloadable; a forged webhook is refused."""

from __future__ import annotations

import time

import pytest
import requests

from tests.e2e.platform import RunningPlatform
from tests.e2e.terms import accept_cgv
from tests.e2e.test_escalation_e2e import Creditor, content
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# The consumer's reminder wait passes at once (time scale 10⁶): the letters' events come after, whatever
# the claim's step by then (the deadline passed, the injonction offered: the letter is followed still).
PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"})


def consumer(reference: str) -> dict:
    data = content(reference)
    data["debtor"] = {
        "category": "consumer",
        "legal_name": "Jean Dupont",
        "title": "M.",
        "email": "jean.dupont@example.fr",
        "address": {"line1": "14 rue des Olivettes", "postal_code": "44100", "city": "Nantes"},
    }
    return data


class Filer(Creditor):
    def submitted_with(self, data: dict) -> tuple[str, dict]:
        from tests.e2e.test_intake_e2e import pdf

        claim_id = self.api.post(self.url("/v1/claims"), json={"content": data}).json()["claim_id"]
        slot = self.api.post(
            self.url(f"/v1/claims/{claim_id}/documents"),
            json={"filename": "F-2025-0012.pdf", "content_type": "application/pdf"},
        ).json()
        requests.post(slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": pdf()}, timeout=10)
        self.api.post(self.url(f"/v1/claims/{claim_id}/documents/{slot['document']['document_id']}/confirm"))
        submitted = self.api.post(self.url(f"/v1/claims/{claim_id}/submit"), json=accept_cgv(self.url("")))
        assert submitted.status_code == 200, submitted.text
        return claim_id, submitted.json()["checkout"]

    def notice(self, claim_id: str, until, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            claim = self.claim(claim_id)
            notice = claim.get("notice") or {}
            if until(notice):
                return notice
            assert time.monotonic() < deadline, (claim["status"], notice, self.timeline(claim_id)[-3:])
            time.sleep(0.3)


def press(
    platform: RunningPlatform, product: str, sending: str, recipient: str, action: str, day: str
) -> dict:
    answer = requests.post(
        f"{platform.url}/_local/maileva/console/{product}/{sending}/{recipient}/{action}",
        data={"date": day},
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def letter_of(platform: RunningPlatform, claim_id: str) -> tuple[str, str, str]:
    sendings = requests.get(f"{platform.url}/_local/maileva/api/sendings", timeout=10).json()
    listed = sendings["sendings"] if isinstance(sendings, dict) else sendings
    for sending in listed:
        for recipient in sending["recipients"]:
            if recipient.get("custom_id") == claim_id:
                return sending["product"], sending["id"], recipient["id"]
    raise AssertionError(f"no letter at the twin for {claim_id}")


def test_a_b2b_claim_goes_by_lre_a_consumers_by_paper_and_the_events_move_them(platform):
    creditor = Filer(platform)
    b2b_id, b2b_checkout = creditor.submitted_with(content("LRE-E2E"))
    b2c_id, b2c_checkout = creditor.submitted_with(consumer("LRAR-E2E"))
    creditor.pay(b2b_checkout)
    creditor.pay(b2c_checkout)

    lre = creditor.notice(b2b_id, lambda n: n.get("status") == "sent")
    assert lre["channel"] == "lre" and lre["provider"] == "maileva"
    assert lre["first_presented_on"] == "2025-03-31"  # available to the debtor from its notification
    paper = creditor.notice(b2c_id, lambda n: n.get("status") == "sent")
    assert paper["channel"] == "lrar" and paper["tracking_number"].startswith("1A")
    assert paper["channel_label"] == "Lettre recommandée avec accusé de réception"  # what the page shows
    assert "n'a pas consenti" in paper["delivery"]["channel_reason"]

    # Paper: the console's « Présentée » then « AR signé »; the twin's webhooks reach the platform.
    product, sending, recipient = letter_of(platform, b2c_id)
    assert product == "registered_mail"
    press(platform, product, sending, recipient, "presented", "2025-04-02")
    presented = creditor.notice(b2c_id, lambda n: n.get("first_presented_on") == "2025-04-02")
    assert presented["deadline"] == "2025-04-18"  # 15 days, never before the letter's printed date
    press(platform, product, sending, recipient, "delivered", "2025-04-04")
    delivered = creditor.notice(
        b2c_id,
        lambda n: (
            (n.get("delivery") or {}).get("outcome") == "delivered" and len(n["delivery"]["proofs"]) >= 2
        ),
    )
    assert {p["kind"] for p in delivered["delivery"]["proofs"]} == {"deposit", "receipt"}
    assert delivered["delivery"]["outcome_label"] == "Reçue (accusé de réception)"
    assert [e["kind_label"] for e in delivered["delivery"]["events"]][-1] == "Reçue (accusé de réception)"
    link = creditor.api.get(creditor.url(f"/v1/claims/{b2c_id}/notice/proofs/receipt")).json()
    assert requests.get(link["url"], timeout=10).content.startswith(b"%PDF-")

    # LRE: « Refusé » at the twin; no webhook for the LRE — the platform's poll finds it.
    product, sending, recipient = letter_of(platform, b2b_id)
    assert product == "lre"
    press(platform, product, sending, recipient, "refused", "2025-04-05")
    refused = creditor.notice(
        b2b_id, lambda n: (n.get("delivery") or {}).get("outcome") == "refused", timeout=60
    )
    assert {p["kind"] for p in refused["delivery"]["proofs"]} >= {"deposit", "refusal"}
    timeline = " ".join(e.get("reason") or "" for e in creditor.timeline(b2b_id))
    assert "refusée par le débiteur" in timeline

    # A forged call to the webhook: refused, nothing moves.
    forged = requests.post(
        f"{platform.url}/v1/webhooks/maileva",
        json={"resource_id": recipient, "resource_custom_id": b2c_id, "resource_custom_data": b2c_id},
        auth=("claims-webhook", "guess"),
        timeout=10,
    )
    assert forged.status_code == 401
