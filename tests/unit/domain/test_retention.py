"""RULEBOOK 7.1: how long a claim file is kept, and what is left of it once anonymised."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.claim import GENESIS_HASH, AuditEvent, Claim, ClaimStatus, EventKind, verify_chain
from chalicelib.domain.payments import Checkout, CheckoutStatus, PaymentStep
from chalicelib.domain.retention import (
    ANONYMISED_DEBTOR_NAME,
    ENDED_STATUSES,
    ENFORCEABLE_TITLE_YEARS,
    RetentionStage,
    anonymised_claim,
    anonymised_history,
    is_anonymised,
    retention_of,
)

S = ClaimStatus
ENDED_AT = datetime(2025, 6, 30, 10, 0, tzinfo=UTC)


def prescription(last_day: str, last_day_late: str, code: str = "commercial_5_years") -> dict:
    return {
        "prescription": {
            "status": "not_barred",
            "last_day": last_day,
            "last_day_late": last_day_late,
            "regime": {"code": code, "article": "C. com. L110-4 I", "duration": "5 ans"},
            "invoices": [{"number": "F-1", "last_day": last_day, "last_day_late": last_day_late}],
        }
    }


def claim(status: ClaimStatus = S.CLOSED, **changes) -> Claim:
    base = Claim(
        claim_id="c-1",
        creditor_id="cred-1",
        status=status,
        debtor_name="Rhône Distribution SARL",
        principal_cents=100_000,
        created_at=datetime(2025, 2, 1, tzinfo=UTC),
        updated_at=ENDED_AT,
        content={"debtor": {"legal_name": "Rhône Distribution SARL"}, "invoices": [], "payments": []},
        assessment=prescription("2030-01-02", "2030-01-31"),
        reference="DOS-1",
    )
    return replace(base, **changes)


@pytest.mark.parametrize("status", sorted(set(ClaimStatus) - ENDED_STATUSES))
def test_a_claim_in_progress_stays_in_the_active_base(status):
    assert retention_of(claim(status), date(2090, 1, 1)).stage is RetentionStage.ACTIVE


@pytest.mark.parametrize("status", sorted(ENDED_STATUSES))
def test_an_ended_claim_is_archived_until_the_late_reading_of_its_prescription(status):
    kept = retention_of(claim(status), date(2030, 1, 31))
    assert kept.stage is RetentionStage.ARCHIVED
    assert kept.archive_until == date(2030, 1, 31)
    assert kept.governing is not None and kept.governing.code == "prescription"
    assert retention_of(claim(status), date(2030, 2, 1)).stage is RetentionStage.DUE


def test_the_latest_invoice_governs_not_the_earliest():
    assessment = prescription("2030-01-02", "2030-01-31")
    assessment["prescription"]["invoices"].append(
        {"number": "F-2", "last_day": "2031-05-01", "last_day_late": "2031-06-01"}
    )
    assert retention_of(claim(assessment=assessment), date(2026, 1, 1)).archive_until == date(2031, 6, 1)


def test_a_debtor_payment_recorded_after_the_precheck_restarts_the_prescription():
    content = {"debtor": {}, "invoices": [], "payments": [{"date": "2027-03-15", "amount": "100.00"}]}
    kept = retention_of(claim(content=content), date(2031, 1, 1))
    assert kept.archive_until == date(2032, 3, 15)  # C. civ. 2240, 2231: a new period of 5 years
    assert "2240" in kept.governing.detail


def test_an_acknowledgement_restarts_it_with_the_regime_s_own_duration():
    content = {"debtor": {}, "invoices": [], "acknowledgements": [{"date": "2025-05-01"}]}
    assessment = prescription("2026-01-02", "2026-01-31", code="consumer_2_years")
    kept = retention_of(claim(content=content, assessment=assessment), date(2026, 6, 1))
    assert kept.archive_until == date(2027, 5, 1)


def test_without_any_precheck_five_years_count_from_the_end():
    kept = retention_of(claim(S.WITHDRAWN, assessment=None), date(2026, 1, 1))
    assert kept.stage is RetentionStage.ARCHIVED
    assert kept.archive_until == date(2030, 6, 30)
    assert kept.governing.code == "prescription_unknown"


@pytest.mark.parametrize("court_status", [S.FILED, S.ORDER_GRANTED, S.SERVED, S.OPPOSED, S.ENFORCEMENT])
def test_a_court_case_keeps_the_file_ten_years_after_it_ended(court_status):
    reached = [S.DRAFT, S.NOTICE_SENT, S.WITH_LAWYER, court_status, S.CLOSED]
    kept = retention_of(claim(), date(2031, 1, 1), reached=reached)
    assert kept.stage is RetentionStage.ARCHIVED
    assert kept.archive_until == date(2025 + ENFORCEABLE_TITLE_YEARS, 6, 30)
    assert [reason.code for reason in kept.reasons] == ["enforceable_title", "prescription"]
    assert retention_of(claim(), date(2035, 7, 1), reached=reached).stage is RetentionStage.DUE


def test_a_filing_on_the_lawyer_s_record_counts_even_without_the_status_in_the_timeline():
    case = {"lawyer_id": "law-1", "filing": {"court": "TC Lyon", "filed_on": "2025-04-01"}}
    kept = retention_of(claim(lawyer_case=case), date(2031, 1, 1))
    assert kept.archive_until == date(2035, 6, 30)


def test_a_prescription_later_than_the_title_s_ten_years_still_governs():
    kept = retention_of(
        claim(assessment=prescription("2040-01-01", "2041-01-01")), date(2036, 1, 1), reached=[S.FILED]
    )
    assert kept.archive_until == date(2041, 1, 1) and kept.governing.code == "prescription"


def test_an_anonymised_claim_says_so():
    assert retention_of(anonymised_claim(claim()), date(2090, 1, 1)).stage is RetentionStage.ANONYMISED


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2100, 1, 1)))
def test_the_stage_only_moves_forward_with_time(today):
    """Archived up to the last day included, due every day after: never back to archived."""
    stage = retention_of(claim(), today).stage
    later = retention_of(claim(), today + timedelta(days=1)).stage
    assert not (stage is RetentionStage.DUE and later is RetentionStage.ARCHIVED)


# --- what anonymising keeps -------------------------------------------------------------------------


def test_anonymising_drops_the_debtor_and_the_files_and_keeps_the_billing_records():
    checkout = Checkout("cs_1", PaymentStep.NOTICE, 2900, CheckoutStatus.PAID, ENDED_AT)
    original = claim(checkouts=(checkout,), assigned_lawyer_id="law-1", task_token="tok")
    stripped = anonymised_claim(original)
    assert is_anonymised(stripped)
    assert stripped.debtor_name == ANONYMISED_DEBTOR_NAME
    assert stripped.content is None and stripped.assessment is None and stripped.notice is None
    assert stripped.documents == () and stripped.reference == "" and stripped.lawyer_case is None
    assert stripped.assigned_lawyer_id is None and stripped.task_token == ""
    assert stripped.checkouts == (checkout,)
    kept = ("claim_id", "creditor_id", "status", "principal_cents", "created_at", "updated_at", "version")
    assert all(getattr(stripped, name) == getattr(original, name) for name in kept)


def _timeline(reasons: list[str]) -> list[AuditEvent]:
    events, previous = [], GENESIS_HASH
    for sequence, reason in enumerate(reasons, start=1):
        event = AuditEvent(
            claim_id="c-1",
            sequence=sequence,
            at=ENDED_AT - timedelta(days=10 - sequence),
            actor="cred-1",
            from_status=None if sequence == 1 else S.SETTLED,
            to_status=S.SETTLED if sequence > 1 else S.DRAFT,
            reason=reason,
            kind=EventKind.NOTE,
            document_hashes={"doc-1": "ab" * 32} if sequence == 2 else {},
        ).sealed(previous)
        events.append(event)
        previous = event.hash
    return events


def test_the_re_sealed_timeline_verifies_and_names_every_original_hash():
    events = _timeline(["Créance créée", "Rhône Distribution SARL a payé", "M. Dupont a appelé"])
    original = claim(event_count=3, last_event_hash=events[-1].hash)
    retention = retention_of(original, date(2031, 1, 1))
    history = anonymised_history(original, events, retention, at=datetime(2031, 1, 1, 3, tzinfo=UTC))

    rewritten = [*history.events, history.closing]
    assert verify_chain(rewritten, last_hash=history.closing.hash, known_count=4).valid
    for before, after in zip(events, history.events, strict=True):
        assert before.hash in after.reason and "Dupont" not in after.reason and "Rhône" not in after.reason
        assert (after.sequence, after.at, after.actor, after.kind) == (
            before.sequence,
            before.at,
            before.actor,
            before.kind,
        )
        assert (after.from_status, after.to_status, after.document_hashes) == (
            before.from_status,
            before.to_status,
            before.document_hashes,
        )
    assert history.original_hashes == {event.sequence: event.hash for event in events}
    assert history.closing.sequence == 4 and events[-1].hash in history.closing.reason
    assert "2030-01-31" in history.closing.reason
