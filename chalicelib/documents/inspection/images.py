"""PNG and JPEG checks: the whole structure from signature to end marker, and the size in pixels read from
the header (images are never decoded).
"""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING

from chalicelib.documents.inspection.media import (
    _TYPE_LABELS,
    MAX_IMAGE_PIXELS,
    PNG,
    MediaType,
    _rejected,
    _thousands,
)
from chalicelib.domain.uploads import (  # noqa: F401 - re-exported: the inspection's own vocabulary
    _WINDOWS_FORBIDDEN,
    _WINDOWS_RESERVED,
    MAX_FILENAME_LENGTH,
    MAX_UPLOAD_BYTES,
    safe_filename,
)

if TYPE_CHECKING:
    pass


# Start-of-frame markers (C4 = Huffman table, C8 = reserved, CC = arithmetic conditioning are not frames).
_JPEG_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_EOI, _JPEG_SOS = 0xD9, 0xDA


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
