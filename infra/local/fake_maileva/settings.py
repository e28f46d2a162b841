"""The twin's fixed addresses, default credentials, figures and limits (what a change of URL layout, of a
default account or of a limit touches)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

# Where the local web server mounts the twin: every Maileva API, the console and its JSON.
PREFIX = "/_local/maileva"

# The API paths under the twin's base (Maileva's own hosts: connexion.maileva.com for the token,
# api.maileva.com for the rest).
TOKEN_PATH = "/auth/realms/services/protocol/openid-connect/token"
REGISTERED_MAIL = "/registered_mail/v4"
LRE = "/electronic_qualified_registered_mail/v1"
MAIL_EMITTER = "/electronic_mail_emitter/v1"
NOTIFICATION_CENTER = "/notification_center/v2"

# The account the platform uses when no real Maileva is configured (the adapter's defaults are the same).
DEFAULT_CLIENT_ID = "claims-local"
DEFAULT_CLIENT_SECRET = "local-secret"
DEFAULT_USERNAME = "claims-operator"
DEFAULT_PASSWORD = "local-password"
# The user the notifications name (``user_id``): a fixed id, as Maileva's is for one account.
USER_ID = "5b0d3c1e-7a2f-4c61-9e0b-3f4d8a6c2e71"

# Access tokens live one hour (``expires_in``), refresh tokens half an hour longer.
TOKEN_LIFETIME_SECONDS = 3600
REFRESH_LIFETIME_SECONDS = 5400

# The qualified electronic registered letter's sender and its OTP key (RFC 6238, base32): the codes of an
# authenticator app set up with this key open a one-hour window to create sendings.
DEFAULT_SENDER_ID = "0f6a9a4e-5c1b-4f6e-9a57-2d5e8f1b7c30"
DEFAULT_OTP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OTP_VALIDITY_SECONDS = 3600

# The price of one paper registered letter, in euros, as the twin reports it in ``postage_price``: the
# twin's own figure for local runs and tests, NOT Maileva's tariff.
POSTAGE_PRICE = 5.36

# Dates on the console, and the console actions' default day, are in French time; an action's events are
# stamped at this hour of the chosen day.
PARIS = ZoneInfo("Europe/Paris")
EVENT_HOUR = 10

# Webhook delivery: the waits before each retry of a failed notification (Maileva waits 10 min, then more,
# up to 10 times; the twin a few times, briefly), how long one POST may take, and how much of the answer
# is kept for the console.
DEFAULT_RETRY_DELAYS = (1.0, 3.0, 10.0)
DELIVERY_TIMEOUT = 10.0
SNIPPET_LENGTH = 300

# Maileva's limits (registered_mail/v4 and electronic_qualified_registered_mail/v1).
MAX_DOCUMENTS = 30
MAX_PAPER_BYTES = 20 * 1024 * 1024
MAX_LRE_BYTES = 256 * 1024 * 1024
DEFAULT_PAGE_COUNT = 50
MAX_PAGE_COUNT = 500
