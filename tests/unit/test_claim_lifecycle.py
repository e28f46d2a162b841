from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.claim import ALLOWED_TRANSITIONS, Claim, ClaimStatus, check_transition
from chalicelib.domain.errors import InvalidTransition

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def a_claim(status: ClaimStatus = ClaimStatus.DRAFT) -> Claim:
    return Claim("c-1", "cred-1", status, "Débiteur SARL", 100_000, NOW, NOW)


def test_happy_path_to_filing_is_allowed():
    path = [
        ClaimStatus.AWAITING_PAYMENT,
        ClaimStatus.ASSESSING,
        ClaimStatus.NOTICE_SENT,
        ClaimStatus.ESCALATION_OFFERED,
        ClaimStatus.DOSSIER_READY,
        ClaimStatus.WITH_LAWYER,
        ClaimStatus.FILED,
        ClaimStatus.CLOSED,
    ]
    claim = a_claim()
    for status in path:
        claim = claim.moved_to(status, at=NOW)
    assert claim.status is ClaimStatus.CLOSED
    assert claim.event_count == len(path)


def test_withdrawal_is_refused_once_filed():
    with pytest.raises(InvalidTransition) as refused:
        check_transition(ClaimStatus.FILED, ClaimStatus.WITHDRAWN)
    assert "Requête déposée" in refused.value.message


AFTER_FILING = {
    ClaimStatus.FILED,
    ClaimStatus.ORDER_GRANTED,
    ClaimStatus.ORDER_REJECTED,
    ClaimStatus.SERVED,
    ClaimStatus.OPPOSED,
    ClaimStatus.ENFORCEMENT,
}


def test_every_status_before_filing_can_be_withdrawn():
    for status in ClaimStatus:
        if status in AFTER_FILING | {ClaimStatus.CLOSED, ClaimStatus.WITHDRAWN, ClaimStatus.SETTLED}:
            continue
        if status is ClaimStatus.REJECTED:
            continue
        check_transition(status, ClaimStatus.WITHDRAWN)


def test_no_status_after_filing_can_be_withdrawn():
    for status in AFTER_FILING:
        with pytest.raises(InvalidTransition):
            check_transition(status, ClaimStatus.WITHDRAWN)


def test_after_filing_the_lawyer_records_order_service_then_opposition_or_enforcement():
    claim = a_claim()
    path = [
        ClaimStatus.AWAITING_PAYMENT,
        ClaimStatus.ASSESSING,
        ClaimStatus.NOTICE_SENT,
        ClaimStatus.ESCALATION_OFFERED,
        ClaimStatus.DOSSIER_READY,
        ClaimStatus.WITH_LAWYER,
        ClaimStatus.FILED,
        ClaimStatus.ORDER_GRANTED,
        ClaimStatus.SERVED,
        ClaimStatus.OPPOSED,
        ClaimStatus.ENFORCEMENT,
        ClaimStatus.SETTLED,
        ClaimStatus.CLOSED,
    ]
    for status in path:
        claim = claim.moved_to(status, at=NOW)
    assert claim.status is ClaimStatus.CLOSED
    # a rejected requête cannot be served (CPC 1409: no appeal, an ordinary action is a new matter)
    with pytest.raises(InvalidTransition):
        check_transition(ClaimStatus.ORDER_REJECTED, ClaimStatus.SERVED)
    with pytest.raises(InvalidTransition):
        check_transition(ClaimStatus.FILED, ClaimStatus.SERVED)


def test_closed_and_withdrawn_are_final():
    assert ALLOWED_TRANSITIONS[ClaimStatus.CLOSED] == frozenset()
    assert ALLOWED_TRANSITIONS[ClaimStatus.WITHDRAWN] == frozenset()


@given(st.lists(st.sampled_from(list(ClaimStatus)), max_size=30))
def test_no_sequence_of_moves_reaches_an_illegal_transition(moves):
    claim = a_claim()
    for target in moves:
        allowed = target in ALLOWED_TRANSITIONS[claim.status]
        if allowed:
            before = claim.status
            claim = claim.moved_to(target, at=NOW)
            assert target in ALLOWED_TRANSITIONS[before]
        else:
            with pytest.raises(InvalidTransition):
                claim.moved_to(target, at=NOW)
