"""The local mailbox: what SES "sent" on the embedded AWS, read from moto in this process.

Served by the local platform only (``infra/local/webserver.py``): ``GET /_local/mailbox`` (a page) and
``GET /_local/api/mailbox`` (JSON), and each attachment of a raw (MIME) message at
``GET /_local/api/mailbox/<message id>/attachments/<n>``. Newest first.
"""

from __future__ import annotations

import email
import email.policy
import html
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any, cast
from urllib.parse import quote
from zoneinfo import ZoneInfo

LOCAL_ACCOUNT = "123456789012"
PARIS = ZoneInfo("Europe/Paris")


def _raw_parts(raw: str) -> tuple[EmailMessage, list[EmailMessage]]:
    # The default policy builds EmailMessage objects (typeshed only promises Message).
    parsed = cast(EmailMessage, email.message_from_string(raw, policy=email.policy.default))
    return parsed, [part for part in parsed.iter_attachments() if isinstance(part, EmailMessage)]


def _from_raw(raw: str, message_id: str) -> dict[str, Any]:
    """Subject, recipients, text and HTML bodies and the attachments of a raw MIME message."""
    parsed, attachments = _raw_parts(raw)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    # SMTP line endings (CRLF) become plain newlines for display.
    text = text_part.get_content().replace("\r\n", "\n") if text_part is not None else None
    html_body = html_part.get_content().replace("\r\n", "\n") if html_part is not None else None
    return {
        "business_date": _business_date(str(parsed.get("Date", ""))),
        "subject": str(parsed.get("Subject", "")),
        "to": [address.strip() for address in str(parsed.get("To", "")).split(",") if address.strip()],
        "body": text if text is not None else (html_body or ""),
        "text": text,
        "html": html_body,
        "attachments": [
            {
                "index": index,
                "filename": part.get_filename() or f"piece-jointe-{index + 1}",
                "content_type": part.get_content_type(),
                "size": len(_payload(part)),
                "url": attachment_url(message_id, index),
            }
            for index, part in enumerate(attachments)
        ],
    }


def _business_date(header: str) -> str | None:
    """The day (Europe/Paris, YYYY-MM-DD) of a message's ``Date`` header: the platform dates its emails on
    its business clock (CLAIMS_TODAY), which may differ from the real time SES received them."""
    try:
        return parsedate_to_datetime(header).astimezone(PARIS).date().isoformat() if header else None
    except (TypeError, ValueError):
        return None


def _french_day(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y")


def _payload(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def attachment_url(message_id: str, index: int) -> str:
    return f"/_local/api/mailbox/{quote(message_id, safe='')}/attachments/{index}"


def _backend(region: str) -> Any:
    from moto.ses.models import ses_backends

    return ses_backends[LOCAL_ACCOUNT][region]


PAGE_SIZE = 25  # messages on one page of the mailbox


def count(region: str) -> int:
    return len(_backend(region).sent_messages)


def messages(region: str, *, offset: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    """The messages SES accepted, newest first (``limit`` of them from ``offset``; all by default): id, from,
    to, subject, date (ISO, UTC), body (the text version when there is one, else the HTML), text, html and
    attachments (filename, type, size, url). Only the messages of the page are parsed."""
    sent = list(enumerate(list(_backend(region).sent_messages)))
    epoch = datetime.fromtimestamp(0, UTC)
    sent.sort(key=lambda pair: (getattr(pair[1], "sent_at", None) or epoch, pair[0]), reverse=True)
    chosen = sent[offset : None if limit is None else offset + limit]
    return [_message(position, message) for position, message in chosen]


def _message(position: int, message: Any) -> dict[str, Any]:
    sent_at: datetime | None = getattr(message, "sent_at", None)
    message_id = str(getattr(message, "id", position))
    if hasattr(message, "raw_data"):
        content = _from_raw(message.raw_data, message_id)
        source = str(getattr(message, "source", "") or "")
        if not content["to"]:
            content["to"] = list(getattr(message, "destinations", []) or [])
    else:
        destinations = getattr(message, "destinations", {}) or {}
        body = str(getattr(message, "body", "") or getattr(message, "template_data", ""))
        looks_html = _looks_like_html(body)
        content = {
            "business_date": None,
            "subject": str(getattr(message, "subject", "") or getattr(message, "template", "")),
            "to": list(destinations.get("ToAddresses", [])),
            "body": body,
            "text": None if looks_html else body,
            "html": body if looks_html else None,
            "attachments": [],
        }
        source = str(getattr(message, "source", ""))
    return {
        "id": message_id,
        "from": source,
        "date": (sent_at or datetime.fromtimestamp(0, UTC)).isoformat(),
        **content,
    }


def attachment(region: str, message_id: str, index: int) -> tuple[str, str, bytes] | None:
    """(filename, content type, bytes) of one attachment of a raw message, or None."""
    for position, message in enumerate(list(_backend(region).sent_messages)):
        if str(getattr(message, "id", position)) != message_id or not hasattr(message, "raw_data"):
            continue
        _, attachments = _raw_parts(message.raw_data)
        if not 0 <= index < len(attachments):
            return None
        part = attachments[index]
        filename = part.get_filename() or f"piece-jointe-{index + 1}"
        return filename, part.get_content_type(), _payload(part)
    return None


def _pager(number: int, pages: int) -> str:
    links = []
    if number > 1:
        links.append(f'<a href="/_local/mailbox?page={number - 1}" rel="prev">← Plus récents</a>')
    if number < pages:
        links.append(f'<a href="/_local/mailbox?page={number + 1}" rel="next">Plus anciens →</a>')
    return f'<nav aria-label="Pages"><p>{" · ".join(links)}</p></nav>' if links else ""


def _looks_like_html(body: str) -> bool:
    return body.lstrip().lower().startswith(("<!doctype", "<html", "<div", "<p", "<table", "<body"))


def _size(size: int) -> str:
    return f"{size} octets" if size < 1024 else f"{size / 1024:.1f} Ko".replace(".", ",")


def page(region: str, number: int = 1) -> str:
    """The mailbox as a French page that reads well on a phone, :data:`PAGE_SIZE` messages at a time."""
    total = count(region)
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    items = messages(region, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    cards = []
    for item in items:
        shown_date = item["date"][:19].replace("T", " ")
        parts = []
        if item["html"]:
            parts.append(f'<iframe sandbox="" srcdoc="{html.escape(item["html"], quote=True)}"></iframe>')
            if item["text"]:
                text = html.escape(item["text"])
                parts.append(f"<details><summary>Version texte</summary><pre>{text}</pre></details>")
        else:
            parts.append(f"<pre>{html.escape(item['text'] or item['body'])}</pre>")
        if item["attachments"]:
            links = "".join(
                f'<li><a href="{html.escape(a["url"], quote=True)}" download>{html.escape(a["filename"])}</a>'
                f" <span class=meta>({html.escape(a['content_type'])}, {_size(a['size'])})</span></li>"
                for a in item["attachments"]
            )
            parts.append(f"<p class=meta>Pièces jointes :</p><ul class=attachments>{links}</ul>")
        cards.append(
            "<article>"
            f"<h2>{html.escape(item['subject'] or '(sans objet)')}</h2>"
            f"<p class=meta>À : {html.escape(', '.join(item['to']))}<br>"
            f"De : {html.escape(item['from'])}<br>"
            + (
                f"Date de la plateforme : {html.escape(_french_day(item['business_date']))} · "
                if item["business_date"] and item["business_date"] != item["date"][:10]
                else ""
            )
            + f'envoyé le <time datetime="{item["date"]}">{html.escape(shown_date)} UTC</time></p>'
            f"{''.join(parts)}</article>"
        )
    listing = "\n".join(cards) or "<p>Aucun message pour l'instant.</p>"
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Boîte aux lettres locale</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 1rem; }}
  article {{ border: 1px solid #ccc; border-radius: .5rem; padding: .75rem 1rem; margin: 1rem 0; }}
  h2 {{ font-size: 1.1rem; margin: 0 0 .25rem; }}
  .meta {{ color: #555; font-size: .9rem; margin: 0 0 .5rem; }}
  pre {{ white-space: pre-wrap; word-wrap: break-word; font-family: inherit; margin: 0; }}
  iframe {{ width: 100%; min-height: 28rem; border: 1px solid #eee; }}
  details {{ margin: .5rem 0; }}
  summary {{ cursor: pointer; color: #555; }}
  ul.attachments {{ margin: .25rem 0 0; padding-left: 1.25rem; }}
</style>
</head>
<body>
<h1>Boîte aux lettres locale</h1>
<p>Les e-mails que la plateforme a envoyés (SES local), du plus récent au plus ancien :
{total} message{"s" if total > 1 else ""}{f", page {number} sur {pages}" if pages > 1 else ""}.
<a href="/_local/mailbox">Actualiser</a></p>
{listing}
{_pager(number, pages)}
</body>
</html>
"""
