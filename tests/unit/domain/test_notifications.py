"""Which emails a claim change owes: the writer's, plus the creditor's email of every new status."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chalicelib.documents.emails import EMAIL_KINDS
from chalicelib.domain.claim import ClaimStatus
from chalicelib.domain.notifications import (
    STATUS_EMAIL_KINDS,
    Notification,
    keyed_outbox_id,
    outbox_id,
    with_defaults,
)


def test_every_status_but_draft_has_a_creditor_email_that_exists() -> None:
    assert set(STATUS_EMAIL_KINDS) == set(ClaimStatus) - {ClaimStatus.DRAFT}
    for kind in STATUS_EMAIL_KINDS.values():
        assert EMAIL_KINDS[kind].audience == "creditor", kind


def test_the_default_creditor_email_is_added_when_the_writer_names_none() -> None:
    queued = with_defaults((), from_status=ClaimStatus.SETTLED, to_status=ClaimStatus.CLOSED, reason="fin")
    assert queued == (Notification("claim_closed"),)
    debtor_only = Notification("withdrawn", to="debtor")
    queued = with_defaults(
        debtor_only, from_status=ClaimStatus.DRAFT, to_status=ClaimStatus.WITHDRAWN, reason="retrait"
    )
    assert queued == (debtor_only, Notification("withdrawn"))


def test_the_writers_creditor_email_replaces_the_default() -> None:
    given = Notification("settled", {"settled_on": "2026-12-01"})
    assert with_defaults(
        [given], from_status=ClaimStatus.NOTICE_SENT, to_status=ClaimStatus.SETTLED, reason="payé"
    ) == (given,)


@pytest.mark.parametrize("status", [None, ClaimStatus.DRAFT])
def test_no_email_without_a_status_change_or_for_a_draft(status: ClaimStatus | None) -> None:
    assert with_defaults((), from_status=status, to_status=ClaimStatus.DRAFT, reason="x") == ()
    given = Notification("refund_issued", {"refund_amount": "29.00", "reason": "remboursement"})
    assert with_defaults(
        given, from_status=ClaimStatus.REJECTED, to_status=ClaimStatus.REJECTED, reason="x"
    ) == (given,)


def test_a_claim_needing_attention_also_alerts_the_operator() -> None:
    queued = with_defaults(
        (),
        from_status=ClaimStatus.NOTICE_SENT,
        to_status=ClaimStatus.NEEDS_ATTENTION,
        reason="La Poste : 503",
    )
    assert queued == (
        Notification("needs_attention"),
        Notification(
            "operator_alert", {"previous_status": "notice_sent", "error": "La Poste : 503"}, to="operator"
        ),
    )


def test_the_context_is_stored_as_plain_json() -> None:
    notification = Notification(
        "payment_received", {"amount_paid": Decimal("29.00"), "paid_on": dt.date(2026, 11, 23)}
    )
    assert notification.json_context() == {"amount_paid": "29.00", "paid_on": "2026-11-23"}
    assert outbox_id("clm_1", 4, 2) == "clm_1#4#2"


def test_an_email_queued_without_a_claim_write_is_named_by_its_key_never_like_an_events() -> None:
    assert keyed_outbox_id("clm_1", "invoice-FA-2026-000001") == "clm_1#invoice-FA-2026-000001#1"
    for key in ("4", "12-a", "", "invoice#2", "invoice FA", "Invoice-1"):
        with pytest.raises(ValueError, match="outbox key"):
            keyed_outbox_id("clm_1", key)
