"""The qualified electronic registered letter (LRE, electronic_qualified_registered_mail/v1) and its
sender's one-time codes (electronic_mail_emitter/v1 ``authenticate_by_otp``): the OTP window that lets a
sender create sendings, the submission (the recipient is emailed at once: the letter is available, status
PENDING, with its deposit proof), what the console makes the recipient do (accept, refuse, neglect, or an
invalid address), and the PDF proofs.

No webhook: Maileva's notification center has no resource type for this product (the platform polls)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp

from infra.local.fake_maileva import pdf
from infra.local.fake_maileva.errors import MailevaError, invalid, not_draft, not_found
from infra.local.fake_maileva.records import Recipient, Sending, iso, new_id, parse_iso
from infra.local.fake_maileva.settings import OTP_VALIDITY_SECONDS, PARIS


def otp_matches(key: str, code: str, now: datetime) -> bool:
    """Is ``code`` the RFC 6238 code of ``key`` now (30-second steps, 6 digits, one step either side)?"""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    return pyotp.TOTP(key).verify(code, for_time=now, valid_window=1)


def current_otp(key: str, now: datetime) -> str:
    return pyotp.TOTP(key).at(now)


def authenticate(
    keys: dict[str, str], validated: dict[str, str], sender_id: str, code: str, now: datetime
) -> str:
    """``POST /senders/{id}/authenticate_by_otp``: opens the sender's one-hour window; returns its end."""
    key = keys.get(sender_id)
    if key is None:
        raise not_found("SENDER_NOT_FOUND", "Expéditeur introuvable", single=False)
    if not code:
        raise invalid("EMPTY_OTP_CODE", "Le paramètre otp_code est obligatoire")
    if not otp_matches(key, code, now):
        raise invalid("INVALID_OTP_CODE", "Le code à usage unique est invalide ou expiré")
    expiration = iso(now + timedelta(seconds=OTP_VALIDITY_SECONDS))
    validated[sender_id] = expiration
    return expiration


def check_sender(keys: dict[str, str], validated: dict[str, str], sender_id: str, now: datetime) -> None:
    """A sending may be created only by a known sender whose OTP was validated in the last hour."""
    if sender_id not in keys:
        raise invalid("SENDER_NOT_FOUND", "Expéditeur introuvable")
    until = validated.get(sender_id)
    if until is None or parse_iso(until) <= now:
        raise MailevaError(
            403,
            "otp_required",
            "L'expéditeur doit valider un code à usage unique (authenticate_by_otp) avant de créer un envoi",
        )


def recipient_path(sending: Sending, recipient: Recipient) -> str:
    return f"/sendings/{sending.id}/recipients/{recipient.id}"


def submit(sending: Sending, now: datetime) -> None:
    """Submit: the sending is PROCESSED; each recipient is notified by email (PENDING from now) and has its
    deposit proof."""
    if sending.status != "DRAFT":
        raise not_draft()
    if not sending.documents:
        raise invalid("NO_DOCUMENT", "L'envoi ne contient aucun document")
    if not sending.recipients:
        raise invalid("NO_RECIPIENT", "L'envoi ne contient aucun destinataire")
    stamp = iso(now)
    sending.status = "PROCESSED"
    sending.submission_date = sending.processed_date = stamp
    for recipient in sending.recipients:
        recipient.status = "PENDING"
        recipient.tracking = {
            "status_date": stamp,
            "deposit_proof": {
                "id": new_id(),
                "type": "DEPOSIT_PROOF",
                "creation_date": stamp,
                "href": f"{recipient_path(sending, recipient)}/download_deposit_proof",
            },
        }


@dataclass(frozen=True)
class Action:
    label: str
    status: str
    proof: str | None = None
    detail: str | None = None


# The console's actions (the route names are shared with the paper letter's).
ACTIONS = {
    "delivered": Action("Accepté (AR)", "ACCEPTED", "ACKNOWLEDGMENT_OF_RECEIPT"),
    "refused": Action("Refusé", "REFUSED", "REFUSAL_PROOF"),
    "not_claimed": Action("Non réclamé (négligé)", "NOT_CLAIMED", "NOT_CLAIMED_PROOF"),
    "unknown_address": Action(
        "Adresse e-mail invalide", "ERROR", detail="Adresse e-mail du destinataire en erreur"
    ),
}
PROOF_TITLES = {
    "DEPOSIT_PROOF": "Preuve de dépôt",
    "ACKNOWLEDGMENT_OF_RECEIPT": "Accusé de réception",
    "REFUSAL_PROOF": "Preuve de refus",
    "NOT_CLAIMED_PROOF": "Preuve de non-réclamation",
}


def allowed_actions(recipient: Recipient) -> list[str]:
    return list(ACTIONS) if recipient.status == "PENDING" else []


def act(sending: Sending, recipient: Recipient, name: str, stamp: datetime, now: datetime) -> None:
    action = ACTIONS.get(name)
    if action is None:
        raise not_found(
            "ACTION_NOT_FOUND",
            f"Action inconnue pour une lettre recommandée électronique : {name}",
            single=False,
        )
    if recipient.status != "PENDING":
        raise MailevaError(
            409,
            "ACTION_NOT_ALLOWED",
            "La lettre n'est pas en attente du destinataire (non soumise, ou déjà acceptée, refusée…)",
        )
    when = iso(stamp)
    recipient.status = action.status
    recipient.tracking["status_date"] = when
    if action.detail:
        recipient.tracking["status_detail"] = action.detail
    if action.proof:
        recipient.tracking["delivery_proof"] = {
            "id": new_id(),
            "type": action.proof,
            "creation_date": iso(now),
            "href": f"{recipient_path(sending, recipient)}/download_delivery_proof",
        }


def last_event_time(recipient: Recipient) -> datetime | None:
    date = recipient.tracking.get("status_date")
    return parse_iso(date) if date else None


def _paris(stamp: str) -> str:
    return parse_iso(stamp).astimezone(PARIS).strftime("%d/%m/%Y à %H:%M (heure de Paris)")


def proof(sending: Sending, recipient: Recipient, kind: str) -> bytes:
    """``deposit_proof`` or ``delivery_proof`` as a PDF; 404 while the recipient has none."""
    found = recipient.tracking.get(kind)
    if kind not in ("deposit_proof", "delivery_proof") or not found:
        raise not_found(
            f"{kind.upper()}_NOT_FOUND", "Cette preuve n'est pas (encore) disponible", single=False
        )
    fields = recipient.fields
    name = " ".join(str(fields.get(key) or "") for key in ("first_name", "last_name")).strip()
    lines = [
        "Lettre recommandée électronique qualifiée",
        f"Envoi : {sending.fields.get('name', '')}",
        f"Identifiant de l'envoi : {sending.id}",
        f"Mise à disposition le {_paris(str(sending.submission_date))}",
    ]
    if found["type"] != "DEPOSIT_PROOF":
        lines.append(f"Statut : {recipient.status}, le {_paris(recipient.tracking['status_date'])}")
    lines += ["", "Destinataire :", f"    {name}"]
    if fields.get("company"):
        lines.append(f"    {fields['company']}")
    lines.append(f"    {fields.get('email', '')}")
    return pdf.one_page(PROOF_TITLES[found["type"]], lines)
