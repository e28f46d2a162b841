"""Findings: the engine's explanation of every legal decision, as data.

A finding is what the UI, the letters and the dossier print: a stable ``code`` (never renamed once
published), the ``article`` or decision relied on, and a ``message`` in French that a creditor can read.
No legal question is answered by a bare boolean: the boolean (or status) sits in the result, the
reason sits in a finding beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["info", "warning", "blocking"]
Part = Literal["input", "prescription", "amounts", "route"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason given by the legal engine.

    ``level``: ``info`` (explains a computation), ``warning`` (a lawyer or the creditor should look at
    it), ``blocking`` (the platform must not take the automatic step).
    """

    code: str
    article: str
    message: str
    part: Part
    level: Level = "info"
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "article": self.article,
            "message": self.message,
            "part": self.part,
            "level": self.level,
        }
        if self.detail is not None:
            out["detail"] = self.detail
        return out
