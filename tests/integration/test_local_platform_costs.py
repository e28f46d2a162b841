"""What the local platform does to cost less CPU per claim (issue 26): the state machine's definition parsed
once, not at every execution; the garbage collector tuned for a long-lived process."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_a_definition_is_parsed_once_for_every_execution(aws, monkeypatch):
    from moto.stepfunctions.parser.asl.parse import asl_parser
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    from infra.local import localaws

    localaws.install()
    definition = (ROOT / "chalicelib" / "workflow" / "escalation.asl.json").read_text()
    parses: list[str] = []
    parse = asl_parser.AmazonStateLanguageParser.parse
    monkeypatch.setattr(
        asl_parser.AmazonStateLanguageParser,
        "parse",
        staticmethod(lambda text: (parses.append(text), parse(text))[1]),
    )
    localaws._PARSED_DEFINITIONS.pop(definition, None)
    worker = SimpleNamespace(
        _evaluation_details=SimpleNamespace(state_machine_details=SimpleNamespace(definition=definition))
    )
    first = ExecutionWorker._get_evaluation_entrypoint(worker)
    second = ExecutionWorker._get_evaluation_entrypoint(worker)
    assert parses == [definition]
    # Each execution gets its own evaluation components, built from the one parse tree.
    assert first is not second and type(first) is type(second)


def test_the_long_lived_platform_freezes_what_it_imported_and_collects_less_often():
    from infra.local import localaws

    before = gc.get_threshold()
    try:
        localaws.tune_gc()
        assert gc.get_threshold()[0] == localaws.GC_FIRST_GENERATION
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
