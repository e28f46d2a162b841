"""The accepted types, what a file's first bytes say it is, and the limits and French wording every check
shares (names shown, sizes, the refusal).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from chalicelib.domain.errors import UploadRejected
from chalicelib.domain.uploads import (  # noqa: F401 - re-exported: the inspection's own vocabulary
    _WINDOWS_FORBIDDEN,
    _WINDOWS_RESERVED,
    MAX_FILENAME_LENGTH,
    MAX_UPLOAD_BYTES,
    safe_filename,
)

if TYPE_CHECKING:
    pass


MAX_PAGES = 300
# An A3 page scanned at 600 dpi is 70 million pixels. Beyond this an image is a « decompression bomb »:
# a few compressed kilobytes that would need gigabytes of memory when the dossier is assembled.
MAX_IMAGE_PIXELS = 80_000_000
# Every object of a PDF is read to look for active content (about 0.1 ms each): a 300-page scan has a few
# thousand, an invoice a few hundred.
MAX_PDF_OBJECTS = 50_000

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


def download_name(filename: str, media_type: MediaType) -> str:
    """:func:`safe_filename`, ending with the real type's extension: « relevé.pdf » stays, « scan » and
    « photo.exe » (a JPEG) become « scan.pdf » and « photo.exe.jpg »."""
    name = safe_filename(filename)
    if _EXTENSION_TYPES.get(_extension(name)) == media_type:
        return name
    suffix = f".{EXTENSIONS[media_type]}"
    stem = name[: MAX_FILENAME_LENGTH - len(suffix)].rstrip(" .") or "document"
    return stem + suffix


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


def _thousands(number: int) -> str:
    """« 100 005 », with a narrow no-break space as French typography wants."""
    return f"{number:,}".replace(",", "\u202f")


def _extension(filename: str) -> str:
    base = display_name(filename)
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _rejected(message: str, code: str) -> UploadRejected:
    return UploadRejected(message, code=code, field="file")
