"""The local platform's Maileva (La Poste's online registered mail): a "local twin" of its REST APIs,
offline, in memory, kept across restarts.

Local only: ``chalicelib`` never imports this package. The platform's Maileva adapter talks to it exactly
as it talks to Maileva, with the base ``MAILEVA_API_BASE`` = ``<public_url>/_local/maileva`` standing for
both Maileva hosts (``connexion.maileva.com`` and ``api.maileva.com``), and receives its webhooks as
Maileva sends them. The local web server (``infra/local/webserver.py``) mounts :meth:`FakeMaileva.handle`;
under the base:

* ``POST /auth/realms/services/protocol/openid-connect/token``: OAuth2 ``password`` (and
  ``refresh_token``) grant with the account of ``settings.py``; every other API call needs its
  ``Authorization: Bearer`` token;
* ``/registered_mail/v4``: the paper registered letter (sendings, PDF documents, recipients, submit;
  produced at once on submit: registered number, price, deposit proof; then the proofs as PDFs);
* ``/electronic_mail_emitter/v1/senders/{id}/authenticate_by_otp``: the sender's one-time code (TOTP),
  which opens the one-hour window in which ``/electronic_qualified_registered_mail/v1`` (the qualified
  electronic registered letter) accepts new sendings;
* ``/notification_center/v2/subscriptions``: webhook subscriptions; the registered_mail/v4 events are
  POSTed to their callbacks (HTTP Basic) from a background thread, with retries;
* ``/_local/maileva``: the console (every sending, a form per thing that can happen to a letter at the
  recipient's: presented, signed for, refused, unclaimed, unknown address; accepted, refused, neglected,
  invalid e-mail address for the electronic letter); ``/_local/maileva/api/sendings`` and
  ``/_local/maileva/api/deliveries`` as JSON.

:func:`serve_fake_maileva` starts the same thing alone on a free port, for tests.

Where things are (one reason to change each):

* ``simulation.py``: :class:`FakeMaileva`, the state and the operations that read and change it;
* ``records.py``: the resources kept in memory and their JSON shapes; ``params.py``: the creation bodies
  Maileva accepts and how it refuses the others; ``errors.py``: its error answers;
* ``paper.py``: the paper letter's production, delivery statuses, console actions and proofs;
  ``lre.py``: the electronic letter's OTP, submission, recipient outcomes and proofs;
* ``documents.py`` and ``multipart.py``: a document upload; ``pdf.py``: the proofs' PDF writer;
* ``auth.py``: the token endpoint and the bearer check;
* ``api_routes.py``: the REST APIs over HTTP; ``console.py``: the console over HTTP; ``pages.py``
  renders it from the Jinja2 templates in ``templates/`` (autoescaped); ``responses.py``: the HTTP answers;
* ``webhooks.py``: the notification thread, retries and the record of every attempt;
* ``persistence.py``: ``maileva.json`` in the data folder; ``server.py``: :func:`serve_fake_maileva`;
  ``settings.py``: paths, default credentials, the twin's price, limits.
"""

from infra.local.fake_maileva.errors import MailevaError
from infra.local.fake_maileva.lre import current_otp, otp_matches
from infra.local.fake_maileva.records import ELECTRONIC, PAPER, ConsoleSnapshot
from infra.local.fake_maileva.responses import HTML_TYPE, JSON_TYPE, PDF_TYPE, Response
from infra.local.fake_maileva.server import serve_fake_maileva
from infra.local.fake_maileva.settings import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_OTP_KEY,
    DEFAULT_PASSWORD,
    DEFAULT_RETRY_DELAYS,
    DEFAULT_SENDER_ID,
    DEFAULT_USERNAME,
    LRE,
    MAIL_EMITTER,
    NOTIFICATION_CENTER,
    POSTAGE_PRICE,
    PREFIX,
    REGISTERED_MAIL,
    TOKEN_PATH,
)
from infra.local.fake_maileva.simulation import FakeMaileva
from infra.local.fake_maileva.webhooks import Attempt, Notification

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_OTP_KEY",
    "DEFAULT_PASSWORD",
    "DEFAULT_RETRY_DELAYS",
    "DEFAULT_SENDER_ID",
    "DEFAULT_USERNAME",
    "ELECTRONIC",
    "HTML_TYPE",
    "JSON_TYPE",
    "LRE",
    "MAIL_EMITTER",
    "NOTIFICATION_CENTER",
    "PAPER",
    "PDF_TYPE",
    "POSTAGE_PRICE",
    "PREFIX",
    "REGISTERED_MAIL",
    "TOKEN_PATH",
    "Attempt",
    "ConsoleSnapshot",
    "FakeMaileva",
    "MailevaError",
    "Notification",
    "Response",
    "current_otp",
    "otp_matches",
    "serve_fake_maileva",
]
