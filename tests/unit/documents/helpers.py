"""PDF text extraction and page artefacts for the document tests."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

from tests import artefacts


def normalise(text: str) -> str:
    """Babel's narrow no-break spaces and the PDF's line breaks become single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return normalise(" ".join(page.extract_text() or "" for page in reader.pages))


def assert_pdf_a3b_in_house_fonts(pdf: bytes, *, year: int) -> PdfReader:
    """The document pipeline's promise for every PDF: PDF/A-3b (output intent, XMP part 3), its fixed
    creation date in ``year``, the house serif (the DejaVu files, subset and embedded). Returns the reader."""
    reader = PdfReader(io.BytesIO(pdf))
    assert "/OutputIntents" in reader.trailer["/Root"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert reader.metadata is not None and reader.metadata.creation_date is not None
    assert reader.metadata.creation_date.year == year
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[union-attr]
    }
    assert any("Doc-Serif" in f for f in fonts)
    return reader


def save_pages(pdf: bytes, name: str) -> Path:
    """Write the PDF for a person to look at (tests/artefacts.py: a temporary folder unless
    ``CLAIMS_TEST_ARTEFACTS`` names one, and then its pages as PNG too)."""
    target = artefacts.folder("documents")
    path = target / f"{name}.pdf"
    path.write_bytes(pdf)
    if artefacts.requested() and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(target / name)], check=True)
    return path
