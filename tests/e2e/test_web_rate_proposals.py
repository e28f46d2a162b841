"""The rate feed on the local platform (issue 17): at start-up the devserver reads the local twin of the
ECB Data Portal and Banque de France Webstat (recorded answers; the 2026-S2 legal rates are demonstration
values) and proposes 2026-S2; the operator gets an email, sees the proposal on the operator page and
confirms it, which extends the tables."""

from __future__ import annotations

import time

import pytest

from tests.e2e.browser import chromium, shot, text, wait_for_text
from tests.e2e.test_web_journey import sign_in
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2026-11-23"})


def _operator_email(platform, subject: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, box = platform.get("/_local/api/mailbox")
        assert status == 200
        for message in box["messages"]:
            if "operateur@demo.localhost" in message["to"] and message.get("subject") == subject:
                return message
        assert time.monotonic() < deadline, f"no email « {subject} » to the operator"
        time.sleep(0.3)


def test_the_operator_confirms_the_semester_the_feed_proposed(platform, tmp_path):
    deadline = time.monotonic() + 30
    while "flux de taux" not in platform.log():  # the start-up banner comes after /health answers
        assert time.monotonic() < deadline, platform.log()
        time.sleep(0.2)
    assert "flux de taux local : 1 proposition(s) à confirmer (page Opérateur)" in platform.log()
    email = _operator_email(platform, "Taux du semestre 2026-S2 à confirmer (flux simulé)")
    assert "6,50 %" in (email.get("text") or email.get("body") or "")

    with chromium(tmp_path / "profile") as browser:
        operator = browser.new_page()
        sign_in(operator, platform.url, "operateur@demo.localhost", "Operateur2026")
        operator.wait_for_selector("#propositions-en-attente")
        pending = text(operator, "#propositions-en-attente")
        for expected in (
            "2026-S2",
            "flux simulé",
            "2,15 %",
            "6,50 %",
            "2,50 %",
            "FM.D.U2.EUR.4F.KR.MRR_FR.LEV",
        ):
            assert expected in pending, expected
        assert "calculés jusqu'au 30 juin 2026" in text(operator, "#couverture-taux")
        shot(operator, "operateur-propositions-taux")

        operator.get_by_role("button", name="Confirmer 2026-S2").click()
        wait_for_text(operator, "Semestre 2026-S2 ajouté depuis la proposition.")
        assert "calculés jusqu'au 31 décembre 2026" in text(operator, "#couverture-taux")
        assert "Aucune proposition en attente." in text(operator, "#propositions-taux")
        operator.get_by_text("Propositions traitées (1)").click()
        assert "confirmée par operateur@demo.localhost" in text(operator, "#propositions-taux")
        assert "Flux simulé" in text(operator, "#taux")  # the source recorded with the semester

        operator.get_by_role("button", name="Vérifier les fournisseurs maintenant").click()
        wait_for_text(operator, "Aucune nouvelle proposition.")
