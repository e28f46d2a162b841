"""Polyglots: nothing hidden before or after the document, no ZIP directory at the end, no HTML where
browsers sniff.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib.documents.inspection.media import JPEG, MediaType, _rejected
from chalicelib.domain.uploads import (  # noqa: F401 - re-exported: the inspection's own vocabulary
    _WINDOWS_FORBIDDEN,
    _WINDOWS_RESERVED,
    MAX_FILENAME_LENGTH,
    MAX_UPLOAD_BYTES,
    safe_filename,
)

if TYPE_CHECKING:
    pass


# What may follow the end of a document: nothing, or padding.
_PADDING = b" \t\r\n\f\x00"
# A ZIP (or JAR, DOCX…) is read from its end: its « end of central directory » record sits in the last
# 65,557 bytes. Found there, the file is also an archive.
_ZIP_END_RECORD = b"PK\x05\x06"
_ZIP_END_WINDOW = 22 + 65535
# Browsers that guess a type look at the first bytes for these; none belongs at the start of a PDF or image.
_HTML_SNIFF_WINDOW = 1024
_HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|a\s+href|img|\?php)[\s>/]",
    re.IGNORECASE,
)


# --- polyglots ---------------------------------------------------------------------------------------------
def _check_envelope(content: bytes, name: str, media_type: MediaType, start: int, end: int) -> None:
    """Nothing hidden around the document: only blanks before a PDF's header, only padding after the end,
    no ZIP directory at the end, no HTML where browsers look when they guess a type."""
    before, after = content[:start], content[end:]
    if before.removeprefix(b"\xef\xbb\xbf").strip(_PADDING):
        what = "commence par autre chose que l'en-tête d'un PDF"
    elif after.strip(_PADDING):
        what = "contient des données cachées après la fin du document"
        if media_type == JPEG:
            what += " (par exemple la vidéo d'une « photo animée » : désactivez-la ou exportez la photo)"
    elif _ZIP_END_RECORD in content[-_ZIP_END_WINDOW:]:
        what = "est aussi une archive ZIP"
    elif _HTML_MARKERS.search(content[:_HTML_SNIFF_WINDOW]):
        what = "contient du code de page web (HTML) à son début"
    else:
        return
    raise _rejected(
        f"Le fichier « {name} » {what} : un fichier « double » peut cacher un programme, il n'est donc pas "
        f"accepté. Enregistrez-en une copie simple (« Imprimer » puis « Enregistrer au format PDF », ou une "
        "capture de l'image) et envoyez-la.",
        "hidden_content",
    )
