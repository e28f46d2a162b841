"""The proofs the twin hands out (deposit proof, acknowledgement of receipt, returned letter, the
electronic letter's proofs): small, valid one-page PDFs it writes itself, byte by byte (PDF 1.4, the
standard Helvetica fonts in WinAnsi encoding, so French accents need no embedded font)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 56
WRAP = 88  # characters per line of body text at 11 pt
FOOTER = "Document produit par la simulation locale de Maileva : sans valeur juridique."


def _literal(text: str) -> bytes:
    """A PDF string literal in WinAnsi (cp1252) encoding: ``(…)`` with escapes, bytes over 127 in octal."""
    raw = text.encode("cp1252", "replace")
    out = bytearray(b"(")
    for byte in raw:
        if byte in b"\\()":
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte > 126:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    return bytes(out + b")")


def _text_string(text: str) -> bytes:
    """A text string for the document information (UTF-16BE with its byte order mark, in hex)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _content(title: str, lines: Sequence[str]) -> bytes:
    wrapped: list[str] = []
    for line in lines:
        wrapped.extend(textwrap.wrap(line, WRAP) or [""])
    ops = [b"BT", b"/F1 18 Tf", f"{MARGIN} {PAGE_HEIGHT - 90} Td".encode(), _literal(title) + b" Tj", b"ET"]
    ops += [b"BT", b"/F2 11 Tf", b"15 TL", f"{MARGIN} {PAGE_HEIGHT - 130} Td".encode()]
    for line in wrapped:
        ops.append(_literal(line) + b" Tj T*")
    ops.append(b"ET")
    ops += [b"BT", b"/F2 8 Tf", f"{MARGIN} 40 Td".encode(), _literal(FOOTER) + b" Tj", b"ET"]
    return b"\n".join(ops)


def one_page(title: str, lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF: ``title`` in bold, then ``lines`` (long ones wrapped), then the twin's footer."""
    content = _content(title, lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Title " + _text_string(title) + b" /Producer (claims-platform fake_maileva) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode() + b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
