"""The product on today's real date (no CLAIMS_TODAY): the rate tables stop before today, and a creditor still
files, pays and gets the mise en demeure, with the interest « à parfaire » (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.browser import chromium, facturx_invoice, shot, text, wait_for_text
from tests.e2e.terms import tick_cgv
from tests.e2e.test_web_journey import pay_on_local_checkout, sign_in
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


PLATFORM = PlatformSpec()  # no CLAIMS_TODAY: the real date


def test_a_b2b_claim_filed_today_goes_ahead_with_interest_a_parfaire(platform, tmp_path):
    today = dt.date.today()
    if today <= dt.date(2026, 9, 1):
        pytest.fail("this test files an invoice due 2026-08-31: it must run after that day")
    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        sign_in(page, url, "creancier@demo.localhost", "Creancier2026")
        page.wait_for_url("**/#/creances**")
        page.goto(url + "/#/creances/nouvelle")

        page.get_by_label("Catégorie du débiteur").select_option("commercant")
        page.get_by_label("Raison sociale").fill("Rhône Distribution SARL")
        page.get_by_label("SIREN").fill("542051180")
        page.get_by_label("Adresse", exact=True).fill("3 quai Saint-Antoine")
        page.get_by_label("Code postal").fill("69002")
        page.get_by_label("Ville").fill("Lyon")
        page.get_by_label("E-mail du débiteur").fill("compta@rhone-distribution.example.fr")
        page.get_by_role("button", name="Continuer").click()

        page.wait_for_selector("text=Étape 2 sur 5")
        page.get_by_label("Numéro de la facture").fill("F-2026-0831")
        page.get_by_label("Montant TTC (€)").fill("1 000,00")
        page.get_by_label("Date de la facture").fill("2026-08-01")
        page.get_by_label("Date d'échéance").fill("2026-08-31")
        page.get_by_role("button", name="Continuer").click()

        page.wait_for_selector("text=Étape 3 sur 5")
        invoice = facturx_invoice(
            tmp_path,
            number="F-2026-0831",
            amount="1000.00",
            buyer="Rhône Distribution SARL",
            issued=dt.date(2026, 8, 1),
            due=dt.date(2026, 8, 31),
        )
        page.get_by_label("Fichier (PDF, PNG ou JPEG, 10 Mo au plus)").set_input_files(str(invoice))
        page.get_by_role("button", name="Déposer la pièce").click()
        wait_for_text(page, "Vérifiée", "#pieces")
        page.get_by_role("button", name="Continuer").click()

        page.wait_for_selector("text=Étape 4 sur 5")
        page.get_by_role("button", name="Vérifier la créance").click()
        page.wait_for_selector("text=Pré-contrôle favorable")
        summary = text(page)
        for expected in ("1 000,00 €", "40,00 €", "1 040,00 €", "à parfaire", "30 juin 2026", "2026-S2"):
            assert expected in summary, expected
        assert "chalicelib" not in summary
        shot(page, "today-precheck-a-parfaire")

        tick_cgv(page)
        page.locator("#payer").click()
        pay_on_local_checkout(page, url)
        wait_for_text(page, "Mise en demeure envoyée", "#historique", timeout=60)
        shot(page, "today-mise-en-demeure")
        sums = "section[aria-labelledby=titre-sommes]"
        assert "à parfaire" in text(page, sums)

        # The operator adds 2026-S2 on the operator page — TEST VALUES, never published ones — and the
        # claim's figures are recomputed.
        operator = browser.new_page()
        sign_in(operator, url, "operateur@demo.localhost", "Operateur2026")
        operator.wait_for_selector("#ajout-taux")
        assert "calculés jusqu'au 30 juin 2026" in text(operator, "#couverture-taux")
        form = operator.locator("#ajout-taux")
        assert form.get_by_label("Semestre", exact=True).input_value() == "2026-S2"
        form.get_by_label("Taux BCE au 1er jour du semestre (%)").fill("2,15")
        form.get_by_label("Taux légal — particuliers (%)").fill("6,50")
        form.get_by_label("Taux légal — autres cas (%)").fill("2,50")
        form.get_by_label("Source").fill("VALEURS DE TEST — saisies par le test automatique, jamais publiées")
        form.get_by_role("button", name="Ajouter le semestre").click()
        wait_for_text(operator, "Semestre 2026-S2 ajouté. 1 créance « à parfaire » recalculée.")
        shot(operator, "today-operateur-taux")

        page.reload()
        page.wait_for_selector(sums)
        recomputed = text(page, sums)
        # counted past 30 June 2026 now (still « à parfaire » from 2027 on, until 2027-S1 is added too)
        assert "30 juin 2026" not in recomputed and "1 040,00 €" not in recomputed, recomputed
        if dt.date.today() <= dt.date(2026, 12, 31):
            assert "à parfaire" not in recomputed
        assert "Taux du semestre 2026-S2 publiés" in text(page, "#historique")


def test_a_debtor_in_liquidation_at_the_bodacc_gets_the_declaration_letter(platform, tmp_path):
    """Issue 21: a SIREN typed on the debtor step, the company picked and its fields filled; the BODACC twin
    publishes its liquidation (judgment of 10 November 2026, BODACC of 20 November 2026): the summary routes
    the claim to the déclaration de créance with the R622-24 deadline and the liquidateur, and the creditor
    downloads the pre-filled letter."""
    import io

    import requests
    from pypdf import PdfReader

    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        sign_in(page, url, "creancier@demo.localhost", "Creancier2026")
        page.wait_for_url("**/#/creances**")
        page.goto(url + "/#/creances/nouvelle")
        page.wait_for_selector("text=Étape 1 sur 5")
        page.get_by_label("Entreprise à rechercher").fill("959 185 166")
        page.get_by_label("Entreprise à rechercher").press("Enter")
        page.wait_for_selector("#resultats-entreprises li")
        page.locator("#resultats-entreprises").get_by_role("button", name="Choisir").click()
        wait_for_text(page, "Rempli depuis le registre des entreprises")
        assert page.get_by_label("Raison sociale").input_value() == "TRANSPORTS GARONNE"
        page.get_by_role("button", name="Continuer").click()

        page.wait_for_selector("text=Étape 2 sur 5")
        page.get_by_label("Numéro de la facture").fill("F-2026-0915")
        page.get_by_label("Montant TTC (€)").fill("4 200,00")
        page.get_by_label("Date de la facture").fill("2026-09-01")
        page.get_by_label("Date d'échéance").fill("2026-09-30")
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_selector("text=Étape 3 sur 5")
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_selector("text=Étape 4 sur 5")
        page.get_by_role("button", name="Vérifier la créance").click()

        wait_for_text(page, "Déclaration de créance", "#declaration", timeout=30)
        card = text(page, "#declaration")
        assert "20 janvier 2027" in card  # R622-24: two months from the BODACC publication of 20 Nov. 2026
        assert "Me Hélène Rivière, 12 allée Jean Jaurès 31000 Toulouse" in card
        assert "Tribunal de commerce de Toulouse" in card and "BODACC (vérifié par la plateforme)" in card
        assert page.locator("#payer").is_disabled()
        assert "liquidation judiciaire" in text(page, "#blocages")
        shot(page, "declaration-de-creance")

        page.get_by_role("button", name="Préparer la déclaration de créance (PDF)").click()
        page.wait_for_selector("#telecharger-declaration", timeout=60000)
        link = page.locator("#telecharger-declaration").get_attribute("href")
        pdf = requests.get(link if link.startswith("http") else url + link, timeout=30).content
        letter = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
        assert "DÉCLARATION DE CRÉANCE" in letter and "20 janvier 2027" in letter
        assert "Me Hélène Rivière" in letter

        # The phone layout keeps the card readable.
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "declaration-de-creance-telephone")
