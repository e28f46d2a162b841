"""For the benchmarks: the local process's CPU split by who would pay for it on AWS.

The local platform runs everything in one process: the platform's Lambda functions (the API and the task
handlers), the AWS services they call (moto: DynamoDB, S3, SES, Lambda, Step Functions' interpreter), the
API Gateway and Stripe stand-ins, and the benchmark's own polling. Only the first is what the platform's
Lambdas pay for on AWS. :func:`cpu_layers` charges each thread's CPU (``time.thread_time``) to a layer, at
the boundaries where control passes from one to the other:

* **platform** — a Lambda handler running: the API's ``Chalice.__call__`` (what API Gateway invokes) and
  every function the embedded Lambda runs (``infra/local/localaws.py``: ``resolve_handler``), including
  the botocore client work it does (serialising, signing, parsing: on AWS the Lambda pays for that too);
  charged per function (``platform:api``, ``platform:send_notice``…, :meth:`CpuLedger.platform`);
* **aws** — moto answering a request (``BotocoreStubber``: the AWS service's side of a call), unless the
  caller is the harness;
* **harness** — what the benchmark marks as its own (:meth:`CpuLedger.layer`): the test client and its API
  Gateway emulation, the Stripe twin, the polling of the table;
* what no boundary names (moto's Step Functions interpreter threads, anything else): the process's CPU
  minus the three above.

Garbage collection is charged to the layer whose allocation triggered it, and reported apart."""

from __future__ import annotations

import gc
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

PLATFORM = "platform"
AWS = "aws"
HARNESS = "harness"


class CpuLedger:
    """CPU seconds per layer, charged per thread at each boundary (nested layers are charged apart)."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.gc_seconds = 0.0
        self.gc_collections = 0
        self._local = threading.local()
        self._lock = threading.Lock()

    def _stack(self) -> list[list[Any]]:
        stack: list[list[Any]] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def platform(self) -> dict[str, float]:
        """CPU seconds of each of the platform's functions (``api`` for the API)."""
        prefix = f"{PLATFORM}:"
        return {name[len(prefix) :]: sec for name, sec in self.seconds.items() if name.startswith(prefix)}

    def current(self) -> str | None:
        stack = self._stack()
        return stack[-1][0] if stack else None

    def _charge(self, layer: str, seconds: float) -> None:
        with self._lock:
            self.seconds[layer] += seconds

    @contextmanager
    def layer(self, name: str) -> Iterator[None]:
        """Charge this thread's CPU to ``name`` until the block ends (minus any nested layer's)."""
        stack = self._stack()
        now = time.thread_time()
        if stack:
            self._charge(stack[-1][0], now - stack[-1][1])
        stack.append([name, now])
        try:
            yield
        finally:
            now = time.thread_time()
            done = stack.pop()
            self._charge(done[0], now - done[1])
            if stack:
                stack[-1][1] = now

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._local.gc_started = time.thread_time()
            return
        started = getattr(self._local, "gc_started", None)
        if started is not None:
            with self._lock:
                self.gc_seconds += time.thread_time() - started
                self.gc_collections += 1


def _wrap_handler(
    ledger: CpuLedger, name: str, handler: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    def measured(event: Any, context: Any) -> Any:
        with ledger.layer(f"{PLATFORM}:{name}"):
            return handler(event, context)

    return measured


@contextmanager
def cpu_layers() -> Iterator[CpuLedger]:
    """Charge the process's CPU to layers until the block ends (see the module's doc). Patches, for the
    block only: ``Chalice.__call__``, ``localaws.resolve_handler`` and moto's ``BotocoreStubber.__call__``."""
    from chalice.app import Chalice
    from moto.core.botocore_stubber import BotocoreStubber

    from infra.local import localaws

    ledger = CpuLedger()
    chalice_call = Chalice.__call__
    stubber_call = BotocoreStubber.__call__
    resolve_handler = localaws.resolve_handler

    def api_call(self: Any, event: Any, context: Any) -> Any:
        with ledger.layer(f"{PLATFORM}:api"):
            return chalice_call(self, event, context)

    def aws_call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        with ledger.layer(HARNESS if ledger.current() == HARNESS else AWS):
            return stubber_call(self, event_name, request, **kwargs)

    def resolve(handler: str) -> Callable[[Any, Any], Any]:
        return _wrap_handler(ledger, handler.rpartition(".")[2], resolve_handler(handler))

    Chalice.__call__ = api_call  # type: ignore[method-assign]
    BotocoreStubber.__call__ = aws_call  # type: ignore[method-assign]
    localaws.resolve_handler = resolve  # type: ignore[assignment]
    gc.callbacks.append(ledger._on_gc)
    try:
        yield ledger
    finally:
        gc.callbacks.remove(ledger._on_gc)
        Chalice.__call__ = chalice_call  # type: ignore[method-assign]
        BotocoreStubber.__call__ = stubber_call  # type: ignore[method-assign]
        localaws.resolve_handler = resolve_handler
