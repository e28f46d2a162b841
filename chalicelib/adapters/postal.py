"""Registered mail (lettre recommandée avec accusé de réception, or envoi recommandé électronique): the one
module that sends it.

Two implementations of :class:`PostalSender`, chosen by the ``POSTAL_PROVIDER`` setting:

* ``local`` (the local platform's default): nothing leaves the machine. The sending is recorded as JSON
  beside a copy of the PDF in the documents bucket (``claims/<id>/postal/<tracking>.json`` and ``.pdf``),
  with a realistic tracking number (``1A`` + 11 digits, as La Poste's) and a **simulated** first
  presentation ``POSTAL_FIRST_PRESENTATION_DAYS`` calendar days after sending. The tracking number is
  derived from the claim and the letter's bytes: sending the same letter again (a retried task) records
  the same letter, never a second one.
* ``manual`` (the default outside the local platform, until a provider is connected): an operator prints
  the PDF and posts it. The request is recorded (``claims/<id>/postal/manual-<sha256 prefix>.json``) for the
  operator's queue; the tracking number and the first presentation are unknown (``""`` / ``None``) until
  the creditor or the operator records them (``POST /v1/claims/{id}/notice/presentation``).

* ``maileva`` (:mod:`chalicelib.adapters.maileva`): Maileva's API — paper LRAR (registered_mail/v4) or a
  qualified electronic registered letter (LRE), chosen per claim by
  :func:`chalicelib.domain.registered_mail.choose_channel`; its events and proofs come back by webhook
  and by polling (:mod:`chalicelib.services.notice.delivery`). The local platform talks to its twin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from chalicelib.settings import Settings

PostalChannel = Literal["lrar", "lre"]
PROVIDERS = ("local", "manual", "maileva")


@dataclass(frozen=True)
class PostalReceipt:
    """What the sender knows once the letter is handed over: the proof of deposit (``proof_key``, a stored
    object) and, when known, the first presentation to the addressee (an LRE's availability date)."""

    channel: PostalChannel
    tracking_number: str
    sent_on: dt.date
    first_presented_on: dt.date | None
    provider: str
    proof_key: str | None
    # A connected provider's handle on the letter (``product:sending:recipient``) and its price, when known.
    provider_ref: str = ""
    price_cents: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "tracking_number": self.tracking_number,
            "sent_on": self.sent_on.isoformat(),
            "first_presented_on": self.first_presented_on.isoformat() if self.first_presented_on else None,
            "provider": self.provider,
            "proof_key": self.proof_key,
            "provider_ref": self.provider_ref,
            "price_cents": self.price_cents,
        }


@dataclass(frozen=True)
class Addressee:
    """The debtor as the two products need it: envelope lines (paper) or name and email (LRE)."""

    lines: tuple[str, ...]
    email: str = ""
    company: str = ""
    first_name: str = ""
    last_name: str = ""
    is_business: bool = True


class PostalSender(Protocol):
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
        addressee: Any = None,
    ) -> PostalReceipt: ...


class ObjectStore(Protocol):
    def put(self, key: str, content: bytes, content_type: str) -> None: ...


class ProviderTracking(Protocol):
    """A connected provider also reports what became of the letter (chalicelib/adapters/maileva.py)."""

    def tracking(self, provider_ref: str) -> Any: ...
    def download(self, provider_ref: str, proof: Any) -> bytes: ...


def postal_key(claim_id: str, name: str) -> str:
    return f"claims/{claim_id}/postal/{name}"


def _request(
    pdf: bytes,
    *,
    claim_id: str,
    recipient_lines: list[str],
    recipient_email: str | None,
    sender_lines: list[str],
    reference: str,
    today: dt.date,
) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "reference": reference,
        "sent_on": today.isoformat(),
        "recipient_lines": list(recipient_lines),
        "recipient_email": recipient_email,
        "sender_lines": list(sender_lines),
        "pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "pdf_size": len(pdf),
    }


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


class LocalPostalSender:
    """The local platform's registered mail: recorded, never posted; first presentation simulated."""

    provider = "local"

    def __init__(self, store: ObjectStore, *, first_presentation_days: int = 3) -> None:
        self.store = store
        self.first_presentation_days = first_presentation_days

    @staticmethod
    def tracking_number(claim_id: str, pdf: bytes) -> str:
        """``1A`` + 11 digits, the shape of La Poste's LRAR numbers; the same letter gives the same number."""
        digest = hashlib.sha256(f"{claim_id}:{hashlib.sha256(pdf).hexdigest()}".encode()).hexdigest()
        return f"1A{int(digest, 16) % 10**11:011d}"

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
        addressee: Any = None,
    ) -> PostalReceipt:
        tracking = self.tracking_number(claim_id, pdf)
        presented = today + dt.timedelta(days=self.first_presentation_days)
        pdf_key = postal_key(claim_id, f"{tracking}.pdf")
        proof_key = postal_key(claim_id, f"{tracking}.json")
        record = _request(
            pdf,
            claim_id=claim_id,
            recipient_lines=recipient_lines,
            recipient_email=recipient_email,
            sender_lines=sender_lines,
            reference=reference,
            today=today,
        ) | {
            "provider": self.provider,
            "simulated": True,
            "note": "Envoi simulé par la plateforme locale : aucune lettre n'a été postée.",
            "channel": "lrar",
            "tracking_number": tracking,
            "first_presented_on": presented.isoformat(),
            "pdf_key": pdf_key,
        }
        self.store.put(pdf_key, pdf, "application/pdf")
        self.store.put(proof_key, _json(record), "application/json")
        return PostalReceipt("lrar", tracking, today, presented, self.provider, proof_key)


class ManualPostalSender:
    """No provider connected: an operator prints the letter (the stored PDF, addresses in the window
    position) and posts it as a LRAR; the tracking number and the first presentation are recorded later."""

    provider = "manual"

    def __init__(self, store: ObjectStore | None = None) -> None:
        self.store = store

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
        addressee: Any = None,
    ) -> PostalReceipt:
        if self.store is not None:
            request = _request(
                pdf,
                claim_id=claim_id,
                recipient_lines=recipient_lines,
                recipient_email=recipient_email,
                sender_lines=sender_lines,
                reference=reference,
                today=today,
            ) | {"provider": self.provider, "status": "to_print", "channel": "lrar"}
            name = f"manual-{request['pdf_sha256'][:16]}.json"
            self.store.put(postal_key(claim_id, name), _json(request), "application/json")
        return PostalReceipt("lrar", "", today, None, self.provider, None)


def postal_sender(settings: Settings | None = None, store: ObjectStore | None = None) -> PostalSender:
    """The sender ``POSTAL_PROVIDER`` names. The local simulation is refused outside the local platform: a
    letter that is never posted must not start a real payment deadline."""
    from chalicelib.settings import get_settings

    settings = settings or get_settings()
    if store is None:
        from chalicelib.adapters.document_store import DocumentStore

        store = DocumentStore(settings.documents_bucket)
    provider = settings.postal_provider
    if provider == "local":
        if not settings.local_mode:
            raise ValueError("POSTAL_PROVIDER=local is a simulation: only allowed on the local platform")
        return LocalPostalSender(store, first_presentation_days=settings.postal_first_presentation_days)
    if provider == "manual":
        return ManualPostalSender(store)
    if provider == "maileva":
        from chalicelib.adapters.maileva import MailevaSender, credentials, shared_client

        client = shared_client(settings.maileva_api_base, settings.maileva_auth_url, credentials(settings))
        return MailevaSender(client, store)
    raise ValueError(f"POSTAL_PROVIDER must be one of {PROVIDERS}, got {provider!r}")
