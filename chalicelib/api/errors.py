"""The one place where errors become HTTP responses: a stable code and a French message, never a trace."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from chalice import Response

from chalicelib.adapters.errors import TransientError
from chalicelib.domain.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotEditable,
    NotFound,
    TooManyAttempts,
    Unauthenticated,
)

logger = logging.getLogger("claims.api")

_STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (InvalidInput, 400),
    (InvalidTransition, 409),
    (ConcurrentUpdate, 409),
    (AlreadyExists, 409),
    (NotEditable, 409),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (TooManyAttempts, 429),
)

F = TypeVar("F", bound=Callable[..., Any])


def json_response(body: dict[str, Any], status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json"})


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: list[dict[str, str]] | None = None,
) -> Response:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    if details:
        body["error"]["details"] = details
    return json_response(body, status)


def response_for(error: Exception) -> Response:
    if isinstance(error, DomainError):
        status = next((s for cls, s in _STATUS_BY_ERROR if isinstance(error, cls)), 422)
        return error_response(status, error.code, error.message, error.field, error.details)
    if isinstance(error, TransientError):
        logger.warning("transient failure: %s", error)
        return error_response(
            503, "service_unavailable", "Le service est momentanément indisponible ; veuillez réessayer."
        )
    logger.exception("unhandled error")
    return error_response(500, "internal_error", "Une erreur interne est survenue ; elle a été enregistrée.")


def handles_errors(view: F) -> F:
    """Wrap a route so any exception becomes a JSON error response in French."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as error:
            return response_for(error)

    return wrapper  # type: ignore[return-value]
