"""Uploads are checked from their content: type from the magic bytes, size, PDF health, image structure."""

from __future__ import annotations

import base64
import hashlib
import io
import random
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from chalicelib.documents.inspection import MAX_PAGES, MAX_UPLOAD_BYTES, inspect_upload
from chalicelib.domain.errors import UploadRejected

# A real 1×1 greyscale baseline JPEG (written once by Pillow, quality 50).
JPEG_1X1 = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hn"
    "Pk1xeXBkeFxlZ2P/wAALCAABAAEBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9"
    "AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZn"
    "aGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP0"
    "9fb3+Pn6/9oACAEBAAA/ACv/2Q=="
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 1, height: int = 1) -> bytes:
    """A minimal valid greyscale PNG, built byte by byte."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def pdf(pages: int = 1, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def rejection(
    content: bytes, filename: str = "facture.pdf", declared_type: str | None = None
) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(content, filename=filename, declared_type=declared_type)
    return caught.value


# --- Accepted files -----------------------------------------------------------------------------------------


def test_a_real_pdf_is_accepted_with_its_page_count_size_and_fingerprint() -> None:
    content = pdf(pages=3)

    inspected = inspect_upload(content, filename="facture.pdf", declared_type="application/pdf")

    assert inspected.media_type == "application/pdf"
    assert inspected.pages == 3
    assert inspected.size == len(content)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()
    assert inspected.extension == "pdf"


def test_a_png_is_accepted_as_a_one_page_image() -> None:
    inspected = inspect_upload(png(3, 2), filename="photo-bon-de-livraison.png", declared_type="image/png")

    assert (inspected.media_type, inspected.pages, inspected.extension) == ("image/png", 1, "png")


@pytest.mark.parametrize("filename", ["scan.jpg", "scan.JPEG", "scan.jpe", "scan"])
def test_a_jpeg_is_accepted_whatever_its_usual_extension(filename: str) -> None:
    inspected = inspect_upload(JPEG_1X1, filename=filename, declared_type="image/jpeg")

    assert (inspected.media_type, inspected.pages, inspected.extension) == ("image/jpeg", 1, "jpg")


def test_a_pdf_of_exactly_max_pages_is_accepted() -> None:
    assert inspect_upload(pdf(pages=MAX_PAGES), filename="contrat.pdf").pages == MAX_PAGES


def test_an_accepted_declared_type_that_disagrees_is_ignored_the_content_decides() -> None:
    inspected = inspect_upload(pdf(), filename="facture.pdf", declared_type="image/png")

    assert inspected.media_type == "application/pdf"


@pytest.mark.parametrize(
    "declared", [None, "", "application/octet-stream", "application/pdf; charset=binary"]
)
def test_an_uninformative_declared_type_is_accepted(declared: str | None) -> None:
    assert (
        inspect_upload(pdf(), filename="facture.pdf", declared_type=declared).media_type == "application/pdf"
    )


# --- Rejected files -----------------------------------------------------------------------------------------


def test_an_empty_file_is_rejected() -> None:
    error = rejection(b"")

    assert error.code == "empty_file"
    assert error.message == "Le fichier « facture.pdf » est vide."


def test_a_file_over_10_mb_is_rejected_before_being_opened() -> None:
    content = b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024)

    error = rejection(content)

    assert error.code == "file_too_large"
    assert error.message.startswith("Le fichier « facture.pdf » dépasse la taille maximale de 10 Mo :")


def test_one_byte_over_10_mb_is_too_large() -> None:
    assert rejection(b"%PDF-1.7\n" + b"0" * (MAX_UPLOAD_BYTES - 8)).code == "file_too_large"


def test_a_file_of_exactly_10_mb_is_not_rejected_for_its_size() -> None:
    assert rejection(b"x" * MAX_UPLOAD_BYTES, filename="notes.txt").code == "unsupported_type"


def test_a_text_file_named_pdf_is_rejected_saying_it_looks_like_text() -> None:
    error = rejection("Facture n° 12\nMontant : 120 €\n".encode(), filename="x.pdf")

    assert error.code == "unsupported_type"
    assert error.message == (
        "Le fichier « x.pdf » n'est pas un PDF, une image PNG ou JPEG : son contenu ressemble à du texte."
    )


def test_a_png_named_pdf_is_rejected_saying_it_is_a_png() -> None:
    error = rejection(png(), filename="facture.pdf", declared_type="application/pdf")

    assert error.code == "unsupported_type"
    assert "« facture.pdf »" in error.message
    assert "c'est une image PNG" in error.message


def test_a_pdf_named_jpg_is_rejected() -> None:
    error = rejection(pdf(), filename="photo.jpg")

    assert error.code == "unsupported_type"
    assert "c'est un PDF" in error.message


@pytest.mark.parametrize(
    ("content", "description"),
    [
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "une image GIF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(40), "un document Word, Excel, OpenOffice ou une archive ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40), "un ancien document Word ou Excel"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(40), "une photo HEIC (format des iPhone)"),
        (b"<!DOCTYPE html><html><body>Facture</body></html>", "une page web (HTML)"),
        (bytes(range(256)) * 4, "un format inconnu"),
    ],
)
def test_an_unsupported_format_is_named_in_the_message(content: bytes, description: str) -> None:
    error = rejection(content, filename="piece")

    assert error.code == "unsupported_type"
    assert error.message.endswith(f"son contenu ressemble à {description}.")


def test_a_declared_type_outside_the_accepted_ones_is_rejected() -> None:
    error = rejection(pdf(), declared_type="text/plain")

    assert error.code == "unsupported_type"
    assert "text/plain" in error.message


def test_an_encrypted_pdf_is_rejected() -> None:
    error = rejection(pdf(password="secret"))

    assert error.code == "pdf_encrypted"
    assert "mot de passe" in error.message


@pytest.mark.parametrize("seed", range(5))
def test_a_pdf_header_followed_by_garbage_is_rejected_as_corrupt(seed: int) -> None:
    garbage = random.Random(seed).randbytes(4096)

    assert rejection(b"%PDF-1.7\n" + garbage).code == "pdf_corrupt"


def test_a_truncated_pdf_is_rejected_as_corrupt() -> None:
    content = pdf(pages=2)

    assert rejection(content[: len(content) // 2]).code == "pdf_corrupt"


def test_a_pdf_of_more_than_max_pages_is_rejected() -> None:
    error = rejection(pdf(pages=MAX_PAGES + 1))

    assert error.code == "too_many_pages"
    assert "301 pages" in error.message


@pytest.mark.parametrize("cut", [12, 30, 45])
def test_a_truncated_png_is_rejected_as_corrupt(cut: int) -> None:
    assert rejection(png(4, 4)[:cut], filename="photo.png").code == "image_corrupt"


def test_a_png_with_a_damaged_header_is_rejected_as_corrupt() -> None:
    content = bytearray(png())
    content[20] ^= 0xFF  # inside IHDR: the CRC no longer matches

    assert rejection(bytes(content), filename="photo.png").code == "image_corrupt"


@pytest.mark.parametrize("cut", [3, 20, 150, len(JPEG_1X1) - 2])
def test_a_truncated_jpeg_is_rejected_as_corrupt(cut: int) -> None:
    assert rejection(JPEG_1X1[:cut], filename="photo.jpg").code == "image_corrupt"


def test_the_message_names_the_file_without_its_folder() -> None:
    error = rejection(b"", filename="C:\\fakepath\\relance\u0007.pdf")

    assert error.message == "Le fichier « relance.pdf » est vide."


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b""]))
def test_no_content_makes_the_inspection_fail_otherwise_than_with_upload_rejected(
    tail: bytes, head: bytes
) -> None:
    try:
        inspect_upload(head + tail, filename="piece.bin")
    except UploadRejected as error:
        assert error.code in {
            "empty_file",
            "unsupported_type",
            "pdf_encrypted",
            "pdf_corrupt",
            "too_many_pages",
            "image_corrupt",
        }
