"""The web interface in a real browser (Chromium), on the real local platform, the whole road: the operator
sets the partner lawyer's départements; a new creditor signs up, verifies the address with the code from
the local mailbox, completes the profile, files a B2B claim whose Factur-X invoice pre-fills the form, reads
the pre-check, pays on the local checkout, sees the mise en demeure sent and downloads it; the deadline
passes (time scale), the creditor accepts the injonction de payer and pays, the dossier is ready.
Screenshots of every step go to the artefacts folder (tests/artefacts.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.browser import (
    DESKTOP,
    PHONE,
    chromium,
    facturx_invoice,
    mailbox_code,
    shot,
    text,
    wait_for_text,
)
from tests.e2e.terms import tick_cgv
from tests.helpers.qr import qr_codes_in_pdf, qr_codes_in_png
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EMAIL = "claire.morel@atelier-numerique.example.fr"
PASSWORD = "MotDePasse2026"


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"}, shared=True)


def sign_in(page, url: str, email: str, password: str) -> None:
    page.goto(url + "/#/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def pay_on_local_checkout(page, url: str) -> None:
    page.wait_for_url("**/_local/checkout/**")
    assert "simulé" in page.content()
    page.get_by_role("button", name="Payer par carte").click()
    page.wait_for_url(f"{url}/#/creances/**")


def test_from_sign_up_to_the_dossier_in_the_browser(platform, tmp_path):
    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        # The operator makes the demo lawyer cover the Rhône (69), where the debtor is.
        operator = browser.new_page()
        sign_in(operator, url, "operateur@demo.localhost", "Operateur2026")
        operator.wait_for_selector("#avocats")
        operator.get_by_text("Modifier Maître Jeanne Martin").click()
        operator.get_by_label("Départements couverts").first.fill("69, 01")
        operator.get_by_role("button", name="Enregistrer").click()
        wait_for_text(operator, "modifications enregistrées")
        assert "69, 01" in text(operator, "#avocats")
        shot(operator, "00-operateur")
        operator.close()

        page = browser.new_page()
        # Sign up, verify with the mailed code, sign in.
        page.goto(url + "/#/inscription")
        page.wait_for_selector("#mode-local", state="visible")  # the local platform says so
        page.get_by_label("Adresse e-mail professionnelle").fill(EMAIL)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        shot(page, "01-inscription")
        page.get_by_role("button", name="Créer mon compte").click()
        page.wait_for_selector("text=Vérifier votre adresse e-mail")
        page.get_by_label("Code de vérification").fill(mailbox_code(platform, EMAIL))
        page.get_by_role("button", name="Vérifier mon adresse").click()
        page.wait_for_selector("text=Adresse e-mail vérifiée")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()

        # First sign-in: the profile the letters print.
        page.wait_for_selector("text=Complétez votre profil")
        page.get_by_label("Raison sociale ou nom").fill("Atelier Numérique SAS")
        page.get_by_label("Forme juridique").fill("SAS")
        page.get_by_label("SIREN").fill("732829320")
        page.get_by_label("Adresse", exact=True).fill("12 rue du Sentier")
        page.get_by_label("Code postal").fill("75002")
        page.get_by_label("Ville").fill("Paris")
        page.get_by_label("IBAN").fill("FR7630006000011234567890189")
        page.get_by_label("Signataire des courriers").fill("Claire Morel")
        shot(page, "02-profil")
        page.get_by_role("button", name="Enregistrer le profil").click()

        # Filing, step 1: the debtor.
        page.wait_for_selector("text=Étape 1 sur 5")
        page.get_by_label("Catégorie du débiteur").select_option("commercant")
        page.get_by_label("Raison sociale").fill("Rhône Distribution SARL")
        page.get_by_label("SIREN").fill("542051180")
        page.get_by_label("Adresse", exact=True).fill("3 quai Saint-Antoine")
        page.get_by_label("Code postal").fill("69002")
        page.get_by_label("Ville").fill("Lyon")
        page.get_by_label("E-mail du débiteur").fill("compta@rhone-distribution.example.fr")
        shot(page, "03-debiteur")
        page.get_by_role("button", name="Continuer").click()

        # Step 2: the invoice, typed without its due date (the Factur-X file will give it).
        page.wait_for_selector("text=Étape 2 sur 5")
        page.get_by_label("Numéro de la facture").fill("F-2025-0012")
        page.get_by_label("Montant TTC (€)").fill("1 000,00")
        page.get_by_label("Date de la facture").fill("2025-01-02")
        page.get_by_role("button", name="Continuer").click()

        # Step 3: upload the Factur-X invoice; what it says is shown next to what was typed.
        page.wait_for_selector("text=Étape 3 sur 5")
        assert "/#/creances/clm_" in page.url  # the draft exists on the API from now on
        invoice = facturx_invoice(
            tmp_path,
            number="F-2025-0012",
            amount="1000.00",
            buyer="Rhône Distribution SARL",
            issued=dt.date(2025, 1, 2),
            due=dt.date(2025, 1, 31),
        )
        page.get_by_label("Fichier (PDF, PNG ou JPEG, 10 Mo au plus)").set_input_files(str(invoice))
        page.get_by_role("button", name="Déposer la pièce").click()
        page.wait_for_selector("#comparaison-prefill")
        compared = text(page, "#comparaison-prefill")
        assert "Factur-X" in text(page, "#prefill") and "31/01/2025" in compared and "1 000,00 €" in compared
        shot(page, "04-prefill-facturx")
        page.get_by_role("button", name="Reprendre les données de la facture").click()
        wait_for_text(page, "Données de la facture reprises")
        assert "Vérifiée" in text(page, "#pieces")
        page.get_by_role("button", name="Continuer").click()

        # Step 4 → 5: the pre-check in plain French, the décompte, the court, the price.
        page.wait_for_selector("text=Étape 4 sur 5")
        page.get_by_role("button", name="Vérifier la créance").click()
        page.wait_for_selector("text=Pré-contrôle favorable")
        summary = text(page)
        for expected in (
            "1 061,26 €",
            "21,26 €",
            "40,00 €",
            "C. com. L441-10",
            "Tribunal des activités économiques de Lyon",
            "13,15 %",
            "29,00 €",
        ):
            assert expected in summary, expected
        assert "31/01/2025" in summary  # the due date taken from the Factur-X data
        shot(page, "05-precheck")

        # Pay on the local Stripe checkout page: back to the claim, which moves on by itself.
        tick_cgv(page)  # the conditions générales de vente, accepted before the first payment
        page.locator("#payer").click()
        pay_on_local_checkout(page, url)
        claim_id = page.url.split("/#/creances/")[1].split("?")[0]
        shot(page, "06-checkout-retour")
        wait_for_text(page, "Mise en demeure envoyée", "#historique")
        page.wait_for_selector("#telecharger-mise-en-demeure")
        with page.expect_download() as download:
            page.locator("#telecharger-mise-en-demeure").click()
        pdf = download.value.path().read_bytes()
        assert pdf.startswith(b"%PDF"), pdf[:20]
        assert "Envoyée" in text(page, "#mise-en-demeure")
        # Issue 22: the letter's QR codes — the EPC transfer of the exact amount, and the debtor's page.
        codes = qr_codes_in_pdf(pdf)
        [epc] = [code for code in codes if code.startswith("BCD\n")]
        assert epc.split("\n")[6:8] == ["FR7630006000011234567890189", "EUR1061.26"], epc
        [debtor_url] = [code for code in codes if "/#/d/" in code]
        assert debtor_url.startswith(url)

        # The deadline passes (time scale): the injonction de payer is offered; accept and pay.
        wait_for_text(page, "Injonction de payer proposée", "#statut", timeout=60)
        shot(page, "07-mise-en-demeure-et-offre")
        page.locator("#accepter-injonction").click()
        pay_on_local_checkout(page, url)
        wait_for_text(page, "Dossier prêt", "#historique", timeout=60)
        shot(page, "08-dossier-pret")

        # The dashboard, on a desktop and on a phone.
        page.goto(url + "/#/creances")
        page.wait_for_selector("#liste-creances")
        assert "Rhône Distribution SARL" in text(page, "#liste-creances")
        assert "1 000,00 €" in text(page, "#balance-agee")
        shot(page, "09-tableau-de-bord")
        page.set_viewport_size(PHONE)
        page.reload()
        page.wait_for_selector("#liste-creances")
        shot(page, "10-tableau-de-bord-telephone")

        # The partner lawyer (another tab, another session): the dossier is in their list; they accept it,
        # download the merged PDF and record the filing.
        lawyer = browser.new_page()
        sign_in(lawyer, url, "avocat@demo.localhost", "Avocat2026x")
        lawyer.wait_for_selector("#dossiers")
        listed = text(lawyer, "#dossiers")
        assert "Rhône Distribution SARL" in listed and "Atelier Numérique SAS" in listed, listed
        assert "à accepter" in listed
        shot(lawyer, "11-avocat-dossiers")
        lawyer.locator("#dossiers a").first.click()
        lawyer.get_by_role("button", name="Accepter le dossier").click()
        wait_for_text(lawyer, "Dossier accepté")
        assert "Confiée à un avocat" in text(lawyer, "#statut")
        with lawyer.expect_download() as download:
            lawyer.locator("#telecharger-pdf").click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
        wait_for_text(lawyer, "lien valable jusqu'à")
        # One clock: the banner shows the platform's business date (CLAIMS_TODAY) and the form defaults to it.
        from playwright.sync_api import expect

        wait_for_text(lawyer, "date simulée : 31 mars 2025", "#mode-local")
        expect(lawyer.get_by_label("Date du dépôt")).to_have_value("2025-03-31")
        lawyer.get_by_label("Numéro d'enregistrement (RG)").fill("2025R00042")
        lawyer.get_by_role("button", name="Enregistrer le dépôt").click()
        wait_for_text(lawyer, "Dépôt de la requête enregistré")
        assert "Requête déposée" in text(lawyer, "#statut")
        shot(lawyer, "12-avocat-dossier")

        # The creditor's page follows: the claim is with the lawyer, then filed.
        page.set_viewport_size(DESKTOP)
        page.goto(f"{url}/#/creances/{claim_id}")
        wait_for_text(page, "Requête déposée", "#statut")
        # The filing recorded with the form's default date, and the claim's own date, are the business date.
        wait_for_text(page, "le 31 mars 2025 —")
        assert re.search(r"Requête déposée\s+le 31 mars 2025 —", text(page)), text(page)
        assert "Déposée le 31/03/2025" in text(page, ".claim-meta")

    # The debtor, in another browser profile (no account, no session), on a phone: the letter's link opens
    # the debtor's page, whose QR code carries the letter's EPC payload.
    with chromium(tmp_path / "debtor-profile") as debtor_browser:
        debtor = debtor_browser.new_page()
        debtor.set_viewport_size(PHONE)
        debtor.goto(debtor_url)
        wait_for_text(debtor, "Payer par virement")
        shown = text(debtor)
        assert "1 061,26 €" in shown and "Atelier Numérique SAS" in shown and "FR76 3000 6000" in shown
        assert "Se connecter" not in text(debtor, "#navigation")
        assert qr_codes_in_png(debtor.locator("#qr-virement").screenshot()) == [epc]
        assert debtor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(debtor, "13-page-debiteur-telephone")
