"""Maileva's error answers: ``errors_response`` (``{"errors": [{"code", "message"}]}``, for 400 and 403)
and ``error_response`` (one ``{"code", "message"}``, for 401 and for the paper letter's and the
notification center's 404), in their JSON shapes."""

from __future__ import annotations

from typing import Any


class MailevaError(Exception):
    """A request Maileva would refuse: rendered as its error JSON with ``status``. ``single``: the
    ``error_response`` shape (one error, no list) instead of ``errors_response``."""

    def __init__(self, status: int, code: str, message: str, *, single: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.errors = [(code, message)]
        self.single = single

    @property
    def code(self) -> str:
        return self.errors[0][0]

    @property
    def message(self) -> str:
        return self.errors[0][1]

    def also(self, code: str, message: str) -> MailevaError:
        """One more error in the same answer (Maileva lists every invalid field at once)."""
        self.errors.append((code, message))
        return self

    def as_json(self) -> dict[str, Any]:
        if self.single:
            return {"code": self.code, "message": self.message}
        return {"errors": [{"code": code, "message": message} for code, message in self.errors]}


def invalid(code: str, message: str) -> MailevaError:
    """400 ``errors_response``."""
    return MailevaError(400, code, message)


def unreadable_body() -> MailevaError:
    return invalid("UNEXPECTED_NOT_VALID_ERROR", "Le body de la requête n’est pas interprétable")


def unauthorized(message: str = "Jeton d'accès absent, invalide ou expiré") -> MailevaError:
    return MailevaError(401, "UNAUTHORIZED", message, single=True)


def not_found(code: str, message: str, *, single: bool = True) -> MailevaError:
    """404 (``error_response`` for the paper letter and the notification center, ``ErrorsDto`` for the
    electronic letter: ``single=False``)."""
    return MailevaError(404, code, message, single=single)


def not_draft() -> MailevaError:
    return invalid("SENDING_STATUS_IS_NOT_DRAFT", "L'envoi n'est pas au statut DRAFT")


def collect(errors: list[MailevaError]) -> None:
    """Raise every field error found at once (nothing when there is none)."""
    if not errors:
        return
    first = errors[0]
    for other in errors[1:]:
        first.also(other.code, other.message)
    raise first
