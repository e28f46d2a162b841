"""The twin itself: Maileva's state in memory (sendings of both products, tokens, the sender's OTP window,
webhook subscriptions) and what changes it, whether the platform's adapter calls an API or a person acts
on the console."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from infra.local.fake_maileva import console, lre, paper, params
from infra.local.fake_maileva.api_routes import RestApi
from infra.local.fake_maileva.auth import Credentials, TokenIssuer
from infra.local.fake_maileva.documents import new_document
from infra.local.fake_maileva.errors import invalid, not_draft, not_found
from infra.local.fake_maileva.records import (
    PAPER,
    ConsoleSnapshot,
    Recipient,
    Sending,
    Subscription,
    iso,
    new_id,
    paging,
)
from infra.local.fake_maileva.responses import Response, json_response
from infra.local.fake_maileva.settings import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_OTP_KEY,
    DEFAULT_PASSWORD,
    DEFAULT_RETRY_DELAYS,
    DEFAULT_SENDER_ID,
    DEFAULT_USERNAME,
    DELIVERY_TIMEOUT,
    EVENT_HOUR,
    PARIS,
    PREFIX,
    REGISTERED_MAIL,
    USER_ID,
)
from infra.local.fake_maileva.webhooks import NotificationSender


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FakeMaileva:
    """Maileva's APIs in memory, thread-safe (one re-entrant lock).

    ``public_url``: the origin the twin is served on (its base is then ``api_base``). ``clock``: an aware
    datetime, now (tests move it). ``retry_delays``: the waits before each retry of a failed notification.
    ``senders``: the electronic letter's senders, id → base32 OTP key. The credentials default to
    ``settings.py``'s."""

    def __init__(
        self,
        *,
        public_url: str,
        clock: Callable[[], datetime] = _utc_now,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        senders: Mapping[str, str] | None = None,
        delivery_timeout: float = DELIVERY_TIMEOUT,
        otp_clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        self.otp_clock = otp_clock
        self._lock = threading.RLock()
        self._sendings: dict[str, Sending] = {}
        self._subscriptions: dict[str, Subscription] = {}
        self.senders = dict(senders if senders is not None else {DEFAULT_SENDER_ID: DEFAULT_OTP_KEY})
        self._otp_validated: dict[str, str] = {}  # sender id → end of its OTP window (ISO)
        self.auth = TokenIssuer(Credentials(client_id, client_secret, username, password), clock)
        self.notifications = NotificationSender(
            retry_delays=retry_delays, clock=clock, timeout=delivery_timeout
        )
        # Called (under the lock) after every change: persistence.attach() saves the state there.
        self.on_change: Callable[[], None] | None = None
        self._rest_api = RestApi(self)

    @property
    def api_base(self) -> str:
        """The base of every Maileva API the adapter calls (``…/registered_mail/v4`` and the others)."""
        return self.public_url + PREFIX

    def close(self) -> None:
        """Stop the notification thread (queued notifications and waiting retries are dropped)."""
        self.notifications.close()

    def now(self) -> datetime:
        return self.clock()

    def otp_now(self) -> datetime:
        """One-time codes live on the real clock (the authenticator app's), whatever the business date the
        twin's letters are stamped with (the local platform may run on a date set back)."""
        return self.otp_clock()

    @contextmanager
    def _changing(self) -> Iterator[None]:
        with self._lock:
            yield
            if self.on_change is not None:
                self.on_change()

    # --- HTTP ------------------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: str, headers: Mapping[str, str] | Message, body: bytes
    ) -> Response:
        """Answer one HTTP request under ``/_local/maileva`` (``path``: the full URL path)."""
        method = method.upper()
        verb = "GET" if method == "HEAD" else method
        lowered = {name.lower(): value for name, value in headers.items()}
        path = urlsplit(path).path.rstrip("/") or "/"
        if path != PREFIX and not path.startswith(PREFIX + "/"):
            return json_response(404, {"code": "NOT_FOUND", "message": "Hors de la simulation Maileva"})
        inner = path[len(PREFIX) :]
        first = inner.split("/")[1] if inner else ""
        if first in ("", "console", "api"):
            return console.handle(self, verb, inner, lowered, body)
        return self._rest_api.handle(verb, inner, query, lowered, body)

    # --- authentication --------------------------------------------------------------------------------

    def issue_token(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        with self._changing():
            return self.auth.token(body, headers)

    def check_token(self, headers: Mapping[str, str]) -> None:
        with self._lock:
            self.auth.check(headers)

    def authenticate_by_otp(self, sender_id: str, code: str) -> dict[str, Any]:
        """``POST /electronic_mail_emitter/v1/senders/{id}/authenticate_by_otp?otp_code=…``."""
        with self._changing():
            expiration = lre.authenticate(self.senders, self._otp_validated, sender_id, code, self.otp_now())
            return {"expiration_date": expiration}

    # --- sendings (both products) ----------------------------------------------------------------------

    def create_sending(self, product: str, body: Any) -> dict[str, Any]:
        with self._changing():
            if product == PAPER:
                fields = params.paper_sending(body)
            else:
                fields = params.electronic_sending(body)
                lre.check_sender(self.senders, self._otp_validated, fields["sender_id"], self.otp_now())
            sending = Sending(product=product, id=new_id(), fields=fields, creation_date=iso(self.now()))
            self._sendings[sending.id] = sending
            return sending.as_json()

    def sending(self, product: str, sending_id: str) -> dict[str, Any]:
        with self._lock:
            return self._sending(product, sending_id).as_json()

    def list_sendings(self, product: str, start_index: int, count: int, path: str) -> dict[str, Any]:
        with self._lock:
            found = [s for s in reversed(self._sendings.values()) if s.product == product]
            page = found[start_index - 1 : start_index - 1 + count]
            return {
                "sendings": [s.as_json() for s in page],
                "paging": paging(start_index, count, len(found), path),
            }

    def delete_sending(self, product: str, sending_id: str) -> None:
        with self._changing():
            sending = self._sending(product, sending_id)
            if sending.status != "DRAFT":
                raise not_draft()
            del self._sendings[sending_id]

    def add_document(self, product: str, sending_id: str, content_type: str, body: bytes) -> dict[str, Any]:
        with self._changing():
            sending = self._draft(product, sending_id)
            document = new_document(sending, content_type, body)
            sending.documents.append(document)
            return document.as_json(product)

    def documents(self, product: str, sending_id: str) -> list[dict[str, Any]]:
        with self._lock:
            sending = self._sending(product, sending_id)
            return [d.as_json(product) for d in sorted(sending.documents, key=lambda d: d.priority or 0)]

    def document(self, product: str, sending_id: str, document_id: str) -> dict[str, Any]:
        with self._lock:
            sending = self._sending(product, sending_id)
            for document in sending.documents:
                if document.id == document_id:
                    return document.as_json(product)
            raise not_found("DOCUMENT_NOT_FOUND", "Le document est introuvable", single=product == PAPER)

    def add_recipient(self, product: str, sending_id: str, body: Any) -> dict[str, Any]:
        with self._changing():
            sending = self._draft(product, sending_id)
            fields = params.paper_recipient(body) if product == PAPER else params.electronic_recipient(body)
            recipient = Recipient(id=new_id(), fields=fields, created=iso(self.now()))
            sending.recipients.append(recipient)
            return recipient.as_json()

    def recipients(
        self, product: str, sending_id: str, start_index: int, count: int, path: str
    ) -> dict[str, Any]:
        with self._lock:
            found = self._sending(product, sending_id).recipients
            page = found[start_index - 1 : start_index - 1 + count]
            return {
                "recipients": [r.as_json() for r in page],
                "paging": paging(start_index, count, len(found), path),
            }

    def recipient(self, product: str, sending_id: str, recipient_id: str) -> dict[str, Any]:
        with self._lock:
            return self._recipient(product, sending_id, recipient_id)[1].as_json()

    def submit(self, product: str, sending_id: str) -> dict[str, Any]:
        """Submit a draft: produced at once (paper) or made available to the recipients (electronic)."""
        with self._changing():
            sending = self._sending(product, sending_id)
            if product == PAPER:
                self._notify(paper.submit(sending, self.now()))
            else:
                lre.submit(sending, self.now())
            return sending.as_json()

    def proof(self, product: str, sending_id: str, recipient_id: str, kind: str) -> bytes:
        """A recipient's proof as a PDF (``deposit_proof``, ``acknowledgement_of_receipt``,
        ``undelivered_mail``; ``delivery_proof`` for the electronic letter)."""
        with self._lock:
            sending, recipient = self._recipient(product, sending_id, recipient_id)
            module = paper if product == PAPER else lre
            return module.proof(sending, recipient, kind)

    # --- the console's actions -------------------------------------------------------------------------

    def act(
        self, product: str, sending_id: str, recipient_id: str, action: str, day: date | None = None
    ) -> dict[str, Any]:
        """What happens to a letter at the recipient's (see ``paper.ACTIONS`` and ``lre.ACTIONS``), on
        ``day`` (today in Paris by default) at 10:00 Paris time; returns the recipient."""
        with self._changing():
            sending, recipient = self._recipient(product, sending_id, recipient_id)
            now = self.now()
            last = paper.last_event_time(recipient) if product == PAPER else lre.last_event_time(recipient)
            stamp = self._stamp(day or now.astimezone(PARIS).date(), last)
            if product == PAPER:
                self._notify(paper.act(sending, recipient, action, stamp, now))
            else:
                lre.act(sending, recipient, action, stamp, now)
            return recipient.as_json()

    def _stamp(self, day: date, last: datetime | None) -> datetime:
        """``day`` at 10:00 in Paris; never before the letter's last event (a later time the same day)."""
        if last is not None and day < last.astimezone(PARIS).date():
            shown = last.astimezone(PARIS).strftime("%d/%m/%Y")
            raise invalid(
                "INVALID_DATE", f"La date ne peut pas précéder le dernier événement du pli ({shown})"
            )
        stamp = datetime.combine(day, time(EVENT_HOUR), tzinfo=PARIS)
        if last is not None and stamp <= last:
            stamp = last + timedelta(minutes=1)
        return stamp

    # --- the notification center -----------------------------------------------------------------------

    def create_subscription(self, body: Any) -> dict[str, Any]:
        with self._changing():
            data = params.subscription(body)
            subscription = Subscription(id=new_id(), **data)
            self._subscriptions[subscription.id] = subscription
            return subscription.as_json()

    def subscriptions(self, start_index: int, count: int, path: str) -> dict[str, Any]:
        with self._lock:
            found = list(self._subscriptions.values())
            page = found[start_index - 1 : start_index - 1 + count]
            return {
                "subscriptions": [s.as_json() for s in page],
                "paging": paging(start_index, count, len(found), path),
            }

    def subscription(self, subscription_id: str) -> dict[str, Any]:
        with self._lock:
            return self._subscription(subscription_id).as_json()

    def delete_subscription(self, subscription_id: str) -> None:
        with self._changing():
            self._subscription(subscription_id)
            del self._subscriptions[subscription_id]

    def _notify(self, events: list[paper.Event]) -> None:
        """Queue a notification for every subscription to each event (sent by the notification thread)."""
        source = urlsplit(self.public_url).netloc
        for event in events:
            resource = event.recipient or event.sending
            location = f"{self.api_base}{REGISTERED_MAIL}/sendings/{event.sending.id}"
            if event.recipient is not None:
                location += f"/recipients/{event.recipient.id}"
            payload = {
                "source": source,
                "user_id": USER_ID,
                "client_id": self.auth.credentials.client_id,
                "event_type": event.event_type,
                "resource_type": event.resource_type,
                "event_date": event.date,
                "event_location": "FR",
                "resource_id": resource.id,
                "resource_location": location,
                "resource_custom_id": resource.fields.get("custom_id"),
                "resource_custom_data": resource.fields.get("custom_data"),
            }
            payload = {key: value for key, value in payload.items() if value is not None}
            for subscription in self._subscriptions.values():
                if (subscription.event_type, subscription.resource_type) == (
                    event.event_type,
                    event.resource_type,
                ):
                    self.notifications.send(subscription, payload)

    # --- reading -----------------------------------------------------------------------------------------

    def all_sendings(self) -> list[dict[str, Any]]:
        """Every sending of both products, newest first, with ``product`` and its recipients."""
        with self._lock:
            return [
                {"product": s.product, **s.as_json(), "recipients": [r.as_json() for r in s.recipients]}
                for s in reversed(self._sendings.values())
            ]

    def deliveries(self) -> list[dict[str, Any]]:
        """Every webhook attempt, oldest first."""
        return [attempt.as_json() for attempt in self.notifications.attempts()]

    def wait_for_deliveries(self, timeout: float = 10.0) -> bool:
        """Wait until every queued notification is delivered or out of retries."""
        return self.notifications.wait_idle(timeout)

    def current_otp(self, sender_id: str = DEFAULT_SENDER_ID) -> str:
        """The sender's one-time code now (what its authenticator app shows)."""
        return lre.current_otp(self.senders[sender_id], self.otp_now())

    def console_snapshot(self) -> ConsoleSnapshot:
        with self._lock:
            now = self.now()
            senders = [
                {
                    "id": sender_id,
                    "code": lre.current_otp(key, self.otp_now()),
                    "validated_until": self._otp_validated.get(sender_id, ""),
                }
                for sender_id, key in self.senders.items()
            ]
            return ConsoleSnapshot(
                sendings=copy.deepcopy(list(reversed(self._sendings.values()))),
                subscriptions=copy.deepcopy(list(self._subscriptions.values())),
                deliveries=list(reversed(self.deliveries())),
                senders=senders,
                today=now.astimezone(PARIS).date().isoformat(),
            )

    # --- lookups -----------------------------------------------------------------------------------------

    def _sending(self, product: str, sending_id: str) -> Sending:
        sending = self._sendings.get(sending_id)
        if sending is None or sending.product != product:
            raise not_found("SENDING_NOT_FOUND", "Ressource SENDING introuvable", single=product == PAPER)
        return sending

    def _draft(self, product: str, sending_id: str) -> Sending:
        sending = self._sending(product, sending_id)
        if sending.status != "DRAFT":
            raise not_draft()
        return sending

    def _recipient(self, product: str, sending_id: str, recipient_id: str) -> tuple[Sending, Recipient]:
        sending = self._sending(product, sending_id)
        recipient = sending.recipient(recipient_id)
        if recipient is None:
            raise not_found("RECIPIENT_NOT_FOUND", "Ressource RECIPIENT introuvable", single=product == PAPER)
        return sending, recipient

    def _subscription(self, subscription_id: str) -> Subscription:
        subscription = self._subscriptions.get(subscription_id)
        if subscription is None:
            raise not_found("SUBSCRIPTION_NOT_FOUND", "Abonnement introuvable")
        return subscription
