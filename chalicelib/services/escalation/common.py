"""What the escalation's use cases share: the actor, the ended statuses, the ports, Step Functions' time
format.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Protocol

from chalicelib.domain.actors import PLATFORM_ACTOR
from chalicelib.domain.claim import Claim, ClaimStatus

if TYPE_CHECKING:
    pass


logger = logging.getLogger("claims.escalation")

WORKFLOW_ACTOR = PLATFORM_ACTOR
_ENDED = frozenset(
    {
        ClaimStatus.WITHDRAWN,
        ClaimStatus.CLOSED,
        ClaimStatus.REJECTED,
        ClaimStatus.SETTLED,
        ClaimStatus.NEEDS_ATTENTION,
    }
)


class Reassessment(Protocol):
    """Re-run the pre-check on a paid claim; refuse and refund it when something now blocks it."""

    def __call__(self, claim: Claim) -> str | None: ...


def iso_z(moment: dt.datetime) -> str:
    """Step Functions' TimestampPath wants RFC 3339 in UTC with a trailing Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
