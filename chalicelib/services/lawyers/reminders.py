"""Deadline reminders after the order (one execution per reminder: resume_at=procedure_reminder)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib.clock import to_real_clock
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.notifications import Notification
from chalicelib.legal.procedure import (
    ProcedureDeadline,
    Reminder,
    reminders,
)
from chalicelib.services.lawyers.common import PLATFORM, REMINDER_HOUR, case_of, portal_url
from chalicelib.services.ports import WorkflowEngine
from chalicelib.settings import PARIS

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.lawyers")


# ---------------------------------------------------------------------------------------------------
# deadline reminders (one execution of the escalation machine per reminder: resume_at=procedure_reminder)
# ---------------------------------------------------------------------------------------------------
def remind_at(day: dt.date, *, today: dt.date, real_now: dt.datetime) -> dt.datetime:
    """The UTC instant the reminder of ``day`` is sent: 8:00 in Paris that day. On the local platform,
    whose calendar may be set back (CLAIMS_TODAY), the platform's days are mapped onto the real clock so
    the state machine's Wait (and its time scale) sees the same distance (:func:`to_real_clock`)."""
    local = dt.datetime.combine(day, REMINDER_HOUR, tzinfo=PARIS)
    return to_real_clock(local, today=today, real=real_now)


def reminder_execution_name(claim_id: str, reminder: Reminder) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"rem-{claim_id}-{reminder.reminder_id}")[:80]


def schedule_reminders(
    scheduler: WorkflowEngine | None,
    claim: Claim,
    deadline: ProcedureDeadline,
    *,
    today: dt.date,
    real_now: dt.datetime | None = None,
) -> list[str]:
    """Start one waiting execution per reminder of ``deadline`` (deterministic names: scheduling twice
    starts nothing new). Reminders whose day has passed are sent at once."""
    if scheduler is None:
        return []
    from chalicelib.services.escalation import iso_z

    moment = real_now or dt.datetime.now(dt.UTC)
    started = []
    for reminder in reminders(deadline):
        at = remind_at(reminder.on, today=today, real_now=moment)
        payload = {
            "claim_id": claim.claim_id,
            "resume_at": "procedure_reminder",
            "reminder_id": reminder.reminder_id,
            "remind_at": iso_z(max(at, moment)),
        }
        started.append(scheduler.start_once(reminder_execution_name(claim.claim_id, reminder), payload))
    return started


def send_procedure_reminder(
    claims: ClaimRepository,
    claim_id: str,
    reminder_id: str,
    *,
    base_url: str,
    today: dt.date,
    now: dt.datetime,
) -> bool:
    """Send the reminder ``reminder_id`` if its deadline is still running (no service recorded for
    CPC 1411, no opposition nor enforcement for CPC 1416) and it was not sent yet. True when sent."""
    claim = claims.get(claim_id)
    case = case_of(claim)
    if reminder_id in case.reminders_sent:
        return False
    due = next(
        (r for deadline in case.deadlines() for r in reminders(deadline) if r.reminder_id == reminder_id),
        None,
    )
    if due is None or claim.status in {ClaimStatus.SETTLED, ClaimStatus.CLOSED, ClaimStatus.WITHDRAWN}:
        logger.info("reminder %s of %s: deadline no longer running, nothing sent", reminder_id, claim_id)
        return False
    deadline = due.deadline
    expired = due.on > deadline.last_day
    shared: dict[str, Any] = {
        "deadline_label": deadline.label,
        "last_day": deadline.last_day,
        "article": deadline.article,
        "expired": expired,
    }
    if not expired:
        shared["days_left"] = max(0, (deadline.last_day - max(today, due.on)).days)
    if deadline.to_check:
        shared["to_check"] = deadline.to_check
    notify = [Notification("deadline_reminder", shared)]
    if claim.assigned_lawyer_id:
        notify.append(
            Notification(
                "lawyer_deadline_reminder",
                shared | {"portal_url": portal_url(base_url, claim_id)},
                to="lawyer",
            )
        )
    sent = (*case.reminders_sent, reminder_id)
    what = "échu" if expired else f"jusqu'au {deadline.last_day.strftime('%d/%m/%Y')}"
    claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=PLATFORM,
        reason=f"Rappel envoyé : {deadline.label} ({deadline.article}), {what}",
        change=lambda c: replace(c, lawyer_case=replace(case_of(c), reminders_sent=sent).as_json()),
        notify=notify,
        expected_version=claim.version,
        now=now,
    )
    return True


def reschedule_reminders(
    claims: ClaimRepository, scheduler: WorkflowEngine, *, today: dt.date, real_now: dt.datetime | None = None
) -> int:
    """Start again the reminder executions of every claim whose deadline still runs (the local platform
    after a restart: its executions are not saved). Sent reminders are never sent twice."""
    started = 0
    for claim in claims.in_statuses([ClaimStatus.ORDER_GRANTED, ClaimStatus.SERVED]):
        for deadline in case_of(claim).deadlines():
            started += len(schedule_reminders(scheduler, claim, deadline, today=today, real_now=real_now))
    return started
