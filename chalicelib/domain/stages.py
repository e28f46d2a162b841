"""The way a claim goes, as the creditor follows it (issue 24): the stage tracker of the claim page.

Nine stages, in order; every status of the lifecycle (:data:`chalicelib.domain.claim.ALLOWED_TRANSITIONS`)
sits on one of them, or ends the way (settled, withdrawn, rejected, closed). :func:`tracker` gives each
stage's state (done, current, to come), the date it was reached when the claim knows it, and the next
stage with the date it falls due (the debtor's deadline, the offer's expiry, the opposition's end…).
Pure: the claim in, plain data out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.lawyer_case import LawyerCase
from chalicelib.domain.payments import PaymentStep

S = ClaimStatus

# (key, label) in the order a claim goes through them.
STAGES: tuple[tuple[str, str], ...] = (
    ("draft", "Dépôt"),
    ("paid", "Paiement et vérification"),
    ("notice", "Mise en demeure"),
    ("deadline", "Délai du débiteur"),
    ("injonction", "Injonction de payer"),
    ("lawyer", "Avocat partenaire"),
    ("filed", "Requête au tribunal"),
    ("order", "Ordonnance du juge"),
    ("enforcement", "Signification et exécution"),
)
KEYS = tuple(key for key, _ in STAGES)

# The stage each status of the way belongs to.
STAGE_OF: Mapping[ClaimStatus, str] = {
    S.DRAFT: "draft",
    S.AWAITING_PAYMENT: "paid",
    S.ASSESSING: "paid",
    S.LAWYER_REVIEW: "paid",
    S.NOTICE_SENT: "deadline",
    S.DISPUTED: "deadline",
    S.ESCALATION_OFFERED: "injonction",
    S.DOSSIER_READY: "lawyer",
    S.WITH_LAWYER: "lawyer",
    S.FILED: "order",
    S.ORDER_GRANTED: "enforcement",
    S.ORDER_REJECTED: "order",
    S.SERVED: "enforcement",
    S.OPPOSED: "enforcement",
    S.ENFORCEMENT: "enforcement",
}
# The statuses that end the way (the tracker keeps the stage reached and says how it ended), or put it on
# hold (needs_attention: the stage reached stays current).
ENDINGS: Mapping[ClaimStatus, str] = {
    S.SETTLED: "Créance réglée",
    S.CLOSED: "Dossier clôturé",
    S.WITHDRAWN: "Créance retirée",
    S.REJECTED: "Créance refusée et remboursée",
}
ON_HOLD = frozenset({S.NEEDS_ATTENTION})
# The lifecycle's only steps back along the way: an unpaid checkout returns the claim to its draft.
STEPS_BACK = frozenset({(S.AWAITING_PAYMENT, S.DRAFT)})


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # done | current | todo
    date: dt.date | None

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "state": self.state,
            "date": self.date.isoformat() if self.date else None,
        }


def _paid_on(claim: Claim, step: PaymentStep) -> dt.date | None:
    paid = [c.paid_at for c in claim.checkouts if c.step is step and c.paid_at is not None]
    return min(paid).date() if paid else None


def _dates(claim: Claim) -> dict[str, dt.date | None]:
    """The day each stage was reached, from what the claim records (None: not reached, or not recorded)."""
    notice = claim.notice
    case = LawyerCase.from_json(claim.lawyer_case) if claim.lawyer_case else None
    dossier = notice.dossier if notice else None
    assembled = dossier.assembled_at[:10] if dossier and dossier.assembled_at else ""
    return {
        "draft": claim.created_at.date(),
        "paid": _paid_on(claim, PaymentStep.NOTICE),
        "notice": notice.sent_on if notice else None,
        "deadline": notice.sent_on if notice else None,
        "injonction": _paid_on(claim, PaymentStep.DOSSIER),
        "lawyer": (case.assigned_at.date() if case and case.assigned_at else None)
        or (dt.date.fromisoformat(assembled) if assembled else None),
        "filed": case.filing.filed_on if case and case.filing else None,
        "order": case.order.ordered_on if case and case.order else None,
        "enforcement": (case.service.served_on if case and case.service else None)
        or (case.enforcement.started_on if case and case.enforcement else None),
    }


def current_stage(claim: Claim, dates: Mapping[str, dt.date | None], reached: str | None = None) -> str:
    """The stage the claim stands at; an ended or held claim keeps the furthest stage it reached (``dates``:
    :func:`_dates` of the claim)."""
    if claim.status in STAGE_OF:
        return STAGE_OF[claim.status]
    if reached:
        return reached
    return next((key for key in reversed(KEYS) if dates[key] is not None), "draft")


def tracker(claim: Claim, *, reached: str | None = None) -> dict[str, Any]:
    """The stages with their state and date, the current one, and the next one with its due date.

    ``reached``: for an ended or held claim, the stage it had reached (the caller may know it from the
    timeline; otherwise it is deduced from the dates the claim records)."""
    dates = _dates(claim)
    current = current_stage(claim, dates, reached)
    index = KEYS.index(current)
    ended = ENDINGS.get(claim.status)
    steps = []
    for position, (key, label) in enumerate(STAGES):
        if position < index or (ended is not None and position == index):
            state = "done"
        elif position == index:
            state = "current"
        else:
            state = "todo"
        steps.append(Step(key, label, state, dates[key] if state != "todo" else None))
    next_label, next_date = (None, None) if ended else _next(claim, index)
    return {
        "current": current,
        "current_label": STAGES[index][1],
        "current_date": (dates[current] or claim.updated_at.date()).isoformat(),
        "ended": ended,
        "on_hold": claim.status in ON_HOLD,
        "next": {"label": next_label, "date": next_date.isoformat() if next_date else None}
        if next_label
        else None,
        "steps": [s.as_json() for s in steps],
    }


def _next(claim: Claim, index: int) -> tuple[str | None, dt.date | None]:
    """The next stage and the date it falls due, when the claim knows it."""
    if index + 1 >= len(STAGES):
        return None, None
    label = STAGES[index + 1][1]
    notice = claim.notice
    if claim.status is S.NOTICE_SENT and notice and notice.deadline:
        return f"{label} si le débiteur n'a pas payé", notice.deadline + dt.timedelta(days=1)
    if claim.lawyer_case:
        running = LawyerCase.from_json(claim.lawyer_case).deadlines()
        if running:
            return running[0].label, running[0].last_day
    return label, None
