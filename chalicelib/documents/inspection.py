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
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from chalicelib.domain.errors import UploadRejected
from chalicelib.domain.uploads import (  # noqa: F401 - re-exported: the inspection's own vocabulary
    _WINDOWS_FORBIDDEN,
    _WINDOWS_RESERVED,
    MAX_FILENAME_LENGTH,
    MAX_UPLOAD_BYTES,
    safe_filename,
)

if TYPE_CHECKING:
    from pypdf import PdfReader

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
# Start-of-frame markers (C4 = Huffman table, C8 = reserved, CC = arithmetic conditioning are not frames).
_JPEG_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_EOI, _JPEG_SOS = 0xD9, 0xDA
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

# --- PDF active content ---------------------------------------------------------------------------------
# Actions a reader runs by itself or that leave the document: refused wherever they are.
_DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
    }
)
# What may run by itself (``/OpenAction``, ``/AA``): showing a page of the document, nothing else. A link
# to a web page (``/URI``) stays allowed on a click.
_SAFE_AUTOMATIC_ACTIONS = frozenset({"/GoTo"})
# Keys that carry a script or a rich-media player.
_SCRIPT_KEYS = frozenset({"/JS", "/JavaScript"})
_RICH_KEYS = frozenset({"/RichMedia", "/RichMediaContent", "/XFA"})
# The only file a PDF may carry: the structured invoice of an e-invoice (Factur-X, ZUGFeRD, XRechnung).
EINVOICE_ATTACHMENTS = frozenset(
    {"factur-x.xml", "zugferd-invoice.xml", "zugferd_invoice.xml", "xrechnung.xml"}
)
# Names that are looked for in the raw bytes too: an object that a damaged cross-reference table hides
# from pypdf may still be found by a reader that rebuilds the table. Long enough never to occur by chance
# in compressed data. ``#xx`` escapes in names (``/J#61vaScript``) are decoded first.
_RAW_DANGEROUS_NAMES = frozenset({b"JavaScript", b"Launch", b"RichMedia"})
_NAME_TOKEN = re.compile(rb"/([^\x00\t\n\f\r /<>\[\]()%{}]{6,64})")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

# Windows refuses these as file names, whatever the extension (« CON.pdf »).


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


# --- PDF ----------------------------------------------------------------------------------------------------
_CLEAN_COPY = (
    "Enregistrez-en une copie simple (« Imprimer » puis « Enregistrer au format PDF ») et envoyez-la."
)


def _pdf_pages(content: bytes, name: str) -> int:
    from pypdf import PdfReader  # lazy: cold start

    corrupt = _rejected(
        f"Le fichier « {name} » est un PDF endommagé qui ne peut pas être lu : enregistrez-le à nouveau "
        "ou envoyez une autre copie.",
        "pdf_corrupt",
    )
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _rejected(
                f"Le fichier « {name} » est un PDF protégé par un mot de passe ou chiffré : enregistrez-en "
                "une copie sans protection (par exemple « Imprimer » puis « Enregistrer au format PDF »).",
                "pdf_encrypted",
            )
        # The page tree's own count is checked first (walking a huge tree takes long), then the real one.
        pages = _declared_page_count(reader)
        if pages <= MAX_PAGES:
            pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise _rejected(
                f"Le fichier « {name} » compte {pages} pages : un document peut en avoir {MAX_PAGES} "
                "au plus. Envoyez seulement les pages utiles.",
                "too_many_pages",
            )
        for page in reader.pages:  # every page object must be readable, not only the page count
            _ = page.mediabox
        if pages == 0:
            raise corrupt
        _check_pdf_content(reader, content, name)
    except UploadRejected:
        raise
    except Exception as error:  # pypdf raises many kinds on broken files: never let one escape
        raise corrupt from error
    return pages


def _declared_page_count(reader: PdfReader) -> int:
    """The page tree's own ``/Count`` (0 when absent or not a number): it may lie, the real count follows."""
    tree: Any = reader.root_object["/Pages"].get_object()
    count = tree.get("/Count", 0)
    try:
        return max(0, int(count))
    except (TypeError, ValueError):
        return 0


def _check_pdf_content(reader: PdfReader, content: bytes, name: str) -> None:
    """No active content and no embedded file but an e-invoice's XML, in any object of the file."""
    from pypdf.generic import DictionaryObject, StreamObject

    objects = len(reader.xref_objStm) + sum(len(entries) for entries in reader.xref.values())
    if objects > MAX_PDF_OBJECTS:
        raise _rejected(
            f"Le fichier « {name} » est un PDF trop complexe ({_thousands(objects)} objets, "
            f"{_thousands(MAX_PDF_OBJECTS)} au plus). {_CLEAN_COPY}",
            "pdf_too_complex",
        )
    embedded_streams: set[int] = set()  # object numbers of the embedded files
    allowed_streams: set[int] = set()  # those that are an e-invoice's XML
    for number, obj in _pdf_dictionaries(reader):
        reason = _active_content(obj)
        if reason is not None:
            raise _rejected(
                f"Le fichier « {name} » est un PDF qui contient {reason} : pour votre sécurité et celle de "
                f"l'avocat et du tribunal qui le recevront, seuls les PDF sans contenu actif sont acceptés. "
                f"{_CLEAN_COPY}",
                "pdf_active_content",
            )
        if number is not None and isinstance(obj, StreamObject) and obj.get("/Type") == "/EmbeddedFile":
            embedded_streams.add(number)
        files = obj.get("/EF")
        if isinstance(files, DictionaryObject):
            attached = _attachment_name(obj)
            references = [files.raw_get(key) for key in files]
            numbers = {ref.idnum for ref in references if hasattr(ref, "idnum")}
            if attached.lower() in EINVOICE_ATTACHMENTS and all(
                _is_xml(ref.get_object()) for ref in references
            ):
                allowed_streams |= numbers
            else:
                raise _embedded(name, attached)
            if not all(hasattr(ref, "idnum") for ref in references):  # a file written inside the spec
                raise _embedded(name, attached)
    if embedded_streams - allowed_streams or len(allowed_streams) > 1:
        raise _embedded(name, "")
    for found in _NAME_TOKEN.finditer(content):
        token = _NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), found[1])
        if token in _RAW_DANGEROUS_NAMES:
            raise _rejected(
                f"Le fichier « {name} » est un PDF qui contient du contenu actif (« {token.decode()} ») : "
                f"seuls les PDF sans contenu actif sont acceptés. {_CLEAN_COPY}",
                "pdf_active_content",
            )


def _pdf_dictionaries(reader: PdfReader) -> Iterator[tuple[int | None, Any]]:
    """Every dictionary (streams included) of the file, each with its object number when it is an object
    of its own: the trailer, every object of the cross-reference table and of the object streams, and the
    dictionaries written inside them. References are not followed (their object comes in its turn)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    numbers = {(number, generation) for generation, entries in reader.xref.items() for number in entries}
    numbers |= {(number, 0) for number in reader.xref_objStm}
    roots: list[tuple[int | None, Any]] = [(None, reader.trailer)]
    roots += [(n, IndirectObject(n, g, reader)) for n, g in sorted(numbers)]
    for number, root in roots:
        stack = [root.get_object()]
        top = True
        while stack:
            obj = stack.pop()
            if isinstance(obj, DictionaryObject):
                yield (number if top else None), obj
                stack.extend(v for v in dict.values(obj) if not isinstance(v, IndirectObject))
            elif isinstance(obj, ArrayObject):
                stack.extend(v for v in list.__iter__(obj) if not isinstance(v, IndirectObject))
            top = False


def _active_content(obj: Any) -> str | None:
    """What active content the dictionary is or carries, in French, or None."""
    from pypdf.generic import DictionaryObject

    if _SCRIPT_KEYS.intersection(obj.keys()) or obj.get("/S") == "/JavaScript":
        return "du JavaScript (un programme qui s'exécute dans le lecteur de PDF)"
    if obj.get("/S") in _DANGEROUS_ACTIONS:
        return (
            f"une action « {str(obj['/S']).lstrip('/')} » (lancer un programme, envoyer des données, ouvrir "
            "un autre fichier ou jouer un média)"
        )
    if _RICH_KEYS.intersection(obj.keys()):
        return "un formulaire dynamique (XFA) ou un contenu multimédia"
    automatic = []
    if "/OpenAction" in obj:
        automatic.append(obj["/OpenAction"])  # a destination array (« open on page 1 ») is fine
    if isinstance(obj.get("/AA"), DictionaryObject):
        automatic.extend(obj["/AA"][key] for key in obj["/AA"])
    for action in automatic:
        if isinstance(action, DictionaryObject) and action.get("/S") not in _SAFE_AUTOMATIC_ACTIONS:
            what = _active_content(action)  # say what it would run, when it says more
            return what or "une action qui s'exécute d'elle-même (à l'ouverture du document ou d'une page)"
    return None


def _attachment_name(filespec: Any) -> str:
    name = filespec.get("/UF") or filespec.get("/F") or ""
    return display_name(str(name))


def _is_xml(stream: Any) -> bool:
    data = stream.get_data() if hasattr(stream, "get_data") else b""
    return bytes(data[:256]).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _embedded(name: str, attached: str) -> UploadRejected:
    which = f" (« {attached} »)" if attached and attached != "sans nom" else ""
    return _rejected(
        f"Le fichier « {name} » est un PDF qui contient des fichiers joints{which} : seul le XML d'une "
        f"facture électronique Factur-X peut accompagner un PDF. {_CLEAN_COPY}",
        "pdf_embedded_file",
    )


def _pdf_end(content: bytes, name: str) -> int:
    """Where the document ends: after its last ``%%EOF`` marker (a PDF without one is refused)."""
    marker = content.rfind(b"%%EOF")
    if marker < 0:
        raise _rejected(
            f"Le fichier « {name} » est un PDF incomplet (sa fin manque) : enregistrez-le à nouveau ou "
            "envoyez une autre copie.",
            "pdf_corrupt",
        )
    return marker + len(b"%%EOF")


# --- images ----------------------------------------------------------------------------------------------
def _image_end(content: bytes, name: str, media_type: MediaType) -> int:
    """Where the image ends (after PNG's ``IEND`` chunk, JPEG's end-of-image marker), once its structure
    and its size in pixels are checked."""
    found = _png_structure(content) if media_type == PNG else _jpeg_structure(content)
    if found is None:
        raise _rejected(
            f"Le fichier « {name} » est {_TYPE_LABELS[media_type]} endommagée ou incomplète : "
            "enregistrez-la à nouveau ou envoyez une autre copie.",
            "image_corrupt",
        )
    width, height, end = found
    if width * height > MAX_IMAGE_PIXELS:
        raise _rejected(
            f"Le fichier « {name} » est une image de {_thousands(width)} × {_thousands(height)} pixels"
            + f" : au plus {MAX_IMAGE_PIXELS // 1_000_000} millions de pixels sont acceptés. Réduisez sa "
            "résolution (300 points par pouce suffisent pour une pièce) et envoyez-la à nouveau.",
            "image_too_large",
        )
    return end


def _png_structure(content: bytes) -> tuple[int, int, int] | None:
    """``(width, height, end)``: the signature, an IHDR chunk first (right length, CRC, non-zero size),
    image data, then the IEND chunk, whose end is ``end``; None when something lacks."""
    header = content[8:33]
    if len(header) < 25:
        return None
    length, chunk_type = struct.unpack(">I4s", header[:8])
    if chunk_type != b"IHDR" or length != 13:
        return None
    data, crc = header[8:21], struct.unpack(">I", header[21:25])[0]
    if zlib.crc32(chunk_type + data) != crc:
        return None
    width, height = struct.unpack(">II", data[:8])
    if width == 0 or height == 0:
        return None
    offset, size, image_data = 33, len(content), False
    while offset + 12 <= size:
        length, chunk_type = struct.unpack(">I4s", content[offset : offset + 8])
        end = offset + 12 + length
        if end > size:
            return None
        if chunk_type == b"IDAT":
            image_data = True
        elif chunk_type == b"IEND":
            return (width, height, end) if image_data else None
        offset = end
    return None


def _jpeg_structure(content: bytes) -> tuple[int, int, int] | None:
    """``(width, height, end)``: the marker segments walked from the start of image, through each scan's
    entropy-coded data, to the end-of-image marker (``end`` is just after it); None when it is missing."""
    offset, size = 2, len(content)
    width = height = 0
    while offset + 2 <= size:
        if content[offset] != 0xFF:
            return None
        marker = content[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker == _JPEG_EOI:
            return (width, height, offset + 2) if width else None
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            offset += 2
            continue
        if offset + 4 > size:
            return None
        (length,) = struct.unpack(">H", content[offset + 2 : offset + 4])
        if length < 2 or offset + 2 + length > size:
            return None
        if marker in _JPEG_SOF_MARKERS:
            if length < 8:
                return None
            height, width = struct.unpack(">HH", content[offset + 5 : offset + 9])
        offset += 2 + length
        if marker == _JPEG_SOS:  # entropy-coded data: up to the next marker that is not a stuffed byte
            if not width:
                return None
            offset = _jpeg_scan_end(content, offset)
    return None


def _jpeg_scan_end(content: bytes, offset: int) -> int:
    """The offset of the marker that ends the entropy-coded data starting at ``offset`` (or the size)."""
    while True:
        offset = content.find(b"\xff", offset)
        if offset < 0 or offset + 1 >= len(content):
            return len(content)
        following = content[offset + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # a stuffed 0xFF byte, a restart marker
            offset += 2
        elif following == 0xFF:  # fill bytes before a marker
            offset += 1
        else:
            return offset


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
