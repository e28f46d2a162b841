"""Helpers of the tests that move claims by hand: the email each status change owes (with the context its
template needs) and waiting for the emails the outbox sends in the background."""

from __future__ import annotations

import time
from collections.abc import Callable

from chalicelib.domain.claim import ClaimStatus
from chalicelib.domain.notifications import Notification
from tests.integration.accounts_helpers import mailbox

BASE = "http://127.0.0.1:8765"
NOTICE_KEY = "claims/test/notice/mise-en-demeure-test.pdf"

# The email of each status whose template needs more than the claim gives (the others are added by the
# repository on its own).
_WITH_CONTEXT: dict[ClaimStatus, Notification] = {
    ClaimStatus.AWAITING_PAYMENT: Notification(
        "claim_submitted", {"amount_due": "29.00", "payment_url": f"{BASE}/#/creances"}
    ),
    ClaimStatus.ASSESSING: Notification(
        "payment_received", {"amount_paid": "29.00", "paid_on": "2026-11-23"}
    ),
    ClaimStatus.REJECTED: Notification(
        "claim_rejected", {"reasons": ["Débiteur en liquidation judiciaire."], "refund_amount": "29.00"}
    ),
    ClaimStatus.NOTICE_SENT: Notification(
        "notice_sent",
        {"sent_on": "2026-11-23", "payment_deadline": "2026-12-08", "amount_claimed": "1000.00"},
        attachments=(NOTICE_KEY,),
    ),
    ClaimStatus.ESCALATION_OFFERED: Notification(
        "escalation_offered",
        {"deadline": "2026-12-08", "escalation_price": "89.00", "accept_url": f"{BASE}/#/creances"},
    ),
    ClaimStatus.WITH_LAWYER: Notification(
        "lawyer_assigned", {"lawyer_name": "Maître Jeanne Martin", "lawyer_bar": "Lyon"}
    ),
    ClaimStatus.FILED: Notification(
        "filed", {"filed_on": "2027-01-15", "court_name": "Tribunal judiciaire de Lyon"}
    ),
}


def status_email(status: ClaimStatus) -> tuple[Notification, ...]:
    """What to pass as ``notify`` to move a claim to ``status`` in a test."""
    notification = _WITH_CONTEXT.get(status)
    return (notification,) if notification is not None else ()


def wait_for_mail(
    to: str, matching: Callable[[dict], bool] = lambda message: True, *, count: int = 1, timeout: float = 10
) -> list[dict]:
    """The messages to ``to`` that match, once there are ``count`` of them (the outbox sends them from a
    background thread in the tests, as an asynchronous Lambda on AWS)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [message for message in mailbox(to) if matching(message)]
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"{len(found)}/{count} email(s) to {to}: {mailbox(to)}"
        time.sleep(0.05)
