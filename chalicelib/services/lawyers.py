"""Partner lawyers and their dossiers: assignment when a dossier is ready, acceptance or refusal (which
answers the escalation's waiting task), short-lived download links, and what the lawyer records after
filing — the requête, the order, its service, an opposition, enforcement — with the reminders of the
deadlines that follow the order (CPC 1411, 1416; chalicelib/legal/procedure.py).

A lawyer reaches a dossier only through ``ClaimRepository.get_for`` (not assigned to them → 404). Links
point at a copy of the dossier made for the lawyer in charge (``shares/<claim>/<lawyer>/…``): when the
dossier is declined or taken back the copy is deleted, so links already given stop working at once, and
every link expires after :data:`LINK_EXPIRES_SECONDS` anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from chalicelib.clock import to_real_clock
from chalicelib.domain.accounts import Account, Identity, Role
from chalicelib.domain.assignment import Candidate, choose_lawyer
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import InvalidInput, InvalidTransition, NotFound
from chalicelib.domain.lawyer_case import (
    DECLINE_LABELS_FR,
    OUTCOME_LABELS_FR,
    Enforcement,
    Filing,
    LawyerCase,
    Opposition,
    Order,
    OrderOutcome,
    Service,
)
from chalicelib.domain.notifications import Notification
from chalicelib.domain.payments import euros
from chalicelib.legal.procedure import (
    ProcedureDeadline,
    Reminder,
    opposition_deadline,
    reminders,
    service_deadline,
)
from chalicelib.settings import PARIS

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.lawyers")

PLATFORM = "plateforme"
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


class Lawyers(Protocol):
    def find(self, user_id: str) -> Account | None: ...
    def list_by_role(self, role: Role) -> list[Account]: ...


class Store(Protocol):
    def get(self, key: str, max_bytes: int) -> bytes: ...
    def put(self, key: str, content: bytes, content_type: str) -> None: ...
    def copy(self, source: str, target: str) -> None: ...
    def size(self, key: str) -> int | None: ...
    def delete(self, key: str) -> None: ...
    def presigned_get(self, key: str, filename: str, expires_in: int = 300) -> str: ...


class Scheduler(Protocol):
    def start_once(self, name: str, payload: dict[str, Any]) -> str: ...


# ---------------------------------------------------------------------------------------------------
# reading a dossier
# ---------------------------------------------------------------------------------------------------
def dossier_info(claim: Claim) -> Mapping[str, Any]:
    """What the dossier's assembly recorded: keys, hashes, court, département, amount, urgency."""
    return dict(dict(claim.notice or {}).get("dossier") or {})


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


# ---------------------------------------------------------------------------------------------------
# assignment (the escalation's AssignLawyer task, or an operator's retry)
# ---------------------------------------------------------------------------------------------------
def candidates(lawyers: Lawyers, claims: ClaimRepository) -> list[Candidate]:
    """Every lawyer account as the assignment rule sees it, with their open dossiers counted."""
    found = []
    for account in lawyers.list_by_role(Role.LAWYER):
        profile = account.lawyer
        if profile is None:
            continue
        assigned = claims.assigned_to(account.user_id)
        open_dossiers = [c for c in assigned if c.status in OPEN_STATUSES]
        moments = [at for at in (case_of(c).assigned_at for c in assigned) if at is not None]
        last = max(moments, default=None)
        found.append(
            Candidate(
                lawyer_id=account.user_id,
                name=profile.name,
                active=profile.active,
                courts=profile.courts,
                departements=profile.departements,
                capacity=profile.capacity,
                open_dossiers=len(open_dossiers),
                last_assigned_at=last,
            )
        )
    return found


def assign(
    claims: ClaimRepository,
    lawyers: Lawyers,
    claim_id: str,
    *,
    task_token: str,
    resume: Resume | None,
    base_url: str,
    now: dt.datetime,
    store: Store | None = None,
    again: bool = False,
) -> str:
    """Entrust a ready dossier to the lawyer the rule picks (or say why no one can take it, and alert the
    operators). ``task_token``: the escalation's waiting task, answered when the lawyer decides.
    Idempotent: a retried task with the same token changes nothing. Entered again after the 7-day
    timeout, the lawyer who did not answer is left out and the dossier goes to the next one. ``again``:
    an operator's retry of a dossier that waits for want of a lawyer (same token, new attempt)."""
    claim = claims.get(claim_id)
    case = case_of(claim)
    if claim.status is not ClaimStatus.DOSSIER_READY:
        # Accepted meanwhile (its answer to the old token was lost), settled, withdrawn…: this
        # execution's work is done.
        if resume is not None and task_token:
            _resume(resume, task_token, {"accepted": True, "status": claim.status.value})
        return claim.status.value
    handled = task_token and claim.task_token == task_token and (case.lawyer_id or case.waiting_reason)
    if handled and not (again and not case.lawyer_id):
        return "already handled"
    if case.lawyer_id and not case.accepted:
        # A new token while a lawyer holds the dossier is a resumed wait (a restart, an operator's
        # redrive), not their silence: they keep it. Their 7 days without an answer go through
        # :func:`release_unanswered` (the escalation's LawyerNoAnswer state) before this runs again.
        claims.record(
            claim_id,
            kind=EventKind.NOTE,
            actor=PLATFORM,
            reason="Reprise de l'attente de la réponse de l'avocat (le dossier lui reste confié)",
            change=lambda c: replace(c, task_token=task_token),
            expected_version=claim.version,
            now=now,
        )
        return f"resumed: still with {case.lawyer_id}"
    dossier = dossier_info(claim)
    court_name = str(dossier.get("court_name") or "")
    departement = str(dossier.get("departement") or "")
    decision = choose_lawyer(
        candidates(lawyers, claims), court_name=court_name, departement=departement, excluded=case.declined_by
    )
    if decision.lawyer_id is None:
        waiting = replace(case, waiting_reason=decision.reason)
        claims.record(
            claim_id,
            kind=EventKind.LAWYER,
            actor=PLATFORM,
            reason=f"Dossier en attente d'un avocat partenaire : {decision.reason}",
            change=lambda c: replace(
                c, assigned_lawyer_id=None, task_token=task_token, lawyer_case=waiting.as_json()
            ),
            notify=Notification(
                "operator_alert",
                {"previous_status": ClaimStatus.DOSSIER_READY.value, "error": decision.reason},
                to="operator",
            ),
            expected_version=claim.version,
            now=now,
        )
        return "waiting: " + decision.reason
    chosen = lawyers.find(decision.lawyer_id)
    profile = chosen.lawyer if chosen is not None else None
    assigned = case.assigned(
        decision.lawyer_id, now, name=lawyer_name(chosen), bar=profile.barreau if profile else ""
    )
    claims.record(
        claim_id,
        kind=EventKind.LAWYER,
        actor=PLATFORM,
        reason=f"Dossier attribué à l'avocat partenaire {lawyer_name(chosen)} — {decision.reason}",
        change=lambda c: replace(
            c, assigned_lawyer_id=decision.lawyer_id, task_token=task_token, lawyer_case=assigned.as_json()
        ),
        notify=Notification("dossier_assigned", _assigned_context(claim, dossier, base_url), to="lawyer"),
        expected_version=claim.version,
        now=now,
    )
    return f"assigned to {decision.lawyer_id}"


# [POLICY] How many lawyers may let a dossier's 7 days pass without an answer before an operator takes it
# over (needs_attention) instead of a further reassignment.
MAX_UNANSWERED = 3


class TooManyUnanswered(Exception):
    """Raised by :func:`release_unanswered` past :data:`MAX_UNANSWERED`: the escalation's catch hands the
    claim to an operator."""


def release_unanswered(
    claims: ClaimRepository, claim_id: str, *, now: dt.datetime, store: Store | None = None
) -> bool:
    """The escalation's AssignLawyer waited its 7 days with no answer: the lawyer in charge is left out
    of this dossier (their links stop working) and the next assignment picks another one. Past
    :data:`MAX_UNANSWERED` silent lawyers, :class:`TooManyUnanswered`. Idempotent."""
    claim = claims.get(claim_id)
    case = case_of(claim)
    if claim.status is not ClaimStatus.DOSSIER_READY or not case.lawyer_id or case.accepted:
        return False
    _unshare(store, claim, case.lawyer_id)
    released = case.released(now, kind="no_answer", reason="pas de réponse dans le délai")
    claims.record(
        claim_id,
        kind=EventKind.LAWYER,
        actor=PLATFORM,
        reason=(case.lawyer_name or "L'avocat") + " " + DECLINE_LABELS_FR["no_answer"],
        change=lambda c: replace(c, assigned_lawyer_id=None, lawyer_case=released.as_json()),
        expected_version=claim.version,
        now=now,
    )
    silent = sum(1 for d in released.declines if d.kind == "no_answer")
    if silent >= MAX_UNANSWERED:
        raise TooManyUnanswered(
            f"{silent} avocats partenaires n'ont pas répondu dans le délai : l'équipe attribue le dossier."
        )
    return True


def _assigned_context(claim: Claim, dossier: Mapping[str, Any], base_url: str) -> dict[str, Any]:
    context: dict[str, Any] = {
        "court_name": str(dossier.get("court_name") or "Juridiction à déterminer"),
        "amount_claimed": str(dossier.get("amount_claimed") or euros(claim.principal_cents)),
        "urgent": bool(dossier.get("urgent")),
        "lawyer_review": bool(dossier.get("lawyer_review")),
        "portal_url": portal_url(base_url, claim.claim_id),
    }
    if dossier.get("prescription_end"):
        context["prescription_end"] = str(dossier["prescription_end"])
    return context


def _resume(resume: Resume, token: str, output: dict[str, Any]) -> bool:
    """Answer a waiting task; an expired or unknown token is logged, not raised: the execution either
    timed out (and re-entered the assignment, which reads the claim) or is gone."""
    try:
        resume(token, output)
    except Exception as error:  # botocore's TaskTimedOut / InvalidToken / TaskDoesNotExist
        code = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
        if code in {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}:
            logger.warning("task token no longer waiting (%s): %s", code, error)
            return False
        raise
    return True


# ---------------------------------------------------------------------------------------------------
# the lawyer's answer
# ---------------------------------------------------------------------------------------------------
def accept(
    claims: ClaimRepository,
    lawyers: Lawyers,
    identity: Identity,
    claim_id: str,
    *,
    resume: Resume,
    now: dt.datetime,
) -> Claim:
    claim = claims.get_for(identity, claim_id)
    case = case_of(claim)
    if claim.status in _AFTER_ACCEPTANCE:
        return claim  # accepted already (a double click)
    if claim.status is not ClaimStatus.DOSSIER_READY:
        raise InvalidTransition("Ce dossier n'attend pas votre acceptation.")
    account = lawyers.find(identity.user_id)
    profile = account.lawyer if account else None
    context: dict[str, Any] = {
        "lawyer_name": lawyer_name(account),
        "lawyer_bar": profile.barreau if profile and profile.barreau else "non précisé",
    }
    if profile and profile.firm:
        context["lawyer_firm"] = profile.firm
    token = claim.task_token
    updated = claims.transition(
        claim_id,
        ClaimStatus.WITH_LAWYER,
        actor=identity.user_id,
        reason=f"Dossier accepté par {lawyer_name(account)}",
        change=lambda c: replace(
            c, task_token="", lawyer_case=replace(case, accepted_at=now, waiting_reason="").as_json()
        ),
        notify=Notification("lawyer_assigned", context),
        expected_version=claim.version,
        now=now,
    )
    if token:
        _resume(resume, token, {"accepted": True})
    return updated


def decline(
    claims: ClaimRepository,
    lawyers: Lawyers,
    identity: Identity,
    claim_id: str,
    *,
    reason: str,
    resume: Resume,
    store: Store | None,
    base_url: str,
    now: dt.datetime,
) -> Claim:
    """The lawyer gives the dossier back before accepting it: it leaves their list, their links stop
    working, and it goes to the next lawyer (the escalation's task is answered; without one waiting,
    the assignment runs here)."""
    claim = claims.get_for(identity, claim_id)
    if claim.status is not ClaimStatus.DOSSIER_READY:
        raise InvalidTransition(
            "Ce dossier est déjà accepté : pour le rendre, contactez l'équipe de la plateforme."
        )
    case = case_of(claim)
    released = case.released(now, kind="declined", reason=reason.strip())
    token = claim.task_token
    _unshare(store, claim, identity.user_id)
    why = f" : {reason.strip()}" if reason.strip() else ""
    updated = claims.record(
        claim_id,
        kind=EventKind.LAWYER,
        actor=identity.user_id,
        reason=f"{lawyer_name(lawyers.find(identity.user_id))} {DECLINE_LABELS_FR['declined']}{why}",
        change=lambda c: replace(c, assigned_lawyer_id=None, task_token="", lawyer_case=released.as_json()),
        expected_version=claim.version,
        now=now,
    )
    if token and _resume(resume, token, {"accepted": False}):
        return updated
    assign(claims, lawyers, claim_id, task_token="", resume=None, base_url=base_url, now=now, store=store)
    return claims.get(claim_id)


# ---------------------------------------------------------------------------------------------------
# download links
# ---------------------------------------------------------------------------------------------------
def _share_key(claim_id: str, lawyer_id: str, document: str) -> str:
    return f"shares/{claim_id}/{lawyer_id}/dossier.{document}"


def _unshare(store: Store | None, claim: Claim, lawyer_id: str) -> None:
    if store is None:
        return
    for document in ("pdf", "zip"):
        store.delete(_share_key(claim.claim_id, lawyer_id, document))


def _filename(claim: Claim, document: str) -> str:
    reference = re.sub(r"[^A-Za-z0-9._-]+", "-", claim.reference or claim.claim_id).strip("-") or "dossier"
    return f"dossier-{reference}.{document}"


@dataclass(frozen=True)
class DownloadLink:
    url: str
    expires_at: dt.datetime
    filename: str


def download_link(
    claims: ClaimRepository,
    store: Store,
    identity: Identity,
    claim_id: str,
    document: Document,
    *,
    now: dt.datetime,
    expires_in: int = LINK_EXPIRES_SECONDS,
) -> DownloadLink:
    """A link to the merged PDF or the ZIP, valid ``expires_in`` seconds, recorded in the timeline."""
    claim = claims.get_for(identity, claim_id)
    dossier = dossier_info(claim)
    source = dossier.get(f"{document}_key")
    if not source:
        raise NotFound("Le dossier n'est pas encore constitué.")
    lawyer_id = identity.user_id
    share = _share_key(claim_id, lawyer_id, document)
    digest = str(dossier.get(f"sha256_{document}") or "")
    # The lawyer's copy holds the bytes checked against the hash recorded at assembly (never a copy of
    # whatever the key holds now); a copy already made was made that way.
    if store.size(share) is None:
        from chalicelib.domain.errors import IntegrityError
        from chalicelib.services.integrity import report, verified

        try:
            content = verified(store, str(source), digest, what=f"Le {DOCUMENT_LABELS_FR[document]}")
        except IntegrityError as error:
            report(claims, claim_id, claim.status.value, error, actor=PLATFORM)
            raise
        store.put(share, content, "application/pdf" if document == "pdf" else "application/zip")
    filename = _filename(claim, document)
    url = store.presigned_get(share, filename, expires_in=expires_in)
    expires_at = now + dt.timedelta(seconds=expires_in)
    minutes = max(1, expires_in // 60)
    claims.record(
        claim_id,
        kind=EventKind.DOWNLOAD,
        actor=identity.user_id,
        reason=f"Lien de téléchargement du {DOCUMENT_LABELS_FR[document]} remis à l'avocat "
        f"(valable {minutes} min)",
        document_hashes={f"dossier_{document}": digest} if digest else None,
        now=now,
    )
    return DownloadLink(url, expires_at, filename)


# ---------------------------------------------------------------------------------------------------
# after filing
# ---------------------------------------------------------------------------------------------------
def _check_day(day: dt.date, *, today: dt.date, not_before: dt.date | None, what: str, field: str) -> None:
    if day > today:
        raise InvalidInput(f"La date {what} ne peut pas être dans le futur.", field=field)
    if not_before is not None and day < not_before:
        raise InvalidInput(
            f"La date {what} ne peut pas précéder le {not_before.strftime('%d/%m/%Y')}.", field=field
        )


def _lawyer_claim(
    claims: ClaimRepository, identity: Identity, claim_id: str, *statuses: ClaimStatus
) -> Claim:
    claim = claims.get_for(identity, claim_id)
    if claim.status not in statuses:
        raise InvalidTransition(
            f"Cette étape ne peut pas être enregistrée maintenant (statut actuel : {claim.status.value})."
        )
    return claim


def _advance(
    claims: ClaimRepository,
    claim: Claim,
    identity: Identity,
    target: ClaimStatus,
    case: LawyerCase,
    *,
    reason: str,
    notify: Notification,
    now: dt.datetime,
) -> Claim:
    """Move a lawyer's dossier to ``target`` with its updated lawyer case, written only on the version
    the lawyer's request read (a concurrent change is a 409, never overwritten)."""
    return claims.transition(
        claim.claim_id,
        target,
        actor=identity.user_id,
        reason=reason,
        change=lambda c: replace(c, lawyer_case=case.as_json()),
        notify=notify,
        expected_version=claim.version,
        now=now,
    )


def record_filing(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    court: str,
    filed_on: dt.date,
    reference: str,
    today: dt.date,
    now: dt.datetime,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.WITH_LAWYER)
    case = case_of(claim)
    assembled = str(dossier_info(claim).get("assembled_at") or "")
    not_before = dt.datetime.fromisoformat(assembled).astimezone(PARIS).date() if assembled else None
    _check_day(
        filed_on,
        today=today,
        not_before=min(not_before, today) if not_before else None,
        what="de dépôt",
        field="filed_on",
    )
    filed = replace(case, filing=Filing(court.strip(), filed_on, reference.strip()))
    context: dict[str, Any] = {"filed_on": filed_on, "court_name": court.strip()}
    if reference.strip():
        context["court_reference"] = reference.strip()
    return _advance(
        claims,
        claim,
        identity,
        ClaimStatus.FILED,
        filed,
        reason=f"Requête déposée le {filed_on.strftime('%d/%m/%Y')} ({court.strip()})"
        + (f", n° {reference.strip()}" if reference.strip() else ""),
        notify=Notification("filed", context),
        now=now,
    )


def record_order(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    outcome: OrderOutcome,
    ordered_on: dt.date,
    today: dt.date,
    now: dt.datetime,
    scheduler: Scheduler | None,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.FILED)
    case = case_of(claim)
    filed_on = case.filing.filed_on if case.filing else None
    _check_day(ordered_on, today=today, not_before=filed_on, what="de l'ordonnance", field="ordered_on")
    order = Order(outcome, ordered_on)
    updated_case = replace(case, order=order)
    court = case.filing.court if case.filing else ""
    label = OUTCOME_LABELS_FR[outcome]
    reason = f"Ordonnance du {ordered_on.strftime('%d/%m/%Y')} : {label}"
    if not order.granted:
        context: dict[str, Any] = {"ordered_on": ordered_on}
        if court:
            context["court_name"] = court
        return _advance(
            claims,
            claim,
            identity,
            ClaimStatus.ORDER_REJECTED,
            updated_case,
            reason=reason,
            notify=Notification("order_rejected", context),
            now=now,
        )
    deadline = service_deadline(ordered_on)
    context = {
        "ordered_on": ordered_on,
        "outcome_label": label,
        "service_deadline": deadline.last_day,
        "partly": outcome == "partly",
    }
    if court:
        context["court_name"] = court
    updated = _advance(
        claims,
        claim,
        identity,
        ClaimStatus.ORDER_GRANTED,
        updated_case,
        reason=f"{reason} — à signifier au plus tard le {deadline.last_day.strftime('%d/%m/%Y')} "
        f"({deadline.article})",
        notify=Notification("order_granted", context),
        now=now,
    )
    schedule_reminders(scheduler, updated, deadline, today=today)
    return updated


def record_service(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    served_on: dt.date,
    in_person: bool,
    today: dt.date,
    now: dt.datetime,
    scheduler: Scheduler | None,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.ORDER_GRANTED)
    case = case_of(claim)
    ordered_on = case.order.ordered_on if case.order else None
    _check_day(served_on, today=today, not_before=ordered_on, what="de signification", field="served_on")
    updated_case = replace(case, service=Service(served_on, in_person))
    deadline = opposition_deadline(served_on, in_person=in_person)
    context: dict[str, Any] = {"served_on": served_on, "opposition_deadline": deadline.last_day}
    if deadline.to_check:
        context["to_check"] = deadline.to_check
    late = ""
    if case.order is not None and served_on > service_deadline(case.order.ordered_on).last_day:
        late = " — ATTENTION : après le délai de 6 mois de l'article 1411 du CPC"
    updated = _advance(
        claims,
        claim,
        identity,
        ClaimStatus.SERVED,
        updated_case,
        reason=f"Ordonnance signifiée le {served_on.strftime('%d/%m/%Y')}"
        + (" à personne" if in_person else " (pas à personne)")
        + f", opposition possible jusqu'au {deadline.last_day.strftime('%d/%m/%Y')} "
        f"({deadline.article}){late}",
        notify=Notification("served", context),
        now=now,
    )
    schedule_reminders(scheduler, updated, deadline, today=today)
    return updated


def record_opposition(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    opposed_on: dt.date,
    today: dt.date,
    now: dt.datetime,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.SERVED)
    case = case_of(claim)
    served_on = case.service.served_on if case.service else None
    _check_day(opposed_on, today=today, not_before=served_on, what="de l'opposition", field="opposed_on")
    updated_case = replace(case, opposition=Opposition(opposed_on))
    return _advance(
        claims,
        claim,
        identity,
        ClaimStatus.OPPOSED,
        updated_case,
        reason=f"Opposition du débiteur formée le {opposed_on.strftime('%d/%m/%Y')}",
        notify=Notification("opposed", {"opposed_on": opposed_on}),
        now=now,
    )


def record_enforcement(
    claims: ClaimRepository,
    identity: Identity,
    claim_id: str,
    *,
    started_on: dt.date,
    note: str,
    today: dt.date,
    now: dt.datetime,
) -> Claim:
    claim = _lawyer_claim(claims, identity, claim_id, ClaimStatus.SERVED, ClaimStatus.OPPOSED)
    case = case_of(claim)
    served_on = case.service.served_on if case.service else None
    _check_day(started_on, today=today, not_before=served_on, what="d'exécution", field="started_on")
    updated_case = replace(case, enforcement=Enforcement(started_on, note.strip()))
    context: dict[str, Any] = {"started_on": started_on}
    if note.strip():
        context["enforcement_note"] = note.strip()
    return _advance(
        claims,
        claim,
        identity,
        ClaimStatus.ENFORCEMENT,
        updated_case,
        reason=f"Exécution forcée engagée le {started_on.strftime('%d/%m/%Y')}"
        + (f" : {note.strip()}" if note.strip() else ""),
        notify=Notification("enforcement_started", context),
        now=now,
    )


# ---------------------------------------------------------------------------------------------------
# deadline reminders (one execution of the escalation machine per reminder: resume_at=procedure_reminder)
# ---------------------------------------------------------------------------------------------------
def remind_at(day: dt.date, *, today: dt.date, real_now: dt.datetime) -> dt.datetime:
    """The UTC instant the reminder of ``day`` is sent: 8:00 in Paris that day. On the local platform,
    whose calendar may be set back (CLAIMS_TODAY), the platform's days are mapped onto the real clock so
    the state machine's Wait (and its time scale) sees the same distance (:func:`to_real_clock`)."""
    local = dt.datetime.combine(day, REMINDER_HOUR, tzinfo=PARIS)
    return to_real_clock(local, today=today, real=real_now)


def reminder_execution_name(claim_id: str, reminder: Reminder) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"rem-{claim_id}-{reminder.reminder_id}")[:80]


def schedule_reminders(
    scheduler: Scheduler | None,
    claim: Claim,
    deadline: ProcedureDeadline,
    *,
    today: dt.date,
    real_now: dt.datetime | None = None,
) -> list[str]:
    """Start one waiting execution per reminder of ``deadline`` (deterministic names: scheduling twice
    starts nothing new). Reminders whose day has passed are sent at once."""
    if scheduler is None:
        return []
    from chalicelib.services.escalation import iso_z

    moment = real_now or dt.datetime.now(dt.UTC)
    started = []
    for reminder in reminders(deadline):
        at = remind_at(reminder.on, today=today, real_now=moment)
        payload = {
            "claim_id": claim.claim_id,
            "resume_at": "procedure_reminder",
            "reminder_id": reminder.reminder_id,
            "remind_at": iso_z(max(at, moment)),
        }
        started.append(scheduler.start_once(reminder_execution_name(claim.claim_id, reminder), payload))
    return started


def send_procedure_reminder(
    claims: ClaimRepository,
    claim_id: str,
    reminder_id: str,
    *,
    base_url: str,
    today: dt.date,
    now: dt.datetime,
) -> bool:
    """Send the reminder ``reminder_id`` if its deadline is still running (no service recorded for
    CPC 1411, no opposition nor enforcement for CPC 1416) and it was not sent yet. True when sent."""
    claim = claims.get(claim_id)
    case = case_of(claim)
    if reminder_id in case.reminders_sent:
        return False
    due = next(
        (r for deadline in case.deadlines() for r in reminders(deadline) if r.reminder_id == reminder_id),
        None,
    )
    if due is None or claim.status in {ClaimStatus.SETTLED, ClaimStatus.CLOSED, ClaimStatus.WITHDRAWN}:
        logger.info("reminder %s of %s: deadline no longer running, nothing sent", reminder_id, claim_id)
        return False
    deadline = due.deadline
    expired = due.on > deadline.last_day
    shared: dict[str, Any] = {
        "deadline_label": deadline.label,
        "last_day": deadline.last_day,
        "article": deadline.article,
        "expired": expired,
    }
    if not expired:
        shared["days_left"] = max(0, (deadline.last_day - max(today, due.on)).days)
    if deadline.to_check:
        shared["to_check"] = deadline.to_check
    notify = [Notification("deadline_reminder", shared)]
    if claim.assigned_lawyer_id:
        notify.append(
            Notification(
                "lawyer_deadline_reminder",
                shared | {"portal_url": portal_url(base_url, claim_id)},
                to="lawyer",
            )
        )
    sent = (*case.reminders_sent, reminder_id)
    what = "échu" if expired else f"jusqu'au {deadline.last_day.strftime('%d/%m/%Y')}"
    claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=PLATFORM,
        reason=f"Rappel envoyé : {deadline.label} ({deadline.article}), {what}",
        change=lambda c: replace(c, lawyer_case=replace(case_of(c), reminders_sent=sent).as_json()),
        notify=notify,
        expected_version=claim.version,
        now=now,
    )
    return True


def reschedule_reminders(
    claims: ClaimRepository, scheduler: Scheduler, *, today: dt.date, real_now: dt.datetime | None = None
) -> int:
    """Start again the reminder executions of every claim whose deadline still runs (the local platform
    after a restart: its executions are not saved). Sent reminders are never sent twice."""
    started = 0
    for claim in claims.in_statuses([ClaimStatus.ORDER_GRANTED, ClaimStatus.SERVED]):
        for deadline in case_of(claim).deadlines():
            started += len(schedule_reminders(scheduler, claim, deadline, today=today, real_now=real_now))
    return started
