"""The order of a lawyer's list: the date by which they must act on each dossier, as a key that sorts the
same (``YYYY-MM-DD#<claim id>``) and depends on the claim only, so it can be stored and indexed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.lawyer_case import (
    NO_DUE_DATE,
    LawyerCase,
    Opposition,
    Order,
    Service,
    due_date,
    due_key,
)
from chalicelib.domain.notice_record import DossierRecord, NoticeRecord

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def dossier(
    claim_id: str = "clm_1",
    *,
    prescription_end: date | None = None,
    case: LawyerCase | None = None,
    status: ClaimStatus = ClaimStatus.WITH_LAWYER,
    assessment: dict | None = None,
) -> Claim:
    notice = (
        NoticeRecord(dossier=DossierRecord(prescription_end=prescription_end, urgent=True))
        if prescription_end
        else None
    )
    return Claim(
        claim_id,
        "creditor-1",
        status,
        "Débiteur SAS",
        100_000,
        NOW,
        NOW,
        assigned_lawyer_id="lawyer-1",
        notice=notice,
        lawyer_case=(case or LawyerCase(lawyer_id="lawyer-1")).as_json(),
        assessment=assessment,
    )


def test_the_running_procedure_deadline_comes_before_the_prescription():
    granted = LawyerCase(lawyer_id="lawyer-1", order=Order("granted", date(2026, 3, 31)))
    claim = dossier(prescription_end=date(2027, 6, 30), case=granted)
    assert due_date(claim) == date(2026, 9, 30)  # service within 6 months of the order (CPC 1411)
    assert due_key(claim) == "2026-09-30#clm_1"

    served = replace(granted, service=Service(date(2026, 4, 10), in_person=True))
    assert due_date(dossier(prescription_end=date(2027, 6, 30), case=served)) == date(2026, 5, 10)


def test_a_deadline_already_passed_still_counts_so_overdue_dossiers_come_first():
    long_ago = LawyerCase(lawyer_id="lawyer-1", order=Order("granted", date(2020, 1, 10)))
    assert due_date(dossier(prescription_end=date(2027, 1, 1), case=long_ago)) == date(2020, 7, 10)


def test_without_a_running_deadline_the_prescription_of_the_dossier_decides():
    done = LawyerCase(
        lawyer_id="lawyer-1",
        order=Order("granted", date(2026, 3, 31)),
        service=Service(date(2026, 4, 10)),
        opposition=Opposition(date(2026, 4, 20)),
    )
    assert due_date(dossier(prescription_end=date(2027, 6, 30), case=done)) == date(2027, 6, 30)
    assert due_date(dossier(prescription_end=date(2027, 6, 30))) == date(2027, 6, 30)
    rejected = LawyerCase(lawyer_id="lawyer-1", order=Order("rejected", date(2026, 3, 31)))
    assert due_date(dossier(prescription_end=date(2027, 6, 30), case=rejected)) == date(2027, 6, 30)


def test_a_claim_in_review_takes_the_prescription_of_its_pre_check():
    assessed = {"prescription": {"last_day": "2027-02-15", "status": "not_barred"}}
    in_review = dossier(status=ClaimStatus.LAWYER_REVIEW, assessment=assessed)
    assert due_key(in_review) == "2027-02-15#clm_1"
    # Only in review: elsewhere the dossier's own record is what the lawyer's list shows.
    assert due_date(dossier(assessment=assessed)) == NO_DUE_DATE


@pytest.mark.parametrize("assessment", [None, {}, {"prescription": {}}, {"prescription": {"last_day": "?"}}])
def test_with_nothing_to_act_on_the_dossier_goes_last(assessment):
    claim = dossier("clm_z", status=ClaimStatus.LAWYER_REVIEW, assessment=assessment)
    assert due_key(claim) == "9999-12-31#clm_z"


def test_the_key_sorts_as_the_date_then_the_claim_id():
    claims = [
        dossier("clm_b", prescription_end=date(2027, 1, 1)),
        dossier("clm_a", prescription_end=date(2027, 1, 1)),
        dossier("clm_c", prescription_end=date(2026, 12, 31)),
        dossier("clm_d"),
    ]
    assert [c.claim_id for c in sorted(claims, key=due_key)] == ["clm_c", "clm_a", "clm_b", "clm_d"]
    assert due_key(claims[0]) == "2027-01-01#clm_b"
