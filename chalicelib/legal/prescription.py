"""Prescription (rulebook 1): durations, the two starting points, interruption, suspension, 20-year cap.

Each invoice is assessed on two tracks — the *early* start (performance or invoice date, the Cour de
cassation's reading) and the *late* start (the due date printed on the invoice) — and each track goes
through the debtor's acknowledgements and payments (C. civ. 2240, 2231: a new period of the same
duration), suspensions (2238, with the six-month floor) and the 20-year long-stop (2232). A mise en
demeure never interrupts. The status is ``not_barred`` up to the early last day, ``at_risk`` up to the
late one, ``barred`` after; there is no extension to the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chalicelib.legal.dates import WEEKDAYS_FR, add_months, add_years, french_count, french_date
from chalicelib.legal.findings import Finding, Level
from chalicelib.legal.model import Claim, Invoice
from chalicelib.legal.regime import PrescriptionRule
from chalicelib.legal.settings import Settings

Status = Literal["not_barred", "at_risk", "barred"]
_SEVERITY: dict[str, int] = {"not_barred": 0, "at_risk": 1, "barred": 2}
LONG_STOP_YEARS = 20  # C. civ. 2232
SUSPENSION_FLOOR_MONTHS = 6  # C. civ. 2238


@dataclass(frozen=True, slots=True)
class Event:
    day: date
    kind: Literal["acknowledgement", "payment", "suspension"]
    end: date | None = None  # suspensions only; None = still running on as_of
    label: str = ""


@dataclass(frozen=True, slots=True)
class Track:
    start: date
    end: date
    interrupted_by: tuple[Event, ...]
    suspended_by: tuple[Event, ...]
    after_expiry: tuple[Event, ...]
    capped: bool


@dataclass(frozen=True, slots=True)
class InvoicePrescription:
    number: str
    early: Track
    late: Track
    last_day: date
    last_day_late: date
    status: Status
    waiver_possible: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "start": self.early.start.isoformat(),
            "start_late": self.late.start.isoformat(),
            "last_day": self.last_day.isoformat(),
            "last_day_late": self.last_day_late.isoformat(),
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class PrescriptionResult:
    rule: PrescriptionRule
    status: Status
    last_day: date
    last_day_late: date
    urgent: bool
    days_left: int
    invoices: tuple[InvoicePrescription, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "status": self.status,
            "last_day": self.last_day.isoformat(),
            "last_day_late": self.last_day_late.isoformat(),
            "urgent": self.urgent,
            "days_left": self.days_left,
            "regime": {
                "code": self.rule.code,
                "article": self.rule.article,
                "duration": self.rule.duration.french(),
            },
            "invoices": [i.as_dict() for i in self.invoices],
        }


def starting_points(
    claim: Claim, invoice: Invoice, rule: PrescriptionRule, settings: Settings
) -> tuple[date, date]:
    """Rulebook 1.2: (early start, late start) of one invoice; special regimes use one start for both."""
    earliest = min(invoice.performance_date, invoice.issue_date)
    if rule.start == "performance_or_due":
        return earliest, invoice.due_date or invoice.issue_date
    if rule.start == "due_date":
        start = invoice.due_date or earliest
        return start, start
    if rule.start == "delivery":
        return invoice.performance_date, invoice.performance_date
    assert claim.cheque is not None  # checked by the parser for nature "cheque"
    start = claim.cheque.issued_on + timedelta(days=settings.CHEQUE_PRESENTATION_DAYS)
    return start, start


def run_track(
    start: date, birth: date, rule: PrescriptionRule, events: list[Event], as_of: date, settings: Settings
) -> Track:
    """One reading of the prescription from ``start`` through the claim's events (rulebook 1.4-1.6)."""
    rule_feb29 = settings.FEB29_RULE
    cap = add_years(birth, LONG_STOP_YEARS, rule_feb29)
    end = min(rule.duration.after(start, rule_feb29), cap)
    capped = rule.duration.after(start, rule_feb29) > cap
    interrupted: list[Event] = []
    suspended: list[Event] = []
    after_expiry: list[Event] = []
    for event in sorted(events, key=lambda e: (e.day, e.kind)):
        if event.day > end:
            after_expiry.append(event)
            continue
        if event.kind == "suspension":
            resumed = event.end or as_of
            remaining = (end - event.day).days
            new_end = max(
                resumed + timedelta(days=remaining), add_months(resumed, SUSPENSION_FLOOR_MONTHS, rule_feb29)
            )
            suspended.append(event)
        else:
            new_end = max(end, rule.duration.after(event.day, rule_feb29))
            if new_end > end:
                interrupted.append(event)
        if new_end > cap:
            capped = True
        end = min(new_end, cap)
    return Track(start, end, tuple(interrupted), tuple(suspended), tuple(after_expiry), capped)


def _status(as_of: date, last_day: date, last_day_late: date) -> Status:
    if as_of <= last_day:
        return "not_barred"
    if as_of <= last_day_late:
        return "at_risk"
    return "barred"


def assess_prescription(
    claim: Claim,
    rule: PrescriptionRule,
    payment_targets: dict[int, tuple[str, ...]],
    settings: Settings,
    still_claimed: set[str] | None = None,
) -> tuple[PrescriptionResult, list[Finding]]:
    """Rulebook 1: the claim's prescription as of ``claim.as_of`` with the reasons.

    ``payment_targets`` maps each payment's index to the invoices it was imputed on (a payment
    acknowledges those debts only). ``still_claimed``: invoices with something left to claim; the others
    (fully paid) do not weigh on the result.
    """
    as_of = claim.as_of
    common: list[Event] = [
        Event(a.date, "acknowledgement", label="reconnaissance de dette") for a in claim.acknowledgements
    ]
    common += [Event(s.start, "suspension", s.end, label=s.kind) for s in claim.suspensions]
    per_invoice: list[InvoicePrescription] = []
    for invoice in claim.invoices:
        events = list(common)
        events += [
            Event(p.date, "payment", label="paiement partiel")
            for p in claim.payments
            if invoice.number in payment_targets.get(p.index, ())
        ]
        early_start, late_start = starting_points(claim, invoice, rule, settings)
        birth = (
            claim.cheque.issued_on
            if rule.start == "cheque_presentation_end" and claim.cheque
            else min(invoice.performance_date, invoice.issue_date)
        )
        early = run_track(early_start, birth, rule, events, as_of, settings)
        late = run_track(late_start, birth, rule, events, as_of, settings)
        last_day, last_day_late = min(early.end, late.end), max(early.end, late.end)
        status = _status(as_of, last_day, last_day_late)
        latest = late if late.end >= early.end else early
        waiver = status == "barred" and any(e.kind == "acknowledgement" for e in latest.after_expiry)
        if waiver:
            status = "at_risk"
        per_invoice.append(
            InvoicePrescription(invoice.number, early, late, last_day, last_day_late, status, waiver)
        )

    weighing = [p for p in per_invoice if still_claimed is None or p.number in still_claimed] or per_invoice
    status = max((p.status for p in weighing), key=lambda s: _SEVERITY[s])
    last_day = min(p.last_day for p in weighing)
    last_day_late = min(p.last_day_late for p in weighing)
    days_left = (last_day - as_of).days
    urgent = status == "not_barred" and days_left < settings.URGENCY_DAYS
    result = PrescriptionResult(rule, status, last_day, last_day_late, urgent, days_left, tuple(per_invoice))
    return result, _findings(claim, rule, result, weighing, settings)


class _Findings(list[Finding]):
    def add(
        self, code: str, article: str, message: str, level: Level = "info", detail: str | None = None
    ) -> None:
        self.append(Finding(code, article, message, "prescription", level, detail))


def _findings(
    claim: Claim,
    rule: PrescriptionRule,
    result: PrescriptionResult,
    weighing: list[InvoicePrescription],
    settings: Settings,
) -> list[Finding]:
    out = _Findings()
    _regime_findings(out, claim, rule, settings)
    reported: set[tuple[str, date]] = set()  # one finding per event, whichever invoice or track shows it
    for inv in result.invoices:
        for track in (inv.early, inv.late):
            _interruptions(out, rule, settings, inv, track, reported)
            _suspensions(out, track, reported)
            _events_after_expiry(out, inv, track, reported)
        _date_limits(out, rule, inv)
    if claim.formal_notice is not None:
        out.add(
            "formal_notice_not_interruptive",
            "Com. 13 oct. 1992, n° 91-10.066 ; Com. 18 mai 2022, n° 20-23.204",
            "La mise en demeure, même par lettre recommandée, n'interrompt pas la prescription : seules la "
            "reconnaissance du débiteur, une demande en justice ou une mesure d'exécution l'interrompent "
            "(C. civ. 2240 à 2244).",
        )
    if claim.debtor.collective_proceedings is not None:
        out.add(
            "declaration_interrupts_prescription",
            "C. com. L622-24 (Rulebook 1.4)",
            "La déclaration de la créance au mandataire interrompt la prescription jusqu'à la clôture de "
            "la procédure.",
        )
    _status_findings(out, result, weighing, settings)
    return list(out)


def _regime_findings(out: _Findings, claim: Claim, rule: PrescriptionRule, settings: Settings) -> None:
    """Rulebook 1.1: the duration and starting point applied, and what they assume."""
    start_text = {
        "performance_or_due": "à compter de l'exécution de la prestation ou de la livraison (au plus "
        "tôt) et, au plus tard, de l'échéance figurant sur la facture",
        "due_date": "à compter de l'échéance",
        "delivery": "à compter de la livraison des marchandises au destinataire, quelle que soit la facture",
        "cheque_presentation_end": "à compter de l'expiration du délai de présentation du chèque",
    }[rule.start]
    out.add(
        "prescription_regime",
        rule.article,
        f"Délai applicable : {rule.label}, soit {rule.duration.french()} {start_text}.",
    )
    if rule.start == "performance_or_due":
        article = (
            "C. conso. L218-2 ; Civ. 1re, 19 mai 2021, n° 20-12.520 ; Civ. 3e, 1er mars 2023, n° 21-23.176"
            if rule.code == "consumer_2_years"
            else "C. civ. 2224 ; Com. 26 févr. 2020, n° 18-25.036 ; Com. 14 juin 2023, n° 21-14.841"
        )
        out.add(
            "prescription_two_starting_points",
            article,
            "Deux points de départ sont retenus : l'exécution de la prestation (ou la facture si elle est "
            "antérieure), selon la jurisprudence récente, et l'échéance figurant sur la facture. Le "
            "premier donne la date limite à respecter ; entre les deux, la créance est à risque.",
        )
    if rule.code == "bill_of_exchange_3_years":
        out.add(
            "bill_of_exchange_acceptor_assumed",
            "C. com. L511-78",
            "Délai calculé contre l'accepteur (3 ans à compter de l'échéance). Contre le tireur ou un "
            "endosseur, le délai n'est que d'un an à compter du protêt : à vérifier par un avocat.",
            "warning",
        )
    if rule.start == "cheque_presentation_end":
        out.add(
            "cheque_presentation_period",
            "C. mon. fin. L131-32",
            f"Délai de présentation de {settings.CHEQUE_PRESENTATION_DAYS} jours retenu (chèque émis et "
            "payable en France métropolitaine). La créance sous-jacente garde sa propre prescription.",
            "info"
            if claim.creditor.in_metropolitan_france and claim.debtor.in_metropolitan_france
            else "warning",
        )
    elif claim.cheque is not None:
        out.add(
            "cheque_information_only",
            "C. mon. fin. L131-59",
            "Le chèque impayé n'est qu'une information : la créance garde sa propre prescription.",
        )


def _interruptions(
    out: _Findings,
    rule: PrescriptionRule,
    settings: Settings,
    inv: InvoicePrescription,
    track: Track,
    reported: set[tuple[str, date]],
) -> None:
    """C. civ. 2240, 2231: a payment or an acknowledgement starts a new period of the same duration."""
    for event in track.interrupted_by:
        if (event.kind, event.day) in reported:
            continue
        reported.add((event.kind, event.day))
        what = "Le paiement partiel" if event.kind == "payment" else "La reconnaissance de dette"
        new_end = rule.duration.after(event.day, settings.FEB29_RULE)
        out.add(
            f"prescription_interrupted_by_{event.kind}",
            "C. civ. 2240 ; 2231",
            f"{what} du {french_date(event.day)} interrompt la prescription : un nouveau délai de "
            f"{rule.duration.french()} court, jusqu'au {french_date(new_end)}.",
            detail=f"créance {inv.number}",
        )


def _suspensions(out: _Findings, track: Track, reported: set[tuple[str, date]]) -> None:
    """C. civ. 2238: an amicable process suspends the prescription (at least six months remain after it)."""
    for event in track.suspended_by:
        if ("suspension", event.day) in reported:
            continue
        reported.add(("suspension", event.day))
        if event.end is None:
            out.add(
                "prescription_suspended_ongoing",
                "C. civ. 2238",
                f"La prescription est suspendue depuis le {french_date(event.day)} (processus "
                "amiable en cours) ; la date limite indiquée suppose qu'il prenne fin aujourd'hui "
                "et sera recalculée à sa clôture (au moins six mois après).",
                "warning",
            )
        else:
            out.add(
                "prescription_suspended",
                "C. civ. 2238 ; 2230",
                f"Prescription suspendue du {french_date(event.day)} au {french_date(event.end)} : "
                "le temps restant reprend ensuite, et au moins six mois.",
            )


def _events_after_expiry(
    out: _Findings, inv: InvoicePrescription, track: Track, reported: set[tuple[str, date]]
) -> None:
    """C. civ. 2240: a payment or acknowledgement after expiry does not interrupt (a waiver, perhaps)."""
    for event in track.after_expiry:
        if event.kind == "suspension" or ("late", event.day) in reported:
            continue
        if track is inv.early and inv.late.end >= event.day:
            continue  # still in time on the late reading
        reported.add(("late", event.day))
        if event.kind == "payment":
            out.add(
                "payment_after_expiry",
                "C. civ. 2240 ; Civ. 1re, 19 mai 2021, n° 19-26.253",
                f"Le paiement du {french_date(event.day)} intervient après l'expiration du délai : "
                "il n'interrompt pas la prescription.",
                "warning",
                detail=f"créance {inv.number}",
            )
        else:
            out.add(
                "acknowledgement_after_expiry",
                "C. civ. 2240 ; Com. 7 juill. 2009, n° 08-13.499",
                f"La reconnaissance du {french_date(event.day)} est postérieure à l'expiration du "
                "délai : elle ne fait pas revivre la créance mais peut valoir renonciation à la "
                "prescription acquise. Revue par un avocat.",
                "warning",
                detail=f"créance {inv.number}",
            )


def _date_limits(out: _Findings, rule: PrescriptionRule, inv: InvoicePrescription) -> None:
    """C. civ. 2232 (the 20-year long-stop) and a period starting on 29 February."""
    if inv.early.capped or inv.late.capped:
        out.add(
            "long_stop_20_years",
            "C. civ. 2232",
            "Le report du point de départ, la suspension ou l'interruption ne peuvent porter la "
            "prescription au-delà de 20 ans à compter de la naissance du droit : date limite plafonnée.",
            detail=f"créance {inv.number}",
        )
    if rule.duration.years and any(s.month == 2 and s.day == 29 for s in (inv.early.start, inv.late.start)):
        out.add(
            "anniversary_29_february",
            "CPC 641 (par analogie, Rulebook 0, POLICY)",
            "Le délai part d'un 29 février : la date anniversaire inexistante est fixée au dernier "
            "jour de février. Lecture prudente non confirmée pour la prescription : à valider par un "
            "avocat.",
            "warning",
            detail=f"créance {inv.number}",
        )


def _status_findings(
    out: _Findings, result: PrescriptionResult, weighing: list[InvoicePrescription], settings: Settings
) -> None:
    """Rulebook 1.2: barred, at risk or not barred (urgent when close), never extended past a weekend."""
    last = result.last_day
    if result.status == "barred":
        barred = ", ".join(p.number for p in weighing if p.status == "barred")
        out.add(
            "time_barred",
            result.rule.article,
            f"Créance prescrite : le dernier jour pour agir était le {french_date(result.last_day_late)}. "
            "Aucune relance, mise en demeure ni procédure ne doit être engagée.",
            "blocking",
            detail=f"factures prescrites : {barred}",
        )
    elif result.status == "at_risk":
        waiver = any(p.waiver_possible for p in weighing)
        out.add(
            "prescription_at_risk",
            f"{result.rule.article} ; Rulebook 1.2",
            (
                "Le délai est expiré mais une reconnaissance postérieure peut valoir renonciation : "
                if waiver
                else f"Le délai calculé depuis l'exécution a expiré le {french_date(last)} ; calculé depuis "
                f"l'échéance, il court jusqu'au {french_date(result.last_day_late)}. "
            )
            + "Créance à risque : pas d'action automatique, revue par un avocat.",
            "warning",
        )
    else:
        out.add(
            "not_time_barred",
            result.rule.article,
            f"Créance non prescrite : dernier jour pour agir le {WEEKDAYS_FR[last.weekday()]} "
            f"{french_date(last)} ({french_count(result.days_left, 'jour restant', 'jours restants')}).",
        )
        if result.urgent:
            out.add(
                "prescription_urgent",
                "Cass., 10 juill. 1990, n° 89-13.345 ; C. civ. 2241",
                f"Moins de {settings.URGENCY_DAYS} jours avant la fin du délai : le dépôt d'une requête en "
                "injonction de payer n'interrompt pas la prescription, seule la signification de "
                "l'ordonnance ou d'une assignation le fait. Le dossier doit être confié sans délai à un "
                "avocat.",
                "warning",
            )
    if result.status != "barred" and last.weekday() >= 5:
        out.add(
            "no_weekend_extension",
            "C. civ. 2229 ; Cass. 2e civ., 7 avr. 2016, n° 15-12.960 ; Com. 10 janv. 2006, n° 04-10.482",
            f"Le dernier jour tombe un {WEEKDAYS_FR[last.weekday()]} : la prescription n'est pas prorogée "
            "au premier jour ouvrable suivant.",
        )


__all__ = ["PrescriptionResult", "Status", "add_years", "assess_prescription", "run_track", "starting_points"]
