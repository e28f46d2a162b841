"""The lawyer's part on the real local platform, over HTTP, with a time scale: a paid dossier is assigned to
the demo lawyer (who covers Lyon), who downloads it, accepts, records the filing and the order; the
6-month service deadline (CPC 1411) is reminded to the creditor and the lawyer before it ends; once the
order is served, the end of the opposition month (CPC 1416) is announced."""

from __future__ import annotations

import time

import pytest
import requests

from tests.e2e.platform import RunningPlatform
from tests.e2e.test_escalation_e2e import Creditor, mails
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LAWYER = "avocat@demo.localhost"
CREDITOR = "creancier@demo.localhost"
# 5 months (the first CPC 1411 reminder) pass in about 0.7 s; the notice's deadlines are already past
# because claims are assessed on 31 March 2025.
TIME_SCALE = 2e7


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"}, time_scale=TIME_SCALE)


def wait_for_mail(
    platform: RunningPlatform, to: str, words: str, count: int = 1, timeout: float = 30
) -> list:
    deadline = time.monotonic() + timeout
    while len(found := mails(platform, to, words)) < count:
        assert time.monotonic() < deadline, [m["subject"] for m in mails(platform, to)]
        time.sleep(0.3)
    return found


def test_the_lawyer_accepts_files_and_the_service_deadline_is_reminded(platform):
    creditor = Creditor(platform)
    claim_id, checkout = creditor.submitted("E2E-AVOCAT")
    creditor.pay(checkout)
    creditor.wait_status(claim_id, "escalation_offered")
    accepted = creditor.api.post(
        creditor.url(f"/v1/claims/{claim_id}/escalation"), json={"decision": "accept"}
    )
    creditor.pay(accepted.json())
    creditor.wait_status(claim_id, "dossier_ready")

    lawyer = requests.Session()
    signed_in = lawyer.post(
        creditor.url("/v1/auth/signin"), json={"email": LAWYER, "password": "Avocat2026x"}
    )
    assert signed_in.status_code == 200, signed_in.text
    lawyer.headers["Authorization"] = f"Bearer {signed_in.json()['id_token']}"
    deadline = time.monotonic() + 30
    while not (dossiers := lawyer.get(creditor.url("/v1/lawyer/dossiers")).json()["dossiers"]):
        assert time.monotonic() < deadline, creditor.timeline(claim_id)[-1]
        time.sleep(0.2)
    [dossier] = dossiers
    assert dossier["reference"] == "E2E-AVOCAT" and dossier["court"]["name"].endswith("de Lyon")
    [assigned] = wait_for_mail(platform, LAWYER, "Nouveau dossier")
    assert f"/#/avocat/dossiers/{claim_id}" in assigned["body"]

    base = creditor.url(f"/v1/lawyer/dossiers/{claim_id}")
    link = lawyer.post(f"{base}/links", json={"document": "pdf"}).json()
    assert requests.get(link["url"], timeout=10).content.startswith(b"%PDF")
    assert lawyer.post(f"{base}/accept").json()["status"] == "with_lawyer"
    filed = lawyer.post(
        f"{base}/filing",
        json={"court": dossier["court"]["name"], "filed_on": "2025-03-31", "reference": "2025R00042"},
    )
    assert filed.status_code == 200, filed.text
    ordered = lawyer.post(f"{base}/order", json={"outcome": "granted", "ordered_on": "2025-03-31"})
    assert ordered.status_code == 200, ordered.text
    assert ordered.json()["next_deadline"]["date"] == "2025-09-30"

    # 30 then 7 days before 30 September 2025 (time scale): both reminded, to the creditor and the lawyer.
    reminders = wait_for_mail(platform, CREDITOR, "Rappel, créance E2E-AVOCAT", count=2)
    assert {"30 jours" in m["body"] or "7 jours" in m["body"] for m in reminders} == {True}
    assert "30 septembre 2025" in reminders[0]["body"] and "1411" in reminders[0]["body"]
    wait_for_mail(platform, LAWYER, "Rappel, dossier E2E-AVOCAT", count=2)
    events = creditor.timeline(claim_id)
    assert len([e for e in events if e["reason"].startswith("Rappel envoyé")]) == 2

    # Served: the opposition month runs; the day after it ends, both are told (no opposition recorded).
    served = lawyer.post(f"{base}/service", json={"served_on": "2025-03-31", "in_person": True})
    assert served.status_code == 200, served.text
    assert served.json()["next_deadline"]["date"] == "2025-04-30"
    [ended] = wait_for_mail(platform, CREDITOR, "échéance passée")
    assert "30 avril 2025" in ended["body"] and "1416" in ended["body"]
    creditor.wait_status(claim_id, "served")
    statuses = [e["to_status"] for e in creditor.timeline(claim_id) if e["kind"] == "status_changed"]
    assert statuses[-4:] == ["with_lawyer", "filed", "order_granted", "served"]
    assert creditor.api.get(creditor.url(f"/v1/claims/{claim_id}/timeline/verify")).json()["valid"] is True
