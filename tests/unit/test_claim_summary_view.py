"""What the dashboard reads from a claim summary: the oldest due date (the aged balance) and the deadline
the mise en demeure set; the claim view carries the notice itself."""

from __future__ import annotations

import datetime as dt

from chalicelib.api.claim_schemas import ClaimSummary, ClaimView
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.notice_record import NoticeRecord

AT = dt.datetime(2025, 3, 31, 9, 0, tzinfo=dt.UTC)


def claim(**changes) -> Claim:
    content = {
        "invoices": [
            {"number": "A", "issue_date": "2025-01-02", "due_date": "2025-02-28", "amount_ttc": "10.00"},
            {"number": "B", "issue_date": "2025-01-10", "due_date": None, "amount_ttc": "10.00"},
            {"number": "C", "issue_date": "2024-12-01", "due_date": "2025-01-31", "amount_ttc": "10.00"},
        ]
    }
    values = dict(
        claim_id="clm_1",
        creditor_id="u1",
        status=ClaimStatus.DRAFT,
        debtor_name="Rhône Distribution SARL",
        principal_cents=3000,
        created_at=AT,
        updated_at=AT,
        content=content,
    )
    return Claim(**(values | changes))


def test_the_summary_gives_the_oldest_due_date_counting_an_invoice_without_one_from_its_date():
    summary = ClaimSummary.of(claim()).model_dump(mode="json")
    assert summary["due_date"] == "2025-01-10"
    assert summary["notice_deadline"] is None
    assert ClaimSummary.of(claim(content=None)).due_date is None


def test_once_the_notice_is_sent_the_summary_and_the_view_give_its_deadline():
    notice = NoticeRecord.from_json(
        {"status": "sent", "deadline": "2025-04-10", "tracking_number": "1A0001", "sha256": "ab"}
    )
    sent = claim(status=ClaimStatus.NOTICE_SENT, notice=notice)
    assert ClaimSummary.of(sent).model_dump(mode="json")["notice_deadline"] == "2025-04-10"
    view = ClaimView.of(sent).model_dump(mode="json")
    assert view["notice"]["deadline"] == "2025-04-10"
    assert view["notice"]["tracking_number"] == "1A0001"
    assert ClaimView.of(claim()).notice is None
