"""The Stripe simulation's state kept across restarts (issue 25: « a restart shows the same world »): its
Checkout sessions, payment intents, charges, refunds and events, written after every change (atomically, and
flushed to disk before the change is answered) to ``stripe.json`` in the data folder, and read back at
start. In-flight webhook deliveries are not kept: Stripe's own retries would send them again later, the
platform's webhook handling is idempotent, and the console can resend any event."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from pathlib import Path
from typing import Any

from infra.local.fake_stripe.records import Charge, LineItem, PaymentIntent, Session

FORMAT = 1
# The simulation's methods that change its state (a session's expiry included).
MUTATORS = (
    "create_checkout_session",
    "expire_checkout_session",
    "create_refund",
    "pay",
    "pay_deferred",
    "settle_deferred",
    "expire",
    "refund",
    "_expire_locked",
)


def state(fake: Any) -> dict[str, Any]:
    with fake._lock:
        return {
            "format": FORMAT,
            "sessions": [dataclasses.asdict(s) for s in fake._sessions.values()],
            "intents": [dataclasses.asdict(i) for i in fake._intents.values()],
            "charges": [dataclasses.asdict(c) for c in fake._charges.values()],
            "refunds": list(fake._refunds.values()),
            "events": list(fake._events.values()),
        }


def save(fake: Any, path: Path) -> None:
    data = json.dumps(state(fake), sort_keys=True).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def restore(fake: Any, path: Path) -> int:
    """Put the kept state back; returns how many sessions it had (0 when there is none)."""
    if not path.exists():
        return 0
    saved = json.loads(path.read_text(encoding="utf-8"))
    if saved.get("format") != FORMAT:
        raise ValueError(f"{path.name} : état de la simulation Stripe d'un autre format")
    with fake._lock:
        for raw in saved["sessions"]:
            items = [LineItem(**item) for item in raw.pop("line_items")]
            session = Session(line_items=items, **raw)
            fake._sessions[session.id] = session
        for raw in saved["intents"]:
            fake._intents[raw["id"]] = PaymentIntent(**raw)
        for raw in saved["charges"]:
            fake._charges[raw["id"]] = Charge(**raw)
        fake._refunds.update({refund["id"]: refund for refund in saved["refunds"]})
        fake._events.update({event["id"]: event for event in saved["events"]})
    return len(saved["sessions"])


def attach(fake: Any, path: Path) -> None:
    """Save the state after each change the simulation answers (on this instance only)."""
    for name in MUTATORS:
        original = getattr(fake, name)

        @functools.wraps(original)
        def persisted(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with fake._lock:
                result = _original(*args, **kwargs)
                save(fake, path)
                return result

        setattr(fake, name, persisted)
