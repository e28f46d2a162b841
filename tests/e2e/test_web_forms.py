"""The web interface's forms in a real browser (Chromium) on the real local platform: bad input gets French
messages next to the fields (the API's ``details[].field`` mapped to the form's fields, on the right step),
nothing typed is lost when the page is reloaded, every control has a label, the sign-in works from the
keyboard alone, a CSV import shows its progress and its line-by-line report, and the profile prepares the
creditor's data export in the background, then downloads it."""

from __future__ import annotations

import pytest

from tests.e2e.browser import PHONE, ROOT, chromium, mailbox_code, shot, text, wait_for_text
from tests.e2e.terms import tick_cgv
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('main input, main select, main textarea')]
    .filter((c) => c.type !== 'hidden' && c.labels.length === 0 && !c.getAttribute('aria-label')
                   && !c.getAttribute('aria-labelledby'))
    .map((c) => c.name || c.id || c.outerHTML)"""


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"}, shared=True)


def keyboard_sign_in(page, url: str) -> None:
    """Sign in without the mouse: Tab to the email field, type, Tab, type, Enter."""
    page.goto(url + "/#/connexion")
    page.wait_for_selector("input[name=email]")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "email":
            break
    else:
        raise AssertionError("the email field cannot be reached with Tab")
    page.keyboard.type("creancier@demo.localhost")
    page.keyboard.press("Tab")
    page.keyboard.type("Creancier2026")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Mes créances')")


def error_of(page, name: str) -> str:
    """The message shown next to the field ``name``, checked to be tied to it for assistive technologies."""
    page.wait_for_selector(f'[name="{name}"][aria-invalid="true"]')
    control = page.locator(f'[name="{name}"]')
    message_id = control.get_attribute("id") + "-erreur"
    assert message_id in (control.get_attribute("aria-describedby") or "").split()
    return page.locator(f"#{message_id}").inner_text()


def test_bad_input_is_explained_in_french_next_to_the_fields_and_reloading_loses_nothing(platform, tmp_path):
    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        keyboard_sign_in(page, url)
        page.goto(url + "/#/creances/nouvelle")
        page.wait_for_selector("text=Étape 1 sur 5")
        assert page.evaluate(UNLABELLED_CONTROLS) == []

        # Required fields left empty: French messages, a summary announced to screen readers.
        page.get_by_role("button", name="Continuer").click()
        assert error_of(page, "debtor.legal_name") == "Le champ « Raison sociale » est obligatoire."
        assert page.locator(".error-summary[role=alert]").is_visible()

        # What is typed survives a reload, before the draft even reaches the API.
        page.get_by_label("Raison sociale").fill("Rhône Distribution SARL")
        page.get_by_label("SIREN").fill("123456789")
        page.get_by_label("Adresse", exact=True).fill("3 quai Saint-Antoine")
        page.get_by_label("Code postal").fill("690")
        page.get_by_label("Ville").fill("Lyon")
        page.reload()
        page.wait_for_selector("text=Vos saisies non envoyées ont été restaurées")
        assert page.get_by_label("Raison sociale").input_value() == "Rhône Distribution SARL"
        assert page.get_by_label("Code postal").input_value() == "690"
        page.get_by_role("button", name="Continuer").click()

        # The SIREN's check digit is checked on the debtor step itself (issue 24), before anything is sent.
        assert "clé de contrôle" in error_of(page, "debtor.siren")
        assert page.locator("text=Étape 1 sur 5").is_visible()
        page.get_by_label("SIREN").fill("542051180")
        page.get_by_role("button", name="Continuer").click()

        # The API refuses the content: each message goes next to its field, on the step that holds it.
        page.wait_for_selector("text=Étape 2 sur 5")
        page.get_by_label("Numéro de la facture").fill("F-2025-0012")
        page.get_by_label("Montant TTC (€)").fill("mille euros")
        page.get_by_label("Date de la facture").fill("2025-01-31")
        page.get_by_label("Date d'échéance").fill("2025-01-02")
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_selector("text=Étape 1 sur 5")
        assert (
            error_of(page, "debtor.address.postal_code")
            == "Le code postal « 690 » doit comporter 5 chiffres."
        )
        page.set_viewport_size(PHONE)
        shot(page, "20-erreurs-telephone")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_label("SIREN").fill("542051180")
        page.get_by_label("Code postal").fill("69002")
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_selector("text=Étape 2 sur 5")
        page.get_by_role("button", name="Continuer").click()
        assert error_of(page, "invoices[0].amount_ttc") == "Le montant « mille euros » n'est pas un nombre."
        page.get_by_label("Montant TTC (€)").fill("1 000,00")
        page.get_by_role("button", name="Continuer").click()
        assert "précéder" in error_of(page, "invoices[0].due_date")
        shot(page, "21-erreurs-facture")
        page.get_by_label("Date d'échéance").fill("2025-01-31")
        page.get_by_role("button", name="Continuer").click()

        # The draft is on the API now; unsent edits of a later step survive a reload too.
        page.wait_for_selector("text=Étape 3 sur 5")
        assert page.evaluate(UNLABELLED_CONTROLS) == []
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_selector("text=Étape 4 sur 5")
        page.get_by_role("button", name="Ajouter un paiement").click()
        page.get_by_label("Date du paiement").fill("2025-02-15")
        page.get_by_label("Montant (€)").fill("250,00")
        page.get_by_label("Taux de pénalités prévu au contrat ou aux CGV (% par an)").fill("12")
        assert page.evaluate(UNLABELLED_CONTROLS) == []
        page.reload()
        page.wait_for_selector("text=Étape 4 sur 5")
        assert page.get_by_label("Date du paiement").input_value() == "2025-02-15"
        assert page.get_by_label("Montant (€)").input_value() == "250,00"
        page.get_by_role("button", name="Vérifier la créance").click()
        page.wait_for_selector("text=Pré-contrôle")
        wait_for_text(page, "Pré-contrôle favorable")
        summary = text(page)
        # 250 € paid on 15 February: interest first, then principal (C. civ. 1343-1), at the contract's 12 %.
        assert "754,93 €" in summary and "12,00 %" in summary
        assert "Le paiement partiel du 15/02/2025 interrompt la prescription" in summary
        # Paying needs the invoice among the evidence: the refusal is explained, nothing is charged.
        tick_cgv(page)
        page.locator("#payer").click()
        page.wait_for_selector(".error-summary")
        assert "facture" in text(page, ".error-summary").lower()
        assert "/_local/checkout/" not in page.url

        # The dashboard lists the draft with its due date and amount.
        draft = page.url.split("#")[1].split("?")[0]
        page.goto(url + "/#/creances")
        page.wait_for_selector("#liste-creances")
        assert "Rhône Distribution SARL" in text(page, "#liste-creances")
        assert "31/01/2025" in text(page, "#liste-creances")

        # The creditor abandons the draft: it is withdrawn, and says so.
        page.goto(f"{url}/#{draft}")
        # The wizard renders once its draft and the profile are loaded: open the section only then (a click
        # on a summary that is re-rendered right after leaves it closed).
        page.wait_for_selector("#abandon-brouillon")
        page.wait_for_load_state("networkidle")
        page.get_by_text("Abandonner ce brouillon").click()
        page.wait_for_selector("#abandon-brouillon[open]")
        page.get_by_role("button", name="Abandonner définitivement").click()
        wait_for_text(page, "Retirée", "#statut")


def test_accounts_sign_up_reset_the_password_sign_out_and_an_expired_session_returns_to_sign_in(
    platform, tmp_path
):
    url = platform.url
    email = "marc.petit@plomberie-petit.example.fr"
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.goto(url + "/#/inscription")
        page.get_by_label("Adresse e-mail professionnelle").fill(email)
        page.get_by_label("Mot de passe").fill("court")
        page.get_by_role("button", name="Créer mon compte").click()
        assert "au moins 10 caractères" in error_of(page, "password")  # Cognito's rule, in French
        page.get_by_label("Mot de passe").fill("Plomberie2026")
        page.get_by_role("button", name="Créer mon compte").click()
        page.wait_for_selector("text=Vérifier votre adresse e-mail")
        code = mailbox_code(platform, email)
        page.get_by_label("Code de vérification").fill("000000" if code != "000000" else "111111")
        page.get_by_role("button", name="Vérifier mon adresse").click()
        page.wait_for_selector(".error-summary")
        assert "code" in text(page, ".error-summary").lower()
        page.get_by_label("Code de vérification").fill(code)
        page.get_by_role("button", name="Vérifier mon adresse").click()
        page.wait_for_selector("text=Adresse e-mail vérifiée")

        # Forgotten password: a code by email, a new password, then sign in with it.
        page.get_by_role("link", name="Mot de passe oublié ?").click()
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_role("button", name="Recevoir un code").click()
        page.wait_for_selector("text=Choisir un nouveau mot de passe")
        page.get_by_label("Code reçu par e-mail").fill(mailbox_code(platform, email, besides=code))
        page.get_by_label("Nouveau mot de passe").fill("Plomberie2027")
        page.get_by_role("button", name="Modifier le mot de passe").click()
        page.wait_for_selector("text=Mot de passe modifié")
        page.get_by_label("Mot de passe").fill("Plomberie2027")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_selector("text=Complétez votre profil")  # a new creditor: the profile first

        # An expired or forged token: the API answers 401 and the sign-in page comes back, then returns.
        page.evaluate(
            """() => {
              const key = "recouvrement.session";
              const session = JSON.parse(sessionStorage.getItem(key));
              session.id_token = "eyJhbGciOiJub25lIn0.e30.";
              sessionStorage.setItem(key, JSON.stringify(session));
            }"""
        )
        page.goto(url + "/#/imports")
        page.wait_for_selector("text=Votre session a expiré")
        page.get_by_label("Mot de passe").fill("Plomberie2027")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_selector("text=Complétez votre profil")

        # Signing out forgets the token: the pages need signing in again.
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_selector("text=Vous êtes déconnecté")
        page.goto(url + "/#/creances")
        page.wait_for_url("**/#/connexion?retour=**")


def test_an_aged_balance_import_shows_progress_and_its_report(platform, tmp_path):
    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        keyboard_sign_in(page, url)
        page.goto(url + "/#/imports")
        page.get_by_label("Fichier CSV de la balance âgée").set_input_files(
            str(ROOT / "frontend" / "exemple-import.csv")
        )
        page.get_by_role("button", name="Importer le fichier").click()
        page.wait_for_url("**/#/imports/imp_*")
        wait_for_text(page, "Import terminé")
        assert page.locator("#avancement").get_attribute("value") == "100"
        report = text(page, "#brouillons-importes")
        assert "Aquitaine Logistique SAS" in report and "6 905,60 €" in report
        shot(page, "22-import")
        page.locator("#brouillons-importes a").first.click()
        page.wait_for_selector("text=Étape 2 sur 5")  # an imported draft opens in the filing form


def test_the_profile_exports_the_creditors_data_in_the_background_then_offers_the_download(
    platform, tmp_path
):
    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        keyboard_sign_in(page, url)
        page.goto(url + "/#/profil")
        page.get_by_role("button", name="Exporter mes données").click()
        wait_for_text(
            page, "Votre export est prêt", "#etat-export"
        )  # after « Préparation de l'export… NN % »
        assert page.locator("#telecharger-export").is_visible()
        wait_for_text(page, "Prêt", "#mes-donnees ul.exports")
        with page.expect_download() as download:
            page.locator("#telecharger-export").click()
        assert download.value.suggested_filename == "mes-donnees.json"
        document = download.value.path().read_text(encoding="utf-8")
        assert '"format": "claims-platform-export/1"' in document and "creancier@demo.localhost" in document


def test_the_claim_page_records_the_letters_presentation_a_partial_payment_and_the_settlement(
    platform, tmp_path
):
    from tests.e2e.test_escalation_e2e import Creditor

    creditor = Creditor(platform)  # the demo creditor, through the API: filed, paid, the offer made
    claim_id, checkout = creditor.submitted("WEB-ACTIONS")
    creditor.pay(checkout)
    creditor.wait_status(claim_id, "escalation_offered")

    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        keyboard_sign_in(page, url)
        page.goto(f"{url}/#/creances/{claim_id}")
        wait_for_text(page, "Injonction de payer proposée", "#statut")
        assert page.locator("#accepter-injonction").is_visible()

        page.get_by_text("Indiquer le suivi de la lettre recommandée").click()
        page.get_by_label("Numéro de suivi").fill("1A12345678901")
        page.get_by_label("Date de première présentation").fill("2025-03-31")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        wait_for_text(page, "Première présentation enregistrée")
        assert "1A12345678901" in text(page, "#mise-en-demeure")

        page.get_by_text("Enregistrer un paiement du débiteur").click()
        # One clock: the date defaults to the platform's business date (CLAIMS_TODAY), and the day after it
        # is refused in the page, though long past on the real clock.
        from playwright.sync_api import expect

        expect(page.get_by_label("Date du paiement")).to_have_value("2025-03-31")
        page.get_by_label("Date du paiement").fill("2025-04-01")
        page.get_by_label("Montant reçu (€)").fill("300,00")
        page.get_by_role("button", name="Enregistrer le paiement").click()
        assert "ne peut pas être dans le futur" in error_of(page, "date")
        page.get_by_label("Date du paiement").fill("2025-03-31")
        page.get_by_label("Montant reçu (€)").fill("300,00")
        page.get_by_role("button", name="Enregistrer le paiement").click()
        wait_for_text(page, "Paiement du débiteur enregistré")
        assert "300" in text(page, "#historique")

        page.get_by_text("Le débiteur a tout payé").click()
        page.get_by_label("Précisions (date, moyen de paiement…)").fill("Virement du solde reçu le 31 mars")
        page.get_by_role("button", name="Déclarer la créance réglée").click()
        # The history says settled; the status says so too, or already « Clôturée » when the workflow closed
        # the settled claim before the page read it again (the page shows the claim read last).
        wait_for_text(page, "Réglée", "#historique")
        assert any(status in text(page, "#statut") for status in ("Réglée", "Clôturée"))
        shot(page, "23-creance-reglee")


def test_the_pages_run_under_a_strict_content_security_policy(platform, tmp_path):
    """No inline script, handler or style attribute: the pages work under the CSP the AWS stack can send."""
    from urllib.parse import urlsplit

    from tests.e2e.test_escalation_e2e import Creditor, content

    creditor = Creditor(platform)  # at least one claim, so the dashboard draws its aged-balance bars
    assert creditor.api.post(creditor.url("/v1/claims"), json={"content": content("WEB-CSP")}).ok
    url = platform.url
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {platform.aws_endpoint}; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'; object-src 'none'"
    )

    def with_policy(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})

    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.route(lambda address: urlsplit(address).path in ("", "/", "/index.html"), with_policy)
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));"
        )
        keyboard_sign_in(page, url)  # the landing page's module, the sign-in form, the dashboard
        page.wait_for_selector("#balance-agee")
        for address in ("/#/creances/nouvelle", "/#/imports", "/#/profil", "/"):
            page.goto(url + address)
            page.wait_for_selector("main h1")
            page.wait_for_timeout(300)
        page.goto(url + "/#/creances")
        page.wait_for_selector("#balance-agee .aged-fill", state="attached")
        assert page.evaluate("window.__violations") == []
        widths = page.evaluate("[...document.querySelectorAll('.aged-fill')].map((bar) => bar.style.width)")
        assert "100%" in widths, widths  # set through the CSSOM, which the policy allows


def test_an_invoice_not_yet_due_is_refused_in_french_and_removed_from_the_draft(platform, tmp_path):
    """CLAIMS_TODAY=2025-03-31: an invoice due on 19 April cannot be claimed (rulebook 2.1, CPC 1405); the
    pre-check names it, the creditor removes it with one button and the claim may go."""
    from tests.e2e.test_escalation_e2e import Creditor, content

    creditor = Creditor(platform)
    filed = content("WEB-NON-ECHUE")
    filed["invoices"].append(
        {
            "number": "F-2025-0040",
            "issue_date": "2025-03-20",
            "due_date": "2025-04-19",
            "amount_ttc": "500.00",
        }
    )
    created = creditor.api.post(creditor.url("/v1/claims"), json={"content": filed})
    assert created.status_code == 201, created.text
    claim_id = created.json()["claim_id"]
    refused = creditor.api.post(creditor.url(f"/v1/claims/{claim_id}/submit"), json={})
    assert refused.status_code == 422 and "19 avril 2025" in refused.json()["error"]["message"]

    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        keyboard_sign_in(page, url)
        page.goto(f"{url}/#/creances/{claim_id}?etape=recapitulatif")
        wait_for_text(page, "La facture n° F-2025-0040 n'est exigible que le 19 avril 2025", "#blocages")
        assert page.locator("#payer").is_disabled()
        assert "F-2025-0012" not in text(page, "#blocages")  # the due invoice is not named
        shot(page, "24-facture-non-echue")
        page.get_by_role("button", name="Retirer cette facture").click()
        wait_for_text(page, "Pré-contrôle favorable")
        assert "F-2025-0040" not in text(page, "#recap-creance + dl")
        assert page.locator("#payer").is_enabled()

        # The debtor step asks a trader's purpose; bought privately, no SIREN is required.
        page.get_by_role("button", name="1. Débiteur").click()
        page.get_by_label("Catégorie du débiteur").select_option("artisan")
        question = page.get_by_label(
            "Le débiteur a-t-il acheté pour son activité professionnelle ou à titre privé ?"
        )
        question.select_option("private")
        assert page.get_by_label("SIREN").get_attribute("required") is None
        page.get_by_label("Catégorie du débiteur").select_option("sel")
        assert page.get_by_label("Le débiteur a-t-il acheté", exact=False).count() == 0


def test_the_debtor_is_found_in_the_registry_and_its_fields_filled(platform, tmp_path):
    """Issue 21, first step: a SIREN typed on the debtor step, the company picked, the fields filled (still
    editable), the category suggested with its reason; a closed company is said plainly."""
    url = platform.url
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        keyboard_sign_in(page, url)
        page.goto(url + "/#/creances/nouvelle")
        page.wait_for_selector("text=Étape 1 sur 5")
        page.get_by_label("Entreprise à rechercher").fill("833 698 020")
        page.get_by_label("Entreprise à rechercher").press("Enter")
        page.wait_for_selector("#resultats-entreprises li")
        assert "RHÔNE DISTRIBUTION" in text(page, "#resultats-entreprises")
        page.locator("#resultats-entreprises").get_by_role("button", name="Choisir").click()
        wait_for_text(page, "Rempli depuis le registre des entreprises")
        assert page.get_by_label("Raison sociale").input_value() == "RHÔNE DISTRIBUTION"
        assert page.get_by_label("SIREN", exact=True).input_value() == "833698020"
        assert page.get_by_label("Code postal", exact=True).input_value() == "69002"
        assert page.locator('[name="debtor.category"]').input_value() == "commercant"
        assert "société commerciale" in text(page, "main")

        page.get_by_label("Entreprise à rechercher").fill("atelier bois")
        page.get_by_role("button", name="Rechercher").click()
        wait_for_text(page, "a cessé son activité le 30/06/2023", "#resultats-entreprises")
        assert page.evaluate(UNLABELLED_CONTROLS) == []
