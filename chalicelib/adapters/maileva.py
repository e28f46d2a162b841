"""Registered mail through Maileva (Docaposte, La Poste group): paper LRAR and qualified electronic LRE.

Real adapter, built from Maileva's published OpenAPI documents (read from the public copies in
github.com/Justisy/maileva, ``openapi/``): authentication v2.1 (OAuth2 ``grant_type=password`` on
``connexion.maileva.com``, bearer token), ``registered_mail/v4`` 4.9 (the LREL: La Poste prints, posts and
brings back the avis de réception), ``electronic_qualified_registered_mail/v1`` 1.3 (the qualified LRE,
eIDAS; its sender signs in with a one-time code, ``electronic_mail_emitter/v1`` ``authenticate_by_otp``)
and ``notification_center/v2`` 2.8 (webhooks with HTTP Basic authentication, registered_mail/v4 only).
Verified against those documents only (no network here); the local platform serves a twin of the same
API (``infra/local/fake_maileva``) that ``make run`` and the tests talk to through this very code.

One sending per letter, one recipient; what was done is kept in the documents bucket
(``claims/<id>/postal/maileva-<key>.json``) as it is done, so a retried task resumes the same sending and
never submits a second letter (the provider is asked about the sending before anything is created or
submitted again).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from chalicelib.adapters.errors import TransientError
from chalicelib.adapters.postal import Addressee, ObjectStore, PostalReceipt, _json, postal_key
from chalicelib.domain.registered_mail import DeliveryKind

LOG = logging.getLogger("claims.postal")
PARIS_TZ = "Europe/Paris"
TIMEOUT_S = 20.0
MAX_FIELD = 38  # every address line of registered_mail/v4
# Provider codes → our delivery kinds (registered_mail/v4 ``main_delivery_status.category`` and
# ``undelivered_mail_reason``; LRE recipient ``status``).
UNDELIVERED_REASONS: Mapping[str, DeliveryKind] = {
    "N02": "undeliverable",  # destinataire inconnu à l'adresse
    "N03": "not_claimed",  # pli avisé et non réclamé
    "N05": "refused",  # pli refusé par le destinataire
    "N07": "undeliverable",  # défaut d'accès ou d'adressage
}
RETURN_CODES: Mapping[str, DeliveryKind] = {
    "LP19": "not_claimed",  # retour : délai d'instance expiré
    "LP20": "undeliverable",  # retour : adresse incorrecte / incomplète
    "LP21": "undeliverable",  # retour : destinataire inconnu à l'adresse
    "LP22": "refused",  # retour : pli refusé
}
LRE_STATUSES: Mapping[str, DeliveryKind] = {
    "ACCEPTED": "delivered",
    "REFUSED": "refused",
    "NOT_CLAIMED": "not_claimed",
    "ERROR": "undeliverable",
}


class PostalRefused(ValueError):
    """The provider refused the request for good (a 4xx other than 401/408/429): French message."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str
    username: str
    password: str
    lre_sender_id: str = ""
    lre_otp_key: str = ""
    webhook_login: str = ""
    webhook_password: str = ""

    @property
    def lre_enabled(self) -> bool:
        return bool(self.lre_sender_id and self.lre_otp_key)


@dataclass(frozen=True)
class TrackedEvent:
    """One delivery event as the provider reports it (``on``: its day in Paris)."""

    kind: DeliveryKind
    on: dt.date
    at: str
    code: str
    label: str


@dataclass(frozen=True)
class Proof:
    kind: str  # deposit | receipt | undelivered | refusal | not_claimed
    path: str


@dataclass(frozen=True)
class Tracking:
    """What the provider says of a letter now: its events (oldest first), its proofs and its price."""

    registered_number: str
    events: tuple[TrackedEvent, ...]
    proofs: tuple[Proof, ...]
    price_cents: int | None


class Http(Protocol):
    def __call__(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
    ) -> tuple[int, Mapping[str, str], bytes]: ...


def urllib_http(
    method: str, url: str, headers: Mapping[str, str], body: bytes | None, timeout: float
) -> tuple[int, Mapping[str, str], bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise TransientError(f"Maileva injoignable : {error}") from error


def _paris_day(stamp: str) -> dt.date:
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(PARIS_TZ)).date()


def _price_cents(value: Any) -> int | None:
    if value is None or value == "":
        return None
    from decimal import ROUND_HALF_UP, Decimal

    return int((Decimal(str(value)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _fit(line: str) -> str:
    return " ".join(line.split())[:MAX_FIELD]


class MailevaClient:
    """The HTTP side: a bearer token (kept until a minute before it expires), JSON and multipart calls,
    errors as :class:`TransientError` (retry later) or :class:`PostalRefused` (never retried)."""

    def __init__(
        self,
        api_base: str,
        auth_url: str,
        credentials: Credentials,
        *,
        http: Http = urllib_http,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.auth_url = auth_url.rstrip("/")
        self.credentials = credentials
        self._http = http
        self._clock = clock
        self._token = ""
        self._expires = 0.0
        self._lock = threading.Lock()

    def _get_token(self) -> str:
        with self._lock:
            if self._token and self._clock() < self._expires - 60:
                return self._token
            form = urlencode(
                {
                    "grant_type": "password",
                    "client_id": self.credentials.client_id,
                    "client_secret": self.credentials.client_secret,
                    "username": self.credentials.username,
                    "password": self.credentials.password,
                }
            ).encode()
            status, _, body = self._http(
                "POST",
                f"{self.auth_url}/token",
                {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                form,
                TIMEOUT_S,
            )
            if status >= 500 or status == 429:
                raise TransientError(f"Maileva (authentification) : HTTP {status}")
            if status != 200:
                raise PostalRefused(f"Maileva a refusé l'authentification de la plateforme (HTTP {status}).")
            answer = json.loads(body)
            self._token = str(answer["access_token"])
            self._expires = self._clock() + float(answer.get("expires_in") or 300)
            return self._token

    def call(
        self,
        method: str,
        path: str,
        *,
        payload: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        query: Mapping[str, str] | None = None,
        raw: bool = False,
    ) -> Any:
        url = f"{self.api_base}{path}" + (f"?{urlencode(query)}" if query else "")
        headers = {"Authorization": f"Bearer {self._get_token()}", "Accept": "application/json"}
        body: bytes | None = None
        if files is not None:
            boundary = f"claims{secrets.token_hex(12)}"
            body = _multipart(boundary, files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif payload is not None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        elif method == "POST":
            body = b""
        if raw:
            headers["Accept"] = "application/pdf"
        status, _, content = self._http(method, url, headers, body, TIMEOUT_S)
        if status == 401:
            self._token = ""  # expired early: next call signs in again
            raise TransientError(f"Maileva {method} {path} : jeton refusé (HTTP 401)")
        if status >= 500 or status in (408, 429):
            raise TransientError(f"Maileva {method} {path} : HTTP {status}")
        if status == 404:
            return None
        if status >= 400:
            raise PostalRefused(f"Maileva a refusé {method} {path} (HTTP {status}) : {_errors(content)}")
        if raw:
            return content
        return json.loads(content) if content.strip() else {}


@functools.cache
def shared_client(api_base: str, auth_url: str, account: Credentials) -> MailevaClient:
    """One client (and so one token) per account and process: a warm Lambda signs in once an hour."""
    return MailevaClient(api_base, auth_url, account)


def _errors(content: bytes) -> str:
    try:
        data = json.loads(content)
    except ValueError:
        return content[:200].decode(errors="replace")
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list) and errors:
        return "; ".join(str(e.get("message") or e.get("code")) for e in errors if isinstance(e, dict))
    return str(data)[:200]


def _multipart(boundary: str, files: Mapping[str, tuple[str, bytes, str]]) -> bytes:
    parts: list[bytes] = []
    for name, (filename, content, content_type) in files.items():
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        parts.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
            + f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


class _Progress:
    """What was done of one sending, written to the bucket after each step (the task may die anywhere)."""

    def __init__(self, store: ObjectStore, claim_id: str, key: str) -> None:
        self.store = store
        self.key = postal_key(claim_id, f"maileva-{key}.json")
        self.data: dict[str, Any] = {}
        getter = getattr(store, "get", None)
        if getter is not None:
            try:
                self.data = json.loads(getter(self.key, 64 * 1024))
            except Exception:  # absent (first attempt) or unreadable: start afresh
                self.data = {}

    def save(self, **changes: Any) -> None:
        self.data.update(changes)
        self.store.put(self.key, _json(self.data), "application/json")


def idempotency_key(claim_id: str, pdf: bytes) -> str:
    """≤ 38 characters (``custom_id``): the claim and the letter's bytes — the same letter, the same key."""
    digest = hashlib.sha256(f"{claim_id}:{hashlib.sha256(pdf).hexdigest()}".encode()).hexdigest()
    return f"{claim_id[-20:]}-{digest[:16]}"


class MailevaSender:
    """Both products behind the postal port: ``channel`` "lrar" → registered_mail/v4, "lre" →
    electronic_qualified_registered_mail/v1 (only when the LRE sender and its OTP key are configured)."""

    provider = "maileva"

    def __init__(
        self,
        client: MailevaClient,
        store: ObjectStore,
        *,
        totp: Callable[[str], str] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self._totp = totp or _totp_now

    @property
    def lre_enabled(self) -> bool:
        return self.client.credentials.lre_enabled

    # ------------------------------------------------------------------------------------------ sending
    def send_registered(
        self,
        pdf: bytes,
        *,
        claim_id: str,
        recipient_lines: list[str],
        recipient_email: str | None,
        sender_lines: list[str],
        reference: str,
        today: dt.date,
        channel: str = "lrar",
        addressee: Addressee | None = None,
    ) -> PostalReceipt:
        addressee = addressee or Addressee(tuple(recipient_lines), recipient_email or "")
        key = idempotency_key(claim_id, pdf)
        progress = _Progress(self.store, claim_id, key)
        if channel == "lre":
            return self._send_lre(pdf, claim_id, key, progress, addressee, sender_lines, reference, today)
        return self._send_lrar(pdf, claim_id, key, progress, addressee, sender_lines, reference, today)

    def _sending(self, base: str, progress: _Progress, key: str, create: Callable[[], dict[str, Any]]) -> str:
        """The sending of this letter: the one recorded, else one found at the provider by its custom_id
        (created before the task died), else a new one."""
        sending_id = str(progress.data.get("sending_id") or "")
        if sending_id and self.client.call("GET", f"{base}/sendings/{sending_id}") is not None:
            return sending_id
        found = self._find(base, key)
        if found:
            progress.save(sending_id=found)
            return found
        created = self.client.call("POST", f"{base}/sendings", payload=create())
        progress.save(sending_id=str(created["id"]), created_at=dt.datetime.now(dt.UTC).isoformat())
        return str(created["id"])

    def _find(self, base: str, key: str) -> str:
        listing = (
            self.client.call("GET", f"{base}/sendings", query={"start_index": "1", "count": "100"}) or {}
        )
        for sending in listing.get("sendings") or []:
            if sending.get("custom_id") == key:
                return str(sending["id"])
        return ""

    def _fill_and_submit(
        self,
        base: str,
        sending_id: str,
        progress: _Progress,
        pdf: bytes,
        recipient: Mapping[str, Any],
        name: str,
    ) -> dict[str, Any]:
        sending = self.client.call("GET", f"{base}/sendings/{sending_id}") or {}
        if sending.get("status", "DRAFT") == "DRAFT":
            if not int(sending.get("documents_count") or 0):
                metadata = {"name": name, "priority": 1} if "registered_mail" in base else {"name": name}
                self.client.call(
                    "POST",
                    f"{base}/sendings/{sending_id}/documents",
                    files={
                        "document": (name, pdf, "application/pdf"),
                        "metadata": ("", json.dumps(metadata).encode(), "application/json"),
                    },
                )
            recipients = (self.client.call("GET", f"{base}/sendings/{sending_id}/recipients") or {}).get(
                "recipients"
            ) or []
            if not recipients:
                recipients = [
                    self.client.call("POST", f"{base}/sendings/{sending_id}/recipients", payload=recipient)
                ]
            progress.save(recipient_id=str(recipients[0]["id"]))
            self.client.call("POST", f"{base}/sendings/{sending_id}/submit")
            progress.save(submitted=True)
        recipient_id = str(progress.data.get("recipient_id") or "")
        if not recipient_id:
            listed = (self.client.call("GET", f"{base}/sendings/{sending_id}/recipients") or {}).get(
                "recipients"
            )
            recipient_id = str((listed or [{}])[0].get("id") or "")
            progress.save(recipient_id=recipient_id, submitted=True)
        return self.client.call("GET", f"{base}/sendings/{sending_id}/recipients/{recipient_id}") or {}

    def _send_lrar(
        self,
        pdf: bytes,
        claim_id: str,
        key: str,
        progress: _Progress,
        addressee: Addressee,
        sender_lines: list[str],
        reference: str,
        today: dt.date,
    ) -> PostalReceipt:
        base = "/registered_mail/v4"
        sender = [_fit(x) for x in sender_lines if x.strip()][:6]

        def create() -> dict[str, Any]:
            payload: dict[str, Any] = {
                "name": f"Mise en demeure {reference}"[:256],
                "custom_id": key,
                "custom_data": claim_id,
                "acknowledgement_of_receipt": True,
                "color_printing": False,
                "duplex_printing": False,
                "postage_type": "FAST",
                "sender_country_code": "FR",
            }
            # The sender's block: company first, postcode and town on line 6 (the spec's layout).
            for index, line in enumerate(_six(sender), start=1):
                if line:
                    payload[f"sender_address_line_{index}"] = line
            return payload

        recipient: dict[str, Any] = {
            "custom_id": claim_id[:36],
            "custom_data": claim_id,
            "country_code": "FR",
        }
        for index, line in enumerate(_six([_fit(x) for x in addressee.lines if x.strip()]), start=1):
            if line:
                recipient[f"address_line_{index}"] = line
        sending_id = self._sending(base, progress, key, create)
        state = self._fill_and_submit(base, sending_id, progress, pdf, recipient, "mise-en-demeure.pdf")
        progress.save(product="registered_mail", claim_id=claim_id)
        return PostalReceipt(
            "lrar",
            str(state.get("registered_number") or ""),
            today,
            None,
            self.provider,
            progress.key,
            provider_ref=f"registered_mail:{sending_id}:{progress.data['recipient_id']}",
            price_cents=_price_cents(state.get("postage_price")),
        )

    def _send_lre(
        self,
        pdf: bytes,
        claim_id: str,
        key: str,
        progress: _Progress,
        addressee: Addressee,
        sender_lines: list[str],
        reference: str,
        today: dt.date,
    ) -> PostalReceipt:
        credentials = self.client.credentials
        if not credentials.lre_enabled:
            raise PostalRefused("Envoi recommandé électronique non configuré (expéditeur et clé OTP).")
        base = "/electronic_qualified_registered_mail/v1"
        if not progress.data.get("submitted"):
            # The sender's strong authentication, valid one hour (electronic_mail_emitter v1).
            self.client.call(
                "POST",
                f"/electronic_mail_emitter/v1/senders/{credentials.lre_sender_id}/authenticate_by_otp",
                query={"otp_code": self._totp(credentials.lre_otp_key)},
            )
        creditor = (sender_lines[0] if sender_lines else "").strip()

        def create() -> dict[str, Any]:
            return {
                "sender_id": credentials.lre_sender_id,
                "name": f"Mise en demeure {reference}"[:256],
                "custom_id": key,
                "custom_data": claim_id,
                "additional_sender_name": f"pour le compte de {creditor}"[:255] if creditor else "",
                "message": "Mise en demeure de payer : le document joint vous est adressé en recommandé.",
            }

        first, last = _names(addressee)
        recipient = {
            "custom_id": claim_id[:36],
            "legal_status": "PROFESSIONAL" if addressee.is_business else "INDIVIDUAL",
            "first_name": first[:50],
            "last_name": last[:50],
            "email": addressee.email,
            "company": (addressee.company or "")[:MAX_FIELD],
        }
        sending_id = self._sending(base, progress, key, create)
        state = self._fill_and_submit(base, sending_id, progress, pdf, recipient, "mise-en-demeure.pdf")
        progress.save(product="lre", claim_id=claim_id)
        available = state.get("status_date") or ""
        return PostalReceipt(
            "lre",
            sending_id,
            today,
            # The LRE is available to the debtor from its notification (RULEBOOK 4.3: that day stands for
            # the first presentation).
            _paris_day(available) if available and state.get("status") not in ("DRAFT", "REJECTED") else None,
            self.provider,
            progress.key,
            provider_ref=f"lre:{sending_id}:{progress.data['recipient_id']}",
            price_cents=None,
        )

    # ----------------------------------------------------------------------------------------- tracking
    def tracking(self, provider_ref: str) -> Tracking | None:
        product, sending_id, recipient_id = [*provider_ref.split(":"), "", "", ""][:3]
        if product == "lre":
            base = "/electronic_qualified_registered_mail/v1"
            state = self.client.call("GET", f"{base}/sendings/{sending_id}/recipients/{recipient_id}")
            return None if state is None else lre_tracking(state, sending_id, recipient_id)
        base = "/registered_mail/v4"
        state = self.client.call("GET", f"{base}/sendings/{sending_id}/recipients/{recipient_id}")
        return None if state is None else lrar_tracking(state)

    def download(self, provider_ref: str, proof: Proof) -> bytes:
        product = provider_ref.split(":")[0]
        base = "/electronic_qualified_registered_mail/v1" if product == "lre" else "/registered_mail/v4"
        content = self.client.call("GET", f"{base}{proof.path}", raw=True)
        if not content:
            raise TransientError(f"Maileva : preuve {proof.kind} pas encore disponible")
        return bytes(content)

    def subscribe(self, callback_url: str) -> list[str]:
        """The webhooks the platform needs (registered_mail/v4 recipients and sendings), each created once;
        returns the event types subscribed now."""
        wanted = [
            ("registered_mail/v4/recipients", event)
            for event in (
                "ON_DEPOSIT_PROOF_RECEIVED",
                "ON_MAIN_DELIVERY_STATUS_FIRST_PRESENTATION",
                "ON_MAIN_DELIVERY_STATUS_DELIVERED",
                "ON_MAIN_DELIVERY_STATUS_UNDELIVERED",
                "ON_ACKNOWLEDGEMENT_OF_RECEIPT_RECEIVED",
                "ON_UNDELIVERED_MAIL_RECEIVED",
            )
        ]
        existing = self.client.call("GET", "/notification_center/v2/subscriptions") or {}
        have = {
            (s.get("resource_type"), s.get("event_type"))
            for s in existing.get("subscriptions") or []
            if s.get("callback_url") == callback_url
        }
        created: list[str] = []
        for resource, event in wanted:
            if (resource, event) in have:
                continue
            self.client.call(
                "POST",
                "/notification_center/v2/subscriptions",
                payload={
                    "event_type": event,
                    "resource_type": resource,
                    "callback_url": callback_url,
                    "authentication": {
                        "basic": {
                            "login": self.client.credentials.webhook_login,
                            "password": self.client.credentials.webhook_password,
                        }
                    },
                },
            )
            created.append(event)
        return created


def _six(lines: list[str]) -> list[str]:
    """Up to six address lines in the spec's slots: line 1 the name, line 6 postcode and town, the street
    on line 4 and any complement on 3 or 5."""
    lines = [x for x in lines if x][:6]
    if not lines:
        return []
    slots = [""] * 6
    slots[0] = lines[0]
    if len(lines) > 1:
        slots[5] = lines[-1]
    middle = lines[1:-1]
    if len(middle) == 1:
        slots[3] = middle[0]
    elif middle:
        order = [1, 2, 3, 4]
        for slot, line in zip(order, middle, strict=False):
            slots[slot] = line
    return slots


def _names(addressee: Addressee) -> tuple[str, str]:
    if addressee.first_name or addressee.last_name:
        return addressee.first_name or "-", addressee.last_name or addressee.company or "-"
    name = addressee.company or (addressee.lines[0] if addressee.lines else "") or "Destinataire"
    # A company has no first name: the service department stands for it, the name for the last name.
    return "Service", name


def _totp_now(key: str) -> str:
    import pyotp

    return str(pyotp.TOTP(key).now())


def lrar_tracking(state: Mapping[str, Any]) -> Tracking:
    events: list[TrackedEvent] = []
    if state.get("deposit_proof_date") or state.get("registered_number"):
        stamp = str(state.get("deposit_proof_date") or state.get("last_delivery_status_date") or "")
        if stamp:
            events.append(TrackedEvent("dispatched", _paris_day(stamp), stamp, "LP05", "Pris en charge"))
    undelivered_reason = str(state.get("undelivered_mail_reason") or "")
    for status in state.get("main_delivery_statuses") or []:
        category = str(status.get("category") or "")
        stamp = str(status.get("date") or "")
        if not stamp:
            continue
        code, label = str(status.get("code") or ""), str(status.get("label") or "")
        kind: DeliveryKind | None = None
        if category == "FIRST_PRESENTATION":
            kind = "first_presented"
        elif category == "DELIVERED":
            kind = "delivered"
        elif category == "UNDELIVERED":
            kind = RETURN_CODES.get(code) or UNDELIVERED_REASONS.get(undelivered_reason) or "undeliverable"
        if kind is not None:
            events.append(TrackedEvent(kind, _paris_day(stamp), stamp, code, label))
    proofs: list[Proof] = []
    for proof_kind, field in (
        ("deposit", "deposit_proof_url"),
        ("receipt", "acknowledgement_of_receipt_url"),
        ("undelivered", "undelivered_mail_url"),
    ):
        if state.get(field):
            proofs.append(Proof(proof_kind, str(state[field])))
    return Tracking(
        str(state.get("registered_number") or ""),
        tuple(sorted(events, key=lambda e: e.at)),
        tuple(proofs),
        _price_cents(state.get("postage_price")),
    )


def lre_tracking(state: Mapping[str, Any], sending_id: str, recipient_id: str) -> Tracking:
    events: list[TrackedEvent] = []
    deposit = state.get("deposit_proof") or {}
    if deposit.get("creation_date"):
        stamp = str(deposit["creation_date"])
        events.append(TrackedEvent("dispatched", _paris_day(stamp), stamp, "DEPOSIT", "Envoi déposé"))
        # Available to the debtor from its notification: the LRE's « first presentation ».
        events.append(
            TrackedEvent("first_presented", _paris_day(stamp), stamp, "NOTIFIED", "Destinataire notifié")
        )
    status = str(state.get("status") or "")
    kind = LRE_STATUSES.get(status)
    stamp = str(state.get("status_date") or "")
    if kind is not None and stamp:
        events.append(
            TrackedEvent(kind, _paris_day(stamp), stamp, status, str(state.get("status_detail") or status))
        )
    proofs: list[Proof] = []
    prefix = f"/sendings/{sending_id}/recipients/{recipient_id}"
    if deposit:
        proofs.append(Proof("deposit", f"{prefix}/download_deposit_proof"))
    delivery = state.get("delivery_proof") or {}
    if delivery:
        proof_kind = {
            "ACKNOWLEDGMENT_OF_RECEIPT": "receipt",
            "REFUSAL_PROOF": "refusal",
            "NOT_CLAIMED_PROOF": "not_claimed",
        }.get(str(delivery.get("type")), "receipt")
        proofs.append(Proof(proof_kind, f"{prefix}/download_delivery_proof"))
    return Tracking(sending_id, tuple(events), tuple(proofs), None)


SECRET_MAX_AGE_S = 300


def credentials(settings: Any) -> Credentials:
    """The account: the environment's values, completed by the Secrets Manager secret ``MAILEVA_SECRET_NAME``
    (JSON: client_id, client_secret, username, password, lre_sender_id, lre_otp_key, webhook_login,
    webhook_password) when one is named — read at run time, cached five minutes by Powertools."""
    names = (
        "client_id",
        "client_secret",
        "username",
        "password",
        "lre_sender_id",
        "lre_otp_key",
        "webhook_login",
        "webhook_password",
    )
    values = {name: str(getattr(settings, f"maileva_{name}", "") or "") for name in names}
    secret_name = str(getattr(settings, "maileva_secret_name", "") or "")
    if secret_name:
        from aws_lambda_powertools.utilities import parameters

        try:
            secret = parameters.get_secret(secret_name, transform="json", max_age=SECRET_MAX_AGE_S)
        except (
            parameters.exceptions.GetParameterError,
            parameters.exceptions.TransformParameterError,
        ) as error:
            raise TransientError(
                f"Maileva : secret {secret_name} illisible ({type(error).__name__})"
            ) from error
        if isinstance(secret, Mapping):
            for name in names:
                if not values[name] and secret.get(name):
                    values[name] = str(secret[name])
    return Credentials(**values)
