"""The whole escalation on the real local platform, over HTTP, with a time scale: a B2B claim paid on the
checkout page → mise en demeure emailed (PDF attached, amounts right) → deadline passed → injonction de
payer offered → accepted and paid → dossier assembled → waiting for a lawyer; a second claim settled
while it waits → closed; one email per status change; a restart resumes a waiting claim."""

from __future__ import annotations

import io
import re
import time

import pytest
import requests

from tests.e2e.platform import RunningPlatform
from tests.e2e.terms import accept_cgv
from tests.e2e.test_intake_e2e import PROFILE, pdf
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEBTOR_EMAIL = "compta@rhone-distribution.example.fr"


def content(reference: str) -> dict:
    return {
        "reference": reference,
        "debtor": {
            "category": "commercant",
            "legal_name": "Rhône Distribution SARL",
            "siren": "542051180",
            "email": DEBTOR_EMAIL,
            "address": {"line1": "3 quai Saint-Antoine", "postal_code": "69002", "city": "Lyon"},
        },
        "invoices": [
            {
                "number": "F-2025-0012",
                "issue_date": "2025-01-02",
                "due_date": "2025-01-31",
                "amount_ttc": "1000.00",
            }
        ],
    }


class Creditor:
    def __init__(self, platform: RunningPlatform) -> None:
        self.platform = platform
        self.api = requests.Session()
        signed_in = self.api.post(
            self.url("/v1/auth/signin"),
            json={"email": "creancier@demo.localhost", "password": "Creancier2026"},
        )
        assert signed_in.status_code == 200, signed_in.text
        self.api.headers["Authorization"] = f"Bearer {signed_in.json()['id_token']}"
        assert self.api.put(self.url("/v1/me/profile"), json=PROFILE).status_code == 200

    def url(self, path: str) -> str:
        return self.platform.url + path

    def claim(self, claim_id: str) -> dict:
        return self.api.get(self.url(f"/v1/claims/{claim_id}")).json()

    def wait_status(self, claim_id: str, status: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while (claim := self.claim(claim_id))["status"] != status:
            assert time.monotonic() < deadline, (status, claim["status"], self.timeline(claim_id)[-3:])
            time.sleep(0.2)
        return claim

    def timeline(self, claim_id: str) -> list[dict]:
        return self.api.get(self.url(f"/v1/claims/{claim_id}/timeline")).json()["events"]

    def submitted(self, reference: str) -> tuple[str, dict]:
        claim_id = self.api.post(self.url("/v1/claims"), json={"content": content(reference)}).json()[
            "claim_id"
        ]
        slot = self.api.post(
            self.url(f"/v1/claims/{claim_id}/documents"),
            json={"filename": "F-2025-0012.pdf", "content_type": "application/pdf"},
        ).json()
        requests.post(slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": pdf()}, timeout=10)
        confirmed = self.api.post(
            self.url(f"/v1/claims/{claim_id}/documents/{slot['document']['document_id']}/confirm")
        )
        assert confirmed.status_code == 200, confirmed.text
        submitted = self.api.post(self.url(f"/v1/claims/{claim_id}/submit"), json=accept_cgv(self.url("")))
        assert submitted.status_code == 200, submitted.text
        return claim_id, submitted.json()["checkout"]

    def pay(self, checkout: dict) -> None:
        paid = requests.post(f"{checkout['url']}/pay", allow_redirects=False, timeout=30)
        assert paid.status_code == 303, paid.text


def mails(platform: RunningPlatform, to: str, subject_contains: str = "") -> list[dict]:
    status, box = platform.get("/_local/api/mailbox")
    assert status == 200
    return [m for m in box["messages"] if to in m["to"] and subject_contains in m["subject"]]


def is_fee_invoice(message: dict) -> bool:
    """The email of a fee invoice or credit note (its own PDF attached, sent once the PDF is rendered, in
    the background: issue 24), apart from the status emails."""
    return message["subject"].startswith(("Votre facture ", "Votre avoir "))


def pdf_text(platform: RunningPlatform, attachment_url: str) -> str:
    from pypdf import PdfReader

    content = requests.get(platform.url + attachment_url, timeout=10).content
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"})


def test_a_b2b_claim_goes_from_payment_to_the_lawyer_and_another_settles_while_waiting(platform):
    creditor = Creditor(platform)
    claim_id, checkout = creditor.submitted("E2E-A")
    creditor.pay(checkout)
    creditor.wait_status(claim_id, "escalation_offered")

    # The mise en demeure: to the debtor and a copy to the creditor, PDF attached, amounts of case 01.
    [to_debtor] = [m for m in mails(platform, DEBTOR_EMAIL) if m["attachments"]]
    text = pdf_text(platform, to_debtor["attachments"][0]["url"])
    for amount in ("1 000,00", "21,26", "40,00", "1 061,26"):
        assert amount in text.replace("\u202f", " ").replace("\u00a0", " "), amount
    copies = [
        m
        for m in mails(platform, "creancier@demo.localhost", "E2E-A")
        if m["attachments"] and not is_fee_invoice(m)
    ]
    assert len(copies) == 1

    accepted = creditor.api.post(
        creditor.url(f"/v1/claims/{claim_id}/escalation"), json={"decision": "accept"}
    )
    assert accepted.status_code == 201, accepted.text
    creditor.pay(accepted.json())
    ready = creditor.wait_status(claim_id, "dossier_ready")
    assert [c["status"] for c in ready["checkouts"]] == ["paid", "paid"]
    deadline = time.monotonic() + 30
    while "avocat" not in creditor.timeline(claim_id)[-1]["reason"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)

    # A second claim: the debtor pays while the creditor is asked about the injonction → closed.
    other_id, other_checkout = creditor.submitted("E2E-B")
    creditor.pay(other_checkout)
    creditor.wait_status(other_id, "escalation_offered")
    settled = creditor.api.post(
        creditor.url(f"/v1/claims/{other_id}/settled"), json={"note": "virement reçu"}
    )
    assert settled.status_code == 200, settled.text
    creditor.wait_status(other_id, "closed")

    # The timeline shows every step, and the creditor got one email per status change (+ the receipt of
    # the dossier payment, which changes no status).
    events = creditor.timeline(claim_id)
    changes = [(e["from_status"], e["to_status"]) for e in events if e["kind"] == "status_changed"]
    assert changes == [
        (None, "draft"),
        ("draft", "awaiting_payment"),
        ("awaiting_payment", "assessing"),
        ("assessing", "notice_sent"),
        ("notice_sent", "escalation_offered"),
        ("escalation_offered", "dossier_ready"),
    ]
    b_changes = [e for e in creditor.timeline(other_id) if e["kind"] == "status_changed" and e["from_status"]]
    expected_a = len(changes) - 1 + 1  # every change but the creation, plus the dossier receipt

    def subjects(reference: str) -> tuple[list[str], list[str]]:
        """The status emails about a claim, and apart its fee invoices' (one per payment, PDF attached)."""
        found = mails(platform, "creancier@demo.localhost", reference)
        return [m["subject"] for m in found if not is_fee_invoice(m)], [
            m["subject"] for m in found if is_fee_invoice(m) and m["attachments"]
        ]

    expected = (expected_a, len(b_changes), 2, 1)  # A paid the notice and the dossier, B the notice
    deadline = time.monotonic() + 30  # the outbox is drained in the background (sweeper every 2 s)
    while True:
        (about_a, invoices_a), (about_b, invoices_b) = subjects("E2E-A"), subjects("E2E-B")
        counts = (len(about_a), len(about_b), len(invoices_a), len(invoices_b))
        if counts == expected or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    time.sleep(3)  # and no more arrive: exactly one per change, one per invoice
    (about_a, invoices_a), (about_b, invoices_b) = subjects("E2E-A"), subjects("E2E-B")
    assert len(about_a) == expected_a, about_a
    assert len(about_b) == len(b_changes), about_b
    invoice_subject = re.compile(
        r"Votre facture FA-2025-\d{6} — créance E2E-[AB] \(Rhône Distribution SARL\)"
    )
    assert all(invoice_subject.fullmatch(s) for s in invoices_a + invoices_b), (invoices_a, invoices_b)
    assert len(set(invoices_a + invoices_b)) == 3  # three payments, three numbers
    assert creditor.api.get(creditor.url(f"/v1/claims/{claim_id}/timeline/verify")).json()["valid"] is True


def test_a_restart_resumes_a_claim_waiting_in_its_escalation(tmp_path):
    data = tmp_path / "data"
    first = RunningPlatform(data, env={"CLAIMS_TODAY": "2025-03-31"})
    first.start()
    try:
        creditor = Creditor(first)
        claim_id, checkout = creditor.submitted("E2E-RESTART")
        creditor.pay(checkout)
        creditor.wait_status(claim_id, "escalation_offered")
        time.sleep(6)  # let the periodic save run
    finally:
        assert first.stop() == 0

    second = RunningPlatform(data, env={"CLAIMS_TODAY": "2025-03-31"})
    second.start()
    try:
        deadline = time.monotonic() + 20
        while "Ctrl-C" not in second.log():  # the banner is printed once the server answers
            assert time.monotonic() < deadline, second.log()
            time.sleep(0.2)
        assert "procédures reprises après redémarrage : 1" in second.log()
        creditor = Creditor(second)
        time.sleep(3)
        assert creditor.claim(claim_id)["status"] == "escalation_offered", [
            e["reason"] for e in creditor.timeline(claim_id)[-3:]
        ]
        accepted = creditor.api.post(
            creditor.url(f"/v1/claims/{claim_id}/escalation"), json={"decision": "accept"}
        )
        assert accepted.status_code == 201, accepted.text
        creditor.pay(accepted.json())
        creditor.wait_status(claim_id, "dossier_ready")
    finally:
        second.stop()
