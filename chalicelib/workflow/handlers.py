"""One small handler per state-machine Task: dict in, dict out. No logic here, only wiring."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.domain.errors import InvalidInput
from chalicelib.services import escalation
from chalicelib.settings import get_settings


def check_claim(event: dict[str, Any]) -> dict[str, object]:
    claim_id = event.get("claim_id")
    if not isinstance(claim_id, str) or not claim_id:
        raise InvalidInput("claim_id manquant dans l'entrée de la tâche.", field="claim_id")
    result = escalation.check_claim(
        claim_id,
        claims=ClaimRepository(),
        now=datetime.now(UTC),
        notice_period_days=get_settings().notice_period_days_b2b,
    )
    return result.as_task_output()
