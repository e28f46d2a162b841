"""Rendered emails through SES (moto): text + HTML, a PDF attachment, and the local mailbox showing them."""

from __future__ import annotations

import email
import email.policy
from typing import Any

import pytest

from chalicelib.documents.emails import Attachment, render_email

pytestmark = pytest.mark.integration

CLAIM = {
    "base_url": "http://127.0.0.1:8765",
    "claim_id": "CLM-7",
    "claim_reference": "F-2025-0010",
    "debtor_name": "Dupont & <Fils>",
}
PDF = b"%PDF-1.7\n" + bytes(range(256)) + b"\n%%EOF\n"  # every byte value survives the trip
FILENAME = "mise-en-demeure-réf-F-2025-0010.pdf"  # non-ASCII: RFC 2231 encoded


def _sent(region: str) -> list[Any]:
    from moto.ses.models import ses_backends

    from infra.local.mailbox import LOCAL_ACCOUNT

    return list(ses_backends[LOCAL_ACCOUNT][region].sent_messages)


def _lf(text: str) -> str:
    """SMTP's CRLF line endings back to the template's newlines."""
    return text.replace("\r\n", "\n")


def _notice() -> Any:
    context = CLAIM | {"sent_on": "2026-11-22", "payment_deadline": "2026-12-03", "amount_claimed": "1234.56"}
    return render_email("notice_sent", context, attachments=(Attachment(FILENAME, PDF),))


def test_a_rendered_email_goes_out_as_text_and_html(aws) -> None:
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.settings import get_settings
    from infra.local.mailbox import messages

    rendered = render_email("settled", CLAIM | {"settled_on": "2026-12-01"})
    message_id = send_rendered("claire@atelier-dupont.fr", rendered)

    region = get_settings().region
    [raw] = [m for m in _sent(region) if m.id == message_id]
    parsed = email.message_from_string(raw.raw_data, policy=email.policy.default)
    assert (
        parsed["Subject"]
        == rendered.subject
        == "Créance F-2025-0010 (Dupont & <Fils>) : réglée, dossier clos"
    )
    assert parsed["To"] == "claire@atelier-dupont.fr"
    assert parsed["From"] == get_settings().mail_sender
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert _lf(parsed.get_body(("plain",)).get_content()) == rendered.text
    assert _lf(parsed.get_body(("html",)).get_content()) == rendered.html
    assert raw.raw_data.isascii()  # quoted-printable: 7-bit clean for any relay

    [shown] = [m for m in messages(region) if m["id"] == message_id]
    assert shown["subject"] == rendered.subject
    assert shown["to"] == ["claire@atelier-dupont.fr"]
    assert shown["text"] == rendered.text and shown["body"] == rendered.text
    assert shown["html"] == rendered.html
    assert shown["attachments"] == []


def test_a_notice_email_carries_the_pdf_and_the_mailbox_serves_it(aws) -> None:
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.settings import get_settings
    from infra.local.mailbox import attachment, messages, page

    rendered = _notice()
    message_id = send_rendered("claire@atelier-dupont.fr", rendered)

    region = get_settings().region
    [raw] = [m for m in _sent(region) if m.id == message_id]
    assert "filename*=utf-8''mise-en-demeure-r%C3%A9f-F-2025-0010.pdf" in raw.raw_data
    parsed = email.message_from_string(raw.raw_data, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    body, pdf = parsed.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert _lf(parsed.get_body(("plain",)).get_content()) == rendered.text
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == FILENAME
    assert pdf.get_content() == PDF

    [shown] = [m for m in messages(region) if m["id"] == message_id]
    assert "La copie de la mise en demeure est jointe" in shown["body"]
    [listed] = shown["attachments"]
    assert listed["filename"] == FILENAME
    assert listed["content_type"] == "application/pdf" and listed["size"] == len(PDF)
    assert listed["url"] == f"/_local/api/mailbox/{message_id}/attachments/0"
    assert attachment(region, message_id, 0) == (FILENAME, "application/pdf", PDF)
    assert attachment(region, message_id, 1) is None
    assert attachment(region, "no-such-message", 0) is None

    html_page = page(region)
    assert f'href="{listed["url"]}"' in html_page and "Pièces jointes" in html_page
    assert "Version texte" in html_page


def test_the_local_web_server_downloads_an_attachment(aws) -> None:
    from chalicelib.adapters.mailer import send_rendered
    from infra.local.webserver import PlatformRequestHandler

    message_id = send_rendered("claire@atelier-dupont.fr", _notice())

    def get(path: str) -> dict[str, Any]:
        handler = PlatformRequestHandler.__new__(PlatformRequestHandler)  # no socket: routing only
        handler.path, handler.command = path, "GET"
        answer: dict[str, Any] = {}

        def send(status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
            answer.update(status=status, content_type=content_type, body=body, headers=headers or {})

        handler._send = send  # type: ignore[method-assign]
        handler._local_page()
        return answer

    found = get(f"/_local/api/mailbox/{message_id}/attachments/0")
    assert found["status"] == 200 and found["content_type"] == "application/pdf"
    assert found["body"] == PDF
    assert found["headers"]["Content-Disposition"] == (
        "attachment; filename*=UTF-8''mise-en-demeure-r%C3%A9f-F-2025-0010.pdf"
    )
    assert get(f"/_local/api/mailbox/{message_id}/attachments/3")["status"] == 404
    assert get("/_local/api/mailbox")["status"] == 200


def test_simple_messages_still_show_in_the_mailbox(aws) -> None:
    from chalicelib.adapters.mailer import send_email
    from chalicelib.settings import get_settings
    from infra.local.mailbox import messages, page

    send_email("paul@exemple.fr", "Sujet simple", "Bonjour Paul,\nTexte seul.")
    send_email("paul@exemple.fr", "Sujet HTML", "Bonjour", "<p>Bonjour <strong>Paul</strong></p>")
    region = get_settings().region
    shown = {m["subject"]: m for m in messages(region)}
    assert shown["Sujet simple"]["body"] == shown["Sujet simple"]["text"] == "Bonjour Paul,\nTexte seul."
    assert shown["Sujet simple"]["html"] is None and shown["Sujet simple"]["attachments"] == []
    assert shown["Sujet HTML"]["html"] == "<p>Bonjour <strong>Paul</strong></p>"  # moto keeps only the HTML
    html_page = page(region)
    assert "<pre>Bonjour Paul,\nTexte seul.</pre>" in html_page
    assert 'srcdoc="&lt;p&gt;Bonjour' in html_page


def test_an_address_with_a_line_break_is_refused(aws) -> None:
    from chalicelib.adapters.mailer import send_rendered

    with pytest.raises(ValueError):
        send_rendered("claire@atelier-dupont.fr\nBcc: everyone@example.com", _notice())


def test_the_local_sign_in_emails_come_from_the_templates(aws) -> None:
    import re

    from chalicelib.bootstrap import identity_provider
    from chalicelib.domain.accounts import Role
    from chalicelib.settings import get_settings
    from infra.local.mailbox import messages

    users = identity_provider()
    users.create_user("oubli@exemple.fr", "Motdepasse2026", Role.CREDITOR)
    users.forgot_password("oubli@exemple.fr")
    users.invite("me.durand@barreau-nantes.fr", Role.LAWYER)

    shown = {m["to"][0]: m for m in messages(get_settings().region)}
    reset = shown["oubli@exemple.fr"]
    assert reset["subject"] == "Réinitialisation de votre mot de passe"
    code = re.search(r"\b(\d{6})\b", reset["body"]).group(1)
    assert f"Votre code de réinitialisation est : {code}" in reset["text"]
    assert "Il est valable une heure." in reset["text"]
    assert code in reset["html"] and "Message automatique du service d'envoi" in reset["html"]
    invitation = shown["me.durand@barreau-nantes.fr"]
    assert "en tant qu'avocat partenaire" in invitation["text"]
    assert f"Adresse de connexion : {get_settings().public_url}/" in invitation["text"]
    assert re.search(r"Mot de passe provisoire : (\S+)", invitation["body"])


def test_the_mailbox_is_read_a_page_at_a_time(aws) -> None:
    import json

    from chalicelib.adapters.mailer import send_email
    from chalicelib.settings import get_settings
    from infra.local.mailbox import PAGE_SIZE, page
    from infra.local.webserver import PlatformRequestHandler

    region = get_settings().region
    for n in range(PAGE_SIZE + 3):
        send_email("claire@atelier-dupont.fr", f"Message {n:02d}", f"Corps {n}")

    def get(path: str) -> bytes:
        handler = PlatformRequestHandler.__new__(PlatformRequestHandler)  # no socket: routing only
        handler.path, handler.command = path, "GET"
        answer: dict[str, Any] = {}
        handler._send = lambda status, content_type, body, headers=None: answer.update(body=body)  # type: ignore[method-assign]
        handler._local_page()
        return answer["body"]

    first = page(region)
    assert first.count("<article>") == PAGE_SIZE and "page 1 sur 2" in first and "Plus anciens" in first
    assert f"Message {PAGE_SIZE + 2:02d}" in first and "Message 00" not in first
    second = get("/_local/mailbox?page=2").decode()
    assert second.count("<article>") == 3 and "Message 00" in second and "Plus récents" in second
    listed = json.loads(get("/_local/api/mailbox?offset=1&limit=2"))
    assert [m["subject"] for m in listed["messages"]] == [
        f"Message {PAGE_SIZE + 1:02d}",
        f"Message {PAGE_SIZE:02d}",
    ]
    assert listed["total"] == PAGE_SIZE + 3
    assert len(json.loads(get("/_local/api/mailbox"))["messages"]) == PAGE_SIZE + 3
