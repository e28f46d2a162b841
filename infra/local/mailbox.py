"""The local mailbox: what SES "sent" on the embedded AWS, read from moto in this process.

Served by the local platform only (``infra/local/webserver.py``): ``GET /_local/mailbox`` (a page) and
``GET /_local/api/mailbox`` (JSON). Newest first.
"""

from __future__ import annotations

import email
import email.policy
import html
from datetime import UTC, datetime
from typing import Any

LOCAL_ACCOUNT = "123456789012"


def _from_raw(raw: str) -> dict[str, Any]:
    parsed = email.message_from_string(raw, policy=email.policy.default)
    part = parsed.get_body(preferencelist=("plain", "html"))
    return {
        "subject": str(parsed.get("Subject", "")),
        "to": [address.strip() for address in str(parsed.get("To", "")).split(",") if address.strip()],
        "body": part.get_content() if part is not None else "",
    }


def messages(region: str) -> list[dict[str, Any]]:
    """Every message SES accepted, newest first: id, from, to, subject, date (ISO, UTC), body."""
    from moto.ses.models import ses_backends

    backend = ses_backends[LOCAL_ACCOUNT][region]
    found: list[dict[str, Any]] = []
    for position, message in enumerate(list(backend.sent_messages)):
        sent_at: datetime | None = getattr(message, "sent_at", None)
        if hasattr(message, "raw_data"):
            content = _from_raw(message.raw_data)
            source = str(getattr(message, "source", "") or "")
            if not content["to"]:
                content["to"] = list(getattr(message, "destinations", []) or [])
        else:
            destinations = getattr(message, "destinations", {}) or {}
            content = {
                "subject": str(getattr(message, "subject", "") or getattr(message, "template", "")),
                "to": list(destinations.get("ToAddresses", [])),
                "body": str(getattr(message, "body", "") or getattr(message, "template_data", "")),
            }
            source = str(getattr(message, "source", ""))
        found.append(
            {
                "id": str(getattr(message, "id", position)),
                "from": source,
                "date": (sent_at or datetime.fromtimestamp(0, UTC)).isoformat(),
                "order": position,
                **content,
            }
        )
    found.sort(key=lambda item: (item["date"], item["order"]), reverse=True)
    for item in found:
        del item["order"]
    return found


def _looks_like_html(body: str) -> bool:
    return body.lstrip().lower().startswith(("<!doctype", "<html", "<div", "<p", "<table", "<body"))


def page(region: str) -> str:
    """The mailbox as a French page that reads well on a phone."""
    items = messages(region)
    cards = []
    for item in items:
        body = item["body"]
        shown_date = item["date"][:19].replace("T", " ")
        if _looks_like_html(body):
            shown = f'<iframe sandbox="" srcdoc="{html.escape(body, quote=True)}"></iframe>'
        else:
            shown = f"<pre>{html.escape(body)}</pre>"
        cards.append(
            "<article>"
            f"<h2>{html.escape(item['subject'] or '(sans objet)')}</h2>"
            f"<p class=meta>À : {html.escape(', '.join(item['to']))}<br>"
            f"De : {html.escape(item['from'])}<br>"
            f'<time datetime="{item["date"]}">{html.escape(shown_date)} UTC</time></p>'
            f"{shown}</article>"
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
  iframe {{ width: 100%; min-height: 20rem; border: 0; }}
</style>
</head>
<body>
<h1>Boîte aux lettres locale</h1>
<p>Les e-mails que la plateforme a envoyés (SES local), du plus récent au plus ancien :
{len(items)} message{"s" if len(items) > 1 else ""}. <a href="/_local/mailbox">Actualiser</a></p>
{listing}
</body>
</html>
"""
