"""What one claim costs on AWS, from what one claim *does* on the local platform.

``UsageMeter`` counts, while a claim runs end to end on the in-process embedded AWS (moto, provisioned like
``make run``): Lambda invocations and their durations per function (the app's own handlers, wrapped), API
requests and authorizer calls, every AWS SDK call the code makes (a botocore hook: DynamoDB, SES, S3,
Step Functions, Lambda), and afterwards the state transitions of the claim's executions and the bytes it
stores. ``cost()`` turns the counts into dollars with the public eu-west-3 list prices below.

Limits, said plainly: durations are this machine's, in-process and warm (a Lambda at 1 GB has less CPU,
and cold starts add init time, billed since 2025); DynamoDB units are computed from item sizes as
DynamoDB defines them, approximately; free tiers are ignored.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# --- public list prices, AWS Europe (Paris) eu-west-3, USD ------------------------------------------------
# Source: the AWS pricing pages (aws.amazon.com/<service>/pricing), on-demand, first tier, as of 2026-11.
# They were written down from those pages, not fetched by this code (no network here): check them with the
# AWS Pricing Calculator before quoting a price to anyone.
PRICES_AS_OF = "2026-11 (AWS public price pages, eu-west-3; not re-fetched by this code)"
LAMBDA_PER_REQUEST = 0.20 / 1_000_000
LAMBDA_PER_GB_SECOND = 0.0000166667  # x86
STEP_FUNCTIONS_PER_TRANSITION = 0.025 / 1000  # Standard workflows
DYNAMODB_PER_WRITE_UNIT = 0.7063 / 1_000_000  # on-demand, after the November 2024 price cut
DYNAMODB_PER_READ_UNIT = 0.1413 / 1_000_000
SES_PER_MESSAGE = 0.10 / 1000
SES_PER_ATTACHMENT_GB = 0.12
S3_PER_GB_MONTH = 0.024  # S3 Standard
S3_PER_PUT = 0.0053 / 1000  # PUT, COPY, POST, LIST
S3_PER_GET = 0.00042 / 1000  # GET, HEAD, and the rest
API_GATEWAY_PER_REQUEST = 3.50 / 1_000_000  # REST API

_READS = {"GetItem", "Query", "Scan", "BatchGetItem"}
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
_S3_PUTS = {"PutObject", "CopyObject", "ListObjects", "ListObjectsV2"}
_S3_GETS = {"GetObject", "HeadObject"}


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's item size, approximately: attribute names plus their values' lengths."""
    return sum(
        len(name.encode()) + len(json.dumps(value, default=str).encode()) for name, value in item.items()
    )


@dataclass
class Usage:
    api_requests: int = 0
    authorizer_calls: int = 0
    invocations: Counter[str] = field(default_factory=Counter)  # function name → count
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    sdk_calls: Counter[str] = field(default_factory=Counter)  # "dynamodb.PutItem" → count
    read_units: float = 0.0
    write_units: float = 0.0
    ses_messages: int = 0
    ses_attachment_bytes: int = 0
    s3_puts: int = 0
    s3_gets: int = 0
    state_transitions: int = 0
    stored_bytes: int = 0
    # Registered letters sent (issue 23): (channel, price in euro cents VAT excluded, where the price comes
    # from — "provider" when Maileva reported it, "estimate" for the operator's POSTAL_PRICE_* setting).
    letters: list[tuple[str, int, str]] = field(default_factory=list)

    def lambda_requests(self) -> int:
        return self.api_requests + self.authorizer_calls + sum(self.invocations.values())


class UsageMeter:
    """Counts what the code does, except in threads that called :meth:`paused` (the bench's own polling)."""

    def __init__(self) -> None:
        self.usage = Usage()
        self.counting = False
        self._local = threading.local()
        self._lock = threading.Lock()
        self._undo: list[Any] = []

    # --- switches ----------------------------------------------------------------------------------------
    def _active(self) -> bool:
        return self.counting and not getattr(self._local, "paused", False)

    @contextmanager
    def paused(self) -> Iterator[None]:
        self._local.paused = True
        try:
            yield
        finally:
            self._local.paused = False

    # --- hooks ---------------------------------------------------------------------------------------------
    def install(self, chalice_module: Any) -> None:
        import botocore.client
        from chalice.local import LocalGateway

        import chalicelib.api.auth as auth

        meter = self

        original_call = botocore.client.BaseClient._make_api_call

        def make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            response = original_call(client, operation, params)
            if meter._active():
                meter._record_sdk(client.meta.service_model.service_name, operation, params, response)
            return response

        botocore.client.BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(botocore.client.BaseClient, "_make_api_call", original_call))

        original_request = LocalGateway.handle_request

        def handle_request(gateway: Any, *args: Any, **kwargs: Any) -> Any:
            if meter._active():
                with meter._lock:
                    meter.usage.api_requests += 1
            started = time.perf_counter()
            try:
                return original_request(gateway, *args, **kwargs)
            finally:
                if meter._active():
                    with meter._lock:
                        meter.usage.seconds["api_handler"] += time.perf_counter() - started

        LocalGateway.handle_request = handle_request  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(LocalGateway, "handle_request", original_request))

        original_authorize = auth.authorize

        def authorize(request: Any) -> Any:
            started = time.perf_counter()
            try:
                return original_authorize(request)
            finally:
                if meter._active():
                    with meter._lock:
                        meter.usage.authorizer_calls += 1
                        meter.usage.seconds["signed_in"] += time.perf_counter() - started

        auth.authorize = authorize
        self._undo.append(lambda: setattr(auth, "authorize", original_authorize))

        # The state machine's tasks and the background work: localaws resolves ``app.<name>`` at each call.
        for function in chalice_module.app.pure_lambda_functions:
            original = getattr(chalice_module, function.name)
            setattr(chalice_module, function.name, self._timed(function.name, original))
            self._undo.append(lambda name=function.name, fn=original: setattr(chalice_module, name, fn))

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()

    def _timed(self, name: str, handler: Any) -> Any:
        meter = self

        def timed(event: Any, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return handler(event, context)
            finally:
                if meter.counting:  # tasks run in moto's threads: always the claim's own work
                    with meter._lock:
                        meter.usage.invocations[name] += 1
                        meter.usage.seconds[name] += time.perf_counter() - started

        return timed

    def _record_sdk(self, service: str, operation: str, params: dict[str, Any], response: Any) -> None:
        with self._lock:
            usage = self.usage
            usage.sdk_calls[f"{service}.{operation}"] += 1
            if service == "dynamodb":
                self._dynamodb_units(operation, params, response)
            elif service == "ses" and operation in {"SendEmail", "SendRawEmail"}:
                usage.ses_messages += 1
                raw = params.get("RawMessage", {}).get("Data", b"")
                usage.ses_attachment_bytes += len(raw) if isinstance(raw, bytes | str) else 0
            elif service == "s3":
                if operation in _S3_PUTS:
                    usage.s3_puts += 1
                elif operation in _S3_GETS:
                    usage.s3_gets += 1

    def _dynamodb_units(self, operation: str, params: dict[str, Any], response: Any) -> None:
        usage = self.usage
        if operation in _READS:
            factor = 1.0 if params.get("ConsistentRead") else 0.5
            items = [response.get("Item")] if operation == "GetItem" else response.get("Items", [])
            size = sum(item_size(i) for i in items if i)
            usage.read_units += max(1, math.ceil(size / 4096)) * factor
        elif operation == "PutItem":
            usage.write_units += math.ceil(max(1, item_size(params["Item"])) / 1024)
        elif operation in {"UpdateItem", "DeleteItem"}:
            usage.write_units += math.ceil(max(1, self._stored_size(params)) / 1024)
        elif operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                (kind, body), *_ = entry.items()
                size = item_size(body["Item"]) if kind == "Put" else self._stored_size(body)
                usage.write_units += 2 * math.ceil(max(1, size) / 1024)
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                for request in requests:
                    item = request.get("PutRequest", {}).get("Item", {})
                    usage.write_units += math.ceil(max(1, item_size(item)) / 1024)

    @staticmethod
    def _stored_size(params: dict[str, Any]) -> int:
        """The size of the item an update or delete touched, read from moto's store (1 KB if unknown)."""
        try:
            from moto.core import DEFAULT_ACCOUNT_ID
            from moto.dynamodb.models import dynamodb_backends

            backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["eu-west-3"]
            item = backend.get_item(params["TableName"], params["Key"])
            return int(item.size()) if item is not None else 1024
        except Exception:
            return 1024


@dataclass(frozen=True)
class Cost:
    lines: dict[str, float]
    gb_seconds: float
    # Outside AWS and in euros: the registered letters (the provider's invoice, not AWS's).
    provider_eur: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.lines.values())


def cost(usage: Usage, memory_mb: dict[str, int], *, storage_months: float = 1.0) -> Cost:
    """Dollars for one claim. ``memory_mb``: the memory the stack gives each function (by Chalice name)."""
    gb_seconds = sum(seconds * memory_mb[name] / 1024 for name, seconds in usage.seconds.items())
    lines = {
        "Lambda requests": usage.lambda_requests() * LAMBDA_PER_REQUEST,
        "Lambda GB-seconds": gb_seconds * LAMBDA_PER_GB_SECOND,
        "API Gateway requests": usage.api_requests * API_GATEWAY_PER_REQUEST,
        "Step Functions transitions": usage.state_transitions * STEP_FUNCTIONS_PER_TRANSITION,
        "DynamoDB writes": usage.write_units * DYNAMODB_PER_WRITE_UNIT,
        "DynamoDB reads": usage.read_units * DYNAMODB_PER_READ_UNIT,
        "SES messages": usage.ses_messages * SES_PER_MESSAGE
        + usage.ses_attachment_bytes / 1024**3 * SES_PER_ATTACHMENT_GB,
        "S3 requests": usage.s3_puts * S3_PER_PUT + usage.s3_gets * S3_PER_GET,
        "S3 storage": usage.stored_bytes / 1024**3 * S3_PER_GB_MONTH * storage_months,
    }
    return Cost(lines, gb_seconds, letter_costs(usage.letters))


def letter_costs(letters: list[tuple[str, int, str]]) -> dict[str, float]:
    """Euros per channel for the letters sent (paper LRAR and electronic LRE are priced apart)."""
    names = {"lrar": "Lettre recommandée papier (LRAR)", "lre": "Envoi recommandé électronique (LRE)"}
    totals: dict[str, float] = {}
    for channel, cents, source in letters:
        label = (
            f"{names.get(channel, channel)}, prix {'du prestataire' if source == 'provider' else 'estimé'}"
        )
        totals[label] = totals.get(label, 0.0) + cents / 100
    return totals


def letter_price(notice: dict[str, Any], *, lrar_cents: int, lre_cents: int) -> tuple[str, int, str] | None:
    """One claim's letter as counted: the provider's price when it reported one, else the estimate."""
    if notice.get("status") != "sent":
        return None
    channel = "lre" if notice.get("channel") == "lre" else "lrar"
    reported = (notice.get("delivery") or {}).get("price_cents")
    if isinstance(reported, int):
        return channel, reported, "provider"
    return channel, lre_cents if channel == "lre" else lrar_cents, "estimate"
