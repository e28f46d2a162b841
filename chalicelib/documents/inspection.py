"""Checks an uploaded file before it is accepted as a claim's document (invoice, contract, order…).

Pure: no I/O. The real type comes from the file's first bytes (never from its name or the browser's
declared type); a PDF must open, not be encrypted and have at most :data:`MAX_PAGES` pages; a PNG or JPEG
must have its minimal structure (we do not decode images). Every refusal is an ``UploadRejected`` with a
stable code and a French message naming the file:

    empty_file, file_too_large, unsupported_type, pdf_encrypted, pdf_corrupt, too_many_pages, image_corrupt

pypdf is imported inside :func:`inspect_upload` only (cold start).
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Literal

from chalicelib.domain.errors import UploadRejected

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # also the presigned POST's content-length-range
MAX_PAGES = 300

MediaType = Literal["application/pdf", "image/png", "image/jpeg"]

PDF: MediaType = "application/pdf"
PNG: MediaType = "image/png"
JPEG: MediaType = "image/jpeg"
ACCEPTED_MEDIA_TYPES: tuple[MediaType, ...] = (PDF, PNG, JPEG)
EXTENSIONS: dict[MediaType, str] = {PDF: "pdf", PNG: "png", JPEG: "jpg"}

# What the user's file name may say, and what it means.
_EXTENSION_TYPES: dict[str, MediaType] = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "jpe": JPEG}
_TYPE_LABELS: dict[MediaType, str] = {PDF: "un PDF", PNG: "une image PNG", JPEG: "une image JPEG"}
# Declared types that name an accepted type (browsers and mail clients use a few aliases).
_DECLARED_ALIASES: dict[str, MediaType] = {
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "image/png": PNG,
    "image/x-png": PNG,
    "image/jpeg": JPEG,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
}
# Declared types that say nothing: what a browser sends when it does not know.
_UNINFORMATIVE_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})

_PDF_MAGIC = b"%PDF-"
_PDF_HEADER_WINDOW = 1024  # readers accept the header anywhere in the first 1024 bytes
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SOI = b"\xff\xd8\xff"
# Start-of-frame markers (C4 = Huffman table, C8 = reserved, CC = arithmetic conditioning are not frames).
_JPEG_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


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
        raise UploadRejected(f"Le fichier « {name} » est vide.", code="empty_file")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            # No weight shown: the store reads one byte past the limit only, never the whole object.
            f"Le fichier « {name} » dépasse la taille maximale de {_megabytes(MAX_UPLOAD_BYTES)} : "
            "envoyez une version plus légère (numérisée en noir et blanc, ou seulement les pages utiles).",
            code="file_too_large",
        )
    media_type = sniff_media_type(content)
    if media_type is None:
        raise UploadRejected(
            f"Le fichier « {name} » n'est pas un PDF, une image PNG ou JPEG : "
            f"son contenu ressemble à {describe_content(content)}.",
            code="unsupported_type",
        )
    _check_name_and_declared_type(name, filename, declared_type, media_type)
    if media_type == PDF:
        pages = _pdf_pages(content, name)
    else:
        _check_image(content, name, media_type)
        pages = 1
    return InspectedFile(
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        pages=pages,
        extension=EXTENSIONS[media_type],
    )


def sniff_media_type(content: bytes) -> MediaType | None:
    """The accepted type the magic bytes announce, or None."""
    if _PDF_MAGIC in content[:_PDF_HEADER_WINDOW]:
        return PDF
    if content.startswith(_PNG_SIGNATURE):
        return PNG
    if content.startswith(_JPEG_SOI):
        return JPEG
    return None


def describe_content(content: bytes) -> str:
    """What a refused file looks like, in words: « du texte », « une image GIF », « un format inconnu »…"""
    head = content[:16]
    signatures: list[tuple[bytes, str]] = [
        (b"GIF87a", "une image GIF"),
        (b"GIF89a", "une image GIF"),
        (b"II*\x00", "une image TIFF"),
        (b"MM\x00*", "une image TIFF"),
        (b"BM", "une image BMP"),
        (b"PK\x03\x04", "un document Word, Excel, OpenOffice ou une archive ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "un ancien document Word ou Excel"),
        (b"{\\rtf", "un document RTF"),
        (b"Rar!", "une archive RAR"),
        (b"7z\xbc\xaf\x27\x1c", "une archive 7-Zip"),
        (b"\x1f\x8b", "une archive compressée (gzip)"),
        (b"%!PS", "un fichier PostScript"),
    ]
    for magic, label in signatures:
        if head.startswith(magic):
            return label
    if head[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "une image WebP"
    if content[4:12] in {b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftyphevc"}:
        return "une photo HEIC (format des iPhone)"
    if content[4:8] == b"ftyp":
        return "une vidéo ou une image HEIF"
    text = _as_text(content[:4096])
    if text is not None:
        lowered = text.lstrip("\ufeff \t\r\n").lower()
        if lowered.startswith(("<!doctype html", "<html")):
            return "une page web (HTML)"
        if lowered.startswith("<?xml") or lowered.startswith("<"):
            return "un fichier XML"
        return "du texte"
    return "un format inconnu"


def display_name(filename: str) -> str:
    """The file's name as the user knows it: no folder (« C:\\fakepath\\… »), no control characters, short."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if not base:
        return "sans nom"
    return base if len(base) <= 80 else base[:79] + "…"


def _as_text(sample: bytes) -> str | None:
    """The sample decoded as text when it looks like text (UTF-8 or Latin-1, no binary control bytes)."""
    if b"\x00" in sample:
        return None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3:  # a character cut by the sample's end
            text = sample[: error.start].decode("utf-8")
        else:
            text = sample.decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return text if controls <= len(text) // 100 else None


def _megabytes(size: int) -> str:
    """« 10 Mo », « 10,5 Mo » (one decimal, none when it is zero)."""
    shown = f"{size / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
    return f"{shown} Mo"


def _extension(filename: str) -> str:
    base = display_name(filename)
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _check_name_and_declared_type(
    name: str, filename: str, declared_type: str | None, media_type: MediaType
) -> None:
    named_type = _EXTENSION_TYPES.get(_extension(filename))
    if named_type is not None and named_type != media_type:
        raise UploadRejected(
            f"Le fichier « {name} » porte l'extension « .{_extension(filename)} » mais c'est "
            f"{_TYPE_LABELS[media_type]} : vérifiez que vous avez choisi le bon fichier.",
            code="unsupported_type",
        )
    declared = (declared_type or "").split(";", 1)[0].strip().lower()
    if declared in _UNINFORMATIVE_TYPES or declared in _DECLARED_ALIASES:
        return  # an accepted declared type that disagrees is ignored: the content decides
    raise UploadRejected(
        f"Le fichier « {name} » a été envoyé comme « {declared[:60]} » : seuls les PDF et les images PNG "
        "ou JPEG sont acceptés.",
        code="unsupported_type",
    )


def _pdf_pages(content: bytes, name: str) -> int:
    from pypdf import PdfReader  # lazy: cold start

    corrupt = UploadRejected(
        f"Le fichier « {name} » est un PDF endommagé qui ne peut pas être lu : enregistrez-le à nouveau "
        "ou envoyez une autre copie.",
        code="pdf_corrupt",
    )
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise UploadRejected(
                f"Le fichier « {name} » est un PDF protégé par un mot de passe ou chiffré : enregistrez-en "
                "une copie sans protection (par exemple « Imprimer » puis « Enregistrer au format PDF »).",
                code="pdf_encrypted",
            )
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise UploadRejected(
                f"Le fichier « {name} » compte {pages} pages : un document peut en avoir {MAX_PAGES} "
                "au plus. Envoyez seulement les pages utiles.",
                code="too_many_pages",
            )
        for page in reader.pages:  # every page object must be readable, not only the page count
            _ = page.mediabox
    except UploadRejected:
        raise
    except Exception as error:  # pypdf raises many kinds on broken files: never let one escape
        raise corrupt from error
    if pages == 0:
        raise corrupt
    return pages


def _check_image(content: bytes, name: str, media_type: MediaType) -> None:
    valid = _png_is_whole(content) if media_type == PNG else _jpeg_is_whole(content)
    if not valid:
        raise UploadRejected(
            f"Le fichier « {name} » est {_TYPE_LABELS[media_type]} endommagée ou incomplète : "
            "enregistrez-la à nouveau ou envoyez une autre copie.",
            code="image_corrupt",
        )


def _png_is_whole(content: bytes) -> bool:
    """Signature, an IHDR chunk first (right length, CRC, non-zero size), image data and the IEND chunk."""
    header = content[8:33]
    if len(header) < 25:
        return False
    length, chunk_type = struct.unpack(">I4s", header[:8])
    if chunk_type != b"IHDR" or length != 13:
        return False
    data, crc = header[8:21], struct.unpack(">I", header[21:25])[0]
    if zlib.crc32(chunk_type + data) != crc:
        return False
    width, height = struct.unpack(">II", data[:8])
    return width > 0 and height > 0 and b"IDAT" in content and b"IEND" in content[-64:]


def _jpeg_is_whole(content: bytes) -> bool:
    """Walk the marker segments up to the scan: a frame header (SOFn) with a size, then an end (EOI)."""
    offset, size = 2, len(content)
    frame_found = False
    while offset + 4 <= size:
        if content[offset] != 0xFF:
            return False
        marker = content[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            offset += 2
            continue
        (length,) = struct.unpack(">H", content[offset + 2 : offset + 4])
        if length < 2 or offset + 2 + length > size:
            return False
        if marker in _JPEG_SOF_MARKERS:
            if length < 8:
                return False
            _, width = struct.unpack(">HH", content[offset + 5 : offset + 9])
            frame_found = width > 0
        if marker == 0xDA:  # start of scan: entropy-coded data follows, then the end of image
            return frame_found and content.rfind(b"\xff\xd9") > offset
        offset += 2 + length
    return False
