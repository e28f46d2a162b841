"""The notification center's deliveries, as Maileva makes them: each notification POSTed (JSON
``notification_content_creation``, HTTP Basic authentication from the subscription) to the subscription's
callback URL by one background thread, never inside the request that caused the event; an answer other
than 2xx (Maileva expects 201) or a connection error is retried after each of ``retry_delays``; every
attempt recorded for the console and ``/_local/maileva/api/deliveries``.

One thread delivers in order of due time, so a sending's events reach the platform in the order they
happened (``ON_STATUS_ACCEPTED`` before ``ON_STATUS_PROCESSED``), retries included."""

from __future__ import annotations

import base64
import copy
import heapq
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from infra.local.fake_maileva.records import Subscription, iso, new_id
from infra.local.fake_maileva.settings import DELIVERY_TIMEOUT, SNIPPET_LENGTH


@dataclass(frozen=True)
class Attempt:
    """One POST of a notification. ``status`` is None when the connection failed."""

    notification_id: str
    subscription_id: str
    url: str
    event_type: str
    resource_type: str
    resource_id: str
    attempt: int
    status: int | None
    response: str
    at: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict[str, Any]:
        return {
            "notification_id": self.notification_id,
            "subscription_id": self.subscription_id,
            "url": self.url,
            "event_type": self.event_type,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "attempt": self.attempt,
            "status": self.status,
            "ok": self.ok,
            "response": self.response,
            "at": self.at,
        }


@dataclass
class Notification:
    """One event for one subscription: ``PENDING`` while attempts remain, then ``SENT`` or ``MAX_RETRY``
    (the notification center's statuses)."""

    id: str
    subscription: Subscription
    payload: dict[str, Any]
    status: str = "PENDING"
    attempts: list[Attempt] = field(default_factory=list)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A 3xx answer is a failed delivery, as for any notification sender.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class NotificationSender:
    """Queues notifications and delivers them from one daemon thread (started with the first one)."""

    def __init__(
        self,
        *,
        retry_delays: Sequence[float],
        clock: Callable[[], datetime],
        timeout: float = DELIVERY_TIMEOUT,
    ) -> None:
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self._clock = clock
        self._condition = threading.Condition()
        self._queue: list[tuple[float, int, Notification]] = []
        self._order = itertools.count()
        self._in_flight = 0
        self._closed = False
        self._thread: threading.Thread | None = None
        self._notifications: list[Notification] = []
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())

    def send(self, subscription: Subscription, payload: dict[str, Any]) -> Notification:
        """Queue one notification for delivery now (returns at once)."""
        notification = Notification(new_id(), copy.deepcopy(subscription), copy.deepcopy(payload))
        with self._condition:
            if self._closed:
                return notification
            self._notifications.append(notification)
            heapq.heappush(self._queue, (time.monotonic(), next(self._order), notification))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="maileva-notifications", daemon=True)
                self._thread.start()
            self._condition.notify_all()
        return notification

    def attempts(self) -> list[Attempt]:
        """Every attempt so far, oldest first."""
        with self._condition:
            return [attempt for n in self._notifications for attempt in n.attempts]

    def notifications(self) -> list[Notification]:
        with self._condition:
            return list(self._notifications)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or in flight (every notification sent or out of retries)."""
        with self._condition:
            return self._condition.wait_for(lambda: not self._queue and not self._in_flight, timeout)

    def close(self) -> None:
        """Stop the thread: queued notifications and waiting retries are dropped (the attempt in flight,
        if any, finishes)."""
        with self._condition:
            self._closed = True
            self._queue.clear()
            self._condition.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)

    def _run(self) -> None:
        while True:
            with self._condition:
                notification = self._next_due()
                if notification is None:
                    return
                self._in_flight += 1
            try:
                self._attempt(notification)
            finally:
                with self._condition:
                    self._in_flight -= 1
                    self._condition.notify_all()

    def _next_due(self) -> Notification | None:
        """The next notification whose time has come (waiting for it); None once closed."""
        while not self._closed:
            if not self._queue:
                self._condition.wait()
                continue
            due, _, notification = self._queue[0]
            delay = due - time.monotonic()
            if delay > 0:
                self._condition.wait(delay)
                continue
            heapq.heappop(self._queue)
            return notification
        return None

    def _attempt(self, notification: Notification) -> None:
        status, snippet = self._post(notification)
        payload = notification.payload
        attempt = Attempt(
            notification_id=notification.id,
            subscription_id=notification.subscription.id,
            url=notification.subscription.callback_url,
            event_type=str(payload.get("event_type", "")),
            resource_type=str(payload.get("resource_type", "")),
            resource_id=str(payload.get("resource_id", "")),
            attempt=len(notification.attempts) + 1,
            status=status,
            response=snippet,
            at=iso(self._clock()),
        )
        with self._condition:
            notification.attempts.append(attempt)
            if attempt.ok:
                notification.status = "SENT"
            elif attempt.attempt > len(self.retry_delays):
                notification.status = "MAX_RETRY"
            elif not self._closed:
                due = time.monotonic() + self.retry_delays[attempt.attempt - 1]
                heapq.heappush(self._queue, (due, next(self._order), notification))

    def _post(self, notification: Notification) -> tuple[int | None, str]:
        subscription = notification.subscription
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "Maileva-Notification-Center (local twin)",
        }
        basic = (subscription.authentication or {}).get("basic")
        if basic:
            pair = f"{basic.get('login', '')}:{basic.get('password', '')}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        request = urllib.request.Request(
            subscription.callback_url,
            data=json.dumps(notification.payload, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers=headers,
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, _snippet(response.read())
        except urllib.error.HTTPError as error:
            body = error.read() if error.fp is not None else b""
            return error.code, _snippet(body)
        except (OSError, ValueError) as error:  # refused, reset, timed out, bad URL
            return None, f"{type(error).__name__}: {error}"[:SNIPPET_LENGTH]


def _snippet(body: bytes) -> str:
    return body[:SNIPPET_LENGTH].decode("utf-8", "replace")
