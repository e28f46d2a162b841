"""Structured logs: one Powertools Logger for the whole process, keyed by the claim.

Every line is one JSON object. The keys bound for the work in hand are on every line logged while it runs,
by this module's logger and by every ``logging.getLogger("claims.<area>")`` of the services (children of the
``claims`` logger, so they share its handler and its keys):

* an API request (:func:`log_request`, a Chalice ``http`` middleware): ``request_id``, ``method``,
  ``route`` (the template, e.g. ``/v1/claims/{claim_id}``: never the query or a token), ``role`` (the
  caller's role only, never their email or id), ``claim_id`` / ``import_id`` / ``document_id`` from the
  path; then one line per request with ``status`` and ``duration_ms``;
* a Lambda function (:func:`log_task`, ``pure_lambda`` middleware) and a schedule (:func:`log_schedule`):
  ``function_name``, ``function_request_id``, ``cold_start``, and from the task input ``claim_id`` (or
  ``import_id``) and ``execution_name``, the Step Functions execution's name (the state machine passes
  ``$$.Execution.Name``, see :func:`task_input`); then one line per call with ``duration_ms``;
* anywhere below, :func:`bind` adds a key for the rest of the request or task (e.g. the claim a Stripe
  event names).

Keys are kept per thread (Powertools' thread-safe keys, a ``contextvars`` variable): the local platform
serves requests and runs Lambda functions in threads of one process. The level comes from
``POWERTOOLS_LOG_LEVEL`` (default ``INFO``).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools import Logger
from chalice.app import LambdaFunctionEvent, Request, Response

SERVICE = "claims"  # the Chalice app's name: its logger and every "claims.<area>" logger are this one's
# Path parameters bound from the route (identifiers of records, never of people).
PATH_KEYS = ("claim_id", "import_id", "document_id")
# Task input fields bound for a Lambda function.
TASK_KEYS = ("claim_id", "import_id")
ENVELOPE_INPUT = "input"
EXECUTION_NAME = "execution_name"

logger = Logger(service=SERVICE, utc=True, use_rfc3339=True)
logger.append_keys(name="%(name)s")  # which area logged the line: claims.outbox, claims.payments…

_state = {"cold_start": True, "quiet_reads": False}
_inside: ContextVar[bool] = ContextVar("claims_logs_inside", default=False)


def bind(**keys: object) -> None:
    """Keys on every following line of the current request or task (this thread); empty values are
    skipped. Cleared when the request or task ends; outside one (a script, a test calling a service) it
    does nothing, so no key outlives its work."""
    if _inside.get():
        logger.thread_safe_append_keys(
            **{key: value for key, value in keys.items() if value not in (None, "")}
        )


@contextmanager
def bound(**keys: object) -> Iterator[None]:
    """Keys on every line logged inside the block (this thread); what was bound before is restored after,
    so a task run inside a request (in one process) gives the request its own keys back."""
    before = dict(logger.thread_safe_get_current_keys())
    inside = _inside.set(True)
    bind(**keys)
    try:
        yield
    finally:
        _inside.reset(inside)
        logger.thread_safe_clear_keys()
        if before:
            logger.thread_safe_append_keys(**before)


def _cold_start() -> bool:
    cold, _state["cold_start"] = _state["cold_start"], False
    return bool(cold)


def _milliseconds_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


# --- API requests -----------------------------------------------------------------------------------------
def _request_keys(request: Request) -> dict[str, object]:
    context = request.context or {}
    authorizer = context.get("authorizer") or {}
    lambda_context = getattr(request, "lambda_context", None)
    keys: dict[str, object] = {
        "request_id": context.get("requestId")
        or getattr(lambda_context, "aws_request_id", None)
        or uuid.uuid4().hex,
        "method": request.method,
        "route": context.get("resourcePath"),
        "role": authorizer.get("role") if isinstance(authorizer, dict) else None,
        "cold_start": _cold_start(),
    }
    params = request.uri_params or {}
    keys.update({key: params[key] for key in PATH_KEYS if params.get(key)})
    return keys


def log_request(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice ``http`` middleware: the request's keys for every line logged while it runs, then one line
    with its status and duration."""
    with bound(**_request_keys(request)):
        started = time.perf_counter()
        try:
            response = get_response(request)
        except Exception:
            logger.exception("%s %s failed", request.method, (request.context or {}).get("resourcePath"))
            raise
        status = response.status_code
        quiet = _state["quiet_reads"] and request.method == "GET" and status < 400
        log = logger.debug if quiet else logger.info
        log(
            "%s %s %s",
            request.method,
            (request.context or {}).get("resourcePath"),
            status,
            extra={"status": status, "duration_ms": _milliseconds_since(started)},
        )
        return response


# --- Lambda functions and schedules -----------------------------------------------------------------------
def task_input(event: Any) -> tuple[Any, str | None]:
    """(the task's own input, the execution's name). A state-machine Task passes ``$$.Execution.Name`` as
    ``execution_name``: beside the fields it picks (``{"claim_id.$": …, "execution_name.$": …}``), or
    around the whole state when it passes it all (``{"input.$": "$", "execution_name.$": …}``). The
    handler gets its input without it, exactly as before."""
    if not isinstance(event, dict) or EXECUTION_NAME not in event:
        return event, None
    name = event[EXECUTION_NAME]
    rest = {key: value for key, value in event.items() if key != EXECUTION_NAME}
    if set(rest) == {ENVELOPE_INPUT} and isinstance(rest[ENVELOPE_INPUT], dict):
        rest = rest[ENVELOPE_INPUT]
    return rest, name if isinstance(name, str) else None


def _function_keys(context: Any) -> dict[str, object]:
    return {
        "function_name": getattr(context, "function_name", None),
        "function_request_id": getattr(context, "aws_request_id", None),
        "cold_start": _cold_start(),
    }


def _run(
    keys: dict[str, object],
    call: Callable[[], Any],
    expected: tuple[type[BaseException], ...],
) -> Any:
    function = keys.get("function_name") or "function"
    with bound(**keys):
        started = time.perf_counter()
        try:
            result = call()
        except expected as error:  # retried by the state machine, or a refusal it handles: no traceback
            logger.warning(
                "%s failed: %s",
                function,
                error,
                extra={"exception_name": type(error).__name__, "duration_ms": _milliseconds_since(started)},
            )
            raise
        except Exception:
            logger.exception("%s failed", function, extra={"duration_ms": _milliseconds_since(started)})
            raise
        logger.info("%s done", function, extra={"duration_ms": _milliseconds_since(started)})
        return result


def log_task(
    event: LambdaFunctionEvent,
    get_response: Callable[[LambdaFunctionEvent], Any],
    expected: tuple[type[BaseException], ...] = (),
) -> Any:
    """Chalice ``pure_lambda`` middleware: the function's and the task's keys on every line it logs, its
    input unwrapped (:func:`task_input`), one line when it ends."""
    payload, execution_name = task_input(event.to_dict())
    keys = _function_keys(event.context)
    if isinstance(payload, dict):
        keys.update({key: payload[key] for key in TASK_KEYS if isinstance(payload.get(key), str)})
    keys[EXECUTION_NAME] = execution_name
    return _run(keys, lambda: get_response(LambdaFunctionEvent(payload, event.context)), expected)


def log_schedule(
    event: Any, get_response: Callable[[Any], Any], expected: tuple[type[BaseException], ...] = ()
) -> Any:
    """Chalice ``scheduled`` middleware: the function's keys on every line it logs, one line when it ends."""
    return _run(_function_keys(getattr(event, "context", None)), lambda: get_response(event), expected)


# --- the local platform's console ---------------------------------------------------------------------------
class _ShortExpectedErrors(logging.Filter):
    """Below ERROR, an exception is one line (its type and message), not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR and record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.exc_info, record.exc_text = None, None
            record.exception_name = type(error).__name__
            record.exception = f"{type(error).__name__}: {error}"
        return True


def use_local_console() -> None:
    """``make run``: shorter lines (no ``service``, ``location``), expected errors without a traceback,
    and successful reads (GET, which the pages poll every second or two) at DEBUG."""
    handler = logger.registered_handler
    if not any(isinstance(existing, _ShortExpectedErrors) for existing in handler.filters):
        handler.addFilter(_ShortExpectedErrors())
    logger.remove_keys(["service", "location"])
    _state["quiet_reads"] = True
