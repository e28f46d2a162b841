"""The claim and its lifecycle: which status may follow which, and the audit trail of every change.

Pure: no I/O. The repository refuses any write that :func:`check_transition` does not allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from chalicelib.domain.errors import InvalidTransition


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    ASSESSING = "assessing"
    REJECTED = "rejected"
    NOTICE_SENT = "notice_sent"
    SETTLED = "settled"
    DISPUTED = "disputed"
    ESCALATION_OFFERED = "escalation_offered"
    DOSSIER_READY = "dossier_ready"
    WITH_LAWYER = "with_lawyer"
    FILED = "filed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


S = ClaimStatus

# Which status may follow which. ``withdrawn`` is reachable from every status before ``filed``.
_FORWARD: Mapping[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DRAFT: frozenset({S.AWAITING_PAYMENT}),
    S.AWAITING_PAYMENT: frozenset({S.DRAFT, S.ASSESSING}),
    S.ASSESSING: frozenset({S.REJECTED, S.NOTICE_SENT}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.NOTICE_SENT: frozenset({S.SETTLED, S.DISPUTED, S.ESCALATION_OFFERED}),
    S.DISPUTED: frozenset({S.SETTLED, S.ESCALATION_OFFERED, S.CLOSED}),
    S.ESCALATION_OFFERED: frozenset({S.DOSSIER_READY, S.SETTLED, S.CLOSED}),
    S.DOSSIER_READY: frozenset({S.WITH_LAWYER, S.SETTLED}),
    # A lawyer who declines sends the dossier back to be assigned again.
    S.WITH_LAWYER: frozenset({S.FILED, S.DOSSIER_READY, S.SETTLED}),
    S.FILED: frozenset({S.SETTLED, S.CLOSED}),
    S.SETTLED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset(),
    S.CLOSED: frozenset(),
}
_WITHDRAWABLE = frozenset(
    {
        S.DRAFT,
        S.AWAITING_PAYMENT,
        S.ASSESSING,
        S.NOTICE_SENT,
        S.DISPUTED,
        S.ESCALATION_OFFERED,
        S.DOSSIER_READY,
        S.WITH_LAWYER,
    }
)

ALLOWED_TRANSITIONS: Mapping[ClaimStatus, frozenset[ClaimStatus]] = {
    status: targets | ({S.WITHDRAWN} if status in _WITHDRAWABLE else frozenset())
    for status, targets in _FORWARD.items()
}

STATUS_LABELS_FR: Mapping[ClaimStatus, str] = {
    S.DRAFT: "Brouillon",
    S.AWAITING_PAYMENT: "En attente de paiement",
    S.ASSESSING: "Analyse en cours",
    S.REJECTED: "Refusée",
    S.NOTICE_SENT: "Mise en demeure envoyée",
    S.SETTLED: "Réglée",
    S.DISPUTED: "Contestée par le débiteur",
    S.ESCALATION_OFFERED: "Injonction de payer proposée",
    S.DOSSIER_READY: "Dossier prêt",
    S.WITH_LAWYER: "Confiée à un avocat",
    S.FILED: "Requête déposée",
    S.CLOSED: "Clôturée",
    S.WITHDRAWN: "Retirée",
}


def check_transition(current: ClaimStatus, target: ClaimStatus) -> None:
    """Raise :class:`InvalidTransition` unless ``current → target`` is a legal move."""
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(
            f"Une créance « {STATUS_LABELS_FR[current]} » "
            f"ne peut pas passer à « {STATUS_LABELS_FR[target]} ».",
        )


@dataclass(frozen=True)
class AuditEvent:
    """One status change, appended and never modified."""

    claim_id: str
    sequence: int
    at: datetime
    actor: str
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    reason: str
    document_hashes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Claim:
    claim_id: str
    creditor_id: str
    status: ClaimStatus
    debtor_name: str
    principal_cents: int
    created_at: datetime
    updated_at: datetime
    currency: str = "EUR"
    # The partner lawyer the dossier is entrusted to (None until one is assigned).
    assigned_lawyer_id: str | None = None
    # Number of audit events so far; the next event gets ``event_count + 1``.
    event_count: int = 0
    # Optimistic-locking version, owned by the repository (None before the first save).
    version: int | None = None

    def moved_to(self, target: ClaimStatus, *, at: datetime) -> Claim:
        check_transition(self.status, target)
        return replace(self, status=target, updated_at=at, event_count=self.event_count + 1)
