"""``POST /sendings/{id}/documents``: the multipart body (``document`` and its JSON ``metadata``) read
and checked as Maileva does: a PDF only for the paper letter (the twin does not convert Word or text
files), a name, a print priority for the paper letter, the count and size limits."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from pypdf import PdfReader

from infra.local.fake_maileva import multipart
from infra.local.fake_maileva.errors import MailevaError, collect, invalid
from infra.local.fake_maileva.records import PAPER, Document, Sending, new_id
from infra.local.fake_maileva.settings import MAX_DOCUMENTS, MAX_LRE_BYTES, MAX_PAPER_BYTES


def _metadata(parts: list[multipart.Part]) -> dict[str, Any]:
    found = [part for part in parts if part.name == "metadata"]
    if len(found) > 1:
        raise invalid("TOO_MANY_PARAMETER_METADATA", "Le paramètre metadata a été transmis plusieurs fois")
    if not found or not found[0].content.strip():
        raise invalid("EMPTY_METADATA", "Les méta-données sont vides")
    try:
        metadata = json.loads(found[0].content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        metadata = None
    if not isinstance(metadata, dict):
        raise invalid("METADATA_WRONG_FORMAT", "Le paramètre metadata n'est pas correct")
    return metadata


def _content(parts: list[multipart.Part]) -> tuple[bytes, str | None]:
    found = [part for part in parts if part.name == "document"]
    if len(found) > 1:
        raise invalid("TOO_MANY_PARAMETER_DOCUMENT", "Un seul document par requête")
    if not found or not found[0].content:
        raise invalid("EMPTY_DOCUMENT", "Le document est vide")
    return found[0].content, found[0].filename


def pages_of(content: bytes) -> int:
    """The page count of a PDF (1 when pypdf cannot read it: the twin accepts any ``%PDF-`` file)."""
    try:
        return max(1, len(PdfReader(io.BytesIO(content), strict=False).pages))
    except Exception:  # a truncated or fake PDF: counted as one page
        logging.getLogger("claims.local").debug("fake_maileva: unreadable PDF, counted as one page")
        return 1


def new_document(sending: Sending, content_type: str, body: bytes) -> Document:
    """The document a request adds to ``sending`` (a draft), or the 400 Maileva answers."""
    parts = multipart.parse(content_type, body)
    content, filename = _content(parts)
    metadata = _metadata(parts)
    name = metadata.get("name") or filename
    errors: list[MailevaError] = []
    if not isinstance(name, str) or not name.strip():
        errors.append(invalid("EMPTY_NAME", "Le nom du document est obligatoire (metadata.name)"))
    if len(sending.documents) >= MAX_DOCUMENTS and sending.product == PAPER:
        errors.append(invalid("INVALID_DOCUMENTS_COUNT", "Un envoi compte au plus 30 documents"))
    limit = MAX_PAPER_BYTES if sending.product == PAPER else MAX_LRE_BYTES
    if sum(d.size for d in sending.documents) + len(content) > limit:
        errors.append(
            invalid("INVALID_TOTAL_SENDING_SIZE", "La somme des tailles des documents dépasse la limite")
        )
    priority = None
    if sending.product == PAPER:
        if not content.startswith(b"%PDF-"):
            errors.append(
                invalid(
                    "DOCUMENT_TYPE_NOT_ACCEPTED", "Le type de document n'est pas accepté (PDF uniquement)"
                )
            )
        priority = metadata.get("priority")
        if priority is None:
            errors.append(invalid("EMPTY_PRIORITY", "Le champ priority est vide"))
        elif not isinstance(priority, int) or isinstance(priority, bool) or priority < 1:
            errors.append(
                invalid("INVALID_PRIORITY", "La valeur du champ priority doit être supérieure ou égale à 1")
            )
        elif any(d.priority == priority for d in sending.documents):
            errors.append(invalid("DUPLICATE_PRIORITY", "Plusieurs documents ont la même priorité"))
    collect(errors)
    is_pdf = content.startswith(b"%PDF-")
    return Document(
        id=new_id(),
        name=str(name),
        size=len(content),
        content=content,
        priority=priority,
        pages_count=pages_of(content) if is_pdf else None,
        type="application/pdf" if is_pdf else "application/octet-stream",
    )
