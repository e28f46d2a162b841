"""What each state-machine Task receives, as typed inputs (``escalation.asl.json``, state by state).

Most Tasks get the whole execution state (``"Payload.$": "$"``): the claim id plus what earlier states
added (``$.check``, ``$.notice``, ``$.decision``, ``$.error``…), so every model ignores the keys it does not
read. The callback Tasks (``.waitForTaskToken``) get exactly ``claim_id`` and ``task_token``.

A malformed input is refused with :class:`~chalicelib.domain.errors.InvalidInput` naming the field (the
execution's history then says what was wrong), never a ``KeyError`` deep in a service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.domain.errors import InvalidInput

_Id = Field(min_length=1, max_length=200)


class TaskInput(BaseModel):
    """Every escalation Task is about one claim."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    claim_id: str = _Id


class CallbackInput(TaskInput):
    """LawyerReview, OfferEscalation, AssignLawyer: ``$$.Task.Token`` is answered by a human's decision."""

    task_token: str = Field(min_length=1)


class NoticeDeadline(BaseModel):
    """``$.notice`` as SendNotice / FollowUp left it: the deadline the execution waited for."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    deadline: str = ""
    deadline_at: str = ""


class FollowUpInput(TaskInput):
    notice: NoticeDeadline = Field(default_factory=NoticeDeadline)


class Decision(BaseModel):
    """``$.decision``: what the creditor's callback answered (``declined``, ``timeout``, a status…)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    decision: str = ""


class CloseInput(TaskInput):
    decision: Decision = Field(default_factory=Decision)


class TaskError(BaseModel):
    """``$.error`` as a Catch records it (``Error`` and ``Cause``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    Error: str = "Erreur"
    Cause: str = ""

    def as_mapping(self) -> dict[str, str]:
        return {"Error": self.Error, "Cause": self.Cause}


class NeedsAttentionInput(TaskInput):
    error: TaskError = Field(default_factory=TaskError)


class ProcedureReminderInput(TaskInput):
    """The procedure reminders' executions (``chalicelib/services/lawyers/reminders.py``)."""

    reminder_id: str = _Id


class ImportInput(BaseModel):
    """The bulk import's worker (asynchronous invocation by ``POST /v1/imports``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    import_id: str = _Id


class NotificationsInput(BaseModel):
    """The outbox's sender, started after a claim write; without a claim id it sends every pending one."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    claim_id: str | None = None


Input = TypeVar("Input", bound=BaseModel)


def parse(model: type[Input], event: object) -> Input:
    """``event`` as ``model``, or :class:`InvalidInput` naming the first faulty field (in French)."""
    if not isinstance(event, Mapping):
        raise InvalidInput("L'entrée de la tâche doit être un objet JSON.", field="event")
    try:
        return model.model_validate(dict(event))
    except ValidationError as error:
        problems = error.errors()
        field = ".".join(str(part) for part in problems[0]["loc"]) or "event"
        missing = problems[0]["type"] in {"missing", "string_too_short"}
        raise InvalidInput(
            f"{field} {'manquant' if missing else 'invalide'} dans l'entrée de la tâche.",
            field=field,
            details=[
                {"field": ".".join(str(p) for p in e["loc"]), "message": str(e["msg"])} for e in problems
            ],
        ) from None
