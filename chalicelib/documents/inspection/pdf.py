"""PDF checks: it opens, is not encrypted, has a plausible number of pages and objects, carries no active
content and no embedded file but an e-invoice's XML, and has an end. Changes with PDF threats.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chalicelib.documents.inspection.media import (
    MAX_PAGES,
    MAX_PDF_OBJECTS,
    _rejected,
    _thousands,
    display_name,
)
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
