"""The claim and its lifecycle: which status may follow which, and the audit trail of every change.

Pure: no I/O. The repository refuses any write that :func:`check_transition` does not allow.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.domain.payments import Checkout, PaymentStep


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    PURCHASE_ORDER = "purchase_order"
    CONTRACT = "contract"
    DELIVERY_PROOF = "delivery_proof"
    CORRESPONDENCE = "correspondence"
    ACKNOWLEDGEMENT = "acknowledgement"
    # A partial payment's proof (bank statement, remittance): it interrupts prescription like an
    # acknowledgement (C. civ. 2240) and justifies the balance claimed.
    PAYMENT_PROOF = "payment_proof"
    OTHER = "other"


DOCUMENT_KIND_LABELS_FR: Mapping[DocumentKind, str] = {
    DocumentKind.INVOICE: "Facture",
    DocumentKind.PURCHASE_ORDER: "Bon de commande ou devis accepté",
    DocumentKind.CONTRACT: "Contrat ou conditions générales de vente",
    DocumentKind.DELIVERY_PROOF: "Preuve de livraison ou d'exécution",
    DocumentKind.CORRESPONDENCE: "Correspondance",
    DocumentKind.ACKNOWLEDGEMENT: "Reconnaissance de dette",
    DocumentKind.PAYMENT_PROOF: "Preuve de paiement partiel",
    DocumentKind.OTHER: "Autre pièce",
}


@dataclass(frozen=True)
class EvidenceDocument:
    """A file the creditor uploaded. ``accepted`` once its bytes passed the checks (type, size, content);
    until then it is ``pending`` (the upload slot was handed out but nothing was verified yet)."""

    document_id: str
    kind: DocumentKind
    filename: str
    storage_key: str
    status: str  # "pending" | "accepted"
    created_at: datetime
    media_type: str = ""
    size: int = 0
    sha256: str = ""
    pages: int = 0
    title: str = ""
    document_date: str = ""  # ISO date printed on the document, when the creditor gives it

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def as_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "kind": self.kind.value,
            "filename": self.filename,
            "storage_key": self.storage_key,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            "pages": self.pages,
            "title": self.title,
            "document_date": self.document_date,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EvidenceDocument:
        return cls(
            document_id=str(data["document_id"]),
            kind=DocumentKind(data["kind"]),
            filename=str(data["filename"]),
            storage_key=str(data["storage_key"]),
            status=str(data["status"]),
            created_at=datetime.fromisoformat(str(data["created_at"])),
            media_type=str(data.get("media_type", "")),
            size=int(data.get("size", 0)),
            sha256=str(data.get("sha256", "")),
            pages=int(data.get("pages", 0)),
            title=str(data.get("title", "")),
            document_date=str(data.get("document_date", "")),
        )


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    ASSESSING = "assessing"
    # Paid, but the engine wants a lawyer to decide before any letter (prescription at risk, RULEBOOK 1.2,
    # or another review finding): no automatic mise en demeure until a partner lawyer approves.
    LAWYER_REVIEW = "lawyer_review"
    REJECTED = "rejected"
    NOTICE_SENT = "notice_sent"
    SETTLED = "settled"
    DISPUTED = "disputed"
    ESCALATION_OFFERED = "escalation_offered"
    DOSSIER_READY = "dossier_ready"
    WITH_LAWYER = "with_lawyer"
    FILED = "filed"
    # After the requête (RULEBOOK 2.7): the judge's order, its service, then opposition or enforcement.
    ORDER_GRANTED = "order_granted"  # wholly or partly granted (the outcome is on the lawyer case)
    ORDER_REJECTED = "order_rejected"
    SERVED = "served"
    OPPOSED = "opposed"
    ENFORCEMENT = "enforcement"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    # A workflow step failed for good: an operator must look at it (nothing is lost, the execution can be
    # redriven from the claim's recorded progress).
    NEEDS_ATTENTION = "needs_attention"


S = ClaimStatus

# Which status may follow which. ``withdrawn`` is reachable from every status before ``filed``.
_FORWARD: Mapping[ClaimStatus, frozenset[ClaimStatus]] = {
    S.DRAFT: frozenset({S.AWAITING_PAYMENT}),
    S.AWAITING_PAYMENT: frozenset({S.DRAFT, S.ASSESSING}),
    S.ASSESSING: frozenset({S.REJECTED, S.NOTICE_SENT, S.LAWYER_REVIEW}),
    # The reviewing lawyer approves (back to the automatic path, which sends the notice) or refuses
    # (rejected and refunded).
    S.LAWYER_REVIEW: frozenset({S.ASSESSING, S.REJECTED}),
    S.REJECTED: frozenset({S.CLOSED}),
    # Closed when the debtor's collective proceedings forbid the injonction (the claim is to be declared).
    S.NOTICE_SENT: frozenset({S.SETTLED, S.DISPUTED, S.ESCALATION_OFFERED, S.CLOSED}),
    S.DISPUTED: frozenset({S.SETTLED, S.ESCALATION_OFFERED, S.CLOSED}),
    S.ESCALATION_OFFERED: frozenset({S.DOSSIER_READY, S.SETTLED, S.CLOSED}),
    S.DOSSIER_READY: frozenset({S.WITH_LAWYER, S.SETTLED}),
    # A lawyer who declines sends the dossier back to be assigned again.
    S.WITH_LAWYER: frozenset({S.FILED, S.DOSSIER_READY, S.SETTLED}),
    S.FILED: frozenset({S.ORDER_GRANTED, S.ORDER_REJECTED, S.SETTLED, S.CLOSED}),
    S.ORDER_GRANTED: frozenset({S.SERVED, S.SETTLED, S.CLOSED}),
    # A rejection cannot be appealed by the creditor (CPC 1409): an ordinary action is a new matter.
    S.ORDER_REJECTED: frozenset({S.SETTLED, S.CLOSED}),
    S.SERVED: frozenset({S.OPPOSED, S.ENFORCEMENT, S.SETTLED, S.CLOSED}),
    # After opposition the case is an ordinary contested one; its judgment may be enforced.
    S.OPPOSED: frozenset({S.ENFORCEMENT, S.SETTLED, S.CLOSED}),
    S.ENFORCEMENT: frozenset({S.SETTLED, S.CLOSED}),
    S.SETTLED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset(),
    S.CLOSED: frozenset(),
    S.NEEDS_ATTENTION: frozenset(
        {
            S.ASSESSING,
            S.LAWYER_REVIEW,
            S.NOTICE_SENT,
            S.ESCALATION_OFFERED,
            S.DOSSIER_READY,
            S.REJECTED,
            S.SETTLED,
            S.CLOSED,
        }
    ),
}
# Any step of the automatic path may fail for good and hand the claim to an operator.
_FAILABLE = frozenset(
    {
        S.ASSESSING,
        S.LAWYER_REVIEW,
        S.NOTICE_SENT,
        S.DISPUTED,
        S.ESCALATION_OFFERED,
        S.DOSSIER_READY,
        S.WITH_LAWYER,
    }
)
_WITHDRAWABLE = frozenset(
    {
        S.DRAFT,
        S.AWAITING_PAYMENT,
        S.ASSESSING,
        S.LAWYER_REVIEW,
        S.NOTICE_SENT,
        S.DISPUTED,
        S.ESCALATION_OFFERED,
        S.DOSSIER_READY,
        S.WITH_LAWYER,
        S.NEEDS_ATTENTION,
    }
)

ALLOWED_TRANSITIONS: Mapping[ClaimStatus, frozenset[ClaimStatus]] = {
    status: targets
    | ({S.WITHDRAWN} if status in _WITHDRAWABLE else frozenset())
    | ({S.NEEDS_ATTENTION} if status in _FAILABLE else frozenset())
    for status, targets in _FORWARD.items()
}

STATUS_LABELS_FR: Mapping[ClaimStatus, str] = {
    S.DRAFT: "Brouillon",
    S.AWAITING_PAYMENT: "En attente de paiement",
    S.ASSESSING: "Analyse en cours",
    S.LAWYER_REVIEW: "En revue par un avocat",
    S.REJECTED: "Refusée",
    S.NOTICE_SENT: "Mise en demeure envoyée",
    S.SETTLED: "Réglée",
    S.DISPUTED: "Contestée par le débiteur",
    S.ESCALATION_OFFERED: "Injonction de payer proposée",
    S.DOSSIER_READY: "Dossier prêt",
    S.WITH_LAWYER: "Confiée à un avocat",
    S.FILED: "Requête déposée",
    S.ORDER_GRANTED: "Ordonnance d'injonction de payer rendue",
    S.ORDER_REJECTED: "Requête rejetée par le juge",
    S.SERVED: "Ordonnance signifiée au débiteur",
    S.OPPOSED: "Opposition du débiteur",
    S.ENFORCEMENT: "Exécution forcée engagée",
    S.CLOSED: "Clôturée",
    S.WITHDRAWN: "Retirée",
    S.NEEDS_ATTENTION: "En cours d'examen par l'équipe",
}


def check_transition(current: ClaimStatus, target: ClaimStatus) -> None:
    """Raise :class:`InvalidTransition` unless ``current → target`` is a legal move."""
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(
            f"Une créance « {STATUS_LABELS_FR[current]} » "
            f"ne peut pas passer à « {STATUS_LABELS_FR[target]} ».",
        )


class EventKind(StrEnum):
    """What an audit event records. Status changes are the lifecycle; the others keep the timeline whole."""

    STATUS_CHANGED = "status_changed"
    CONTENT_UPDATED = "content_updated"
    DOCUMENT_ADDED = "document_added"
    DOCUMENT_REMOVED = "document_removed"
    PAYMENT = "payment"
    REFUND = "refund"
    NOTE = "note"
    # The partner lawyer's side: assignment, acceptance or refusal, every download of the dossier.
    LAWYER = "lawyer"
    DOWNLOAD = "download"


EVENT_LABELS_FR: Mapping[EventKind, str] = {
    EventKind.STATUS_CHANGED: "Changement de statut",
    EventKind.CONTENT_UPDATED: "Créance modifiée",
    EventKind.DOCUMENT_ADDED: "Pièce ajoutée",
    EventKind.DOCUMENT_REMOVED: "Pièce retirée",
    EventKind.PAYMENT: "Paiement",
    EventKind.REFUND: "Remboursement",
    EventKind.NOTE: "Information",
    EventKind.LAWYER: "Avocat partenaire",
    EventKind.DOWNLOAD: "Téléchargement du dossier",
}

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    """One entry of a claim's timeline, appended and never modified.

    Events are hash-chained: ``hash`` covers every field and ``prev_hash`` (the previous event's
    ``hash``; :data:`GENESIS_HASH` for the first), so an edited, removed or reordered event is detected
    by :func:`verify_chain`."""

    claim_id: str
    sequence: int
    at: datetime
    actor: str
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    reason: str
    document_hashes: Mapping[str, str] = field(default_factory=dict)
    kind: EventKind = EventKind.STATUS_CHANGED
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but ``hash`` itself, as sorted compact JSON."""
        payload: dict[str, Any] = {
            "claim_id": self.claim_id,
            "sequence": self.sequence,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor": self.actor,
            "kind": self.kind.value,
            "from_status": self.from_status.value if self.from_status else None,
            "to_status": self.to_status.value,
            "reason": self.reason,
            "document_hashes": dict(sorted(self.document_hashes.items())),
            "prev_hash": self.prev_hash,
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def computed_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def sealed(self, prev_hash: str) -> AuditEvent:
        """This event chained after ``prev_hash``, with its own hash filled in."""
        linked = replace(self, prev_hash=prev_hash, hash="")
        return replace(linked, hash=linked.computed_hash())


@dataclass(frozen=True)
class ChainCheck:
    """The result of :func:`verify_chain`: valid, or where and why the timeline was tampered with."""

    valid: bool
    events: int
    broken_at: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "events": self.events,
            "broken_at": self.broken_at,
            "reason": self.reason,
        }


def verify_chain(
    events: Iterable[AuditEvent], *, last_hash: str | None = None, known_count: int | None = None
) -> ChainCheck:
    """Recompute every link of a claim's timeline. ``last_hash`` and ``known_count`` (kept on the claim
    item) also detect events removed from the end; events appended after the claim was read (a workflow
    still running) are checked like the others and do not count as tampering."""
    ordered = sorted(events, key=lambda event: event.sequence)
    previous = GENESIS_HASH
    hashes: list[str] = []
    for expected_sequence, event in enumerate(ordered, start=1):
        if event.sequence != expected_sequence:
            return ChainCheck(
                False, len(ordered), expected_sequence, f"L'événement n° {expected_sequence} est manquant."
            )
        if event.prev_hash != previous:
            return ChainCheck(
                False,
                len(ordered),
                event.sequence,
                f"L'événement n° {event.sequence} ne suit pas l'événement précédent (chaînage rompu).",
            )
        if event.computed_hash() != event.hash:
            return ChainCheck(
                False,
                len(ordered),
                event.sequence,
                f"L'événement n° {event.sequence} a été modifié après son enregistrement.",
            )
        previous = event.hash
        hashes.append(event.hash)
    if last_hash is not None:
        count = known_count if known_count is not None else len(hashes)
        if count > len(hashes) or (count > 0 and hashes[count - 1] != last_hash):
            return ChainCheck(
                False,
                len(ordered),
                len(ordered) + 1,
                "Des événements ont été retirés de la fin de l'historique.",
            )
    return ChainCheck(True, len(ordered))


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
    # What the creditor filed (ClaimContent.as_json()), the evidence, the last pre-check.
    content: Mapping[str, Any] | None = None
    documents: tuple[EvidenceDocument, ...] = ()
    assessment: Mapping[str, Any] | None = None
    reference: str = ""
    # Hash of the newest audit event: the next one chains onto it.
    last_event_hash: str = GENESIS_HASH
    # One Stripe Checkout per payable step (chalicelib/domain/payments.py), oldest first.
    checkouts: tuple[Checkout, ...] = ()
    # The escalation's execution, and the task token of the step waiting for a human (callback).
    execution_arn: str = ""
    task_token: str = ""
    # The formal notice once sent (chalicelib/services/notice.py): document key and hash, channel,
    # tracking number, first presentation, payment deadline — plain JSON.
    notice: NoticeRecord | None = None
    # The partner lawyer's side (chalicelib/domain/lawyer_case.py LawyerCase.as_json()): plain JSON.
    lawyer_case: Mapping[str, Any] | None = None
    # The partner lawyer's review before any letter (chalicelib/services/review.py): who, why, when, and
    # the decision — plain JSON.
    review: Mapping[str, Any] | None = None

    def moved_to(self, target: ClaimStatus, *, at: datetime) -> Claim:
        check_transition(self.status, target)
        return replace(self, status=target, updated_at=at, event_count=self.event_count + 1)

    @property
    def accepted_documents(self) -> tuple[EvidenceDocument, ...]:
        return tuple(document for document in self.documents if document.accepted)

    def document(self, document_id: str) -> EvidenceDocument | None:
        return next((d for d in self.documents if d.document_id == document_id), None)

    def checkout(self, session_id: str) -> Checkout | None:
        return next((c for c in self.checkouts if c.session_id == session_id), None)

    def checkout_for(self, step: PaymentStep) -> Checkout | None:
        """The newest checkout of ``step``."""
        return next((c for c in reversed(self.checkouts) if c.step is step), None)

    def with_checkout(self, checkout: Checkout) -> Claim:
        """This claim with ``checkout`` added, or replacing the one with the same session id."""
        if any(c.session_id == checkout.session_id for c in self.checkouts):
            updated = tuple(checkout if c.session_id == checkout.session_id else c for c in self.checkouts)
            return replace(self, checkouts=updated)
        return replace(self, checkouts=(*self.checkouts, checkout))

    def document_hashes(self) -> dict[str, str]:
        """``{document_id: sha256}`` of every accepted piece: what an audit event records."""
        return {d.document_id: d.sha256 for d in self.accepted_documents}
