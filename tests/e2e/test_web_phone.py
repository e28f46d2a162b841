"""Issue 24: every page state of the journey on a 360×740 phone and a 1280×800 screen — no horizontal scroll
(``document.documentElement.scrollWidth <= innerWidth``), touch targets of 44 px, and axe-core
(``scripts/axe-core.sh``, injected into the page) with no critical, serious or moderate finding. The states
include a claim at each end of its road: offered the injonction, and with the partner lawyer (the creditor's
page, the lawyer's dossier, the operator's file of the claim); the debtor's page once they declared a
payment; the operator's page with the rate feed's proposals waiting."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.browser import chromium, shot, wait_for_text
from tests.e2e.test_web_journey import sign_in
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"}, shared=True)
PHONE = {"width": 360, "height": 740}
SCREEN = {"width": 1280, "height": 800}
IMPACTS = ("critical", "serious", "moderate")
# Controls a finger must hit (checkboxes and radios sit in a label; inline links are text), under 44 px.
TOO_SMALL = """() => [...document.querySelectorAll(
    'button, select, summary, a.button, input:not([type=checkbox]):not([type=radio]):not([type=hidden])')]
  .filter((e) => e.offsetParent !== null)
  .filter((e) => { const r = e.getBoundingClientRect(); return r.height < 43.5 || r.width < 43.5; })
  .slice(0, 3)
  .map((e) => `${e.tagName}${e.id ? '#' + e.id : ''} ${Math.round(e.getBoundingClientRect().height)}px`)"""


def axe_script() -> Path:
    path = os.environ.get("CLAIMS_AXE_JS", "")
    if not path or not Path(path).is_file():
        pytest.fail(
            "axe-core is missing: run `bash scripts/axe-core.sh` (make test does) and set CLAIMS_AXE_JS"
        )
    return Path(path)


def check(page, name: str, problems: list[str]) -> None:
    """The page as it stands: its width, then axe-core's findings of the three worst impacts."""
    page.wait_for_load_state("networkidle")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 3).map((e) => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)"""
        )
        problems.append(f"{name}: {widths[0]} px wide on a {widths[1]} px screen ({wide})")
    small = page.evaluate(TOO_SMALL)
    if small and widths[1] <= PHONE["width"]:
        problems.append(f"{name}: touch targets under 44 px: {small}")
    page.wait_for_selector("h1")  # a page that re-renders (the filing form restoring a draft) has settled
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map("
        "(v) => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 2).map((n) => n.target.join(' '))}))"
    )
    for violation in found:
        if violation["impact"] in IMPACTS:
            problems.append(f"{name}: axe {violation['impact']} {violation['id']} {violation['nodes']}")


def phone_page(browser):
    """A page with axe-core loaded before the page's own scripts (an init script: the pages' CSP forbids
    the inline script tag a test would otherwise add)."""
    page = browser.new_page(PHONE)
    page.add_init_script(path=str(axe_script()))
    return page


CREDITOR = "creancier@demo.localhost:Creancier2026"
LAWYER = "avocat@demo.localhost:Avocat2026x"
OPERATOR = "operateur@demo.localhost:Operateur2026"
PROPOSALS_TABLE = "claims-local-rate-proposals"


def signed_in_session(platform, who: str) -> requests.Session:
    email, password = who.split(":")
    session = requests.Session()
    answer = session.post(f"{platform.url}/v1/auth/signin", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    session.headers["Authorization"] = f"Bearer {answer.json()['id_token']}"
    return session


def with_the_lawyer(platform, creditor, claim_id: str) -> None:
    """The injonction accepted and paid, the dossier assigned to the demo lawyer (who covers Lyon), who
    accepts it: the claim is « avec l'avocat » for the creditor, the lawyer and the operator."""
    accepted = creditor.api.post(
        creditor.url(f"/v1/claims/{claim_id}/escalation"), json={"decision": "accept"}
    )
    assert accepted.status_code == 201, accepted.text
    creditor.pay(accepted.json())
    lawyer = signed_in_session(platform, LAWYER)
    deadline = time.monotonic() + 60
    while lawyer.get(f"{platform.url}/v1/lawyer/dossiers/{claim_id}").status_code != 200:
        assert time.monotonic() < deadline, creditor.timeline(claim_id)[-3:]
        time.sleep(0.2)
    taken = lawyer.post(f"{platform.url}/v1/lawyer/dossiers/{claim_id}/accept")
    assert taken.status_code == 200 and taken.json()["status"] == "with_lawyer", taken.text


def rate_proposals(platform) -> None:
    """A proposal of the rate feed waiting for the operator and one already rejected, written as the feed
    writes them (chalicelib/services/rate_feed.py): the local feed proposes nothing while the business date
    is inside the tables."""
    sources = [
        {
            "provider": "Banque centrale européenne",
            "series": "FM.D.U2.EUR.4F.KR.MRR_FR.LEV",
            "url": "https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV",
            "observed_on": "2026-06-11",
            "value": "2.15",
        }
    ]
    for proposal_id, status, legal in (
        ("2026-S2-phone-a", "pending", "6.50"),
        ("2026-S2-phone-b", "rejected", "6.40"),
    ):
        item = {
            "proposal_id": {"S": proposal_id},
            "semester": {"S": "2026-S2"},
            "ecb_mro": {"S": "2.15"},
            "particuliers": {"S": legal},
            "autres_cas": {"S": "2.50"},
            "sources": {"S": json.dumps(sources)},
            "source": {"S": "Flux simulé (test de l'affichage sur téléphone)"},
            "simulated": {"BOOL": True},
            "status": {"S": status},
            "created_at": {"S": "2025-03-31T06:15:00.000000+0000"},
        }
        if status == "rejected":
            item |= {
                "decided_at": {"S": "2025-03-31T07:00:00.000000+0000"},
                "decided_by": {"S": "operateur@demo.localhost"},
                "reason": {"S": "Valeurs à vérifier au Journal officiel."},
            }
        platform.aws_client("dynamodb").put_item(TableName=PROPOSALS_TABLE, Item=item)


def a_claim_needing_attention(platform) -> str:
    """A claim a step failed on, written straight into the table (as tests/e2e/test_local_platform.py does):
    the operator's list shows it with its actions, and so does its file. Its creditor has no account here."""
    stamp = "2025-03-31T09:00:00.000000+0000"
    claim_id = "clm_phone_attention"
    platform.aws_client("dynamodb").put_item(
        TableName="claims-local-claims",
        Item={
            "claim_id": {"S": claim_id},
            "creditor_id": {"S": "creditor-phone"},
            "status": {"S": "needs_attention"},
            "debtor_name": {"S": "Saône Logistique SAS"},
            "principal_cents": {"N": "250000"},
            "currency": {"S": "EUR"},
            "reference": {"S": "PHONE-ATTENTION"},
            "created_at": {"S": stamp},
            "updated_at": {"S": stamp},
            "event_count": {"N": "0"},
            "version": {"N": "1"},
        },
    )
    return claim_id


def open_the_refusal(page) -> None:
    page.get_by_text("Refuser et rembourser").first.click()
    page.wait_for_selector("details[open] textarea")


def declare_a_payment(page) -> None:
    """The debtor says « J'ai payé » on their page: the answer shown, the form done."""
    page.get_by_text("J'ai payé").click()
    page.get_by_label("Date du paiement").fill("2025-03-28")
    page.get_by_label("Montant payé (€)").fill("300,00")
    page.get_by_role("button", name="Indiquer ce paiement").click()
    wait_for_text(page, "le créancier est informé", "#j-ai-paye")


def test_every_page_state_fits_a_phone_and_passes_axe(platform, tmp_path):
    from tests.e2e.test_escalation_e2e import Creditor, content

    creditor = Creditor(platform)
    # Two claims at once: one waits for the creditor's answer to the injonction offer, the other goes on to
    # the lawyer.
    claim_id, checkout = creditor.submitted("PHONE-AXE")
    dossier_id, dossier_checkout = creditor.submitted("PHONE-AVOCAT")
    creditor.pay(checkout)
    creditor.pay(dossier_checkout)
    creditor.wait_status(claim_id, "escalation_offered")
    creditor.wait_status(dossier_id, "escalation_offered")
    with_the_lawyer(platform, creditor, dossier_id)
    rate_proposals(platform)
    attention_id = a_claim_needing_attention(platform)
    url = platform.url

    draft_id = creditor.api.post(creditor.url("/v1/claims"), json={"content": content("PHONE-DRAFT")}).json()[
        "claim_id"
    ]
    debtor_url = creditor.api.get(creditor.url(f"/v1/claims/{claim_id}/debtor-link")).json()["url"]
    debtor_path = debtor_url.split("/", 3)[3]  # "#/d/<token>"
    # (name, who is signed in, path, what shows the page is drawn, what the user does there first: then the
    # state is checked at 360 px, and at 1280 px as it stands)
    states = [
        ("debiteur", None, debtor_path, "h1", None),
        ("debiteur-paiement-declare", None, debtor_path, "#j-ai-paye", declare_a_payment),
        ("accueil", None, "#/", "h1", None),
        ("connexion", None, "#/connexion", "h1", None),
        ("inscription", None, "#/inscription", "h1", None),
        ("mot-de-passe-oublie", None, "#/mot-de-passe-oublie", "h1", None),
        ("verification", None, "#/verification", "h1", None),
        ("cgv", None, "#/cgv", "h1", None),
        ("mentions-legales", None, "#/mentions-legales", "h1", None),
        ("confidentialite", None, "#/confidentialite", "h1", None),
        ("contact", None, "#/contact", "h1", None),
        ("tableau", CREDITOR, "#/creances", "h1", None),
        ("depot", CREDITOR, "#/creances/nouvelle", "h1", None),
        *[
            (f"depot-{step}", CREDITOR, f"#/creances/{draft_id}?etape={step}", "h1", None)
            for step in ("factures", "pieces", "faits", "recapitulatif")
        ],
        ("creance", CREDITOR, f"#/creances/{claim_id}", "#etapes", None),
        ("creance-avec-avocat", CREDITOR, f"#/creances/{dossier_id}", "#avocat", None),
        ("profil", CREDITOR, "#/profil", "h1", None),
        ("imports", CREDITOR, "#/imports", "h1", None),
        ("avocat", LAWYER, "#/avocat", "#dossiers", None),
        ("avocat-dossier", LAWYER, f"#/avocat/dossiers/{dossier_id}", "#depot-requete", None),
        ("operateur", OPERATOR, "#/operateur", "#propositions-en-attente article.proposal", None),
        ("operateur-refus", OPERATOR, "#/operateur", "#creances-operateur", open_the_refusal),
        ("operateur-creance", OPERATOR, f"#/operateur/creances/{dossier_id}", "#historique li", None),
        (
            "operateur-creance-a-examiner",
            OPERATOR,
            f"#/operateur/creances/{attention_id}",
            "h1",
            open_the_refusal,
        ),
    ]
    problems: list[str] = []
    with chromium(tmp_path / "profile") as browser:
        signed_in_as = None
        page = phone_page(browser)
        for name, who, path, ready, act in states:
            if who != signed_in_as:
                page.close()
                page = phone_page(browser)
                if who:
                    email, password = who.split(":")
                    sign_in(page, url, email, password)
                    page.wait_for_url(f"{url}/#/**")
                    page.wait_for_selector("main h1")
                signed_in_as = who
            for viewport, label in ((PHONE, "360"), (SCREEN, "1280")):
                page.set_viewport_size(viewport)
                if act is None or viewport is PHONE:
                    # A new hash: the app re-renders, and the last page's ``ready`` element could match
                    # before it is replaced (axe then saw a page without its h1). Emptied first, the page
                    # can only match once the new one is drawn. (The same URL again draws nothing new.)
                    if page.url != f"{url}/{path}":
                        page.evaluate("document.querySelector('main')?.replaceChildren()")
                    page.goto(f"{url}/{path}")
                    if act is not None:
                        page.reload()  # the page as it opens, whatever the state before showed
                    page.wait_for_selector(ready)
                if name == "creance":  # the stage tracker: the injonction is offered, the notice done
                    wait_for_text(page, "Étape en cours : « Injonction de payer »", "#etape-en-cours")
                    assert page.locator("#etapes li.stage-done").count() == 4
                if name == "creance-avec-avocat":
                    wait_for_text(page, "Maître", "#avocat")
                if name == "operateur":
                    wait_for_text(page, "Propositions traitées (1)", "#propositions-taux")
                    wait_for_text(page, "Saône Logistique SAS", "#creances-operateur")
                if name == "operateur-creance":
                    for section in ("#paiements-operateur", "#factures-creance", "#e-mails-creance"):
                        page.wait_for_selector(section)
                if act is not None and viewport is PHONE:
                    act(page)
                check(page, f"{name} ({label})", problems)
                if name.startswith("operateur-creance"):
                    shot(page, f"{name}-{label}")  # the operator's claim file (README)
        page.close()
    assert not problems, "\n".join(problems)
