"""The emails to a debtor: the creditor's letter carried by the sending service (RULEBOOK 7.2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from chalicelib.documents.emails import EMAIL_KINDS, Attachment, render_email
from tests.unit.documents.helpers import normalise

CREDITOR = "Plomberie Martin SARL"
NOTICE = {
    "creditor_name": CREDITOR,
    "debtor_name": "M. Jean Dupont",
    "debtor_title": "M.",
    "claim_reference": "DOS-2025-002",
    "amount_claimed": "850.00",
    "letter_date": dt.date(2025, 3, 31),
    "payment_days": 15,
    "presentation_date": dt.date(2025, 4, 3),
    "payment_deadline": dt.date(2025, 4, 18),
    "channel": "lrar",
    "tracking_number": "1A00123456789",
    "creditor_email": "contact@plomberie-martin.example.fr",
    "creditor_phone": "02 40 00 00 00",
}
REMINDER = {
    "creditor_name": CREDITOR,
    "debtor_name": "Rhône Distribution SARL",
    "claim_reference": "DOS-2025-001",
    "amount_due": "1000.00",
    "letter_date": dt.date(2025, 3, 24),
}
PDF = Attachment("mise-en-demeure-DOS-2025-002.pdf", b"%PDF-1.7\n")


def _visible(html: str) -> str:
    import html as html_lib

    return normalise(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_both_kinds_are_for_the_debtor_and_carry_the_letter() -> None:
    for kind in ("debtor_notice", "debtor_reminder"):
        assert EMAIL_KINDS[kind].audience == "debtor"
        assert EMAIL_KINDS[kind].needs_attachment
        with pytest.raises(ValueError, match="attached"):
            render_email(kind, NOTICE if kind == "debtor_notice" else REMINDER)


def test_the_notice_copy_speaks_in_the_creditors_name_and_words_the_deadline_as_the_letter() -> None:
    email = render_email("debtor_notice", NOTICE, attachments=(PDF,))
    text = normalise(email.text)
    assert email.subject.startswith(CREDITOR) and "DOS-2025-002" in email.subject
    assert text.startswith("Monsieur,")
    assert f"{CREDITOR} vous met en demeure de lui payer la somme de 850,00 €" in text
    assert "par lettre recommandée avec accusé de réception (n° 1A00123456789)" in text
    assert "15 jours à compter de la première présentation de la lettre recommandée" in text
    assert "au plus tard le 18 avril 2025 si elle vous est présentée le 3 avril 2025" in text
    assert "mise-en-demeure-DOS-2025-002.pdf" in text
    assert f"directement auprès du créancier, {CREDITOR}" in text
    assert "contact@plomberie-martin.example.fr" in text and "02 40 00 00 00" in text
    assert "ne reçoit aucun paiement" in text
    html = _visible(email.html)
    assert CREDITOR in html and "18 avril 2025" in html
    assert email.attachments == (PDF,)


def test_the_debtor_never_gets_a_link_to_the_platform_or_the_claim_id() -> None:
    for kind, context in (("debtor_notice", NOTICE), ("debtor_reminder", REMINDER)):
        email = render_email(kind, context, attachments=(PDF,))
        for body in (email.text, email.html):
            assert "#/creances" not in body and "http" not in body.replace("http-equiv", "")


def test_the_only_link_a_debtor_gets_is_their_own_page() -> None:
    """Issue 22: the debtor's page (no account) is the one link of the debtor's emails."""
    import re

    page = "https://recouvrement.example.fr/#/d/Xk3mPq9rTz2w7Yb5Nc8Ld1Vf4H"
    for kind, context in (("debtor_notice", NOTICE), ("debtor_reminder", REMINDER)):
        email = render_email(kind, context | {"debtor_page_url": page}, attachments=(PDF,))
        for body in (email.text, email.html):
            links = set(re.findall(r"https?://[^\s\"<]+", body.replace("http-equiv", "")))
            assert links == {page} and "#/creances" not in body


def test_a_company_is_greeted_madame_monsieur_and_the_reminder_is_a_courtesy() -> None:
    email = render_email("debtor_reminder", REMINDER, attachments=(PDF,))
    text = normalise(email.text)
    assert text.startswith("Madame, Monsieur,")
    assert "1 000,00 €" in text and "24 mars 2025" in text
    assert "simple oubli" in text
    assert "mise en demeure" not in text.lower()


def test_an_electronic_registered_letter_is_named_as_such() -> None:
    text = normalise(render_email("debtor_notice", NOTICE | {"channel": "lre"}, attachments=(PDF,)).text)
    assert "par envoi recommandé électronique" in text
