"""The deadlines that follow an injonction de payer order (RULEBOOK 2.7), as pure functions with their
articles, and when the platform reminds the creditor and the lawyer of them.

* **Service** within 6 months of the order's date, or the order is *non avenue* (CPC 1411) [TEXT].
* **Opposition** within one month of service (CPC 1416) [TEXT]; when the order was not served to the
  debtor in person, the month runs from the first act served in person or, failing that, from the first
  enforcement measure making the debtor's assets unavailable — the platform cannot know that date, so
  the deadline it shows is only the one counted from this service, flagged to be checked.

Months are counted "de quantième à quantième" (the same day number, a missing day falling on the last day
of the month: rulebook 0, ``FEB29_RULE``). No extension to the next working day is applied: the dates shown
are the earliest reading, the conservative one for the creditor; the lawyer checks them.

The reminder days are platform choices [POLICY] kept as named settings (:class:`ProcedureSettings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chalicelib.legal.dates import add_months
from chalicelib.legal.settings import Feb29Rule

DeadlineKind = Literal["service", "opposition"]

SERVICE_MONTHS = 6  # CPC 1411 [TEXT]
OPPOSITION_MONTHS = 1  # CPC 1416 [TEXT]


@dataclass(frozen=True, slots=True)
class ProcedureSettings:
    SERVICE_REMINDER_DAYS_BEFORE: tuple[int, ...] = (30, 7)
    """[POLICY] Days before the last day of CPC 1411 on which the creditor and the lawyer are reminded
    that the order is still not served (nothing is sent once the service is recorded)."""

    OPPOSITION_REMINDER_DAYS_AFTER: tuple[int, ...] = (1,)
    """[POLICY] Days after the last day of CPC 1416 on which the creditor and the lawyer are told that the
    opposition month has run out with no opposition recorded (enforcement may be considered)."""

    FEB29_RULE: Feb29Rule = "last_day_of_month"
    """Rulebook 0 [POLICY]: a day that does not exist in the target month falls on its last day."""


DEFAULT_PROCEDURE_SETTINGS = ProcedureSettings()


@dataclass(frozen=True, slots=True)
class ProcedureDeadline:
    """One deadline after the order: its last day, the article, what it means, in French."""

    kind: DeadlineKind
    starts_on: date
    last_day: date
    article: str
    label: str
    to_check: str = ""

    def as_json(self) -> dict[str, str]:
        data = {
            "kind": self.kind,
            "starts_on": self.starts_on.isoformat(),
            "last_day": self.last_day.isoformat(),
            "article": self.article,
            "label": self.label,
        }
        if self.to_check:
            data["to_check"] = self.to_check
        return data


def service_deadline(
    ordered_on: date, settings: ProcedureSettings = DEFAULT_PROCEDURE_SETTINGS
) -> ProcedureDeadline:
    """Last day to serve the order before it becomes *non avenue* (CPC 1411)."""
    return ProcedureDeadline(
        kind="service",
        starts_on=ordered_on,
        last_day=add_months(ordered_on, SERVICE_MONTHS, settings.FEB29_RULE),
        article="CPC art. 1411",
        label="Signification de l'ordonnance (sinon non avenue)",
    )


def opposition_deadline(
    served_on: date, *, in_person: bool, settings: ProcedureSettings = DEFAULT_PROCEDURE_SETTINGS
) -> ProcedureDeadline:
    """Last day of the debtor's opposition month counted from ``served_on`` (CPC 1416)."""
    to_check = (
        ""
        if in_person
        else (
            "Signification non faite à personne : le délai d'un mois court à compter du premier acte "
            "signifié à personne ou, à défaut, de la première mesure d'exécution rendant les biens "
            "indisponibles (CPC art. 1416). Date à vérifier par l'avocat."
        )
    )
    return ProcedureDeadline(
        kind="opposition",
        starts_on=served_on,
        last_day=add_months(served_on, OPPOSITION_MONTHS, settings.FEB29_RULE),
        article="CPC art. 1416",
        label="Délai d'opposition du débiteur",
        to_check=to_check,
    )


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder to send on ``on`` about ``deadline``; ``reminder_id`` makes sending it idempotent."""

    reminder_id: str
    on: date
    deadline: ProcedureDeadline

    @property
    def days_left(self) -> int:
        return (self.deadline.last_day - self.on).days


def reminders(
    deadline: ProcedureDeadline, settings: ProcedureSettings = DEFAULT_PROCEDURE_SETTINGS
) -> tuple[Reminder, ...]:
    """The reminders of ``deadline``, in date order (a reminder that would fall before the deadline
    starts is dropped)."""
    if deadline.kind == "service":
        offsets = [-days for days in settings.SERVICE_REMINDER_DAYS_BEFORE]
    else:
        offsets = list(settings.OPPOSITION_REMINDER_DAYS_AFTER)
    found = []
    for offset in sorted(set(offsets)):
        on = deadline.last_day + timedelta(days=offset)
        if on <= deadline.starts_on:
            continue
        found.append(Reminder(f"{deadline.kind}:{deadline.starts_on.isoformat()}:{offset:+d}", on, deadline))
    return tuple(found)
