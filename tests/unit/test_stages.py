"""The stage tracker (issue 24) over the lifecycle's transition table: every status has its place on the way,
the way only goes forward, and the next step's date is the one the claim holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.domain.claim import ALLOWED_TRANSITIONS, Claim, ClaimStatus
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.stages import ENDINGS, KEYS, ON_HOLD, STAGE_OF, STEPS_BACK, tracker

NOW = datetime(2025, 3, 31, 9, tzinfo=UTC)


def claim(status: ClaimStatus, **changes) -> Claim:
    base = Claim("clm_stage", "creditor", status, "Rhône Distribution SARL", 100000, NOW, NOW)
    return replace(base, **changes)


@pytest.mark.parametrize("status", list(ClaimStatus))
def test_every_status_has_its_place_and_one_current_stage(status):
    assert status in STAGE_OF or status in ENDINGS or status in ON_HOLD
    shown = tracker(claim(status))
    states = [step["state"] for step in shown["steps"]]
    assert [step["key"] for step in shown["steps"]] == list(KEYS)
    if status in ENDINGS:
        assert shown["ended"] and "current" not in states and shown["next"] is None
    else:
        assert states.count("current") == 1
        assert states[: states.index("current")] == ["done"] * states.index("current")
        assert set(states[states.index("current") + 1 :]) <= {"todo"}
    assert shown["current_label"] and shown["current_date"]


def test_the_way_only_goes_forward_along_the_transition_table():
    for source, targets in ALLOWED_TRANSITIONS.items():
        for target in targets:
            if source not in STAGE_OF or target not in STAGE_OF:
                continue  # an ending, or the team's hold
            before, after = KEYS.index(STAGE_OF[source]), KEYS.index(STAGE_OF[target])
            assert after >= before or (source, target) in STEPS_BACK, (source, target)


def test_while_the_notice_runs_the_next_step_is_due_the_day_after_the_deadline():
    notice = NoticeRecord(status="sent", sent_on=dt.date(2025, 3, 31), deadline=dt.date(2025, 4, 11))
    shown = tracker(claim(ClaimStatus.NOTICE_SENT, notice=notice))
    assert shown["current"] == "deadline" and shown["current_date"] == "2025-03-31"
    assert shown["next"] == {"label": "Injonction de payer si le débiteur n'a pas payé", "date": "2025-04-12"}
    done = [s["key"] for s in shown["steps"] if s["state"] == "done"]
    assert done == ["draft", "paid", "notice"]


def test_a_settled_claim_keeps_the_stage_it_reached_and_says_how_it_ended():
    notice = NoticeRecord(status="sent", sent_on=dt.date(2025, 3, 31), deadline=dt.date(2025, 4, 11))
    shown = tracker(claim(ClaimStatus.SETTLED, notice=notice))
    assert shown["ended"] == "Créance réglée" and shown["current"] == "deadline"
    assert shown["steps"][KEYS.index("deadline")]["state"] == "done"
    assert shown["steps"][KEYS.index("injonction")]["state"] == "todo"


def test_a_claim_held_by_the_team_stays_on_its_stage():
    notice = NoticeRecord(status="sent", sent_on=dt.date(2025, 3, 31))
    shown = tracker(claim(ClaimStatus.NEEDS_ATTENTION, notice=notice))
    assert shown["on_hold"] and shown["current"] == "deadline"
