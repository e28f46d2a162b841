"""Outgoing email through Amazon SES (moto's SES locally: the local mailbox page shows what was sent)."""

from __future__ import annotations

from chalicelib.adapters.aws import client
from chalicelib.adapters.errors import TransientError
from chalicelib.settings import get_settings


def send_email(to: str, subject: str, text: str, html: str | None = None) -> str:
    """Send one message from the configured sender (``MAIL_SENDER``); returns SES's message id."""
    body: dict[str, dict[str, str]] = {"Text": {"Data": text, "Charset": "UTF-8"}}
    if html is not None:
        body["Html"] = {"Data": html, "Charset": "UTF-8"}
    ses = client("ses")
    try:
        response = ses.send_email(
            Source=get_settings().mail_sender,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body},
        )
    except ses.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"Throttling", "ServiceUnavailable"}:
            raise TransientError(f"SES unavailable: {error}") from error
        raise
    return str(response["MessageId"])
