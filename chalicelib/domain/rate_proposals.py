"""From the providers' observations to the semesters the operator is asked to confirm (pure: no I/O).

RULEBOOK 6: a semester of the tables holds the ECB main refinancing operations rate **in force on its first
day** (1 January / 1 July, C. com. L441-10 II) and the taux de l'intérêt légal of the semester for both
categories (C. mon. fin. L313-2). A semester is proposed only when its first day has come and every value is
published; nothing is estimated. The operator confirms (or rejects) each proposal.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from chalicelib.legal.dates import Semester, french_date


class Observed(Protocol):
    @property
    def period_start(self) -> date: ...
    @property
    def value(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where one value was read: provider, series, request URL and the observation's date."""

    provider: str
    series: str
    url: str
    observed_on: date
    value: Decimal

    def as_dict(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "series": self.series,
            "url": self.url,
            "observed_on": self.observed_on.isoformat(),
            "value": str(self.value),
        }


@dataclass(frozen=True, slots=True)
class ProposedSemester:
    semester: Semester
    ecb_mro: Decimal
    particuliers: Decimal
    autres_cas: Decimal
    sources: tuple[SourceRef, ...]  # ECB, then legal particuliers, then legal autres cas

    @property
    def proposal_id(self) -> str:
        """Stable for a semester and its values: the same values are never proposed twice."""
        rates = (self.ecb_mro, self.particuliers, self.autres_cas)
        values = "|".join([str(self.semester), *(f"{rate.normalize():f}" for rate in rates)])
        return f"{self.semester}-{hashlib.sha256(values.encode()).hexdigest()[:10]}"


class SeriesRead(Protocol):
    """A series as read, for :func:`derive_semesters` (``adapters/rate_feeds.SeriesAnswer``)."""

    @property
    def provider(self) -> str: ...
    @property
    def series(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def observations(self) -> tuple[Observed, ...]: ...


def percent(value: Decimal) -> Decimal:
    """At least two decimals, as rates are published (a JSON number ``6.5`` reads ``6.50``)."""
    return value.quantize(Decimal("0.01")) if value.as_tuple().exponent > -2 else value  # type: ignore[operator]


def mro_in_force(observations: tuple[Observed, ...], day: date) -> Observed | None:
    """The ECB change in force on ``day``: the last observation dated on or before it."""
    in_force = None
    for observation in sorted(observations, key=lambda o: o.period_start):
        if observation.period_start <= day:
            in_force = observation
    return in_force


def legal_rate_of(observations: tuple[Observed, ...], semester: Semester) -> Observed | None:
    """The observation of the semester (its period starts within it)."""
    matching = [o for o in observations if Semester.of(o.period_start) == semester]
    return matching[-1] if matching else None


def derive_semesters(
    next_semester: Semester,
    today: date,
    ecb: SeriesRead,
    particuliers: SeriesRead,
    autres_cas: SeriesRead,
) -> tuple[tuple[ProposedSemester, ...], tuple[str, ...]]:
    """The semesters after the tables, from ``next_semester`` on, that have begun by ``today`` and whose
    three values are published, in order; and, in French, why the derivation stopped (nothing when it
    stopped only because the next semester has not begun)."""
    proposed: list[ProposedSemester] = []
    semester = next_semester
    while semester.first_day <= today:
        mro = mro_in_force(ecb.observations, semester.first_day)
        part = legal_rate_of(particuliers.observations, semester)
        other = legal_rate_of(autres_cas.observations, semester)
        missing = []
        if mro is None:
            missing.append(f"taux BCE en vigueur au {french_date(semester.first_day)}")
        if part is None:
            missing.append("taux légal « particuliers »")
        if other is None:
            missing.append("taux légal « autres cas »")
        if mro is None or part is None or other is None:
            word = "pas encore publié" if len(missing) == 1 else "pas encore publiés"
            return tuple(proposed), (f"Semestre {semester} : {', '.join(missing)} {word}.",)
        proposed.append(
            ProposedSemester(
                semester,
                percent(mro.value),
                percent(part.value),
                percent(other.value),
                (
                    SourceRef(ecb.provider, ecb.series, ecb.url, mro.period_start, percent(mro.value)),
                    SourceRef(
                        particuliers.provider,
                        particuliers.series,
                        particuliers.url,
                        part.period_start,
                        percent(part.value),
                    ),
                    SourceRef(
                        autres_cas.provider,
                        autres_cas.series,
                        autres_cas.url,
                        other.period_start,
                        percent(other.value),
                    ),
                ),
            )
        )
        semester = semester.next()
    return tuple(proposed), ()


def source_text(proposal: ProposedSemester, *, simulated: bool) -> str:
    """The source recorded with the semester when the operator confirms (at most 500 characters)."""
    ecb, part, other = proposal.sources

    def fr(value: Decimal) -> str:
        return f"{value:f}".replace(".", ",")

    text = (
        f"{'Flux simulé (réponses enregistrées, valeurs de démonstration) — ' if simulated else ''}"
        f"BCE, série {ecb.series} : {fr(ecb.value)} % depuis le {french_date(ecb.observed_on)} "
        f"(data-api.ecb.europa.eu) ; Banque de France Webstat, séries {part.series} ({fr(part.value)} %) et "
        f"{other.series} ({fr(other.value)} %), semestre {proposal.semester} ; proposé par le flux de taux, "
        "confirmé par l'opérateur"
    )
    return text[:500]
