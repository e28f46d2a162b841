"""Issue 24: every page state of the journey on a 360×740 phone and a 1280×800 screen — no horizontal scroll
(``document.documentElement.scrollWidth <= innerWidth``) and axe-core (``scripts/axe-core.sh``, injected into
the page) with no critical, serious or moderate finding."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.browser import chromium, wait_for_text
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


def test_every_page_state_fits_a_phone_and_passes_axe(platform, tmp_path):
    from tests.e2e.test_escalation_e2e import Creditor

    creditor = Creditor(platform)
    claim_id, checkout = creditor.submitted("PHONE-AXE")
    creditor.pay(checkout)
    creditor.wait_status(claim_id, "escalation_offered")
    url = platform.url
    from tests.e2e.test_escalation_e2e import content

    draft_id = creditor.api.post(creditor.url("/v1/claims"), json={"content": content("PHONE-DRAFT")}).json()[
        "claim_id"
    ]
    debtor_url = creditor.api.get(creditor.url(f"/v1/claims/{claim_id}/debtor-link")).json()["url"]
    debtor_path = debtor_url.split("/", 3)[3]  # "#/d/<token>"
    states = [
        ("debiteur", None, debtor_path, "h1"),
        ("accueil", None, "#/", "h1"),
        ("connexion", None, "#/connexion", "h1"),
        ("inscription", None, "#/inscription", "h1"),
        ("mot-de-passe-oublie", None, "#/mot-de-passe-oublie", "h1"),
        ("verification", None, "#/verification", "h1"),
        ("cgv", None, "#/cgv", "h1"),
        ("mentions-legales", None, "#/mentions-legales", "h1"),
        ("confidentialite", None, "#/confidentialite", "h1"),
        ("contact", None, "#/contact", "h1"),
        ("tableau", "creancier@demo.localhost:Creancier2026", "#/creances", "h1"),
        ("depot", "creancier@demo.localhost:Creancier2026", "#/creances/nouvelle", "h1"),
        *[
            (
                f"depot-{step}",
                "creancier@demo.localhost:Creancier2026",
                f"#/creances/{draft_id}?etape={step}",
                "h1",
            )
            for step in ("factures", "pieces", "faits", "recapitulatif")
        ],
        ("creance", "creancier@demo.localhost:Creancier2026", f"#/creances/{claim_id}", "#etapes"),
        ("profil", "creancier@demo.localhost:Creancier2026", "#/profil", "h1"),
        ("imports", "creancier@demo.localhost:Creancier2026", "#/imports", "h1"),
        ("avocat", "avocat@demo.localhost:Avocat2026x", "#/avocat", "h1"),
        ("operateur", "operateur@demo.localhost:Operateur2026", "#/operateur", "#avocats"),
    ]
    problems: list[str] = []
    with chromium(tmp_path / "profile") as browser:
        signed_in_as = None
        page = phone_page(browser)
        for name, who, path, ready in states:
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
                page.goto(f"{url}/{path}")
                page.wait_for_selector(ready)
                if name == "creance":  # the stage tracker: the injonction is offered, the notice done
                    wait_for_text(page, "Étape en cours : « Injonction de payer »", "#etape-en-cours")
                    assert page.locator("#etapes li.stage-done").count() == 4
                check(page, f"{name} ({label})", problems)
        page.close()
    assert not problems, "\n".join(problems)
