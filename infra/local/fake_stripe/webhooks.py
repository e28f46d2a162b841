"""Webhook signing and delivery as Stripe does them: each event POSTed to the webhook URL in a background
thread, signed afresh on every attempt, retried after a non-2xx answer or a connection error; every attempt
recorded for the console."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from infra.local.fake_stripe.settings import DELIVERY_TIMEOUT, SNIPPET_LENGTH


@dataclass(frozen=True)
class Delivery:
    """One attempt to POST an event to the webhook URL. ``status`` is None when the connection failed."""

    event_id: str
    event_type: str
    attempt: int
    status: int | None
    response: str
    at: float
    redelivery: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "attempt": self.attempt,
            "status": self.status,
            "ok": self.ok,
            "response": self.response,
            "at": self.at,
            "redelivery": self.redelivery,
        }


class DeliveryJob:
    """The attempts to deliver one event once (first try plus retries), run in a background thread."""

    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        self.attempts: list[Delivery] = []
        self.first_attempt = threading.Event()
        self.done = threading.Event()

    def wait_first(self, timeout: float) -> Delivery | None:
        self.first_attempt.wait(timeout)
        return self.attempts[0] if self.attempts else None

    def wait(self, timeout: float) -> list[Delivery]:
        self.done.wait(timeout)
        return list(self.attempts)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Stripe does not follow redirects: a 3xx answer is a failed delivery.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class WebhookSender:
    """Signs events and delivers them to ``url`` (None: nothing is sent), keeping every attempt.

    ``lock`` is the simulation's (the console reads deliveries with sessions and events at once)."""

    def __init__(
        self, *, url: str | None, secret: str, retry_delays: Sequence[float], lock: threading.RLock
    ) -> None:
        self.url = url
        self.secret = secret
        self.retry_delays = tuple(retry_delays)
        self._lock = lock
        self._closed = threading.Event()
        self._deliveries: list[Delivery] = []
        self._jobs: dict[str, list[DeliveryJob]] = {}
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())

    def close(self) -> None:
        """Stop waiting retries (the attempt in flight, if any, finishes)."""
        self._closed.set()

    def signed(self, event: Mapping[str, Any] | str, *, timestamp: int | None = None) -> tuple[str, str]:
        """``(payload, Stripe-Signature header)`` as Stripe sends them: ``t=<ts>,v1=<hex HMAC-SHA256 of
        "<ts>.<payload>" keyed with the webhook secret>``. The payload is the event as pretty JSON (UTF-8,
        accents unescaped, as the platform must verify the raw body)."""
        payload = event if isinstance(event, str) else json.dumps(event, indent=2, ensure_ascii=False)
        stamp = int(time.time()) if timestamp is None else timestamp
        signature = hmac.new(self.secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
        return payload, f"t={stamp},v1={signature}"

    def deliver(
        self, event: Mapping[str, Any], *, wait: float = 0.0, redelivery: bool = False
    ) -> DeliveryJob | None:
        """POST the event in a background thread (see the class); waits at most ``wait`` seconds for the
        first attempt. None when there is no webhook URL (events are only recorded)."""
        if not self.url:
            return None
        snapshot = copy.deepcopy(dict(event))
        job = DeliveryJob(str(snapshot["id"]))
        with self._lock:
            self._jobs.setdefault(job.event_id, []).append(job)
        threading.Thread(
            target=self._run,
            args=(job, snapshot, redelivery),
            name=f"stripe-webhook-{job.event_id}",
            daemon=True,
        ).start()
        if wait > 0:
            job.wait_first(wait)
        return job

    def deliveries(self, event_id: str | None = None) -> list[Delivery]:
        """Every delivery attempt, oldest first (or those of one event)."""
        with self._lock:
            return [d for d in self._deliveries if event_id is None or d.event_id == event_id]

    def by_event(self) -> dict[str, list[Delivery]]:
        """The attempts grouped by event id, oldest first."""
        grouped: dict[str, list[Delivery]] = {}
        with self._lock:
            for delivery in self._deliveries:
                grouped.setdefault(delivery.event_id, []).append(delivery)
        return grouped

    def wait_all(self, event_id: str, timeout: float) -> list[Delivery]:
        """Wait until every delivery job of the event has finished (delivered or out of retries)."""
        deadline = time.monotonic() + timeout
        for job in self._jobs_of(event_id):
            job.done.wait(max(0.0, deadline - time.monotonic()))
        return self.deliveries(event_id)

    def wait_first(self, event_id: str, timeout: float) -> None:
        """Wait at most ``timeout`` for the first attempt of each delivery job of the event."""
        for job in self._jobs_of(event_id):
            job.wait_first(timeout)

    def _jobs_of(self, event_id: str) -> list[DeliveryJob]:
        with self._lock:
            return list(self._jobs.get(event_id, []))

    def _run(self, job: DeliveryJob, event: dict[str, Any], redelivery: bool) -> None:
        try:
            for attempt, delay in enumerate((0.0, *self.retry_delays), start=1):
                if delay and self._closed.wait(delay):
                    break
                status, snippet = self._post(event)
                delivery = Delivery(
                    event_id=job.event_id,
                    event_type=str(event.get("type", "")),
                    attempt=attempt,
                    status=status,
                    response=snippet,
                    at=time.time(),
                    redelivery=redelivery,
                )
                with self._lock:
                    self._deliveries.append(delivery)
                    job.attempts.append(delivery)
                job.first_attempt.set()
                if delivery.ok:
                    break
        finally:
            job.first_attempt.set()
            job.done.set()

    def _post(self, event: Mapping[str, Any]) -> tuple[int | None, str]:
        assert self.url is not None
        payload, header = self.signed(event)
        request = urllib.request.Request(
            self.url,
            data=payload.encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": header,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Accept": "*/*; q=0.5, application/xml",
                "Cache-Control": "no-cache",
            },
        )
        try:
            with self._opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
                return response.status, _snippet(response.read())
        except urllib.error.HTTPError as error:
            body = error.read() if error.fp is not None else b""
            return error.code, _snippet(body)
        except (OSError, ValueError) as error:  # refused, reset, timed out, bad URL
            return None, f"{type(error).__name__}: {error}"[:SNIPPET_LENGTH]


def _snippet(body: bytes) -> str:
    return body[:SNIPPET_LENGTH].decode("utf-8", "replace")
