"""The legal pages, the prices and the terms of sale in a real browser (Chromium) on the local platform: the
footer of every page opens « Conditions générales de vente », « Mentions légales », « Politique de
confidentialité » and « Contact », built from GET /v1/legal; the landing page shows the prices HT, TVA and TTC
and no platform health; every one fits a 360 px screen; the filing form's last step does not go on to payment
until the box accepting the CGV in force is ticked, and does not ask again once accepted; /favicon.ico is
served (no 403 in the browser's console)."""

from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.browser import chromium, mailbox_code, shot, text, wait_for_text
from tests.e2e.test_intake_e2e import CONTENT, PROFILE, pdf
from tests.e2e.test_web_journey import pay_on_local_checkout, sign_in
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"}, shared=True)
SMALL_PHONE = {"width": 360, "height": 740}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
EMAIL = "juliette.roux@menuiserie-roux.example.fr"
PASSWORD = "Menuiserie2026"

# The footer's link, its route, and words the page must say (the first one once loaded).
PAGES = (
    ("Conditions générales de vente", "#/cgv", ("version du 1er décembre 2026", "R124-1", "Remboursement")),
    ("Mentions légales", "#/mentions-legales", ("Recouvrement Démo SAS", "Claire Martin", "Amazon Web")),
    ("Politique de confidentialité", "#/confidentialite", ("article 14 du RGPD", "CNIL", "conservation")),
    ("Contact", "#/contact", ("contact@recouvrement.localhost", "12 rue du Sentier, 75002 Paris")),
)
CONSENT = "J'ai lu et j'accepte les conditions générales de vente (version du 1er décembre 2026)"


def failed_responses(page) -> list[str]:
    """Every answer of 400 or more the page receives from now on (what the console would report)."""
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return failed


def test_the_footer_opens_the_legal_pages_the_landing_page_shows_the_prices_and_all_fit_a_phone(
    platform, tmp_path
):
    url = platform.url
    icon = requests.get(f"{url}/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")
    assert icon.content == requests.get(f"{url}/favicon.svg", timeout=10).content

    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page(SMALL_PHONE)
        failed = failed_responses(page)
        page.goto(url + "/#/")
        wait_for_text(page, "89,00 € TTC", "#tarifs-liste")
        prices = text(page, "#tarifs-liste")
        for expected in ("29,00 € TTC", "24,17 € HT", "4,83 € de TVA à 20 %", "74,17 € HT", "14,83 € de TVA"):
            assert expected in prices, expected
        assert "recommandé" in prices and "avocat partenaire" in prices  # what each step includes
        assert "État de la plateforme" not in text(page) and not page.locator("#health-summary").count()
        assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
        assert page.locator("link[rel=icon]").get_attribute("href") == "/favicon.svg"
        shot(page, "legal-00-accueil-360")

        for title, route, words in PAGES:
            page.locator("footer").get_by_role("link", name=title).click()
            page.wait_for_url(f"**/{route}")
            wait_for_text(page, title, "main h1")
            wait_for_text(page, words[0])
            shown = text(page)
            for word in words:
                assert word in shown, (title, word)
            assert "Société fictive de démonstration" in shown  # the local platform's company is fictitious
            assert page.evaluate(FITS), (title, page.evaluate("document.documentElement.scrollWidth"))
            shot(page, f"legal-{route.strip('#/')}-360")

        # The landing page links to the terms too.
        page.goto(url + "/#/")
        wait_for_text(page, "29,00 € TTC", "#tarifs-liste")
        page.locator("main").get_by_role("link", name="conditions générales de vente").click()
        page.wait_for_url("**/#/cgv")
        wait_for_text(page, "version du 1er décembre 2026")
        assert failed == [], failed  # /favicon.ico included: nothing answered 403


def fresh_creditor(platform) -> str:
    """A new creditor account (signed up, verified, profile complete): the ID token."""
    api = requests.Session()
    signed_up = api.post(f"{platform.url}/v1/auth/signup", json={"email": EMAIL, "password": PASSWORD})
    assert signed_up.status_code == 202, signed_up.text
    code = mailbox_code(platform, EMAIL)
    assert api.post(f"{platform.url}/v1/auth/confirm", json={"email": EMAIL, "code": code}).status_code == 200
    tokens = api.post(f"{platform.url}/v1/auth/signin", json={"email": EMAIL, "password": PASSWORD}).json()
    return tokens["id_token"]


def ready_claim(platform, token: str, reference: str) -> str:
    """A draft with its invoice among the evidence: it may be submitted."""
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    assert api.put(f"{platform.url}/v1/me/profile", json=PROFILE).status_code == 200
    created = api.post(f"{platform.url}/v1/claims", json={"content": {**CONTENT, "reference": reference}})
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]
    slot = api.post(
        f"{platform.url}/v1/claims/{claim_id}/documents",
        json={"filename": "facture.pdf", "content_type": "application/pdf"},
    ).json()
    requests.post(slot["upload"]["url"], data=slot["upload"]["fields"], files={"file": pdf()}, timeout=10)
    confirm = f"{platform.url}/v1/claims/{claim_id}/documents/{slot['document']['document_id']}/confirm"
    assert api.post(confirm).status_code == 200
    return claim_id


def test_paying_waits_for_the_terms_to_be_accepted_once_per_version(platform, tmp_path):
    url = platform.url
    token = fresh_creditor(platform)
    first = ready_claim(platform, token, "CGV-WEB-1")
    second = ready_claim(platform, token, "CGV-WEB-2")
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"

    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page(SMALL_PHONE)
        sign_in(page, url, EMAIL, PASSWORD)
        page.wait_for_url("**/#/creances")  # signed in (the dashboard itself is not what this test is about)
        page.goto(f"{url}/#/creances/{first}?etape=recapitulatif")
        wait_for_text(page, "Pré-contrôle favorable")
        box = page.locator("#accepter-cgv")
        assert text(page, "label[for=accepter-cgv]") == CONSENT
        assert page.locator(".cgv-consent a[href='#/cgv']").count() == 1
        assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")

        # Not ticked: the form says why next to the box and goes nowhere; nothing is submitted.
        page.locator("#payer").click()
        page.wait_for_selector("#accepter-cgv[aria-invalid=true]")
        assert "Cochez la case" in text(page, "#accepter-cgv-erreur")
        assert "Cochez la case" in text(page, ".error-summary")
        assert "/_local/checkout/" not in page.url
        assert api.get(f"{url}/v1/claims/{first}").json()["status"] == "draft"
        shot(page, "legal-cgv-a-cocher-360")

        # Ticked: the claim is submitted and the payment page opens; the acceptance is recorded.
        box.check()
        page.locator("#payer").click()
        pay_on_local_checkout(page, url)
        me = api.get(f"{url}/v1/me").json()
        assert me["cgv_accepted"]["version"] == "2026-12-01", me
        events = [e["reason"] for e in api.get(f"{url}/v1/claims/{first}/timeline").json()["events"]]
        assert any(
            re.match(r"Conditions générales de vente \(version du 1er décembre 2026\) acceptées le ", reason)
            for reason in events
        ), events

        # The next claim: no box any more, a line saying which version was accepted.
        page.goto(f"{url}/#/creances/{second}?etape=recapitulatif")
        wait_for_text(page, "Pré-contrôle favorable")
        assert not page.locator("#accepter-cgv").count()
        assert "Vous avez accepté les conditions générales de vente (version du 1er décembre 2026)" in text(
            page, "#cgv-acceptees"
        )
        page.locator("#payer").click()
        page.wait_for_url("**/_local/checkout/**")
