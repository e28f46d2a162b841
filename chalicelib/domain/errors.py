"""Typed domain errors. The API layer maps each one to an HTTP status in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request. ``code`` is stable; ``message`` is French, for the user."""

    code = "domain_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Every faulty field when there are several: [{"field": …, "message": …}, …]
        self.details = details or []
        if code is not None:
            self.code = code


class FieldValueError(ValueError):
    """Raised by a model-level validator to blame one field: ``FieldValueError("siren", "…")``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class Gone(DomainError):
    """What was asked existed but is no longer served (a revoked link, a claim that has ended)."""

    code = "gone"


class InvalidInput(DomainError):
    code = "invalid_input"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class ConcurrentUpdate(DomainError):
    """Someone else changed the claim between our read and our write (optimistic locking)."""

    code = "concurrent_update"


class Unauthenticated(DomainError):
    """No valid proof of identity (missing, expired or forged token; wrong password)."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller is known but their role does not allow this."""

    code = "forbidden"


class AlreadyExists(DomainError):
    code = "already_exists"


class TooManyAttempts(DomainError):
    code = "too_many_attempts"


class NotEditable(DomainError):
    """The claim's status no longer allows this change (e.g. editing a submitted claim)."""

    code = "not_editable"


class NotSubmittable(DomainError):
    """The pre-check found a reason the claim cannot go ahead (time-barred, blocked, not admissible…)."""

    code = "not_submittable"


class IntegrityError(DomainError):
    """A stored document's bytes no longer match the SHA-256 recorded when it was checked or generated:
    it is never used (no dossier, no link); the claim goes to an operator."""

    code = "integrity_error"


class UploadRejected(DomainError):
    """An uploaded file failed the checks (type, size, content); it has been deleted."""

    code = "upload_rejected"


class TermsNotAccepted(DomainError):
    """The creditor has not accepted the conditions générales de vente in force: no payment is asked for."""

    code = "cgv_not_accepted"
