"""Use cases of the escalation: start it for a claim, and the checks its state machine asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from chalicelib.domain.claim import Claim, ClaimStatus


class ClaimReader(Protocol):
    def get(self, claim_id: str) -> Claim: ...


class WorkflowEngine(Protocol):
    def start(self, claim_id: str, payload: dict[str, object]) -> str: ...


_ENDED = frozenset({ClaimStatus.WITHDRAWN, ClaimStatus.CLOSED, ClaimStatus.REJECTED, ClaimStatus.SETTLED})


@dataclass(frozen=True)
class ClaimCheck:
    admissible: bool
    notice_deadline: datetime
    reason: str

    def as_task_output(self) -> dict[str, object]:
        # Step Functions' TimestampPath wants RFC 3339 in UTC with a trailing Z.
        return {
            "admissible": self.admissible,
            "notice_deadline": self.notice_deadline.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": self.reason,
        }


class Reassessment(Protocol):
    """Re-run the pre-check on a paid claim; refuse and refund it when something now blocks it."""

    def __call__(self, claim: Claim) -> str | None: ...


def check_claim(
    claim_id: str,
    *,
    claims: ClaimReader,
    now: datetime,
    notice_period_days: int,
    reassess: Reassessment | None = None,
) -> ClaimCheck:
    """Decide whether the escalation may go on, and until when the debtor has to pay.

    ``now`` must be timezone-aware (UTC). A paid claim (*assessing*) is assessed again on the day: if the
    law now blocks it (the debtor went into liquidation, the claim became time-barred…), ``reassess``
    rejects and refunds it and returns the reason.
    """
    claim = claims.get(claim_id)
    deadline = now + timedelta(days=notice_period_days)
    if claim.status in _ENDED:
        return ClaimCheck(False, deadline, f"La créance est au statut « {claim.status.value} ».")
    if reassess is not None and claim.status is ClaimStatus.ASSESSING and claim.content is not None:
        refused = reassess(claim)
        if refused is not None:
            return ClaimCheck(False, deadline, refused)
    return ClaimCheck(True, deadline, "La créance peut suivre son cours.")


def start_escalation(claim_id: str, *, engine: WorkflowEngine) -> str:
    return engine.start(claim_id, {"claim_id": claim_id})
