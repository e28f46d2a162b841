"""Text helpers of the aged-balance import: folding for comparisons, shortening for messages."""

from __future__ import annotations

import re
import unicodedata

_SHOWN = 40


def _fold(text: str) -> str:
    """Case, accents, punctuation and spacing ignored: « Société  Générale » → « societe generale »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


def _shown(raw: str) -> str:
    return raw if len(raw) <= _SHOWN else raw[: _SHOWN - 1] + "…"
