"""The hash chain of a claim's timeline, and what the pre-check lets through."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.claim import GENESIS_HASH, AuditEvent, ClaimStatus, EventKind, verify_chain
from chalicelib.domain.precheck import submission_blockers

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def chain(reasons: list[str]) -> list[AuditEvent]:
    events, previous = [], GENESIS_HASH
    for sequence, reason in enumerate(reasons, start=1):
        event = AuditEvent(
            claim_id="c-1",
            sequence=sequence,
            at=T0 + timedelta(minutes=sequence),
            actor="u-1",
            from_status=None if sequence == 1 else ClaimStatus.DRAFT,
            to_status=ClaimStatus.DRAFT,
            reason=reason,
            kind=EventKind.STATUS_CHANGED if sequence == 1 else EventKind.CONTENT_UPDATED,
            document_hashes={"doc": "ab" * 32} if sequence == 2 else {},
        ).sealed(previous)
        events.append(event)
        previous = event.hash
    return events


def test_an_untouched_chain_verifies():
    events = chain(["créée", "modifiée", "modifiée encore"])
    assert verify_chain(events, last_hash=events[-1].hash).valid


@given(st.lists(st.text(max_size=30), min_size=2, max_size=8), st.data())
def test_any_edited_field_breaks_the_chain_at_that_event(reasons, data):
    events = chain(reasons)
    index = data.draw(st.integers(min_value=0, max_value=len(events) - 1))
    field = data.draw(st.sampled_from(["reason", "actor", "at", "document_hashes"]))
    original = events[index]
    edited_value = {
        "reason": original.reason + "!",
        "actor": original.actor + "x",
        "at": original.at + timedelta(seconds=1),
        "document_hashes": {"doc": "cd" * 32},
    }[field]
    events[index] = replace(original, **{field: edited_value})
    check = verify_chain(events)
    assert not check.valid and check.broken_at == index + 1


def test_a_missing_middle_event_or_a_truncated_end_is_detected():
    events = chain(["a", "b", "c"])
    assert verify_chain([events[0], events[2]]).broken_at == 2
    truncated = verify_chain(events[:2], last_hash=events[-1].hash)
    assert not truncated.valid and "retirés" in truncated.reason


def test_a_recomputed_hash_does_not_hide_an_edit_from_the_next_link():
    events = chain(["a", "b", "c"])
    forged = replace(events[1], reason="falsifié").sealed(events[0].hash)
    check = verify_chain([events[0], forged, events[2]])
    assert not check.valid and check.broken_at == 3


def test_the_precheck_lets_an_admissible_priced_claim_through():
    assessment = {
        "prescription": {"status": "not_barred"},
        "route": {"injonction_de_payer": "admissible"},
        "amounts": {"total": "1061.26"},
        "findings": [{"code": "x", "level": "info", "part": "amounts", "message": "m", "article": "a"}],
    }
    assert submission_blockers(assessment) == []


def test_the_precheck_names_every_blocking_reason():
    assessment = {
        "prescription": {"status": "not_barred"},
        "route": {"injonction_de_payer": "blocked"},
        "amounts": {"total": None, "error": {"code": "rate_not_published", "message": "taux absent"}},
        "findings": [
            {
                "code": "collective_proceedings_block",
                "level": "blocking",
                "part": "route",
                "message": "liquidation",
                "article": "C. com. L622-21",
            }
        ],
    }
    codes = [b.code for b in submission_blockers(assessment)]
    assert codes == ["collective_proceedings_block", "rate_not_published"]


def test_events_appended_after_the_claim_was_read_are_not_tampering():
    events = chain(["a", "b", "c", "d"])
    # The claim item was read when it had 2 events; the workflow appended 2 more before the events query.
    assert verify_chain(events, last_hash=events[1].hash, known_count=2).valid
    truncated = verify_chain(events[:1], last_hash=events[1].hash, known_count=2)
    assert not truncated.valid and "retirés" in truncated.reason
    replaced = verify_chain(events, last_hash="f" * 64, known_count=2)
    assert not replaced.valid
