"""The debtor's side in real browsers (issue 22), on the real local platform with a slow time scale (the
notice's deadline does not pass during the test): the mise en demeure's QR link opens the debtor's page in a
browser with no account; the EPC QR code on the letter and on the page decode to the same payload; the debtor
declares a partial payment, the creditor (another browser) confirms it and the sums due follow; the debtor
disputes and the automatic escalation pauses."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.browser import PHONE, chromium, shot, text, wait_for_text
from tests.e2e.test_escalation_e2e import DEBTOR_EMAIL, Creditor, mails
from tests.e2e.test_web_forms import UNLABELLED_CONTROLS
from tests.e2e.test_web_journey import sign_in
from tests.helpers.qr import qr_codes_in_pdf, qr_codes_in_png
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# 8 days of deadline at ×100 take about 2 hours: the claim stays « mise en demeure envoyée » throughout.
PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"}, time_scale=100)


def test_the_debtor_answers_from_the_letters_link_and_the_creditor_confirms(platform, tmp_path):
    creditor = Creditor(platform)
    claim_id, checkout = creditor.submitted("DEB-2025-001")
    creditor.pay(checkout)
    creditor.wait_status(claim_id, "notice_sent")
    [letter_mail] = [
        m for m in mails(platform, DEBTOR_EMAIL) if m["attachments"] and "DEB-2025-001" in m["body"]
    ]
    pdf = requests.get(platform.url + letter_mail["attachments"][0]["url"], timeout=10).content
    codes = qr_codes_in_pdf(pdf)
    [epc] = [code for code in codes if code.startswith("BCD\n")]
    [link] = [code for code in codes if "/#/d/" in code]
    assert link in letter_mail["body"]  # the emailed copy gives the same page

    # The debtor, on a phone, in a browser that never signed in.
    with chromium(tmp_path / "debtor") as browser:
        page = browser.new_page()
        page.set_viewport_size(PHONE)
        page.goto(link)
        wait_for_text(page, "Payer par virement")
        assert qr_codes_in_png(page.locator("#qr-virement").screenshot()) == [epc]
        assert "1 061,26 €" in text(page, "#montant-du")
        assert page.evaluate(UNLABELLED_CONTROLS) == []  # every field of the three answers has its label
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_text("J'ai payé").click()
        page.get_by_label("Date du paiement").fill("2025-03-28")
        page.get_by_label("Montant payé (€)").fill("300,00")
        page.get_by_role("button", name="Indiquer ce paiement").click()
        wait_for_text(page, "le créancier est informé", "#j-ai-paye")
        shot(page, "debiteur-paiement-declare")

    # The creditor confirms the payment on the claim page; the sums follow.
    with chromium(tmp_path / "creditor") as browser:
        page = browser.new_page()
        sign_in(page, platform.url, "creancier@demo.localhost", "Creancier2026")
        page.wait_for_url("**/#/creances**")
        page.goto(f"{platform.url}/#/creances/{claim_id}")
        wait_for_text(page, "Paiement déclaré par le débiteur, à confirmer", "#declarations-debiteur")
        assert "300,00 €" in text(page, "#declarations-debiteur")
        page.get_by_role("button", name="Confirmer la réception").click()
        wait_for_text(page, "Paiement confirmé")
        wait_for_text(page, "Paiement partiel du débiteur", "#historique")
        wait_for_text(page, "Première consultation", "#lien-debiteur")
        shot(page, "creancier-paiement-confirme")
    page_now = requests.get(f"{platform.url}/v1/debtor/{link.rsplit('/', 1)[1]}", timeout=10).json()
    # 300 € paid on 28 March go to the accrued interest first, then the principal (C. civ. 1343-1).
    assert page_now["amounts"]["principal_outstanding"] == "720.18"

    # The debtor disputes: the escalation pauses.
    with chromium(tmp_path / "debtor-2") as browser:
        page = browser.new_page()
        page.goto(link)
        wait_for_text(page, "Payer par virement")
        page.get_by_text("Je conteste").click()
        page.get_by_label("Motif", exact=True).select_option("not_conform")
        page.get_by_label("Précisions (facultatif, sauf « Autre motif »)").fill(
            "Le site ne fonctionne pas sur mobile."
        )
        page.get_by_role("button", name="Envoyer ma contestation").click()
        wait_for_text(page, "démarches automatiques sont suspendues", "#je-conteste")
    creditor.wait_status(claim_id, "disputed", timeout=10)
    assert "ne fonctionne pas sur mobile" in creditor.timeline(claim_id)[-1]["reason"]


def test_a_plan_asked_for_accepted_then_missed_tells_the_creditor_to_resume(platform, tmp_path):
    """« Je demande un délai » in the debtor's browser, accepted in the creditor's; then time passes (the
    platform restarted on a later business day, its data kept) and the missed instalment is said to the
    creditor on the claim page, with the way to resume."""
    from tests.e2e.platform import RunningPlatform

    creditor = Creditor(platform)
    claim_id, checkout = creditor.submitted("DEB-2025-002")
    creditor.pay(checkout)
    creditor.wait_status(claim_id, "notice_sent")
    [letter_mail] = [
        m for m in mails(platform, DEBTOR_EMAIL) if m["attachments"] and "DEB-2025-002" in m["body"]
    ]
    pdf = requests.get(platform.url + letter_mail["attachments"][0]["url"], timeout=10).content
    [link] = [code for code in qr_codes_in_pdf(pdf) if "/#/d/" in code]

    with chromium(tmp_path / "debtor") as browser:
        page = browser.new_page()
        page.set_viewport_size(PHONE)
        page.goto(link)
        wait_for_text(page, "Payer par virement")
        page.get_by_text("Je demande un délai").click()
        page.get_by_label("Nombre de mensualités").select_option("2")
        page.get_by_label("Date de la première mensualité").fill("2025-04-10")
        page.get_by_role("button", name="Demander ce délai").click()
        wait_for_text(page, "transmise au créancier", "#je-demande-un-delai")

    with chromium(tmp_path / "creditor") as browser:
        page = browser.new_page()
        sign_in(page, platform.url, "creancier@demo.localhost", "Creancier2026")
        page.wait_for_url("**/#/creances**")
        page.goto(f"{platform.url}/#/creances/{claim_id}")
        wait_for_text(page, "Demande de délai", "#declarations-debiteur")
        page.get_by_role("button", name="Accepter l'échéancier").click()
        wait_for_text(page, "Échéancier accepté")

    # Time passes: the same data, ten days later on the business calendar; the first instalment was not paid.
    assert platform.stop() == 0
    later = RunningPlatform(platform.data_dir, time_scale=100, env={"CLAIMS_TODAY": "2025-04-20"})
    later.start()
    try:
        with chromium(tmp_path / "creditor-later") as browser:
            page = browser.new_page()
            sign_in(page, later.url, "creancier@demo.localhost", "Creancier2026")
            page.wait_for_url("**/#/creances**")
            page.goto(f"{later.url}/#/creances/{claim_id}")
            wait_for_text(page, "Échéance du 10/04/2025", "#historique")
            shot(page, "creancier-echeance-manquee")
        [missed] = [m for m in mails(later, "creancier@demo.localhost", "non réglée")]
        assert "reprendre les démarches" in missed["body"]
    finally:
        later.stop()
