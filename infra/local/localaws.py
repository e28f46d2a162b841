"""Patches that make moto an embedded AWS for this platform (local platform and tests only).

* Lambda ``Invoke`` runs the app's own Python handler (``app.<function>``) in this process, no Docker,
  and reports an exception the way Lambda does (``x-amz-function-error: Unhandled`` + ``errorType``), so the
  state machine's ``Retry`` and ``Catch`` behave as on AWS.
* Step Functions ``Wait`` states and ``Retry`` intervals are divided by a time scale
  (``CLAIMS_TIME_SCALE=86400``: a day passes in a second) without changing the definition.
* ``TimestampPath`` waits are computed in UTC (moto compares with the naive local clock).
* A custom authorizer that raises ``Exception("Unauthorized")`` gets a 401, as on API Gateway (chalice
  local would drop the connection); any other exception in an authorizer gets API Gateway's 500.
* SES messages are stamped with the time they were sent (``sent_at``), for the local mailbox.

Never imported by the runtime (``chalicelib``) — only by ``infra/local`` and the tests.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from infra.local import moto_caches, moto_indexes

MOTO_CONFIG: dict[str, Any] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}

_state: dict[str, Any] = {"time_scale": 1.0, "installed": False}
_real_sleep = time.sleep
logger = logging.getLogger("claims.local")


def moto_jwks_file_url() -> str:
    """moto's public signing key set as a file URL: in-process moto (the tests) serves no HTTP, and its
    tokens are all signed with this one static key."""
    import tempfile
    from pathlib import Path

    from moto.utilities.utils import load_resource  # the file ships gzipped inside moto

    path = Path(tempfile.gettempdir()) / "claims-moto-cognito-jwks-public.json"
    path.write_text(json.dumps(load_resource("cognitoidp/resources/jwks-public.json")))
    return path.as_uri()


def set_time_scale(scale: float) -> None:
    if scale <= 0:
        raise ValueError("the time scale must be a positive number (1 = real time, 86400 = a day per second)")
    _state["time_scale"] = float(scale)


def time_scale() -> float:
    return float(_state["time_scale"])


def scaled(seconds: float) -> float:
    return max(0.0, seconds / time_scale())


class LocalLambdaContext:
    """What a Lambda handler can read from its context object."""

    def __init__(self, function_name: str, function_arn: str, timeout_seconds: int, memory_mb: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function_arn
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def resolve_handler(handler: str) -> Callable[[Any, Any], Any]:
    """``"app.check_claim"`` → the callable, as the Lambda runtime resolves it."""
    module_name, _, attribute = handler.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def _invoke(
    self: Any, function_name: str, qualifier: str | None, body: Any, headers: Any, response_headers: Any
) -> bytes | None:
    function = self.get_function(function_name, qualifier)  # ResourceNotFound, as on AWS
    event = json.loads(body) if body else {}
    handler = resolve_handler(function.handler)

    def run() -> bytes:
        context = LocalLambdaContext(
            function.function_name, function.function_arn, int(function.timeout), int(function.memory_size)
        )
        try:
            return json.dumps(handler(event, context)).encode()
        except Exception as error:
            logger.warning("Lambda %s raised %s: %s", function.function_name, type(error).__name__, error)
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorMessage": str(error), "errorType": type(error).__name__}).encode()

    if (headers or {}).get("X-Amz-Invocation-Type") == "Event":
        threading.Thread(target=run, name=f"lambda-{function.function_name}", daemon=True).start()
        return b""
    return run()


def _scaled_wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
    if wait_seconds > 0:
        # Interrupted early (and correctly) when the execution is stopped.
        env.program_state_event.wait(scaled(wait_seconds))


def _utc_timestamp_wait_seconds(self: Any, env: Any) -> int:
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import Timestamp

    self.string.eval(env=env)
    timestamp_str: str = env.stack.pop()
    timestamp = Timestamp._from_timestamp_string(timestamp=timestamp_str)
    if timestamp is None:
        raise self._failure_for(env, timestamp_str)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return int((timestamp - now).total_seconds())


class _ScaledTime:
    """Stands in for the ``time`` module inside moto's retrier."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        _real_sleep(scaled(seconds))


def _emulate_authorizer_errors() -> None:
    from chalice import local

    original = local.LocalGatewayAuthorizer.authorize

    def authorize(self: Any, raw_path: str, lambda_event: Any, lambda_context: Any) -> Any:
        from chalicelib.api.auth import UNAUTHORIZED_RESPONSE_BODY

        request_id = {"x-amzn-RequestId": lambda_context.aws_request_id}
        unauthorized = local.NotAuthorizedError(
            {**request_id, "x-amzn-ErrorType": "UnauthorizedException", "Content-Type": "application/json"},
            json.dumps(UNAUTHORIZED_RESPONSE_BODY).encode(),
        )
        try:
            return original(self, raw_path, lambda_event, lambda_context)
        except local.NotAuthorizedError:  # no Authorization header
            raise unauthorized from None
        except local.LocalGatewayException:
            raise
        except Exception as error:
            if str(error) == "Unauthorized":
                raise unauthorized from None
            logger.warning("authorizer raised %s: %s", type(error).__name__, error)
            raise local.InvalidAuthorizerError(
                {**request_id, "x-amzn-ErrorType": "AuthorizerConfigurationException"},
                b'{"message":null}',
            ) from None

    local.LocalGatewayAuthorizer.authorize = authorize  # type: ignore[method-assign]


def _one_message_per_outbox_item() -> None:
    """The local SES keeps one message per outbox item (the ``X-Claims-Outbox-Id`` header the mailer adds):
    an email sent again because the platform died between SES's answer and the outbox's record appears once
    in the local mailbox. Real SES has no such idempotency: on AWS that window can still send it twice."""
    import re

    from moto.ses.models import SESBackend

    original = SESBackend.send_raw_email
    header = re.compile(r"^X-Claims-Outbox-Id:[ \t]*(\S+)", re.MULTILINE | re.IGNORECASE)

    def key_of(raw: str) -> str:
        head = re.split(r"\r?\n\r?\n", raw, maxsplit=1)[0]
        found = header.search(head)
        return found.group(1) if found else ""

    def send_raw_email(self: Any, source: Any, destinations: Any, raw_data: str) -> Any:
        key = key_of(raw_data)
        if key:
            for message in self.sent_messages:
                if key_of(str(getattr(message, "raw_data", ""))) == key:
                    return message
        return original(self, source, destinations, raw_data)

    SESBackend.send_raw_email = send_raw_email  # type: ignore[method-assign]


def _stamp_sent_emails() -> None:
    from moto.ses.models import SESBackend

    for name in ("send_email", "send_raw_email", "send_templated_email", "send_bulk_templated_email"):
        original = getattr(SESBackend, name)

        def stamped(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            result = _original(self, *args, **kwargs)
            now = dt.datetime.now(dt.UTC)
            for message in self.sent_messages:
                if getattr(message, "sent_at", None) is None:
                    message.sent_at = now
            return result

        setattr(SESBackend, name, stamped)


class _TableKeepingCopy:
    """Stands for the ``copy`` module inside moto's DynamoDB backend: ``deepcopy`` of a whole table
    returns the table itself (the item-level backup of :func:`_fast_transactions` replaces it)."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if isinstance(value, self._table_type):
            return value
        return copy.deepcopy(value, memo)


def _fast_transactions() -> None:
    """moto backs up every table a transaction touches with a deep copy before running it, so each
    ``TransactWriteItems`` costs as much as the tables are big (2,000 drafts took minutes to import).
    Back up only the items the transaction names, and restore them if it is cancelled: the same
    all-or-nothing outcome, in constant time."""
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    original = models.DynamoDBBackend.transact_write_items
    models.copy = _TableKeepingCopy(Table)  # type: ignore[assignment]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        backups: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
        for entry in transact_items:
            try:
                _, op = next(iter(entry.items()))
                table_name = op["TableName"]
                table = self.get_table(table_name)
                if "Item" in op:
                    attrs = op["Item"]
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                else:
                    key = op["Key"]
                current = self.get_item(table_name, key)
            except Exception:  # malformed: let moto's own code raise the proper error
                continue
            backups.append(
                (table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None)
            )
        try:
            original(self, transact_items)
        except Exception:
            for table_name, key, attrs in reversed(backups):
                if attrs is None:
                    if self.get_item(table_name, key) is not None:
                        self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attrs)
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


_DYNAMODB_WRITE_LOCK = threading.RLock()


def _atomic_dynamodb_writes() -> None:
    """DynamoDB checks a write's condition and applies the write atomically; moto does both steps without a
    lock, so two threads (the outbox drainers, two webhook deliveries) can both pass the same condition.
    Serialise moto's writes so conditional writes behave locally as they do on AWS."""
    from moto.dynamodb import models

    backend = models.DynamoDBBackend
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(backend, name)

        def locked(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with _DYNAMODB_WRITE_LOCK:
                return _original(self, *args, **kwargs)

        setattr(backend, name, locked)


# --- fault injection: an AWS service "down" for a while (the hardening suite, and the local platform's
# /_local/api/faults for demos). Every botocore client (boto3's and PynamoDB's) goes through
# Endpoint.make_request: a faulty service fails there as if its endpoint were unreachable.
_FAULTS: dict[str, float] = {}
_FAILING_CALLS: dict[str, int] = {}  # service → how many of its next calls fail
_FAULT_SERVICES = ("dynamodb", "s3", "ses", "stepfunctions", "lambda", "cognito-idp")


def inject_fault(service: str, seconds: float) -> None:
    """Make every call to ``service`` (a botocore service name: dynamodb, s3, ses…) fail for ``seconds``
    (real seconds, not scaled) with a connection error, as an outage would."""
    if service not in _FAULT_SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(_FAULT_SERVICES)}")
    _FAULTS[service] = time.monotonic() + max(0.0, seconds)


def fail_next_calls(service: str, calls: int) -> None:
    """Make the next ``calls`` calls to ``service`` fail as :func:`inject_fault` does: a brief outage that
    does not depend on how fast the machine is."""
    if service not in _FAULT_SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(_FAULT_SERVICES)}")
    _FAILING_CALLS[service] = calls


def clear_faults() -> None:
    _FAULTS.clear()
    _FAILING_CALLS.clear()


def active_faults() -> dict[str, float]:
    """Seconds left for each service currently failing."""
    now = time.monotonic()
    return {service: round(until - now, 1) for service, until in _FAULTS.items() if until > now}


def _fail_faulty_services() -> None:
    from botocore import endpoint
    from botocore.exceptions import EndpointConnectionError

    original = endpoint.Endpoint.make_request

    def make_request(self: Any, operation_model: Any, request_dict: Any) -> Any:
        service = operation_model.service_model.service_name
        service = "ses" if service == "sesv2" else service  # one SES, whichever API version calls it
        until = _FAULTS.get(service)
        failing = _FAILING_CALLS.get(service, 0)
        if failing > 0:
            _FAILING_CALLS[service] = failing - 1
        if failing > 0 or (until is not None and time.monotonic() < until):
            raise EndpointConnectionError(endpoint_url=f"{self.host} (panne simulée)")
        return original(self, operation_model, request_dict)

    endpoint.Endpoint.make_request = make_request  # type: ignore[method-assign]


def _expire_presigned_urls() -> None:
    """S3 refuses a presigned URL once ``X-Amz-Date`` + ``X-Amz-Expires`` has passed (403, "Request has
    expired"); moto serves it forever. Check it, so the local platform's short-lived download links
    expire as they do on AWS."""
    from urllib.parse import parse_qs, urlparse

    from moto.s3.exceptions import S3ClientError
    from moto.s3.responses import S3Response

    class RequestExpired(S3ClientError):
        code = "AccessDenied"

        def __init__(self) -> None:
            super().__init__("AccessDenied", "Request has expired")

    original = S3Response._key_response

    def checked(self: Any, request: Any, full_url: str) -> Any:
        query = parse_qs(urlparse(full_url).query)
        signed_at = (query.get("X-Amz-Date") or [""])[0]
        expires = (query.get("X-Amz-Expires") or [""])[0]
        if signed_at and expires.isdigit():
            start = dt.datetime.strptime(signed_at, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            if dt.datetime.now(dt.UTC) > start + dt.timedelta(seconds=int(expires)):
                raise RequestExpired()
        return original(self, request, full_url)

    S3Response._key_response = checked  # type: ignore[method-assign]


def _s3_credentials() -> Any:
    from infra.local.s3_access import Credentials

    return Credentials(os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ.get("AWS_SECRET_ACCESS_KEY", ""))


def _s3_error(refusal: Any) -> tuple[int, dict[str, str], bytes]:
    from xml.sax.saxutils import escape

    status = 400 if refusal.code in {"EntityTooLarge", "EntityTooSmall", "InvalidPolicyDocument"} else 403
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(refusal.code)}</Code><Message>{escape(refusal.message)}</Message></Error>"
    )
    return status, {"Content-Type": "application/xml"}, body.encode()


def _enforce_s3_access() -> None:
    """The embedded S3 checks what S3 checks (``infra/local/s3_access.py``): no anonymous request, the
    platform's key only, presigned URLs and POST policies verified, CORS from the bucket's rules only (moto's
    server otherwise answers every Origin: ``DISABLE_GLOBAL_CORS``)."""
    from moto.moto_server import werkzeug_app
    from moto.s3.responses import S3Response

    from infra.local.s3_access import check_post_form, check_request

    werkzeug_app.DISABLE_GLOBAL_CORS = True

    def guarded(original: Any, bucket_level: bool) -> Any:
        def entry(self: Any, request: Any, full_url: str, headers: Any) -> Any:
            content_type = str(request.headers.get("Content-Type") or "")
            form_upload = (
                bucket_level and request.method == "POST" and content_type.startswith("multipart/form-data")
            )
            refusal = check_request(
                request.method, full_url, request.headers, _s3_credentials(), form_upload=form_upload
            )
            if refusal is not None:
                return _s3_error(refusal)
            return original(self, request, full_url, headers)

        return entry

    S3Response.bucket_response = guarded(S3Response.bucket_response, True)  # type: ignore[method-assign]
    S3Response.key_response = guarded(S3Response.key_response, False)  # type: ignore[method-assign]

    original_post = S3Response._bucket_response_post

    def form_post(self: Any, request: Any, bucket_name: str) -> Any:
        signed = bool(request.headers.get("Authorization"))
        if not signed and not self.is_delete_keys():
            fields = {str(name): str(value) for name, value in self.form_data.items() if name != "file"}
            body = self.raw_body if isinstance(self.raw_body, bytes) else str(self.body or "").encode()
            refusal = check_post_form(bucket_name, fields, len(body), _s3_credentials())
            if refusal is not None:
                return _s3_error(refusal)
        status, headers, content = original_post(self, request, bucket_name)
        # The browser reads the answer only when the bucket's CORS rules allow its origin.
        return status, {**headers, **self._get_cors_headers_other()}, content

    S3Response._bucket_response_post = form_post  # type: ignore[method-assign]


# The parse trees of the state-machine definitions moto runs, by definition text (a handful: one per
# state machine and revision).
_PARSED_DEFINITIONS: dict[str, Any] = {}
_PARSED_LOCK = threading.Lock()


def _parse_definitions_once() -> None:
    """moto parses the whole ASL definition again for every execution (its ANTLR parser, in pure Python:
    about 100 ms of CPU for the escalation). Keep each definition's parse tree (read-only once built) and
    build the evaluation components from it for each execution, as moto does after its parse."""
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    def entrypoint(self: Any) -> Any:
        definition = self._evaluation_details.state_machine_details.definition
        with _PARSED_LOCK:
            tree = _PARSED_DEFINITIONS.get(definition)
        if tree is None:
            _, tree = AmazonStateLanguageParser.parse(definition)
            with _PARSED_LOCK:
                _PARSED_DEFINITIONS[definition] = tree
        return Preprocessor().visit(tree)

    ExecutionWorker._get_evaluation_entrypoint = entrypoint  # type: ignore[method-assign]


# The local platform's garbage collector (tune_gc): a first-generation collection every this many
# allocations instead of CPython's 700 (the pipeline allocates a lot of short-lived objects: moto's parsed
# requests, the renderer's boxes).
GC_FIRST_GENERATION = 20_000


def tune_gc() -> None:
    """For the long-lived local platform, once started: move everything imported and provisioned so far out
    of the collector's sight (``gc.freeze``: never collected, never scanned again) and collect young objects
    less often. Measured on the payment → notice pipeline (bench/escalation_bench.py): about 3,000
    collections → 100, some 15 % less CPU per claim."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION, 20, 20)


def install(time_scale: float | None = None) -> None:
    """Apply the patches (idempotent). Call before starting moto."""
    if time_scale is not None:
        set_time_scale(time_scale)
    if _state["installed"]:
        return
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import timestamp, wait_function

    LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign]
    wait_function.WaitFunction._wait_interval = _scaled_wait_interval  # type: ignore[method-assign]

    def failure_for(self: Any, env: Any, timestamp_str: str) -> Exception:
        from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
            FailureEventException,
        )

        return FailureEventException(self._create_failure_event(env, timestamp_str))

    timestamp.Timestamp._failure_for = failure_for  # type: ignore[attr-defined]
    timestamp.Timestamp._get_wait_seconds = _utc_timestamp_wait_seconds  # type: ignore[method-assign]
    retrier_decl.time = _ScaledTime()  # type: ignore[assignment]
    _emulate_authorizer_errors()
    _one_message_per_outbox_item()
    _stamp_sent_emails()
    _fast_transactions()
    _atomic_dynamodb_writes()
    moto_indexes.install()  # index queries read one partition, as DynamoDB's do
    moto_caches.install()  # what moto computed again at every request, once (moto_caches.py)
    _expire_presigned_urls()
    _enforce_s3_access()
    _fail_faulty_services()
    _parse_definitions_once()
    for noisy in ("moto", "werkzeug", "botocore.credentials"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    _state["installed"] = True
