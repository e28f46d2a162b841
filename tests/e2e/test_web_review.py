"""A lawyer's review in a real browser, on the real local platform: a consumer claim whose prescription is
at risk (RULEBOOK 1.2) is paid for; the creditor's page says a partner lawyer examines it and nothing has
left; the demo lawyer (who covers the Rhône) sees it in the portal with its reasons, approves the sending,
and the mise en demeure goes out. Screenshots go to the artefacts folder (tests/artefacts.py)."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.browser import chromium, shot, text, wait_for_text
from tests.e2e.terms import accept_cgv
from tests.e2e.test_escalation_e2e import Creditor, mails
from tests.e2e.test_intake_e2e import pdf
from tests.e2e.test_web_journey import sign_in
from tests.integration.test_lawyer_review import at_risk_content
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEBTOR = "paul.girard.revue@example.fr"


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"}, shared=True)


def at_risk_claim(creditor: Creditor) -> tuple[str, dict]:
    """Rulebook case 10's situation on 31 March 2025 (see at_risk_content), filed through the API."""
    content = at_risk_content() | {"reference": "E2E-REVUE"}
    content["debtor"] = content["debtor"] | {"email": DEBTOR}
    api = creditor.api
    claim_id = api.post(creditor.url("/v1/claims"), json={"content": content}).json()["claim_id"]
    slot = api.post(
        creditor.url(f"/v1/claims/{claim_id}/documents"),
        json={"filename": "F-2023-0120.pdf", "content_type": "application/pdf"},
    ).json()
    requests.post(slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": pdf()}, timeout=10)
    confirmed = api.post(
        creditor.url(f"/v1/claims/{claim_id}/documents/{slot['document']['document_id']}/confirm")
    )
    assert confirmed.status_code == 200, confirmed.text
    precheck = api.post(creditor.url(f"/v1/claims/{claim_id}/precheck")).json()
    assert precheck["can_submit"] and precheck["review"]["required"]
    submitted = api.post(creditor.url(f"/v1/claims/{claim_id}/submit"), json=accept_cgv(creditor.url("")))
    assert submitted.status_code == 200, submitted.text
    return claim_id, submitted.json()["checkout"]


def test_an_at_risk_claim_waits_for_the_lawyers_approval_in_the_browser(platform, tmp_path):
    url = platform.url
    creditor = Creditor(platform)
    claim_id, checkout = at_risk_claim(creditor)
    creditor.pay(checkout)
    creditor.wait_status(claim_id, "lawyer_review")
    assert mails(platform, DEBTOR) == []

    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        sign_in(page, url, "creancier@demo.localhost", "Creancier2026")
        page.wait_for_selector("#liste-creances")
        page.goto(f"{url}/#/creances/{claim_id}")
        wait_for_text(page, "En revue par un avocat", "#statut")
        review = text(page, "#revue-avocat")
        assert "aucun courrier n'est envoyé au débiteur avant sa décision" in review, review
        assert "Prescription à risque" in review
        shot(page, "20-creance-en-revue")

        lawyer = browser.new_page()
        sign_in(lawyer, url, "avocat@demo.localhost", "Avocat2026x")
        lawyer.wait_for_selector("#dossiers")
        wait_for_text(lawyer, "à examiner", "#dossiers")
        lawyer.locator("#dossiers a", has_text="E2E-REVUE").click()
        lawyer.wait_for_selector("#revue")
        shown = text(lawyer, "#revue")
        assert "Prescription à risque" in shown and "à risque — au plus tôt le" in shown, shown
        assert "n° F-2023-0120" in shown
        shot(lawyer, "21-avocat-revue")
        lawyer.get_by_label("Observation pour le créancier (facultative)").fill(
            "Travaux réceptionnés tardivement : l'envoi est possible."
        )
        lawyer.get_by_role("button", name="Approuver l'envoi").click()
        wait_for_text(lawyer, "Accord enregistré")

        creditor.wait_status(claim_id, "notice_sent")
        page.reload()
        wait_for_text(page, "Mise en demeure envoyée", "#statut")
        wait_for_text(page, "Accord de Maître Jeanne Martin", "#revue-avocat")
        assert "Travaux réceptionnés tardivement" in text(page, "#revue-avocat")
        shot(page, "22-creance-approuvee")
    assert [m for m in mails(platform, DEBTOR) if m["attachments"]]
