"""Outgoing email through Amazon SES (moto's SES locally: the local mailbox page shows what was sent).

:func:`send_rendered` sends a notification rendered by :mod:`chalicelib.documents.emails` as one MIME
message through the SES API v2 ``SendEmail`` with raw content: a ``multipart/alternative`` (plain text,
then HTML), wrapped in a ``multipart/mixed`` with the attachments when there are any (filenames encoded per
RFC 2231). Raw is used even without attachments: the simple content cannot carry attachments, and moto's keeps
only the HTML part of a message that has both, so the local mailbox could not show the text version.

Version 2, not version 1's ``SendRawEmail``: v1 is a query API, so botocore percent-encodes the whole
message, byte by byte in Python (5–6 ms for an email carrying a two-page letter); v2 is a JSON API whose blob
is base64-encoded in C (under 2 ms). Both land in the same SES account (moto's v2 hands the message to its v1
backend, so the local mailbox and its journal are unchanged); the functions' role allows ``ses:SendEmail``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.aws import client
from chalicelib.adapters.errors import TransientError
from chalicelib.clock import business_now
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.domain.email_kinds import RenderedEmail

# v1 throttles with "Throttling", v2 with "TooManyRequestsException".
_TRANSIENT = {"Throttling", "TooManyRequestsException", "ServiceUnavailable"}


def send_email(to: str, subject: str, text: str, html: str | None = None) -> str:
    """Send one message from the configured sender (``MAIL_SENDER``); returns SES's message id."""
    body: dict[str, dict[str, str]] = {"Text": {"Data": text, "Charset": "UTF-8"}}
    if html is not None:
        body["Html"] = {"Data": html, "Charset": "UTF-8"}
    ses = client("ses")
    with _ses_errors(ses):
        response = ses.send_email(
            Source=get_settings().mail_sender,
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body},
        )
    return str(response["MessageId"])


def mime_message(to: str, email: RenderedEmail, sender: str) -> EmailMessage:
    """The MIME message of a rendered email (7-bit clean: quoted-printable text, base64 attachments)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to  # the policy refuses CR/LF in headers: no header injection through ``to``
    message["Subject"] = email.subject
    message["Date"] = formatdate(business_now().timestamp(), usegmt=True)  # the business clock's
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders stay quiet
    if email.idempotency_key:
        message["X-Claims-Outbox-Id"] = email.idempotency_key
    message.set_content(email.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for attachment in email.attachments:
        maintype, subtype = attachment.media_type.split("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


def send_rendered(to: str, email: RenderedEmail) -> str:
    """Send a rendered notification (text + HTML, and its attachments); returns SES's message id."""
    sender = get_settings().mail_sender
    raw = mime_message(to, email, sender).as_bytes()
    ses = client("sesv2")
    with _ses_errors(ses):
        response = ses.send_email(
            FromEmailAddress=sender, Destination={"ToAddresses": [to]}, Content={"Raw": {"Data": raw}}
        )
    return str(response["MessageId"])


@contextlib.contextmanager
def _ses_errors(ses: Any) -> Iterator[None]:
    """SES throttling, unavailability or a network failure becomes a TransientError (the caller retries);
    the rest propagates."""
    from botocore.exceptions import ConnectionError, HTTPClientError

    try:
        yield
    except ses.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in _TRANSIENT:
            raise TransientError(f"SES unavailable: {error}") from error
        raise
    except (ConnectionError, HTTPClientError) as error:
        raise TransientError(f"SES unreachable: {error}") from error
