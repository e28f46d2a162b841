"""The one place where errors become HTTP responses: a stable code and a French message, never a trace.

Every JSON answer goes through :func:`json_response`, which also gives it the security headers of
:data:`API_SECURITY_HEADERS`; every route shares :data:`API_CORS` (the front end's origin only). The web
interface's policy (:func:`frontend_content_security_policy`) lives here too, so that the local platform
(``infra/local/webserver.py``) and CloudFront on AWS (``infra/aws/stack/edge.py``) send the same one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from chalice import CORSConfig, Response

from chalicelib.adapters.errors import TransientError
from chalicelib.domain.errors import (
    AlreadyExists,
    ConcurrentUpdate,
    DomainError,
    Forbidden,
    Gone,
    IntegrityError,
    InvalidInput,
    InvalidTransition,
    NotEditable,
    NotFound,
    TermsNotAccepted,
    TooManyAttempts,
    Unauthenticated,
)
from chalicelib.settings import MissingSecret

logger = logging.getLogger("claims.api")

_STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (Gone, 410),
    (InvalidInput, 400),
    (InvalidTransition, 409),
    (ConcurrentUpdate, 409),
    (AlreadyExists, 409),
    (NotEditable, 409),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (TooManyAttempts, 429),
    (IntegrityError, 409),
    (TermsNotAccepted, 409),
)

F = TypeVar("F", bound=Callable[..., Any])


# --- headers ------------------------------------------------------------------------------------------------
# What every response of the platform says besides its body: never framed, its type never guessed, no
# referrer sent on, no access to the device's sensors.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), "
    "usb=()"
)
COMMON_SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
# A JSON answer is data, never a page: it may load nothing and be framed by nothing; it carries tokens and
# personal data, so no cache keeps it.
API_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
API_SECURITY_HEADERS: dict[str, str] = COMMON_SECURITY_HEADERS | {
    "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
}


def frontend_content_security_policy(storage_origins: Sequence[str]) -> str:
    """The web interface's policy: its own files only (no inline script or style, nothing from another
    site), images also as ``data:`` URLs, and the document storage — ``storage_origins``, where the browser
    sends evidence with the presigned POST (``fetch``) — as the only other origin it may reach."""
    storage = "".join(f" {origin}" for origin in storage_origins)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self'{storage}",
            f"form-action 'self'{storage}",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        )
    )


class FrontEndOrigin(CORSConfig):
    """CORS for one origin, the web interface's (``settings.allowed_origin``, read at each request), never
    ``*``. The interface is on the API's own origin (the local platform, CloudFront on AWS), so browsers need
    no CORS at all: this only keeps other sites from reading the answers."""

    def __init__(self) -> None:
        super().__init__(allow_origin="", max_age=600)

    @property
    def allow_origin(self) -> str:
        from chalicelib.settings import get_settings

        return get_settings().allowed_origin

    @allow_origin.setter
    def allow_origin(self, value: str) -> None:
        """CORSConfig's constructor sets it: the setting is read instead."""


API_CORS = FrontEndOrigin()


def json_response(
    body: dict[str, Any], status: int = 200, extra_headers: dict[str, str] | None = None
) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json", **API_SECURITY_HEADERS}
    headers.update(extra_headers or {})
    return Response(body=body, status_code=status, headers=headers)


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    if details:
        body["error"]["details"] = details
    return json_response(body, status, headers)


def response_for(error: Exception) -> Response:
    if isinstance(error, DomainError):
        status = next((s for cls, s in _STATUS_BY_ERROR if isinstance(error, cls)), 422)
        # An abuse limit says when to come back (seconds): the Retry-After header of a 429.
        retry_after = getattr(error, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None
        return error_response(status, error.code, error.message, error.field, error.details, headers)
    if isinstance(error, MissingSecret):
        # Fail closed: the stage lacks a secret (normally caught at start-up); the operator must set it.
        logger.error("refused for want of a secret: %s", error)
        return error_response(
            503, "service_unavailable", "Le service est momentanément indisponible ; l'équipe a été prévenue."
        )
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
