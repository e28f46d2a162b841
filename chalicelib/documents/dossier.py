"""The injonction de payer dossier: one merged PDF with bookmarks and stamped exhibits, and a ZIP.

Order: cover note for the lawyer, requête, décompte, bordereau, then each exhibit stamped "Pièce n° N" in
the top right corner. Images (PNG/JPEG) become A4 PDF pages. The ZIP holds the same pieces as separate
files plus ``manifest.json`` (SHA-256 and size of every file). Output is reproducible for the same
context (fixed PDF identifiers, metadata dates and ZIP timestamps from ``generated_at``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import ArrayObject, ByteStringObject

from chalicelib.documents.context import DocumentContext, Exhibit
from chalicelib.documents.letters import TITLES, DocumentKind, document_pdf
from chalicelib.documents.render import html_to_pdf, render_html

DOSSIER_DOCUMENTS: tuple[DocumentKind, ...] = ("note_avocat", "requete", "decompte", "bordereau")
IMAGE_TYPES = {"image/png", "image/jpeg"}
STAMP_MARGIN_PT = 14.0


@dataclass(frozen=True)
class DossierFile:
    name: str
    title: str
    pdf: bytes


@dataclass(frozen=True)
class Dossier:
    files: tuple[DossierFile, ...]
    merged_pdf: bytes
    zip_bytes: bytes
    manifest: dict[str, object]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:50]


def image_to_pdf(image: bytes, media_type: str, *, title: str, identifier: str) -> bytes:
    """One A4 page showing the image, scaled to fit the page."""
    uri = f"data:{media_type};base64,{base64.b64encode(image).decode()}"
    html = render_html("documents/image_page.html", image_uri=uri, title=title)
    return html_to_pdf(html, identifier=identifier)


def exhibit_pdf(exhibit: Exhibit, ctx: DocumentContext) -> bytes:
    if exhibit.content is None:
        raise ValueError(f"pièce n° {exhibit.number} ({exhibit.title}) : fichier manquant")
    media_type = exhibit.media_type or "application/pdf"
    if media_type in IMAGE_TYPES:
        return image_to_pdf(
            exhibit.content,
            media_type,
            title=exhibit.title,
            identifier=f"{ctx.claim_id}/piece/{exhibit.number}",
        )
    if media_type != "application/pdf":
        raise ValueError(f"pièce n° {exhibit.number} : format non pris en charge ({media_type})")
    return exhibit.content


def _stamp_pdf(number: int, ctx: DocumentContext) -> PdfReader:
    html = render_html("documents/stamp.html", number=number, ctx=ctx)
    return PdfReader(io.BytesIO(html_to_pdf(html, identifier=f"{ctx.claim_id}/stamp/{number}")))


def stamp(pdf: bytes, number: int, ctx: DocumentContext) -> bytes:
    """Merge a "Pièce n° N" stamp in the top right corner of every page."""
    stamp_page = _stamp_pdf(number, ctx).pages[0]
    stamp_w, stamp_h = float(stamp_page.mediabox.width), float(stamp_page.mediabox.height)
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for page in writer.pages:
        box = page.mediabox
        tx = float(box.right) - stamp_w - STAMP_MARGIN_PT
        ty = float(box.top) - stamp_h - STAMP_MARGIN_PT
        page.merge_transformed_page(stamp_page, Transformation().translate(tx, ty))
    return _write(writer, ctx)


def _write(writer: PdfWriter, ctx: DocumentContext) -> bytes:
    digest = hashlib.md5(ctx.claim_id.encode(), usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    writer.add_metadata({"/Title": f"Dossier {ctx.our_reference}", "/Author": ctx.creditor.name})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def dossier_files(ctx: DocumentContext) -> tuple[DossierFile, ...]:
    files = [
        DossierFile(f"{i:02d}-{kind.replace('_', '-')}.pdf", TITLES[kind], document_pdf(kind, ctx))
        for i, kind in enumerate(DOSSIER_DOCUMENTS)
    ]
    for exhibit in ctx.exhibits:
        title = f"Pièce n° {exhibit.number} — {exhibit.title}"
        name = f"piece-{exhibit.number:02d}-{_slug(exhibit.title)}.pdf"
        files.append(DossierFile(name, title, stamp(exhibit_pdf(exhibit, ctx), exhibit.number, ctx)))
    return tuple(files)


def merge(files: tuple[DossierFile, ...], ctx: DocumentContext) -> bytes:
    """One PDF, one top-level bookmark per piece, pointing at its first page."""
    writer = PdfWriter()
    for f in files:
        first_page = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(f.pdf)), import_outline=False)
        writer.add_outline_item(title=f.title, page_number=first_page)
    return _write(writer, ctx)


def _zip(entries: list[tuple[str, bytes]], ctx: DocumentContext) -> bytes:
    stamp_time = ctx.generated_at.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def assemble(ctx: DocumentContext) -> Dossier:
    files = dossier_files(ctx)
    merged = merge(files, ctx)
    entries = [("dossier-complet.pdf", merged), *((f.name, f.pdf) for f in files)]
    manifest: dict[str, object] = {
        "claim_id": ctx.claim_id,
        "generated_at": ctx.generated_at.isoformat(),
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in entries
        ],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return Dossier(
        files=files,
        merged_pdf=merged,
        zip_bytes=_zip([*entries, ("manifest.json", manifest_bytes)], ctx),
        manifest=manifest,
    )
