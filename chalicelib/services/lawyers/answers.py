"""The lawyer's answer to a dossier: accept it, or decline it (it goes to the next lawyer)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity
from chalicelib.domain.claim import Claim, ClaimStatus, EventKind
from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.lawyer_case import (
    DECLINE_LABELS_FR,
)
from chalicelib.domain.notifications import Notification
from chalicelib.services.lawyers.assignment import _resume, assign
from chalicelib.services.lawyers.common import (
    _AFTER_ACCEPTANCE,
    Resume,
    case_of,
    lawyer_name,
)
from chalicelib.services.lawyers.links import _unshare
from chalicelib.services.ports import (
    DocumentStore,
    LawyerDirectory,
)

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.lawyers")


# ---------------------------------------------------------------------------------------------------
# the lawyer's answer
# ---------------------------------------------------------------------------------------------------
def accept(
    claims: ClaimRepository,
    lawyers: LawyerDirectory,
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
    lawyers: LawyerDirectory,
    identity: Identity,
    claim_id: str,
    *,
    reason: str,
    resume: Resume,
    store: DocumentStore | None,
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
