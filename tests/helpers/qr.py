"""QR codes read back (zxing-cpp): from a PDF's pages (rendered by pdftoppm) or from a PNG image."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path


def qr_codes_in_pdf(pdf: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "letter.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "200", "-png", "letter.pdf", "page"], cwd=work, check=True)
        return [
            barcode.text
            for page in sorted(Path(work).glob("page*.png"))
            for barcode in zxingcpp.read_barcodes(Image.open(page))
        ]


def qr_codes_in_png(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [barcode.text for barcode in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
