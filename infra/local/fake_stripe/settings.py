"""The simulation's fixed addresses, keys and limits (what a change of URL layout or of a limit touches)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

# Where the local web server mounts the simulation: the REST API and its console, and the checkout pages.
API_PREFIX = "/_local/stripe"
CHECKOUT_PREFIX = "/_local/checkout"

# The keys the platform uses when no real Stripe key is set (chalicelib/settings.py has the same defaults).
DEFAULT_SECRET_KEY = "sk_test_local_simulation"
DEFAULT_WEBHOOK_SECRET = "whsec_local_simulation"

# Dates on the pages are shown in French time.
PARIS = ZoneInfo("Europe/Paris")

# Webhook delivery: how long one POST may take, and how much of the answer is kept for the console.
DELIVERY_TIMEOUT = 10.0
SNIPPET_LENGTH = 300
