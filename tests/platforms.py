"""The one fixture that gives an end-to-end test the real local platform (``tests/e2e/platform.py``: the
``make run`` entry point as a subprocess on free ports), loaded by tests/conftest.py for every folder.

A test module says which platform it needs with a module-level ``PLATFORM = PlatformSpec(...)`` (default: the
real date, time scale 10⁶, started, one per module):

* ``env`` — extra environment (``{"CLAIMS_TODAY": "2025-03-31"}`` assesses inside the rate tables);
* ``time_scale`` — how fast the escalation's waits pass;
* ``shared`` — one platform for every module of the run that asks for the same spec (the browser tests:
  starting a platform takes 5-15 s);
* ``started`` — False gives each test a fresh, unstarted platform of its own (the tests that time the start
  or restart it).

A test that stopped the module's platform gets it started again (same data) by the next test. Everything is
stopped when its scope ends; the run's shared platforms when pytest ends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.e2e.platform import RunningPlatform

_SHARED: dict[tuple[Any, ...], RunningPlatform] = {}


@dataclass(frozen=True)
class PlatformSpec:
    env: dict[str, str] = field(default_factory=dict)
    time_scale: float = 1e6
    shared: bool = False
    started: bool = True

    def key(self) -> tuple[Any, ...]:
        return (tuple(sorted(self.env.items())), self.time_scale)


def _stop(running: RunningPlatform) -> None:
    if running.process is not None and running.process.poll() is None:
        running.stop()


def _alive(running: RunningPlatform) -> bool:
    return running.process is not None and running.process.poll() is None


def _spec(request: pytest.FixtureRequest) -> PlatformSpec:
    spec = getattr(request.module, "PLATFORM", PlatformSpec())
    assert isinstance(spec, PlatformSpec), "PLATFORM must be a tests.platforms.PlatformSpec"
    return spec


@pytest.fixture(scope="module")
def _module_platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningPlatform | None]:
    spec = _spec(request)
    if spec.shared or not spec.started:
        yield None
        return
    running = RunningPlatform(tmp_path_factory.mktemp("platform") / "data", spec.time_scale, spec.env)
    try:
        yield running
    finally:
        _stop(running)


@pytest.fixture
def platform(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _module_platform: RunningPlatform | None,
) -> Iterator[RunningPlatform]:
    """The local platform this module's ``PLATFORM`` spec asks for (see the module docstring)."""
    spec = _spec(request)
    if not spec.started:
        fresh = RunningPlatform(tmp_path_factory.mktemp("platform") / "data", spec.time_scale, spec.env)
        try:
            yield fresh
        finally:
            if _alive(fresh):
                assert fresh.process is not None
                fresh.process.kill()
                fresh.process.wait(timeout=10)
        return
    if spec.shared:
        running = _SHARED.get(spec.key())
        if running is None:
            running = RunningPlatform(tmp_path_factory.mktemp("shared") / "data", spec.time_scale, spec.env)
            _SHARED[spec.key()] = running
            request.config.add_cleanup(lambda: _stop(running))
    else:
        assert _module_platform is not None
        running = _module_platform
    if not _alive(running):
        running.start()
    yield running
