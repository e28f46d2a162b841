"""PDF text extraction and page artefacts for the document tests."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

ARTEFACTS = Path(__file__).resolve().parents[3] / "build" / "test-artefacts" / "documents"


def normalise(text: str) -> str:
    """Babel's narrow no-break spaces and the PDF's line breaks become single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return normalise(" ".join(page.extract_text() or "" for page in reader.pages))


def save_pages(pdf: bytes, name: str) -> Path:
    """Write the PDF and its pages as PNG under build/test-artefacts/documents/ for a person to look at."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(ARTEFACTS / name)], check=True)
    return path
