"""The notice step's ports (what it needs from storage, accounts and claims), keys and constants."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from chalicelib.domain.actors import PLATFORM_ACTOR
from chalicelib.domain.claim import ClaimStatus

if TYPE_CHECKING:
    from chalicelib.documents.emails import RenderedEmail

logger = logging.getLogger("claims.notice")

ACTOR = PLATFORM_ACTOR
MAX_PDF_BYTES = 20 * 1024 * 1024
# A first presentation later than this after sending is a typing error far more often than a fact.
MAX_PRESENTATION_DELAY_DAYS = 30
# The claim may receive its notice while it is being processed (paid, or handed to an operator who
# redrives the step); never once settled, withdrawn, closed…
SENDABLE = frozenset({ClaimStatus.ASSESSING, ClaimStatus.NEEDS_ATTENTION})
_ENDED = frozenset({ClaimStatus.WITHDRAWN, ClaimStatus.CLOSED, ClaimStatus.REJECTED})

NoticeStatus = Literal["prepared", "sent"]
SendEmail = Callable[[str, "RenderedEmail"], object]


def notice_key(claim_id: str) -> str:
    return f"claims/{claim_id}/notices/mise-en-demeure.pdf"


def reminder_key(claim_id: str) -> str:
    return f"claims/{claim_id}/notices/relance.pdf"
