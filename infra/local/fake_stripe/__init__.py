"""The local platform's Stripe: Checkout Sessions, refunds and signed webhooks, offline and in memory.

Local only: ``chalicelib`` never imports this package. The platform's Stripe adapter talks to it through the
official ``stripe`` SDK exactly as it talks to Stripe (``STRIPE_API_BASE`` = ``<public_url>/_local/stripe``,
key ``sk_test_local_simulation``), and receives webhooks signed with the simulation's secret exactly as
Stripe signs them. The local web server (``infra/local/webserver.py``) mounts :meth:`FakeStripe.handle`:

* ``/_local/stripe/v1/…``: the REST API subset the platform uses (``POST /v1/checkout/sessions``,
  ``GET /v1/checkout/sessions/{id}`` (``expand[]=line_items``), ``GET …/{id}/line_items``,
  ``POST …/{id}/expire``, ``POST /v1/refunds``, ``GET /v1/refunds/{id}``, ``GET /v1/events/{id}``), with
  Stripe's error shapes (401 wrong key, 404 unknown id, 400 bad params) and ``Idempotency-Key`` replays;
* ``/_local/checkout/<session id>``: the page that plays Stripe Checkout (pay by card, by deferred bank
  transfer, cancel, let the session expire; then receive or fail the transfer);
* ``/_local/stripe``: the sessions and the webhook deliveries, with a button to send an event again;
  ``/_local/stripe/api/events`` and ``/_local/stripe/api/sessions`` as JSON.

The state lives in memory: a restart of ``make run`` forgets every session, payment and event (the
platform's own records of them survive in its saved data). Sessions past ``expires_at`` expire lazily,
the next time anything touches the simulation (and ``checkout.session.expired`` is sent then).

:func:`serve_fake_stripe` starts the same thing alone on a free port, for tests.

Where things are (one reason to change each):

* ``simulation.py``: :class:`FakeStripe`, Stripe's state and what changes it (API calls, the person's
  actions on the checkout page, time passing);
* ``records.py``: the objects kept in memory and their JSON shapes (sessions, charges, refunds, events);
* ``params.py``: the create parameters Stripe accepts and how it refuses the others;
  ``form_encoding.py``: Stripe's bracketed form encoding; ``errors.py``: its error answers;
* ``api_routes.py``: the REST API over HTTP (authentication, idempotency, routing);
* ``webhooks.py``: signing, delivery in the background, retries, the record of every attempt;
* ``checkout_page.py`` and ``console.py``: the two pages over HTTP; ``pages.py`` renders them from the
  Jinja2 templates in ``templates/`` (autoescaped); ``responses.py``: the HTTP answers;
* ``server.py``: :func:`serve_fake_stripe`; ``settings.py``: addresses, default keys and limits.
"""

from infra.local.fake_stripe.errors import FakeStripeError
from infra.local.fake_stripe.form_encoding import flatten_params, nest_params
from infra.local.fake_stripe.params import (
    MINIMUM_CHARGE_CENTS,
    REFUND_PARAMS,
    REFUND_REASONS,
    SESSION_DEFAULT_LIFETIME,
    SESSION_MAX_LIFETIME,
    SESSION_MIN_LIFETIME,
    SESSION_PARAMS,
)
from infra.local.fake_stripe.records import new_id
from infra.local.fake_stripe.responses import HTML_TYPE, JSON_TYPE, Response
from infra.local.fake_stripe.server import serve_fake_stripe
from infra.local.fake_stripe.settings import (
    API_PREFIX,
    CHECKOUT_PREFIX,
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
    DELIVERY_TIMEOUT,
    PARIS,
    SNIPPET_LENGTH,
)
from infra.local.fake_stripe.simulation import FakeStripe
from infra.local.fake_stripe.webhooks import Delivery, DeliveryJob

__all__ = [
    "API_PREFIX",
    "CHECKOUT_PREFIX",
    "DEFAULT_SECRET_KEY",
    "DEFAULT_WEBHOOK_SECRET",
    "DELIVERY_TIMEOUT",
    "HTML_TYPE",
    "JSON_TYPE",
    "MINIMUM_CHARGE_CENTS",
    "PARIS",
    "REFUND_PARAMS",
    "REFUND_REASONS",
    "SESSION_DEFAULT_LIFETIME",
    "SESSION_MAX_LIFETIME",
    "SESSION_MIN_LIFETIME",
    "SESSION_PARAMS",
    "SNIPPET_LENGTH",
    "Delivery",
    "DeliveryJob",
    "FakeStripe",
    "FakeStripeError",
    "Response",
    "flatten_params",
    "nest_params",
    "new_id",
    "serve_fake_stripe",
]
