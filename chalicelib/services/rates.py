"""The rate tables in force: the packaged ones (``chalicelib/legal/data``) with the semesters an operator
added (``POST /v1/operator/rates``, RULEBOOK 6: ECB MRO on 1 January / 1 July, taux de l'intérêt légal of
both categories), merged as plain data for the legal engine. Adding a semester recomputes the claims whose
interest was « à parfaire ».

The merged tables are cached per process for ``CACHE_SECONDS`` and dropped when this process adds a
semester (other processes see it within that time)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import ClaimStatus, EventKind
from chalicelib.domain.errors import Forbidden, InvalidInput
from chalicelib.legal.dates import Semester
from chalicelib.legal.rates import AddedSemester, RateTables, load_tables, tables_with

if TYPE_CHECKING:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.rates_repository import RateRepository

LOG = logging.getLogger("claims.rates")
CACHE_SECONDS = 60.0
# Rates outside these bounds are typing mistakes (percent, not per one): refused with a French message.
MAX_RATE = Decimal("30")
# Claims whose stored assessment still drives what is claimed: recomputed when a semester is added.
RECOMPUTED_STATUSES = (
    ClaimStatus.AWAITING_PAYMENT,
    ClaimStatus.ASSESSING,
    ClaimStatus.NOTICE_SENT,
    ClaimStatus.ESCALATION_OFFERED,
    ClaimStatus.DOSSIER_READY,
    ClaimStatus.WITH_LAWYER,
)

_cache: dict[str, Any] = {}


def _repository() -> RateRepository:
    from chalicelib.adapters.rates_repository import RateRepository

    return RateRepository()


def current_tables(rates: RateRepository | None = None) -> RateTables:
    """The packaged tables with the operator's semesters (cached); the packaged ones alone when the store
    cannot be read (interest then stops at the packaged tables, « à parfaire »: never a guessed rate)."""
    hit = _cache.get("tables")
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    try:
        added = (rates or _repository()).added()
        tables = tables_with(added) if added else load_tables()
    except Exception as error:  # an outage must not stop assessments: the packaged tables stay valid
        LOG.warning("operator rates unavailable, packaged tables used: %s", error)
        return load_tables()
    _cache["tables"] = (time.monotonic(), tables)
    return tables


def forget_cached_tables() -> None:
    _cache.clear()


def coverage(tables: RateTables) -> dict[str, str]:
    """Up to which day each table can serve an interest computation."""
    ecb_semester = Semester.of(tables.ecb_confirmed_through)
    legal_last = max(tables.legal)
    through = min(ecb_semester.last_day, legal_last.last_day)
    return {
        "ecb_mro_through": ecb_semester.last_day.isoformat(),
        "legal_interest_through": legal_last.last_day.isoformat(),
        "interest_through": through.isoformat(),
        "next_semester": str(min(ecb_semester, legal_last).next()),
    }


@dataclass(frozen=True)
class SemesterAdded:
    semester: str
    coverage: dict[str, str]
    recomputed: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"semester": self.semester, "coverage": self.coverage, "recomputed": list(self.recomputed)}


def _rate(body: dict[str, Any], field: str, label: str) -> Decimal:
    raw = str(body.get(field) or "").strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(
            f"{label} : indiquez un taux en pourcentage, par exemple 2,15.", field=field
        ) from None
    if not value.is_finite() or value < 0 or value > MAX_RATE or value != value.quantize(Decimal("0.0001")):
        raise InvalidInput(
            f"{label} : un taux en pourcentage entre 0 et {MAX_RATE} (au plus 4 décimales) est attendu.",
            field=field,
        )
    return value


def parse_semester(body: dict[str, Any]) -> tuple[AddedSemester, str | None]:
    """The operator's form → an :class:`AddedSemester` (French messages naming the field)."""
    try:
        semester = Semester.parse(str(body.get("semester") or "").strip())
    except (ValueError, TypeError):
        raise InvalidInput(
            "Semestre : au format AAAA-S1 ou AAAA-S2, par exemple 2026-S2.", field="semester"
        ) from None
    source = str(body.get("source") or "").strip()
    if len(source) < 5 or len(source) > 500:
        raise InvalidInput(
            "Source : indiquez où ces taux sont publiés (adresse de la page, arrêté, date).", field="source"
        )
    arrete = str(body.get("arrete") or "").strip()[:300] or None
    published = str(body.get("published_on") or "").strip() or None
    if published is not None:
        try:
            dt.date.fromisoformat(published)
        except ValueError:
            raise InvalidInput("Date de publication : au format AAAA-MM-JJ.", field="published_on") from None
    row = AddedSemester(
        semester=semester,
        ecb_mro=_rate(body, "ecb_mro", "Taux BCE (opération principale de refinancement)"),
        particuliers=_rate(body, "particuliers", "Taux légal — particuliers"),
        autres_cas=_rate(body, "autres_cas", "Taux légal — autres cas"),
        source=source,
        arrete=arrete,
    )
    return row, published


def add_semester(
    identity: Identity,
    body: dict[str, Any],
    *,
    rates: RateRepository,
    claims: ClaimRepository,
    accounts: AccountRepository,
    today: dt.date,
    now: dt.datetime,
) -> SemesterAdded:
    """Add a semester (operator only), then recompute the claims « à parfaire »."""
    if identity.role is not Role.OPERATOR:
        raise Forbidden("Réservé aux opérateurs de la plateforme.")
    row, published = parse_semester(body)
    try:
        merged = tables_with((*rates.added(), row))
    except ValueError as refused:
        raise InvalidInput(f"Semestre refusé : {refused}.", field="semester") from None
    rates.add(row, published_on=published, added_by=identity.email or identity.user_id, now=now)
    forget_cached_tables()
    _cache["tables"] = (time.monotonic(), merged)
    recomputed = recompute_a_parfaire(claims, accounts, today=today, now=now, semester=str(row.semester))
    return SemesterAdded(str(row.semester), coverage(merged), recomputed)


def recompute_a_parfaire(
    claims: ClaimRepository,
    accounts: AccountRepository,
    *,
    today: dt.date,
    now: dt.datetime,
    semester: str,
) -> tuple[str, ...]:
    """Assess again every open claim whose interest was « à parfaire » and store the new figures (a timeline
    note says why). Idempotent: a claim no longer « à parfaire » is left alone."""
    from chalicelib.services.claims import assess_claim

    done: list[str] = []
    for claim in claims.in_statuses(RECOMPUTED_STATUSES):
        amounts = dict((claim.assessment or {}).get("amounts") or {})
        if not amounts.get("a_parfaire") or claim.content is None:
            continue
        account = accounts.find(claim.creditor_id)
        if account is None or account.creditor is None:
            continue
        fresh = dict(assess_claim(claim, account.creditor, today).assessment)
        new_amounts = dict(fresh.get("amounts") or {})
        claims.record(
            claim.claim_id,
            kind=EventKind.NOTE,
            actor="plateforme",
            reason=(
                f"Taux du semestre {semester} publiés : intérêts recalculés au "
                f"{new_amounts.get('interest_until')} — total {new_amounts.get('total')} € "
                f"(auparavant {amounts.get('total')} €)"
            ),
            change=lambda c, fresh=fresh: replace(c, assessment=fresh),  # type: ignore[misc]
            now=now,
        )
        done.append(claim.claim_id)
    return tuple(done)
