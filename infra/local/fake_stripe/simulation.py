"""The simulation itself: Stripe's state in memory (sessions, payment intents, charges, refunds, events)
and what changes it, whether the SDK calls the API, a person acts on the checkout page, or time passes."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import stripe

from infra.local.fake_stripe import checkout_page, console
from infra.local.fake_stripe.api_routes import RestApi
from infra.local.fake_stripe.errors import FakeStripeError, no_such
from infra.local.fake_stripe.form_encoding import flatten_params, nest_params
from infra.local.fake_stripe.params import (
    REFUND_PARAMS,
    as_int,
    expand_list,
    optional_str,
    parse_metadata,
    parse_session,
    plain_amount,
    refund_reason,
    refuse_unknown,
)
from infra.local.fake_stripe.records import (
    Charge,
    ConsoleSnapshot,
    PaymentIntent,
    Session,
    event_json,
    line_items_json,
    new_id,
    refund_json,
    session_json,
)
from infra.local.fake_stripe.responses import Response, not_found
from infra.local.fake_stripe.settings import (
    API_PREFIX,
    CHECKOUT_PREFIX,
    DEFAULT_SECRET_KEY,
    DEFAULT_WEBHOOK_SECRET,
)
from infra.local.fake_stripe.webhooks import Delivery, DeliveryJob, WebhookSender


class FakeStripe:
    """Stripe Checkout, refunds and webhooks in memory, thread-safe (one re-entrant lock).

    ``webhook_url=None``: events are only recorded (tests sign and post them with :meth:`signed`).
    ``retry_delays``: the waits before each retry of a failed delivery (Stripe retries for days; the
    simulation a few times, briefly). ``first_delivery_wait``: how long a checkout page action waits for
    the first delivery attempt before redirecting (so the success page already sees the payment).
    ``clock``: seconds since the epoch (tests move time to expire sessions)."""

    def __init__(
        self,
        *,
        public_url: str,
        webhook_url: str | None = None,
        secret_key: str = DEFAULT_SECRET_KEY,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        retry_delays: Sequence[float] = (0.5, 1.0, 2.0, 4.0),
        first_delivery_wait: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.public_url = public_url.rstrip("/")
        self.secret_key = secret_key
        self.first_delivery_wait = first_delivery_wait
        self.clock = clock
        self.api_version: str = str(stripe.api_version)
        self._lock = threading.RLock()
        self._sessions: dict[str, Session] = {}
        self._intents: dict[str, PaymentIntent] = {}
        self._charges: dict[str, Charge] = {}
        self._refunds: dict[str, dict[str, Any]] = {}
        self._events: dict[str, dict[str, Any]] = {}
        self.webhooks = WebhookSender(
            url=webhook_url, secret=webhook_secret, retry_delays=retry_delays, lock=self._lock
        )
        self._rest_api = RestApi(self)

    @property
    def api_base(self) -> str:
        """What ``base_addresses={"api": …}`` of a ``StripeClient`` should be."""
        return self.public_url + API_PREFIX

    @property
    def webhook_url(self) -> str | None:
        return self.webhooks.url

    @property
    def webhook_secret(self) -> str:
        return self.webhooks.secret

    @property
    def retry_delays(self) -> tuple[float, ...]:
        return self.webhooks.retry_delays

    def checkout_url(self, session_id: str) -> str:
        return f"{self.public_url}{CHECKOUT_PREFIX}/{session_id}"

    def close(self) -> None:
        """Stop waiting retries (the attempt in flight, if any, finishes)."""
        self.webhooks.close()

    def _now(self) -> int:
        return int(self.clock())

    # --- HTTP ------------------------------------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str] | Message,
        body: bytes,
    ) -> Response:
        """Answer one HTTP request under ``/_local/stripe`` or ``/_local/checkout`` (anything else: 404)."""
        method = method.upper()
        lowered = {name.lower(): value for name, value in headers.items()}
        path = urlsplit(path).path.rstrip("/") or "/"
        verb = "GET" if method == "HEAD" else method
        if path == f"{API_PREFIX}/v1" or path.startswith(f"{API_PREFIX}/v1/"):
            return self._rest_api.handle(verb, path[len(API_PREFIX) :], query, lowered, body)
        if path == API_PREFIX or path.startswith(f"{API_PREFIX}/"):
            return console.handle(self, verb, path[len(API_PREFIX) :])
        if path.startswith(f"{CHECKOUT_PREFIX}/"):
            return checkout_page.handle(self, verb, path[len(CHECKOUT_PREFIX) + 1 :], body)
        return not_found()

    # --- REST operations (what the SDK calls) ----------------------------------------------------------

    def create_checkout_session(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/checkout/sessions``: params nested as the SDK takes them (or already bracketed)."""
        data = nest_params(flatten_params(params))
        with self._lock:
            self._sweep_locked()
            session = parse_session(data, self._now())
            self._sessions[session.id] = session
            return self._session_json(session, expand=expand_list(data))

    def retrieve_checkout_session(self, session_id: str, *, expand: Iterable[str] = ()) -> dict[str, Any]:
        with self._lock:
            self._sweep_locked()
            return self._session_json(self._session(session_id), expand=set(expand))

    def list_line_items(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            return line_items_json(self._session(session_id))

    def expire_checkout_session(self, session_id: str) -> dict[str, Any]:
        """``POST /v1/checkout/sessions/{id}/expire``: the session, now expired (and the event sent)."""
        with self._lock:
            self.expire(session_id)
            return self._session_json(self._session(session_id))

    def create_refund(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/refunds`` (``payment_intent`` or ``charge``, optional ``amount``, ``reason``,
        ``metadata``): the refund; ``charge.refunded`` is sent."""
        data = nest_params(flatten_params(params))
        refuse_unknown(data, REFUND_PARAMS)
        with self._lock:
            self._sweep_locked()
            charge = self._refundable_charge(data)
            amount = _refund_amount(data, charge)
            reason = refund_reason(data)
            refund = refund_json(
                new_id("re_"),
                charge,
                amount,
                created=self._now(),
                reason=reason,
                metadata=parse_metadata(data.get("metadata")),
            )
            previously_refunded = charge.amount_refunded
            charge.amount_refunded += amount
            charge.refunds.insert(0, refund)
            self._refunds[refund["id"]] = refund
            self._emit_locked(
                "charge.refunded",
                charge.as_json(),
                previous_attributes={"amount_refunded": previously_refunded, "refunded": False},
            )
            return copy.deepcopy(refund)

    def retrieve_refund(self, refund_id: str) -> dict[str, Any]:
        with self._lock:
            if refund_id not in self._refunds:
                raise no_such("refund", refund_id)
            return copy.deepcopy(self._refunds[refund_id])

    # --- what a person does on the checkout page --------------------------------------------------------

    def pay(self, session_id: str, *, email: str | None = None) -> dict[str, Any]:
        """Pay by card: the session is complete and paid; returns ``checkout.session.completed``."""
        with self._lock:
            session = self._open_session(session_id)
            self._complete_locked(session, "card", email)
            if session.amount_total == 0:
                session.payment_status = "no_payment_required"
            else:
                intent = self._new_intent_locked(session, status="succeeded")
                self._charge_locked(session, intent)
                session.payment_status = "paid"
                self._invoice_locked(session)
            return self._emit_locked("checkout.session.completed", self._session_json(session))

    def pay_deferred(self, session_id: str, *, email: str | None = None) -> dict[str, Any]:
        """Pay by bank transfer: the session is complete but unpaid until :meth:`settle_deferred`;
        returns ``checkout.session.completed`` (payment_status ``unpaid``)."""
        with self._lock:
            session = self._open_session(session_id)
            if session.amount_total == 0:
                return self.pay(session_id, email=email)
            self._complete_locked(session, "bank_transfer", email)
            self._new_intent_locked(session, status="processing")
            return self._emit_locked("checkout.session.completed", self._session_json(session))

    def settle_deferred(self, session_id: str, succeeded: bool) -> dict[str, Any]:
        """The bank transfer arrives (``checkout.session.async_payment_succeeded``, the session is paid)
        or fails (``checkout.session.async_payment_failed``, it stays unpaid)."""
        with self._lock:
            self._sweep_locked()
            session = self._session(session_id)
            if session.payment_method != "bank_transfer" or session.deferred_outcome is not None:
                raise FakeStripeError(400, f"Checkout Session {session_id} has no pending deferred payment.")
            assert session.payment_intent is not None
            intent = self._intents[session.payment_intent]
            if succeeded:
                session.deferred_outcome = "succeeded"
                intent.status = "succeeded"
                self._charge_locked(session, intent)
                session.payment_status = "paid"
                self._invoice_locked(session)
                kind = "checkout.session.async_payment_succeeded"
            else:
                session.deferred_outcome = "failed"
                intent.status = "requires_payment_method"
                kind = "checkout.session.async_payment_failed"
            return self._emit_locked(kind, self._session_json(session))

    def expire(self, session_id: str) -> dict[str, Any]:
        """The session expires now; returns ``checkout.session.expired``."""
        with self._lock:
            session = self._session(session_id)
            if session.status != "open":
                raise FakeStripeError(400, 'Only Checkout Sessions with a status in ["open"] can be expired.')
            return self._expire_locked(session)

    def refund(
        self,
        payment_intent: str,
        amount: int | None = None,
        *,
        reason: str | None = "requested_by_customer",
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """A refund as if made from Stripe's dashboard (or by the API): returns the refund; the
        ``charge.refunded`` event is in :meth:`events`."""
        return self.create_refund(
            {"payment_intent": payment_intent, "amount": amount, "reason": reason, "metadata": metadata}
        )

    # --- reading -----------------------------------------------------------------------------------------

    def sessions(self) -> list[dict[str, Any]]:
        """Every session, newest first, as the API shows them."""
        with self._lock:
            self._sweep_locked()
            found = sorted(self._sessions.values(), key=lambda s: s.created, reverse=True)
            return [self._session_json(session) for session in found]

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Every event sent so far, oldest first (or only those of ``event_type``)."""
        with self._lock:
            self._sweep_locked()
            return [
                copy.deepcopy(event)
                for event in self._events.values()
                if event_type is None or event["type"] == event_type
            ]

    def event(self, event_id: str) -> dict[str, Any]:
        with self._lock:
            if event_id not in self._events:
                raise no_such("event", event_id)
            return copy.deepcopy(self._events[event_id])

    def event_log(self) -> dict[str, Any]:
        """Every event (newest first) and every delivery attempt (oldest first), as the console's JSON."""
        with self._lock:
            self._sweep_locked()
            events = [copy.deepcopy(event) for event in reversed(self._events.values())]
            deliveries = [delivery.as_json() for delivery in self.webhooks.deliveries()]
        return {"events": events, "deliveries": deliveries}

    def checkout_snapshot(self, session_id: str) -> tuple[Session, int] | None:
        """A copy of the session (after expiring what is due) and the amount refunded on its payment;
        None when the simulation does not know it."""
        with self._lock:
            self._sweep_locked()
            session = self._sessions.get(session_id)
            if session is None:
                return None
            intent = self._intents.get(session.payment_intent or "")
            charge = self._charges.get(intent.charge or "") if intent else None
            return copy.deepcopy(session), charge.amount_refunded if charge else 0

    def console_snapshot(self) -> ConsoleSnapshot:
        """Sessions, events and deliveries at one instant (see :class:`ConsoleSnapshot`)."""
        with self._lock:
            self._sweep_locked()
            sessions = sorted(
                (copy.deepcopy(s) for s in self._sessions.values()), key=lambda s: s.created, reverse=True
            )
            refundable = {
                s.id
                for s in sessions
                if (intent := self._intents.get(s.payment_intent or "")) is not None
                and intent.charge is not None
                and self._charges[intent.charge].amount_refunded < self._charges[intent.charge].amount
            }
            events = list(reversed(copy.deepcopy(list(self._events.values()))))
            return ConsoleSnapshot(sessions, refundable, events, self.webhooks.by_event())

    def payment_intent_of(self, session_id: str) -> str | None:
        with self._lock:
            session = self._sessions.get(session_id)
            return session.payment_intent if session else None

    # --- signing and delivery (webhooks.py does the work) ----------------------------------------------

    def signed(self, event: Mapping[str, Any] | str, *, timestamp: int | None = None) -> tuple[str, str]:
        """``(payload, Stripe-Signature header)`` as Stripe sends them (see :meth:`WebhookSender.signed`)."""
        return self.webhooks.signed(event, timestamp=timestamp)

    def deliver(
        self, event: Mapping[str, Any], *, wait: float = 0.0, redelivery: bool = False
    ) -> DeliveryJob | None:
        """POST the event to ``webhook_url`` in a background thread, retrying after a non-2xx answer or a
        connection error (``retry_delays``); each attempt is signed afresh. Waits at most ``wait`` seconds
        for the first attempt. None when there is no webhook URL (events are only recorded)."""
        return self.webhooks.deliver(event, wait=wait, redelivery=redelivery)

    def redeliver(self, event_id: str, *, wait: float = 0.0) -> DeliveryJob | None:
        """Send an event again: same id and body, fresh signature (the platform must ignore it)."""
        return self.deliver(self.event(event_id), wait=wait, redelivery=True)

    def deliveries(self, event_id: str | None = None) -> list[Delivery]:
        """Every delivery attempt, oldest first (or those of one event)."""
        return self.webhooks.deliveries(event_id)

    def wait_for_deliveries(self, event_id: str, timeout: float = 10.0) -> list[Delivery]:
        """Wait until every delivery job of the event has finished (delivered or out of retries)."""
        return self.webhooks.wait_all(event_id, timeout)

    def wait_first_delivery(self, event_id: str) -> None:
        """The webhook goes to the same (threaded) local server: wait a little for its first attempt so
        the page the person lands on already shows the payment, never long enough to hang the browser."""
        self.webhooks.wait_first(event_id, self.first_delivery_wait)

    # --- internals --------------------------------------------------------------------------------------

    def _emit_locked(
        self, event_type: str, obj: dict[str, Any], *, previous_attributes: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        event = event_json(
            new_id("evt_"),
            event_type,
            obj,
            api_version=self.api_version,
            created=self._now(),
            previous_attributes=previous_attributes,
        )
        self._events[event["id"]] = event
        self.deliver(event)  # starts a thread, never blocks here
        return copy.deepcopy(event)

    def _sweep_locked(self) -> None:
        now = self._now()
        for session in list(self._sessions.values()):
            if session.status == "open" and session.expires_at <= now:
                self._expire_locked(session)

    def _expire_locked(self, session: Session) -> dict[str, Any]:
        session.status = "expired"
        return self._emit_locked("checkout.session.expired", self._session_json(session))

    def _session(self, session_id: str) -> Session:
        session = self._sessions.get(session_id)
        if session is None:
            raise no_such("checkout.session", session_id)
        return session

    def _open_session(self, session_id: str) -> Session:
        self._sweep_locked()
        session = self._session(session_id)
        if session.status != "open":
            raise FakeStripeError(400, f"Checkout Session {session_id} is {session.status}, not open.")
        return session

    def _session_json(self, session: Session, *, expand: Iterable[str] = ()) -> dict[str, Any]:
        return session_json(session, url=self.checkout_url(session.id), expand=expand)

    def _complete_locked(self, session: Session, method: str, email: str | None) -> None:
        session.status = "complete"
        session.payment_method = method
        session.details_email = session.customer_email or (email or "").strip() or None
        session.completed_at = self._now()

    def _new_intent_locked(self, session: Session, *, status: str) -> PaymentIntent:
        intent = PaymentIntent(
            id=new_id("pi_"),
            session_id=session.id,
            amount=session.amount_total,
            currency=session.currency,
            metadata=dict(session.payment_intent_metadata),
            status=status,
        )
        self._intents[intent.id] = intent
        session.payment_intent = intent.id
        return intent

    def _charge_locked(self, session: Session, intent: PaymentIntent) -> Charge:
        charge = Charge(
            id=new_id("ch_"),
            payment_intent=intent.id,
            session_id=session.id,
            amount=intent.amount,
            currency=intent.currency,
            created=self._now(),
            # A charge carries its payment intent's metadata, i.e. ``payment_intent_data[metadata]``
            # (the session's own metadata never reaches charges on Stripe).
            metadata=dict(intent.metadata),
            receipt_email=session.details_email,
            payment_method=session.payment_method or "card",
        )
        self._charges[charge.id] = charge
        intent.charge = charge.id
        return charge

    def _invoice_locked(self, session: Session) -> None:
        if session.invoice_creation:
            session.invoice = new_id("in_")

    def _refundable_charge(self, data: Mapping[str, Any]) -> Charge:
        intent_id = optional_str(data, "payment_intent")
        charge_id = optional_str(data, "charge")
        if intent_id is None and charge_id is None:
            raise FakeStripeError(
                400,
                "One of the following params should be provided for this request: payment_intent or charge.",
                code="parameter_missing",
            )
        if intent_id is not None:
            intent = self._intents.get(intent_id)
            if intent is None:
                raise no_such("payment_intent", intent_id, "payment_intent")
            if intent.charge is None:
                raise FakeStripeError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                    code="charge_not_refundable",
                    param="payment_intent",
                )
            charge_id = intent.charge
        assert charge_id is not None
        charge = self._charges.get(charge_id)
        if charge is None:
            raise no_such("charge", charge_id, "charge")
        if charge.amount_refunded >= charge.amount:
            raise FakeStripeError(
                400, f"Charge {charge.id} has already been refunded.", code="charge_already_refunded"
            )
        return charge


def _refund_amount(data: Mapping[str, Any], charge: Charge) -> int:
    """The amount asked (all that is left when none is): positive, at most what is left to refund."""
    remaining = charge.amount - charge.amount_refunded
    amount = remaining if data.get("amount") in (None, "") else as_int(data["amount"], "amount")
    if amount <= 0:
        raise FakeStripeError(400, "Invalid positive integer", param="amount")
    if amount > remaining:
        raise FakeStripeError(
            400,
            f"Refund amount ({plain_amount(amount, charge.currency)}) is greater than unrefunded "
            f"amount on charge ({plain_amount(remaining, charge.currency)})",
            code="amount_too_large",
            param="amount",
        )
    return amount
