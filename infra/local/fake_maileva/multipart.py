"""``multipart/form-data`` bodies (a document and its metadata), read byte for byte: a part's content is
exactly what was sent (binary files included), without the standard library's deprecated ``cgi``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from infra.local.fake_maileva.errors import invalid


@dataclass(frozen=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    content: bytes


def boundary_of(content_type: str) -> str | None:
    message = Message()
    message["Content-Type"] = content_type
    if message.get_content_type() != "multipart/form-data":
        return None
    boundary = message.get_param("boundary")
    return boundary if isinstance(boundary, str) and boundary else None


def parse(content_type: str, body: bytes) -> list[Part]:
    """The parts of a ``multipart/form-data`` body; 400 when it is not one."""
    boundary = boundary_of(content_type)
    if boundary is None:
        raise invalid("UNEXPECTED_NOT_VALID_ERROR", "Le document doit être transmis en multipart/form-data")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    parts: list[Part] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        part = _part(chunk)
        if part is not None:
            parts.append(part)
    return parts


def _part(chunk: bytes) -> Part | None:
    chunk = chunk.removeprefix(b"\r\n").removeprefix(b"\n")
    separator = re.search(rb"\r?\n\r?\n", chunk)
    if separator is None:
        return None
    head = chunk[: separator.start()].decode("utf-8", "replace")
    content = chunk[separator.end() :]
    content = content.removesuffix(b"\r\n") if content.endswith(b"\r\n") else content.removesuffix(b"\n")
    headers = Message()
    for line in head.splitlines():
        key, _, value = line.partition(":")
        if key.strip():
            headers[key.strip()] = value.strip()
    disposition = headers.get("Content-Disposition")
    if disposition is None:
        return None
    holder = Message()
    holder["Content-Disposition"] = disposition
    name = holder.get_param("name", header="content-disposition")
    filename = holder.get_filename()
    if not isinstance(name, str):
        return None
    return Part(name=name, filename=filename, content_type=headers.get("Content-Type"), content=content)
