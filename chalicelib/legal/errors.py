"""Typed errors of the legal engine.

``InvalidInput`` is raised for input that cannot be assessed (it names every faulty field, in French).
``RateNotPublished`` is raised when a period has no published rate in the tables: the engine never
guesses a rate; :func:`chalicelib.legal.assess.assess` turns it into a finding and still returns the
parts that do not depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One faulty input field: ``field`` is a path such as ``invoices[0].due_date``."""

    field: str
    message: str
    code: str = "invalid_field"


class LegalEngineError(Exception):
    """Base class of the legal engine's domain errors."""


class InvalidInput(LegalEngineError):
    """The claim cannot be assessed as given; ``errors`` names each faulty field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


class RateNotPublished(LegalEngineError):
    """No published rate for a semester (ECB MRO or legal interest rate); never guessed."""

    def __init__(self, table: str, semester: str, message: str, field: str = "as_of") -> None:
        self.table = table
        self.semester = semester
        self.message = message
        self.field = field
        super().__init__(message)

    def with_field(self, field: str) -> RateNotPublished:
        return RateNotPublished(self.table, self.semester, self.message, field)
