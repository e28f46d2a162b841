"""Checks an uploaded file before it is accepted as a claim's document (invoice, contract, order…).

Pure: no I/O. The real type comes from the file's first bytes (never from its name or the browser's
declared type); a PDF must open, not be encrypted and have at most :data:`MAX_PAGES` pages; a PNG or JPEG
must have its whole structure, from the signature to its end marker, and at most :data:`MAX_IMAGE_PIXELS`
pixels (read from its header: we do not decode images, so an image « bomb » is refused unopened).

Hostile files are refused too (issue 12, « Hardening »):

* active content in a PDF: JavaScript, actions that run on opening (``/OpenAction``, ``/AA``), launch,
  form-submission, remote or embedded « go to » actions, XFA forms, rich media (``pdf_active_content``);
* files embedded in a PDF (``pdf_embedded_file``), except the one XML invoice of a Factur-X / ZUGFeRD /
  XRechnung invoice, which the pre-fill reads;
* polyglots: anything before the ``%PDF-`` header but blanks, anything after the end of the document
  (``%%EOF``, PNG ``IEND``, JPEG end of image) but padding, a ZIP archive's directory at the end, HTML in
  the first bytes, where browsers look when they guess a type (``hidden_content``).

Every refusal is an ``UploadRejected`` with a stable code, ``field="file"`` and a French message naming
the file:

    empty_file, file_too_large, unsupported_type, pdf_encrypted, pdf_corrupt, too_many_pages, image_corrupt,
    image_too_large, pdf_too_complex, pdf_active_content, pdf_embedded_file, hidden_content

File names are never trusted either: :func:`safe_filename` is the name stored and shown (no folder, no
control or bidirectional-override character, no Windows-reserved name, short), and
:func:`download_name` gives it the real type's extension once the content is known.

pypdf is imported inside :func:`inspect_upload` only (cold start).

The package, by reason to change: :mod:`.media` (accepted types, sniffing, names, shared wording),
:mod:`.pdf`, :mod:`.images`, :mod:`.envelope` (polyglots); this module runs them in order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chalicelib.documents.inspection.envelope import _check_envelope
from chalicelib.documents.inspection.images import _image_end
from chalicelib.documents.inspection.media import (  # noqa: F401 - the package's public names
    _DECLARED_ALIASES,
    _EXTENSION_TYPES,
    _PDF_MAGIC,
    _TYPE_LABELS,
    _UNINFORMATIVE_TYPES,
    ACCEPTED_MEDIA_TYPES,
    EXTENSIONS,
    JPEG,
    MAX_IMAGE_PIXELS,
    MAX_PAGES,
    MAX_PDF_OBJECTS,
    PDF,
    PNG,
    MediaType,
    _extension,
    _megabytes,
    _rejected,
    describe_content,
    display_name,
    download_name,
    sniff_media_type,
)
from chalicelib.documents.inspection.pdf import EINVOICE_ATTACHMENTS, _pdf_end, _pdf_pages  # noqa: F401
from chalicelib.domain.uploads import (  # noqa: F401 - re-exported: the inspection's own vocabulary
    _WINDOWS_FORBIDDEN,
    _WINDOWS_RESERVED,
    MAX_FILENAME_LENGTH,
    MAX_UPLOAD_BYTES,
    safe_filename,
)


@dataclass(frozen=True)
class InspectedFile:
    """An accepted file: its real type, what it weighs, its fingerprint and its page count."""

    media_type: MediaType
    size: int
    sha256: str
    pages: int  # 1 for an image
    extension: str  # the real type's usual extension: "pdf", "png" or "jpg"


def inspect_upload(content: bytes, *, filename: str, declared_type: str | None = None) -> InspectedFile:
    """Accept ``content`` (uploaded as ``filename``, with the browser's ``declared_type``) or raise
    ``UploadRejected``. The real type, read from the content, wins over the declared one."""
    name = display_name(filename)
    if not content:
        raise _rejected(f"Le fichier « {name} » est vide.", "empty_file")
    if len(content) > MAX_UPLOAD_BYTES:
        raise _rejected(
            # No weight shown: the store reads one byte past the limit only, never the whole object.
            f"Le fichier « {name} » dépasse la taille maximale de {_megabytes(MAX_UPLOAD_BYTES)} : "
            "envoyez une version plus légère (numérisée en noir et blanc, ou seulement les pages utiles).",
            "file_too_large",
        )
    media_type = sniff_media_type(content)
    if media_type is None:
        raise _rejected(
            f"Le fichier « {name} » n'est pas un PDF, une image PNG ou JPEG : "
            f"son contenu ressemble à {describe_content(content)}.",
            "unsupported_type",
        )
    _check_name_and_declared_type(name, filename, declared_type, media_type)
    if media_type == PDF:
        pages = _pdf_pages(content, name)
        start, end = content.find(_PDF_MAGIC), _pdf_end(content, name)
    else:
        start, end = 0, _image_end(content, name, media_type)
        pages = 1
    _check_envelope(content, name, media_type, start, end)
    return InspectedFile(
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        extension=EXTENSIONS[media_type],
    )


def _check_name_and_declared_type(
    name: str, filename: str, declared_type: str | None, media_type: MediaType
) -> None:
    named_type = _EXTENSION_TYPES.get(_extension(filename))
    if named_type is not None and named_type != media_type:
        raise _rejected(
            f"Le fichier « {name} » porte l'extension « .{_extension(filename)} » mais c'est "
            f"{_TYPE_LABELS[media_type]} : vérifiez que vous avez choisi le bon fichier.",
            "unsupported_type",
        )
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    if declared in _UNINFORMATIVE_TYPES or declared in _DECLARED_ALIASES:
        return  # an accepted declared type that disagrees is ignored: the content decides
    raise _rejected(
        f"Le fichier « {name} » a été envoyé comme « {declared[:60]} » : seuls les PDF et les images PNG "
        "ou JPEG sont acceptés.",
        "unsupported_type",
    )
