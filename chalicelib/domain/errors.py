"""Typed domain errors. The API layer maps each one to an HTTP status in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request. ``code`` is stable; ``message`` is French, for the user."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class InvalidInput(DomainError):
    code = "invalid_input"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class ConcurrentUpdate(DomainError):
    """Someone else changed the claim between our read and our write (optimistic locking)."""

    code = "concurrent_update"
