"""What an uploaded file may be called and how large it may be: pure rules shared by the storage adapter
(the presigned POST's size limit, the stored name) and the inspection of its bytes
(:mod:`chalicelib.documents.inspection`)."""

from __future__ import annotations

import re
import unicodedata

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # also the presigned POST's content-length-range
MAX_FILENAME_LENGTH = 120  # characters of a stored name, extension included

_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in "123456789¹²³"}
    | {f"LPT{n}" for n in "123456789¹²³"}
)
_WINDOWS_FORBIDDEN = frozenset('<>:"/\\|?*')


def safe_filename(filename: str) -> str:
    """The name a document is stored, shown and downloaded under: what the user sent, made harmless.

    Compatibility forms folded (NFKC: a full-width « ／ » or a « ․ » leader becomes a plain « / » or
    « . », so the extension one sees is the real one); no folder; no control, format or bidirectional
    character (U+202E turns « facture‮fdp.exe » into « facture‮exe.pdf » on screen); no character Windows
    forbids; no leading or trailing dot or space; not a Windows device name (« CON.pdf »); at most
    :data:`MAX_FILENAME_LENGTH` characters, extension kept. Never empty: « document »."""
    folded = unicodedata.normalize("NFKC", filename or "")
    base = re.split(r"[\\/]", folded)[-1]
    kept = []
    for ch in base:
        category = unicodedata.category(ch)
        if ch in "\t\r\n":
            ch, category = " ", "Zs"
        elif category[0] == "C" or category in ("Zl", "Zp"):
            continue  # control, format (bidi overrides, zero-width), surrogate, private use, unassigned
        kept.append(" " if category == "Zs" else "_" if ch in _WINDOWS_FORBIDDEN else ch)
    name = re.sub(r" {2,}", " ", "".join(kept)).strip(" .")
    if not name:
        return "document"
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, dot, extension = name, "", ""
    if stem.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    room = MAX_FILENAME_LENGTH - len(dot) - len(extension)
    stem = stem[:room].rstrip(" .") or "document"
    return f"{stem}{dot}{extension}"
