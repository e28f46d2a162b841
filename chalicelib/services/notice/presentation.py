"""The creditor (or an operator) records the registered letter's first presentation; the deadline follows."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING

from chalicelib.documents.formatting import date_long
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim, EventKind
from chalicelib.domain.errors import (
    Forbidden,
    InvalidInput,
)
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.services.notice.common import _ENDED, MAX_PRESENTATION_DELAY_DAYS
from chalicelib.services.notice.deadlines import deadline_timestamp, payment_deadline
from chalicelib.services.notice.sending import _with_notice
from chalicelib.services.ports import ClaimStore
from chalicelib.settings import PARIS

if TYPE_CHECKING:
    pass

logger = logging.getLogger("claims.notice")

# ---------------------------------------------------------------------------------------------------
# the creditor records the first presentation
# ---------------------------------------------------------------------------------------------------
_TRACKING = re.compile(r"^[A-Z0-9]{8,30}$")


def record_presentation(
    claim_id: str,
    *,
    tracking_number: str,
    first_presented_on: dt.date,
    claims: ClaimStore,
    identity: Identity,
    now: dt.datetime,
    today: dt.date | None = None,
) -> NoticeRecord:
    """The registered letter's tracking number and first presentation (from La Poste's tracking or the
    avis de réception): the payment deadline is computed again from that date and stored on the notice,
    where the waiting workflow reads it when its wait ends. Returns the updated notice."""
    if identity.role not in (Role.CREDITOR, Role.OPERATOR):
        raise Forbidden("Seul le créancier peut enregistrer la présentation de la lettre recommandée.")
    seen = claims.get_for(identity, claim_id).notice or NoticeRecord()
    tracking = re.sub(r"[\s.-]+", "", tracking_number or "").upper()
    if not _TRACKING.match(tracking):
        raise InvalidInput(
            "Le numéro de suivi doit comporter de 8 à 30 lettres ou chiffres "
            "(par exemple « 1A 123 456 7890 1 » pour une lettre recommandée de La Poste).",
            field="tracking_number",
        )
    today = today or now.astimezone(PARIS).date()
    if first_presented_on > today:
        raise InvalidInput(
            f"La date de première présentation ({date_long(first_presented_on)}) ne peut pas être "
            "dans le futur.",
            field="first_presented_on",
        )

    def change(claim: Claim) -> Claim:
        notice = claim.notice or NoticeRecord()
        if not notice.is_sent or notice.sent_on is None or notice.letter_date is None:
            raise InvalidInput(
                "La mise en demeure n'a pas encore été envoyée : il n'y a pas de présentation à enregistrer.",
                code="notice_not_sent",
                field="first_presented_on",
            )
        if claim.status in _ENDED:
            raise InvalidInput(
                f"Cette créance est close (« {claim.status.value} ») : la présentation ne peut plus être "
                "modifiée.",
                code="claim_ended",
                field="first_presented_on",
            )
        sent_on = notice.sent_on
        if first_presented_on < sent_on:
            raise InvalidInput(
                f"La date de première présentation ne peut pas précéder la date d'envoi de la lettre "
                f"({date_long(sent_on)}).",
                field="first_presented_on",
            )
        if first_presented_on > sent_on + dt.timedelta(days=MAX_PRESENTATION_DELAY_DAYS):
            raise InvalidInput(
                f"La date de première présentation est plus de {MAX_PRESENTATION_DELAY_DAYS} jours après "
                f"l'envoi ({date_long(sent_on)}) : vérifiez la date indiquée sur l'avis de réception.",
                field="first_presented_on",
            )
        deadline = payment_deadline(
            letter_date=notice.letter_date,
            first_presented_on=first_presented_on,
            period_days=notice.payment_days,
        )
        return _with_notice(
            claim,
            tracking_number=tracking,
            first_presented_on=first_presented_on,
            presentation_source="creditor" if identity.role is Role.CREDITOR else "operator",
            presentation_recorded_at=now.isoformat(),
            presentation_recorded_by=identity.user_id,
            deadline=deadline,
            deadline_at=deadline_timestamp(deadline),
            deadline_basis="first_presentation",
        )

    updated = claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=identity.user_id,
        reason=(
            f"Première présentation de la mise en demeure (n° {tracking}) enregistrée : le "
            f"{date_long(first_presented_on)}"
            + (
                " ; date limite de paiement : "
                + date_long(
                    payment_deadline(
                        letter_date=seen.letter_date or first_presented_on,
                        first_presented_on=first_presented_on,
                        period_days=seen.payment_days,
                    )
                )
                if seen.payment_days
                else ""
            )
        ),
        change=change,
        now=now,
    )
    return updated.notice or NoticeRecord()
