"""Stored documents are used only as they were checked or generated: every read that feeds a dossier, a
lawyer's link or a download compares the bytes with the SHA-256 recorded at that time, and refuses a
mismatch loudly (:class:`IntegrityError`; the escalation hands the claim to an operator, an API call answers
409 and the operator is alerted). Evidence is sealed at confirmation: its checked bytes are copied to a key
no upload form can write (:func:`sealed_key`)."""

from __future__ import annotations

import hashlib
import logging

from chalicelib.domain.claim import EventKind
from chalicelib.domain.errors import IntegrityError
from chalicelib.domain.notifications import Notification
from chalicelib.services.ports import DocumentReader, EventRecorder

logger = logging.getLogger("claims.integrity")

# Large enough for a merged dossier of many scanned exhibits; a larger object is refused.
MAX_VERIFIED_BYTES = 200 * 1024 * 1024


def sealed_key(claim_id: str, document_id: str) -> str:
    """Where a checked piece of evidence lives: not under ``uploads/``, which is all a presigned upload form
    may write (its policy names one exact key), so re-posting a form after confirmation changes nothing."""
    return f"claims/{claim_id}/sealed/{document_id}"


def verified(
    store: DocumentReader, key: str, sha256: str, *, what: str, max_bytes: int = MAX_VERIFIED_BYTES
) -> bytes:
    """The object's bytes if their SHA-256 is ``sha256``; otherwise :class:`IntegrityError` (French)."""
    content = store.get(key, max_bytes)
    if len(content) > max_bytes:
        raise IntegrityError(f"{what} : le fichier dépasse la taille admise et n'est pas utilisé.")
    actual = hashlib.sha256(content).hexdigest()
    if not sha256 or actual != sha256:
        logger.error("integrity: %s at %s has sha256 %s, recorded %s", what, key, actual, sha256 or "none")
        raise IntegrityError(
            f"{what} : le fichier ne correspond plus à l'empreinte enregistrée lors de sa vérification ; "
            "il a été modifié et n'est pas utilisé. L'équipe de la plateforme est prévenue."
        )
    return content


def report(claims: EventRecorder, claim_id: str, status: str, error: IntegrityError, *, actor: str) -> None:
    """Write the refusal in the claim's timeline and alert the operators (the API path; the escalation's
    own failures reach them through needs_attention)."""
    claims.record(
        claim_id,
        kind=EventKind.NOTE,
        actor=actor,
        reason=f"Document refusé, empreinte différente : {error.message}",
        notify=Notification(
            "operator_alert", {"previous_status": status, "error": error.message}, to="operator"
        ),
    )
