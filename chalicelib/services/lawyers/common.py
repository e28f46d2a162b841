"""What every part of the lawyers' side shares: constants, ports, and reading a dossier's record."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from chalicelib.domain.accounts import Account
from chalicelib.domain.actors import PLATFORM_ACTOR
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.lawyer_case import (
    LawyerCase,
)
from chalicelib.domain.notice_record import DossierRecord
from chalicelib.legal.procedure import (
    ProcedureDeadline,
)

if TYPE_CHECKING:
    pass

logger = logging.getLogger("claims.lawyers")

PLATFORM = PLATFORM_ACTOR
# [POLICY] How long a download link works. Short: a link forwarded by mistake soon stops working.
LINK_EXPIRES_SECONDS = 300
# Dossiers that count against a lawyer's capacity (assigned and not finished).
OPEN_STATUSES = frozenset(
    {
        ClaimStatus.DOSSIER_READY,
        ClaimStatus.WITH_LAWYER,
        ClaimStatus.FILED,
        ClaimStatus.ORDER_GRANTED,
        ClaimStatus.SERVED,
        ClaimStatus.OPPOSED,
        ClaimStatus.ENFORCEMENT,
    }
)
# Past this point the lawyer has filed: the dossier cannot be given back through the portal.
_AFTER_ACCEPTANCE = OPEN_STATUSES - {ClaimStatus.DOSSIER_READY}
# When reminders are sent, Paris time [POLICY].
REMINDER_HOUR = dt.time(8, 0)

Document = Literal["pdf", "zip"]
DOCUMENT_LABELS_FR: Mapping[str, str] = {"pdf": "dossier complet (PDF)", "zip": "dossier (archive ZIP)"}
Resume = Callable[[str, dict[str, Any]], None]


# ---------------------------------------------------------------------------------------------------
# reading a dossier
# ---------------------------------------------------------------------------------------------------
def dossier_info(claim: Claim) -> DossierRecord:
    """What the dossier's assembly recorded: keys, hashes, court, département, amount, urgency."""
    return (claim.notice.dossier if claim.notice else None) or DossierRecord()


def case_of(claim: Claim) -> LawyerCase:
    return LawyerCase.from_json(claim.lawyer_case)


def lawyer_name(account: Account | None) -> str:
    """``Maître Jeanne Martin`` (the title is added unless the name already carries it)."""
    if account is None or account.lawyer is None or not account.lawyer.name.strip():
        return "l'avocat partenaire"
    name = account.lawyer.name.strip()
    return name if re.match(r"(?i)^(ma[iî]tre|me)\b", name) else f"Maître {name}"


def portal_url(base_url: str, claim_id: str) -> str:
    return f"{base_url.rstrip('/')}/#/avocat/dossiers/{claim_id}"


def next_deadline(claim: Claim, today: dt.date) -> ProcedureDeadline | None:
    """The deadline the lawyer's list shows: the first still running after the order."""
    running = [d for d in case_of(claim).deadlines() if d.last_day >= today]
    return min(running, key=lambda d: d.last_day) if running else None
