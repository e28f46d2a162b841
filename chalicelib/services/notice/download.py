"""A short-lived link to the stored letter, verified against its recorded SHA-256."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.accounts import Identity
from chalicelib.domain.errors import (
    NotFound,
)
from chalicelib.domain.notice_record import NoticeRecord
from chalicelib.services.notice.common import ACTOR
from chalicelib.services.ports import ClaimStore, DocumentStore

if TYPE_CHECKING:
    pass

logger = logging.getLogger("claims.notice")


# ---------------------------------------------------------------------------------------------------
# downloading the stored letter
# ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeDownload:
    url: str
    filename: str
    expires_in: int
    sha256: str


def notice_download(
    claim_id: str, *, claims: ClaimStore, store: DocumentStore, identity: Identity, expires_in: int = 300
) -> NoticeDownload:
    """A short-lived link to the stored mise en demeure, for whoever may see the claim (its creditor, an
    operator, the lawyer it is assigned to)."""
    claim = claims.get_for(identity, claim_id)
    notice = claim.notice or NoticeRecord()
    if not notice.pdf_key:
        raise NotFound("La mise en demeure de cette créance n'a pas encore été préparée.")
    filename = notice.filename_or_default
    from chalicelib.domain.errors import IntegrityError
    from chalicelib.services.integrity import report, verified

    try:
        verified(store, notice.pdf_key, notice.sha256, what="La mise en demeure")
    except IntegrityError as error:
        report(claims, claim_id, claim.status.value, error, actor=ACTOR)
        raise
    url = store.presigned_get(notice.pdf_key, filename, expires_in=expires_in)
    return NoticeDownload(url, filename, expires_in, notice.sha256)


def proof_download(
    claim_id: str,
    kind: str,
    *,
    claims: ClaimStore,
    store: DocumentStore,
    identity: Identity,
    expires_in: int = 300,
) -> NoticeDownload:
    """A short-lived link to one proof the registered-mail provider gave (issue 23), for whoever may see
    the claim; checked against the hash the timeline recorded."""
    claim = claims.get_for(identity, claim_id)
    notice = claim.notice or NoticeRecord()
    proofs = notice.delivery.get("proofs") or []
    proof = next((p for p in proofs if p.get("kind") == kind and p.get("key")), None)
    if proof is None:
        raise NotFound("Cette preuve de l'envoi recommandé n'a pas (encore) été reçue du prestataire.")
    from chalicelib.domain.errors import IntegrityError
    from chalicelib.services.integrity import report, verified

    title = str(proof.get("title") or "La preuve de l'envoi recommandé")
    try:
        verified(store, str(proof["key"]), str(proof["sha256"]), what=title)
    except IntegrityError as error:
        report(claims, claim_id, claim.status.value, error, actor=ACTOR)
        raise
    filename = f"{kind}-mise-en-demeure.pdf"
    url = store.presigned_get(str(proof["key"]), filename, expires_in=expires_in)
    return NoticeDownload(url, filename, expires_in, str(proof["sha256"]))
