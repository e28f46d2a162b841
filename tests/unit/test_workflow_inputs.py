"""Every state-machine Task parses its input first: a malformed one is refused with InvalidInput naming the
field, before any adapter is touched (no KeyError, no half-done step)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.errors import InvalidInput
from chalicelib.workflow import handlers, steps
from chalicelib.workflow.inputs import (
    CallbackInput,
    CloseInput,
    FollowUpInput,
    NeedsAttentionInput,
    ProcedureReminderInput,
    TaskInput,
    parse,
)

ADAPTERS = ("claims", "accounts", "documents", "imports", "engine", "stripe", "postal")


def _untouchable() -> Any:
    raise AssertionError("an adapter was built before the task's input was checked")


@pytest.fixture(autouse=True)
def no_adapters() -> Iterator[None]:
    with ExitStack() as stack:
        for name in ADAPTERS:
            stack.enter_context(bootstrap.override(name, _untouchable))
        yield


Handler = Callable[[dict[str, Any]], dict[str, object]]
MALFORMED: list[tuple[str, Handler, Any, str]] = [
    ("check_claim", handlers.check_claim, {"resume_at": "notice"}, "claim_id"),
    ("import_claims", handlers.import_claims, {"import_id": ""}, "import_id"),
    ("send_notifications", handlers.send_notifications, {"claim_id": ["c-1"]}, "claim_id"),
    ("send_reminder", steps.send_reminder, {"claim_id": 42}, "claim_id"),
    ("send_notice", steps.send_notice, {}, "claim_id"),
    ("follow_up", steps.follow_up, {"claim_id": "c-1", "notice": {"deadline": 20270301}}, "notice.deadline"),
    ("offer_escalation", steps.offer_escalation, {"claim_id": "c-1"}, "task_token"),
    ("close_claim", steps.close_claim, {"claim_id": "c-1", "decision": "declined"}, "decision"),
    ("assemble_dossier", steps.assemble_dossier, {"claim_id": None}, "claim_id"),
    ("assign_lawyer", steps.assign_lawyer, {"claim_id": "c-1", "task_token": ""}, "task_token"),
    ("lawyer_no_answer", steps.lawyer_no_answer, {"task_token": "t"}, "claim_id"),
    ("request_review", steps.request_review, {"task_token": "t", "claim_id": ""}, "claim_id"),
    ("send_procedure_reminder", steps.send_procedure_reminder, {"claim_id": "c-1"}, "reminder_id"),
    ("mark_needs_attention", steps.mark_needs_attention, {"claim_id": "c-1", "error": []}, "error"),
]


@pytest.mark.parametrize(
    ("handler", "event", "field"),
    [pytest.param(handler, event, field, id=name) for name, handler, event, field in MALFORMED],
)
def test_a_malformed_task_input_is_refused_naming_the_field(
    handler: Handler, event: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        handler(event)
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field} ")
    assert "dans l'entrée de la tâche" in refused.value.message
    assert refused.value.details and refused.value.details[0]["field"] == field


def test_a_missing_field_is_called_missing_and_a_wrong_one_invalid() -> None:
    with pytest.raises(InvalidInput, match=r"^claim_id manquant dans l'entrée de la tâche\.$"):
        steps.send_notice({})
    with pytest.raises(InvalidInput, match=r"^notice\.deadline invalide"):
        steps.follow_up({"claim_id": "c-1", "notice": {"deadline": 3}})


def test_an_input_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        steps.send_notice(["c-1"])  # type: ignore[arg-type]
    assert refused.value.field == "event"


def test_the_whole_execution_state_is_read_as_each_task_needs_it() -> None:
    """The shapes escalation.asl.json passes: the state with what earlier states added (extra keys
    ignored)."""
    state = {
        "claim_id": "c-1",
        "resume_at": "wait_deadline",
        "check": {"admissible": True, "reason": "ok", "reminder": False, "review": False},
        "notice": {"deadline_at": "2027-03-10T23:00:00Z", "deadline": "2027-03-10", "deadline_passed": True},
        "decision": {"decision": "declined"},
        "error": {"Error": "States.Timeout", "Cause": "too slow"},
    }
    assert parse(TaskInput, state).claim_id == "c-1"
    assert parse(FollowUpInput, state).notice.deadline == "2027-03-10"
    assert parse(CloseInput, state).decision.decision == "declined"
    assert parse(NeedsAttentionInput, state).error.as_mapping() == {
        "Error": "States.Timeout",
        "Cause": "too slow",
    }
    assert parse(CallbackInput, {"claim_id": "c-1", "task_token": "tok"}).task_token == "tok"
    reminder = {"claim_id": "c-1", "reminder_id": "cpc1411-j-7", "remind_at": "2027-03-01T07:00:00Z"}
    assert parse(ProcedureReminderInput, reminder).reminder_id == "cpc1411-j-7"
    # What is absent before the state that adds it gets its neutral value.
    assert parse(FollowUpInput, {"claim_id": "c-1"}).notice.deadline == ""
    assert parse(CloseInput, {"claim_id": "c-1"}).decision.decision == ""
    assert parse(NeedsAttentionInput, {"claim_id": "c-1"}).error.as_mapping() == {
        "Error": "Erreur",
        "Cause": "",
    }


def test_every_callback_task_of_the_definition_passes_claim_id_and_task_token() -> None:
    """The callback Tasks' Payload, as written in the definition, is exactly what CallbackInput reads."""
    definition = json.loads(
        (Path(__file__).parents[2] / "chalicelib/workflow/escalation.asl.json").read_text()
    )

    def tasks(states: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for state in states.values():
            if state["Type"] == "Task":
                yield state
            for branch in state.get("Branches", []):
                yield from tasks(branch["States"])

    callbacks = [t for t in tasks(definition["States"]) if t["Resource"].endswith(".waitForTaskToken")]
    assert len(callbacks) == 3
    for task in callbacks:
        payload = task["Parameters"]["Payload"]
        # execution_name is for the logs: the task middleware (chalicelib/logs.py) takes it off first.
        passed = {key.removesuffix(".$") for key in payload} - {"execution_name"}
        assert passed == set(CallbackInput.model_fields)
