"""The Stripe simulation's state survives a restart of the local platform (issue 25)."""

from __future__ import annotations

from pathlib import Path

from infra.local.fake_stripe import FakeStripe, persistence
from tests.unit.test_fake_stripe_pages import NOW, session_params


def _fake() -> FakeStripe:
    return FakeStripe(public_url="http://127.0.0.1:9", webhook_url=None, clock=lambda: NOW)


def test_sessions_payments_refunds_and_events_come_back_after_a_restart(tmp_path: Path):
    path = tmp_path / "stripe.json"
    before = _fake()
    persistence.attach(before, path)
    paid = str(before.create_checkout_session(session_params())["id"])
    before.pay(paid)
    before.refund(str(before.payment_intent_of(paid)))
    left_open = str(before.create_checkout_session(session_params())["id"])
    assert path.exists()  # written by each change, before it was answered

    after = _fake()
    assert persistence.restore(after, path) == 2
    assert after.retrieve_checkout_session(paid)["payment_status"] == "paid"
    assert after.retrieve_checkout_session(left_open)["status"] == "open"
    assert [e["type"] for e in after.events()] == [e["type"] for e in before.events()]
    assert after.payment_intent_of(paid) == before.payment_intent_of(paid)
    # And it goes on from there: the open session can still be paid.
    after.pay(left_open)
    assert after.retrieve_checkout_session(left_open)["status"] == "complete"


def test_no_state_is_no_session(tmp_path: Path):
    assert persistence.restore(_fake(), tmp_path / "absent.json") == 0
