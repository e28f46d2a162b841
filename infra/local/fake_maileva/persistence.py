"""The twin's state kept across restarts of ``make run`` (« a restart shows the same world »): its sendings of
both products (documents included), webhook subscriptions, issued tokens and the sender's OTP window,
written after every change (atomically, flushed to disk before the change is answered) to
``maileva.json`` in the data folder, and read back at start. Notifications still queued are not kept
(the platform polls what it may have missed); the record of webhook attempts starts afresh."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from infra.local.fake_maileva.records import Document, Recipient, Sending, Subscription

FORMAT = 1


def _sending_state(sending: Sending) -> dict[str, Any]:
    raw = dataclasses.asdict(sending)
    for document in raw["documents"]:
        document["content"] = base64.b64encode(document["content"]).decode("ascii")
    return raw


def state(fake: Any) -> dict[str, Any]:
    with fake._lock:
        return {
            "format": FORMAT,
            "sendings": [_sending_state(s) for s in fake._sendings.values()],
            "subscriptions": [dataclasses.asdict(s) for s in fake._subscriptions.values()],
            "otp_validated": dict(fake._otp_validated),
            "tokens": {"access": dict(fake.auth.access), "refresh": dict(fake.auth.refresh)},
        }


def save(fake: Any, path: Path) -> None:
    data = json.dumps(state(fake), sort_keys=True, ensure_ascii=False).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _sending(raw: dict[str, Any]) -> Sending:
    documents = [
        Document(**{**document, "content": base64.b64decode(document["content"])})
        for document in raw.pop("documents")
    ]
    recipients = [Recipient(**recipient) for recipient in raw.pop("recipients")]
    return Sending(documents=documents, recipients=recipients, **raw)


def restore(fake: Any, path: Path) -> int:
    """Put the kept state back; returns how many sendings it had (0 when there is none)."""
    if not path.exists():
        return 0
    saved = json.loads(path.read_text(encoding="utf-8"))
    if saved.get("format") != FORMAT:
        raise ValueError(f"{path.name} : état de la simulation Maileva d'un autre format")
    with fake._lock:
        for raw in saved["sendings"]:
            sending = _sending(raw)
            fake._sendings[sending.id] = sending
        for raw in saved["subscriptions"]:
            fake._subscriptions[raw["id"]] = Subscription(**raw)
        fake._otp_validated.update(saved["otp_validated"])
        fake.auth.access.update(saved["tokens"]["access"])
        fake.auth.refresh.update(saved["tokens"]["refresh"])
    return len(saved["sendings"])


def attach(fake: Any, path: Path) -> None:
    """Save the state after each change the twin answers (on this instance only)."""
    fake.on_change = lambda: save(fake, path)
