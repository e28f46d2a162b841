"""How long a claim file is kept, and what is left of it once the time is up (GDPR art. 5(1)(e)).

The platform's retention plan is RULEBOOK 7.1 [POLICY]: the claim file (debtor identity, invoices, letters,
proofs) stays in the **active** base until payment or closure; it is then **archived** until the latest of
the claim's prescription end and, once a court case may have produced an enforceable title, the end of that
case + 10 years; after that it is **due for anonymisation**. Every period below is a named setting citing
the rulebook; where the rulebook leaves a point open, the setting takes the reading that keeps the file
longer and says so (``POLICY (conservative)``).

Anonymising keeps the claim's skeleton (ids, creditor, status, amount, dates, the platform's own billing
records) and the audit trail re-sealed as *tombstones*: each event keeps who, when, which statuses and the
document hashes, its free text is replaced by the event's original hash, and a last event records the
original chain's last hash. The standard :func:`~chalicelib.domain.claim.verify_chain` still verifies the
re-sealed chain, and the original hashes can still be matched against any copy kept elsewhere.

Pure: no I/O. The service (``chalicelib/services/privacy.py``) reads, deletes the files and writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.actors import RETENTION_ACTOR
from chalicelib.domain.claim import GENESIS_HASH, AuditEvent, Claim, ClaimStatus, EventKind
from chalicelib.legal.dates import Duration, add_years
from chalicelib.legal.regime import BILL, CARRIAGE, CHEQUE, CIVIL, COMMERCIAL, CONSUMER, RENT

RULEBOOK = "RULEBOOK 7.1"

# --- settings (each one cites RULEBOOK 7.1) ---------------------------------------------------------------

# POLICY (RULEBOOK 7.1 "active until payment or closure"): the statuses in which the claim's purpose is over —
# paid (settled), closed, withdrawn, or refused and refunded by an operator (rejected: nothing follows but
# « closed »). Every other status, drafts included, is the active base.
ENDED_STATUSES: frozenset[ClaimStatus] = frozenset(
    {ClaimStatus.SETTLED, ClaimStatus.CLOSED, ClaimStatus.WITHDRAWN, ClaimStatus.REJECTED}
)
# POLICY (RULEBOOK 7.1 "end of any court case + 10 years for an enforceable title obtained"; C. proc. exéc.
# L111-4: a title is enforceable for 10 years).
ENFORCEABLE_TITLE_YEARS = 10
# POLICY (conservative): the statuses that show a court case which may have produced an enforceable title.
# The requête filed counts (the order may have been made without the platform hearing of it), and so does an
# opposition (the judgment that follows is a title); a requête rejected without any of these does not exist.
COURT_CASE_STATUSES: frozenset[ClaimStatus] = frozenset(
    {
        ClaimStatus.FILED,
        ClaimStatus.ORDER_GRANTED,
        ClaimStatus.SERVED,
        ClaimStatus.OPPOSED,
        ClaimStatus.ENFORCEMENT,
    }
)
# POLICY (conservative): the platform does not learn when a court case ends; it is taken to end on the day
# the claim ended on the platform (its last change, which is on or after every step the lawyer recorded).
# POLICY (conservative, RULEBOOK 1 two starting points): the prescription end is the *latest* of the stored
# pre-check's last days — the late start (due date) reading, the latest invoice — and of each debtor payment
# or acknowledgement recorded in the content (C. civ. 2240, 2231: a new period of the same duration).
# POLICY (conservative): without any stored pre-check (a draft withdrawn before submission), or for a regime
# the engine does not name, the longest period the engine knows (5 years, C. com. L110-4 / C. civ. 2224) is
# counted from the day the claim ended — every real period starts earlier, on the invoice's dates.
FALLBACK_PRESCRIPTION = Duration(years=5)
# RULEBOOK 7.1: the platform's billing records (the Stripe checkouts kept on the claim) — 10 years.
BILLING_RECORDS_YEARS = 10
# RULEBOOK 7.1: creditor account data — contract duration + 5 years (C. civ. 2224). Not applied yet: an
# account has no "closed" state in the data model (chalicelib/domain/accounts.py): no contract end is known.
CREDITOR_ACCOUNT_YEARS_AFTER_CONTRACT = 5

# What an anonymised claim says in place of the debtor's name.
ANONYMISED_DEBTOR_NAME = "[anonymisé]"

_REGIME_DURATIONS: Mapping[str, Duration] = {
    rule.code: rule.duration for rule in (COMMERCIAL, CIVIL, CONSUMER, CARRIAGE, RENT, CHEQUE, BILL)
}


class RetentionStage(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"
    DUE = "due_for_anonymisation"
    ANONYMISED = "anonymised"


RETENTION_STAGE_LABELS_FR: Mapping[RetentionStage, str] = {
    RetentionStage.ACTIVE: "Base active",
    RetentionStage.ARCHIVED: "Archivage intermédiaire",
    RetentionStage.DUE: "À anonymiser",
    RetentionStage.ANONYMISED: "Anonymisée",
}


@dataclass(frozen=True)
class KeptUntil:
    """One reason to keep an ended claim file, and until which day (included)."""

    code: str  # "prescription" | "enforceable_title" | "prescription_unknown"
    until: date
    article: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "until": self.until.isoformat(),
            "article": self.article,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Retention:
    """What applies to a claim file on a given day. ``archive_until``: the last day it is kept whole;
    ``reasons``: every reason considered, the one that governs first."""

    stage: RetentionStage
    as_of: date
    ended_on: date | None = None
    archive_until: date | None = None
    reasons: tuple[KeptUntil, ...] = ()
    detail: str = ""

    @property
    def governing(self) -> KeptUntil | None:
        return self.reasons[0] if self.reasons else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage.value,
            "label": RETENTION_STAGE_LABELS_FR[self.stage],
            "as_of": self.as_of.isoformat(),
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
            "archive_until": self.archive_until.isoformat() if self.archive_until else None,
            "reasons": [reason.as_dict() for reason in self.reasons],
            "article": RULEBOOK,
            "detail": self.detail,
        }


def is_anonymised(claim: Claim) -> bool:
    return claim.content is None and claim.debtor_name == ANONYMISED_DEBTOR_NAME


def reached_statuses(events: Iterable[AuditEvent]) -> frozenset[ClaimStatus]:
    """Every status a claim's timeline went through."""
    return frozenset(event.to_status for event in events)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def prescription_end(claim: Claim, ended_on: date) -> KeptUntil:
    """The latest day the claim may still be barred or not (see the POLICY settings above)."""
    prescription = dict((claim.assessment or {}).get("prescription") or {})
    stored = [
        _day(prescription.get("last_day")),
        _day(prescription.get("last_day_late")),
        *(_day(invoice.get("last_day_late")) for invoice in prescription.get("invoices") or ()),
        *(_day(invoice.get("last_day")) for invoice in prescription.get("invoices") or ()),
    ]
    days = [day for day in stored if day is not None]
    if not days:
        until = FALLBACK_PRESCRIPTION.after(ended_on)
        return KeptUntil(
            "prescription_unknown",
            until,
            f"{RULEBOOK} ; C. civ. 2224, C. com. L110-4",
            "aucun pré-contrôle enregistré : 5 ans comptés depuis la fin de la créance "
            f"({ended_on.isoformat()})",
        )
    regime = dict(prescription.get("regime") or {})
    duration = _REGIME_DURATIONS.get(str(regime.get("code") or ""), FALLBACK_PRESCRIPTION)
    content = claim.content or {}
    interruptions = [
        _day(part.get("date"))
        for key in ("payments", "acknowledgements")
        for part in content.get(key) or ()
        if isinstance(part, Mapping)
    ]
    restarted = [duration.after(day) for day in interruptions if day is not None]
    until = max(days + restarted)
    article = regime.get("article") or "régime inconnu"
    detail = f"fin de la prescription ({article}) au plus tard le {until.isoformat()}"
    if restarted and max(restarted) == until:
        detail += " (délai reparti du dernier paiement ou de la dernière reconnaissance, C. civ. 2240)"
    return KeptUntil("prescription", until, f"{RULEBOOK} ; C. civ. 2219", detail)


def retention_of(claim: Claim, today: date, *, reached: Iterable[ClaimStatus] = ()) -> Retention:
    """Rulebook 7.1 for one claim on ``today``. ``reached``: the statuses its timeline went through (an ended
    claim no longer shows whether it was filed in court)."""
    if is_anonymised(claim):
        return Retention(
            RetentionStage.ANONYMISED, today, detail="Données du débiteur et pièces déjà effacées."
        )
    if claim.status not in ENDED_STATUSES:
        return Retention(
            RetentionStage.ACTIVE,
            today,
            detail="Créance en cours : base active jusqu'au paiement ou à la clôture.",
        )
    ended_on = claim.updated_at.date()
    reasons = [prescription_end(claim, ended_on)]
    court = (set(reached) | {claim.status}) & COURT_CASE_STATUSES
    if court or _lawyer_recorded_a_filing(claim):
        until = add_years(ended_on, ENFORCEABLE_TITLE_YEARS)
        reasons.append(
            KeptUntil(
                "enforceable_title",
                until,
                f"{RULEBOOK} ; C. proc. exéc. L111-4",
                f"procédure judiciaire engagée : fin de l'affaire ({ended_on.isoformat()}) + "
                f"{ENFORCEABLE_TITLE_YEARS} ans pour le titre exécutoire",
            )
        )
    reasons.sort(key=lambda reason: reason.until, reverse=True)
    archive_until = reasons[0].until
    if today <= archive_until:
        return Retention(
            RetentionStage.ARCHIVED,
            today,
            ended_on,
            archive_until,
            tuple(reasons),
            f"Archivage intermédiaire jusqu'au {archive_until.isoformat()} ({reasons[0].detail}).",
        )
    return Retention(
        RetentionStage.DUE,
        today,
        ended_on,
        archive_until,
        tuple(reasons),
        f"Conservation échue le {archive_until.isoformat()} ({reasons[0].detail}) : à anonymiser.",
    )


def _lawyer_recorded_a_filing(claim: Claim) -> bool:
    case = claim.lawyer_case or {}
    return any(case.get(step) for step in ("filing", "order", "service", "opposition", "enforcement"))


# --- what anonymising keeps ------------------------------------------------------------------------------


def anonymised_claim(claim: Claim) -> Claim:
    """The claim without its personal data: the debtor, the content, the evidence list, the pre-check, the
    letter and the lawyer's record are dropped; ids, creditor, status, amount, currency, dates and the
    platform's billing records (``checkouts``, RULEBOOK 7.1: 10 years) stay."""
    return replace(
        claim,
        debtor_name=ANONYMISED_DEBTOR_NAME,
        content=None,
        documents=(),
        assessment=None,
        reference="",
        notice=None,
        lawyer_case=None,
        assigned_lawyer_id=None,
        execution_arn="",
        task_token="",
    )


def tombstone_reason(original: AuditEvent, on: date) -> str:
    return f"[Contenu effacé le {on.isoformat()} (RGPD, {RULEBOOK}) — empreinte d'origine {original.hash}]"


@dataclass(frozen=True)
class AnonymisedHistory:
    """The re-sealed timeline: ``events`` replace the stored ones (same sequence numbers), ``closing`` is
    appended; ``original_hashes``: sequence → the stored event's hash (each write is conditioned on it)."""

    events: tuple[AuditEvent, ...]
    closing: AuditEvent
    original_hashes: Mapping[int, str]
    original_last_hash: str


def anonymised_history(
    claim: Claim, events: Sequence[AuditEvent], retention: Retention, *, at: datetime
) -> AnonymisedHistory:
    """Every event's free text replaced by a tombstone naming its original hash, the chain re-sealed from
    the first event, and a closing event that records why and the original chain's last hash."""
    ordered = sorted(events, key=lambda event: event.sequence)
    previous = GENESIS_HASH
    rewritten: list[AuditEvent] = []
    for event in ordered:
        tombstone = replace(event, reason=tombstone_reason(event, at.date())).sealed(previous)
        rewritten.append(tombstone)
        previous = tombstone.hash
    original_last = ordered[-1].hash if ordered else GENESIS_HASH
    why = retention.governing.detail if retention.governing else ""
    closing = AuditEvent(
        claim_id=claim.claim_id,
        sequence=len(ordered) + 1,
        at=at,
        actor=RETENTION_ACTOR,
        from_status=claim.status,
        to_status=claim.status,
        reason=(
            f"Créance anonymisée (RGPD, {RULEBOOK}) : conservation échue le "
            f"{retention.archive_until.isoformat() if retention.archive_until else '?'} ({why}). "
            "Données du débiteur, pièces et courriers effacés ; "
            f"{len(ordered)} événements remplacés par leur empreinte d'origine ; "
            f"dernière empreinte de l'historique d'origine : {original_last}."
        ),
        kind=EventKind.NOTE,
    ).sealed(previous)
    return AnonymisedHistory(
        tuple(rewritten),
        closing,
        {event.sequence: event.hash for event in ordered},
        original_last,
    )
