"""The rate feed: read the providers (ECB Data Portal, Banque de France Webstat), derive the semesters the
tables lack, and **propose** them to the operator (page « Propositions de taux » and an email), who confirms
— through the same path as a semester typed in (:func:`chalicelib.services.rates.add_semester`), so the
claims « à parfaire » are recomputed — or rejects. Nothing is applied without an operator.

Run by the ``check_rate_feeds`` schedule (daily on AWS), at start-up of the local platform, and by an
operator (``POST /v1/operator/rate-proposals/check``). Idempotent: a proposal's id is its semester and
values, so the same values are proposed (and emailed) once, even when rejected; a semester the tables hold
is never proposed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.errors import Forbidden, InvalidInput, InvalidTransition
from chalicelib.domain.notifications import RATE_PROPOSALS_SUBJECT, Notification
from chalicelib.domain.rate_proposals import ProposedSemester, derive_semesters, source_text
from chalicelib.legal.dates import Semester

if TYPE_CHECKING:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.dynamo import RateProposalModel
    from chalicelib.adapters.rate_feeds import RateFeeds
    from chalicelib.adapters.rates_repository import RateProposalRepository, RateRepository

LOG = logging.getLogger("claims.rate_feed")

PENDING, CONFIRMED, REJECTED, SUPERSEDED = "pending", "confirmed", "rejected", "superseded"
STATUS_LABELS = {
    PENDING: "à confirmer",
    CONFIRMED: "confirmée",
    REJECTED: "rejetée",
    SUPERSEDED: "sans objet (semestre déjà ajouté)",
}


@dataclass
class FeedCheck:
    """What one run did, for the logs, the operator's « vérifier maintenant » and the tests."""

    mode: str
    next_semester: str
    proposed: list[str] = field(default_factory=list)
    already_proposed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "next_semester": self.next_semester,
            "proposed": self.proposed,
            "already_proposed": self.already_proposed,
            "notes": self.notes,
            "errors": self.errors,
        }


def _percent(value: Decimal) -> str:
    """``Decimal("2.150")`` → ``"2,15"`` (as the operator reads it)."""
    text = f"{value.normalize():f}"
    if "." not in text:
        text += ".00"
    whole, _, decimals = text.partition(".")
    return f"{whole},{decimals.ljust(2, '0')}"


def check_rate_feeds(
    *,
    today: dt.date,
    now: dt.datetime,
    feeds: RateFeeds | None,
    proposals: RateProposalRepository,
    rates: RateRepository | None = None,
    base_url: str = "",
    wake_sender: bool = True,
) -> FeedCheck:
    """Read the providers and store a pending proposal (with its email) for each semester the tables lack
    whose first day has come and whose values are all published. A provider that fails is reported, never
    raised: the next run tries again."""
    from chalicelib.adapters.rate_feeds import RateFeedError
    from chalicelib.services.rates import coverage, current_tables

    tables = current_tables(rates)
    next_semester = Semester.parse(coverage(tables)["next_semester"])
    report = FeedCheck(
        "off" if feeds is None else ("local" if feeds.simulated else "live"), str(next_semester)
    )
    if feeds is None:
        report.notes.append("Flux de taux désactivé (RATE_FEED=off) : rien n'est lu.")
        return report
    if next_semester.first_day > today:
        report.notes.append(
            f"Tables à jour : le semestre {next_semester} commence le {next_semester.first_day.isoformat()}."
        )
        return report
    try:
        ecb = feeds.ecb_mro(tables.ecb_changes[-1].effective)
        particuliers = feeds.legal_rate("particuliers", next_semester.first_day)
        autres_cas = feeds.legal_rate("autres_cas", next_semester.first_day)
    except RateFeedError as error:
        report.errors.append(str(error))
        LOG.warning("rate feed: %s", error)
        return report
    derived, notes = derive_semesters(next_semester, today, ecb, particuliers, autres_cas)
    report.notes.extend(notes)
    for proposal in derived:
        created = proposals.create(
            _row(proposal, simulated=feeds.simulated, now=now),
            notification=_email(proposal, simulated=feeds.simulated, base_url=base_url),
            now=now,
        )
        (report.proposed if created else report.already_proposed).append(proposal.proposal_id)
    if report.proposed:
        LOG.info("rate feed: proposed %s", report.proposed)
        if wake_sender:
            from chalicelib.adapters.outbox_repository import start_delivery

            start_delivery(RATE_PROPOSALS_SUBJECT)
    return report


def _row(proposal: ProposedSemester, *, simulated: bool, now: dt.datetime) -> RateProposalModel:
    from chalicelib.adapters.dynamo import RateProposalModel

    return RateProposalModel(
        proposal.proposal_id,
        semester=str(proposal.semester),
        ecb_mro=str(proposal.ecb_mro),
        particuliers=str(proposal.particuliers),
        autres_cas=str(proposal.autres_cas),
        sources=[source.as_dict() for source in proposal.sources],
        source=source_text(proposal, simulated=simulated),
        simulated=simulated,
        status=PENDING,
        created_at=now,
    )


def _email(proposal: ProposedSemester, *, simulated: bool, base_url: str) -> Notification:
    from chalicelib.settings import get_settings

    base = (base_url or get_settings().public_url).rstrip("/")
    return Notification(
        "rate_proposal",
        {
            "semester": str(proposal.semester),
            "ecb_mro": _percent(proposal.ecb_mro),
            "particuliers": _percent(proposal.particuliers),
            "autres_cas": _percent(proposal.autres_cas),
            "source": source_text(proposal, simulated=simulated),
            "review_url": f"{base}/#/operateur",
            "simulated": simulated,
        },
        to="operator",
    )


def view(row: RateProposalModel) -> dict[str, Any]:
    """A proposal as the API returns it."""
    return {
        "proposal_id": row.proposal_id,
        "semester": row.semester,
        "ecb_mro": row.ecb_mro,
        "particuliers": row.particuliers,
        "autres_cas": row.autres_cas,
        "sources": list(row.sources or []),
        "source": row.source,
        "simulated": bool(row.simulated),
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "decided_by": row.decided_by,
        "reason": row.reason,
    }


def _operator(identity: Identity) -> str:
    if identity.role is not Role.OPERATOR:
        raise Forbidden("Réservé aux opérateurs de la plateforme.")
    return identity.email or identity.user_id


def list_proposals(identity: Identity, proposals: RateProposalRepository) -> list[dict[str, Any]]:
    _operator(identity)
    return [view(row) for row in proposals.all()]


def confirm_proposal(
    identity: Identity,
    proposal_id: str,
    *,
    proposals: RateProposalRepository,
    rates: RateRepository,
    claims: ClaimRepository,
    accounts: AccountRepository,
    today: dt.date,
    now: dt.datetime,
) -> dict[str, Any]:
    """Add the proposed semester with its source (the claims « à parfaire » are recomputed), then close the
    proposal and any other pending one for the same semester."""
    from chalicelib.legal.rates import load_tables, tables_with
    from chalicelib.services.rates import add_semester

    by = _operator(identity)
    row = proposals.get(proposal_id)
    if row.status != PENDING:
        raise InvalidTransition(f"Cette proposition est déjà {STATUS_LABELS.get(row.status, row.status)}.")
    added_rows = rates.added()  # read now, not the cached tables: another operator may have just added it
    if Semester.parse(row.semester) in (tables_with(added_rows) if added_rows else load_tables()).legal:
        proposals.decide(proposal_id, status=SUPERSEDED, by=by, now=now)
        raise InvalidTransition(
            f"Le semestre {row.semester} figure déjà dans les tables : la proposition est close sans effet."
        )
    added = add_semester(
        identity,
        {
            "semester": row.semester,
            "ecb_mro": row.ecb_mro,
            "particuliers": row.particuliers,
            "autres_cas": row.autres_cas,
            "source": row.source,
        },
        rates=rates,
        claims=claims,
        accounts=accounts,
        today=today,
        now=now,
    )
    if not proposals.decide(proposal_id, status=CONFIRMED, by=by, now=now):
        LOG.warning("rate proposal %s: semester added but the proposal was no longer pending", proposal_id)
    for other in proposals.all():
        if other.semester == row.semester and other.status == PENDING and other.proposal_id != proposal_id:
            proposals.decide(other.proposal_id, status=SUPERSEDED, by=by, now=now)
    return {"proposal": view(proposals.get(proposal_id)), "semester_added": added.as_dict()}


def reject_proposal(
    identity: Identity,
    proposal_id: str,
    reason: str | None,
    *,
    proposals: RateProposalRepository,
    now: dt.datetime,
) -> dict[str, Any]:
    """Close a proposal without touching the tables (the same values are never proposed again)."""
    by = _operator(identity)
    text = (reason or "").strip()
    if len(text) > 500:
        raise InvalidInput("Motif : 500 caractères au plus.", field="reason")
    row = proposals.get(proposal_id)
    if row.status != PENDING or not proposals.decide(
        proposal_id, status=REJECTED, by=by, now=now, reason=text or None
    ):
        current = proposals.get(proposal_id).status
        raise InvalidTransition(f"Cette proposition est déjà {STATUS_LABELS.get(current, current)}.")
    return {"proposal": view(proposals.get(proposal_id))}
