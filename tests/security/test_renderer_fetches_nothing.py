"""A renderer that fetches nothing (issue 20): while assembling a dossier, WeasyPrint fetched a URL named in
an uploaded SVG (server-side request forgery) and embedded the text of a local file. The platform's fetcher
now reads only ``data:`` URIs and its own templates and fonts: a local listener must receive nothing and a
canary file's text must never appear in any output, whatever a field or an exhibit names; SVG is never
evidence."""

from __future__ import annotations

import base64
import dataclasses
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from chalicelib.documents.render import FONT_DIR, TEMPLATES_DIR, allowed_resource, html_to_pdf

CANARY = "CANARI-SECRET-7f3a9c"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b"@import url(x); body{background:url(/leak)}"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    server.shutdown()


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "canary.txt"
    path.write_text(CANARY, encoding="utf-8")
    return path


def _hostile(url: str, canary: Path) -> str:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" '
        f'height="10"><image href="{url}/svg-image" width="10" height="10"/>'
        f'<image xlink:href="{canary.as_uri()}" width="10" height="10"/></svg>'
    )
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (
        f'<link rel="stylesheet" href="{url}/style.css">'
        f'<link rel="attachment" href="{canary.as_uri()}">'
        f"<style>@import url({url}/import.css); @font-face {{font-family: x; src: url({url}/font.ttf)}}"
        f" p {{ background: url({url}/background.png); font-family: x }}"
        f" h1::after {{ content: url({canary.as_uri()}) }}</style>"
        f'<img src="{url}/image.png"><img src="{canary.as_uri()}"><img src="{svg_uri}">'
        f'<object data="{canary.as_uri()}"></object><iframe src="{url}/frame"></iframe>'
        f'<embed src="{url}/embed"><h1>Titre</h1><p>Texte</p>'
    )


def test_the_fetcher_allows_data_uris_and_the_platforms_own_files_only(canary):
    template = next(TEMPLATES_DIR.rglob("*.css"))
    assert allowed_resource("data:text/plain;base64,SGVsbG8=")
    assert allowed_resource(template.as_uri())
    if FONT_DIR.is_dir():
        assert allowed_resource(next(FONT_DIR.iterdir()).as_uri())
    for url in (
        "http://127.0.0.1/x",
        "https://example.org/a.png",
        "ftp://example.org/a",
        "file:///etc/passwd",
        canary.as_uri(),
        (TEMPLATES_DIR / ".." / ".." / "etc" / "passwd").as_uri(),
        f"file://{TEMPLATES_DIR}/../pyproject.toml",
        "gopher://127.0.0.1:70/",
        "//127.0.0.1/x",
        "x.css",
    ):
        assert not allowed_resource(url), url


def test_hostile_html_css_and_svg_reach_nothing_and_leak_nothing(listener, canary):
    url, hits = listener
    pdf = html_to_pdf(f"<html><head></head><body>{_hostile(url, canary)}</body></html>", identifier="x")
    assert hits == []
    assert CANARY.encode() not in pdf
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    assert CANARY not in " ".join(page.extract_text() for page in reader.pages)
    assert not reader.attachments


def test_hostile_fields_in_a_notice_are_printed_as_text_and_fetch_nothing(listener, canary):
    """Every text the creditor types reaches the letter escaped: the markup is printed, never fetched."""
    from chalicelib.documents.letters import document_pdf
    from tests.unit.documents.fixtures import make_context

    url, hits = listener
    hostile = _hostile(url, canary)
    ctx = make_context("b2b", invoice_object=hostile, contract_ref=hostile, contract_title=hostile)
    debtor = dataclasses.replace(
        ctx.debtor,
        name=f"Débiteur {hostile}",
        address=dataclasses.replace(ctx.debtor.address, street=hostile),
        representative=hostile,
    )
    ctx = dataclasses.replace(ctx, debtor=debtor)
    for kind in ("mise_en_demeure", "relance", "decompte", "requete", "note_avocat", "bordereau"):
        pdf = document_pdf(kind, ctx)
        assert CANARY.encode() not in pdf, kind
    assert hits == []


def test_an_svg_is_not_evidence_whatever_type_it_claims(api):
    from tests.integration.claims_helpers import create_claim, creditor, upload

    token = creditor(api)
    claim_id = create_claim(api, token)["claim_id"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1:9/x"/></svg>'
    for declared, name in (
        ("image/png", "scan.png"),
        ("application/pdf", "scan.pdf"),
        ("image/jpeg", "x.jpg"),
    ):
        response, _ = upload(api, token, claim_id, svg, filename=name, content_type=declared)
        assert response.status_code in (400, 422), response.json_body
        assert response.json_body["error"]["code"] in {"upload_rejected", "unsupported_type"}
