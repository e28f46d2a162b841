"""The lawyer's short-lived download links, on a copy of the dossier made from verified bytes."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.accounts import Identity
from chalicelib.domain.claim import Claim, EventKind
from chalicelib.domain.errors import NotFound
from chalicelib.services.lawyers.common import (
    DOCUMENT_LABELS_FR,
    LINK_EXPIRES_SECONDS,
    PLATFORM,
    Document,
    dossier_info,
)
from chalicelib.services.ports import (
    DocumentStore,
)

if TYPE_CHECKING:
    from chalicelib.adapters.claims_repository import ClaimRepository

logger = logging.getLogger("claims.lawyers")


# ---------------------------------------------------------------------------------------------------
# download links
# ---------------------------------------------------------------------------------------------------
def _share_key(claim_id: str, lawyer_id: str, document: str) -> str:
    return f"shares/{claim_id}/{lawyer_id}/dossier.{document}"


def _unshare(store: DocumentStore | None, claim: Claim, lawyer_id: str) -> None:
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
    store: DocumentStore,
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
    source = dossier.pdf_key if document == "pdf" else dossier.zip_key
    if not source:
        raise NotFound("Le dossier n'est pas encore constitué.")
    lawyer_id = identity.user_id
    share = _share_key(claim_id, lawyer_id, document)
    digest = dossier.sha256_pdf if document == "pdf" else dossier.sha256_zip
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
