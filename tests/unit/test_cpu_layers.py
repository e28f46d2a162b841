"""The benchmarks' CPU ledger (bench/cpu_layers.py) charges a thread's CPU to the innermost layer running:
nested layers are charged apart, never twice, and each thread is charged its own CPU only."""

from __future__ import annotations

import threading
import time

from bench.cpu_layers import AWS, HARNESS, PLATFORM, CpuLedger


def _burn(seconds: float) -> None:
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        sum(range(1000))


def test_nested_layers_are_charged_apart_and_never_twice() -> None:
    ledger = CpuLedger()
    started = time.thread_time()
    with ledger.layer(HARNESS):
        _burn(0.02)
        with ledger.layer(f"{PLATFORM}:send_notice"):
            _burn(0.03)
            with ledger.layer(AWS):
                _burn(0.02)
            _burn(0.01)
    spent = time.thread_time() - started

    assert abs(sum(ledger.seconds.values()) - spent) < 0.005
    assert 0.02 <= ledger.seconds[AWS] < 0.03
    assert 0.04 <= ledger.platform()["send_notice"] < 0.05
    assert 0.02 <= ledger.seconds[HARNESS] < 0.03
    assert ledger.current() is None


def test_each_thread_is_charged_its_own_cpu() -> None:
    ledger = CpuLedger()

    def lambda_function() -> None:
        with ledger.layer(f"{PLATFORM}:render_invoice"):
            _burn(0.03)

    with ledger.layer(HARNESS):
        worker = threading.Thread(target=lambda_function)
        worker.start()
        worker.join()  # waiting costs the harness nothing

    assert 0.03 <= ledger.platform()["render_invoice"] < 0.04
    assert ledger.seconds[HARNESS] < 0.01
