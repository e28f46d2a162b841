"""The claim as the legal engine receives it: typed, validated input (shape: ``cases/README.md``).

:func:`parse_claim` turns the JSON-like input into frozen dataclasses or raises :class:`InvalidInput`
naming every faulty field in French (``invoices[0].due_date`` …). Money is ``Decimal`` (a float is
refused: amounts travel as strings such as ``"1000.00"``), dates are ``datetime.date``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from chalicelib.legal.errors import FieldError, InvalidInput
from chalicelib.legal.input_fields import (
    BadField,
    as_bool,
    as_choice,
    as_country,
    as_date,
    as_decimal,
    as_identifiers,
    as_list,
    as_mapping,
    as_money,
    as_text,
    field_value,
    required_date,
)
from chalicelib.legal.settings import DAY_COUNTS, IMPUTATIONS

CATEGORIES: dict[str, str] = {
    "commercant": "commerçant ou société commerciale",
    "artisan": "artisan",
    "liberal": "profession libérale ou autre professionnel non commerçant",
    "sel": "société d'exercice libéral",
    "consumer": "consommateur / particulier",
    "non_professional_legal_person": "personne morale non professionnelle",
    "public_entity": "personne publique",
}
PROFESSIONAL_CATEGORIES = frozenset({"commercant", "artisan", "liberal", "sel"})
# Rulebook 1.1 "Who is a consumer": a natural person acting outside his trade, craft or liberal profession.
# ``debtor.purpose`` says for which purposes the debtor bought; legal persons never benefit from L218-2,
# so "private" is accepted only for the categories that may be a natural person in business.
PURPOSES: dict[str, str] = {
    "professional": "pour les besoins de son activité professionnelle",
    "private": "à des fins privées, hors de son activité professionnelle",
}
NATURAL_PERSON_TRADE_CATEGORIES = frozenset({"commercant", "artisan", "liberal"})
NATURES: dict[str, str] = {
    "sale_or_service": "vente ou prestation de services",
    "loan": "prêt",
    "carriage_of_goods": "contrat de transport de marchandises",
    "residential_rent": "loyer d'habitation",
    "cheque": "chèque impayé (action cambiaire)",
    "bill_of_exchange": "lettre de change / billet à ordre",
}
PROCEEDING_KINDS: dict[str, str] = {
    "sauvegarde": "procédure de sauvegarde",
    "redressement": "redressement judiciaire",
    "liquidation": "liquidation judiciaire",
}
SUSPENSION_KINDS: dict[str, str] = {
    "mediation": "médiation",
    "conciliation": "conciliation",
    "participative_procedure": "convention de procédure participative",
    "small_claims_procedure": "procédure simplifiée de recouvrement des petites créances",
}
# France for the injonction de payer: metropolitan France and the five overseas departments.
FRANCE_CODES = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT"})


@dataclass(frozen=True, slots=True)
class CollectiveProceedings:
    kind: str
    opened_on: date
    published_on: date | None


@dataclass(frozen=True, slots=True)
class Party:
    category: str
    name: str | None
    city: str | None
    postal_code: str | None
    country: str
    collective_proceedings: CollectiveProceedings | None = None
    over_indebtedness: bool = False
    identifiers: tuple[tuple[str, str], ...] = ()  # validated (key, normalised value): siren, siret…
    purpose: str | None = None  # PURPOSES; None: the category's usual purpose

    @property
    def private_purpose(self) -> bool:
        """A trader, craftsman or liberal professional (a natural person) who acted for private purposes."""
        return self.purpose == "private" and self.category in NATURAL_PERSON_TRADE_CATEGORIES

    @property
    def acts_as_consumer(self) -> bool:
        """Rulebook 1.1: a consumer, or a natural person in business acting outside his trade."""
        return self.category == "consumer" or self.private_purpose

    @property
    def is_professional(self) -> bool:
        return self.category in PROFESSIONAL_CATEGORIES and not self.private_purpose

    @property
    def in_france(self) -> bool:
        return self.country in FRANCE_CODES

    @property
    def in_metropolitan_france(self) -> bool:
        if self.country != "FR":
            return False
        return not (self.postal_code or "").startswith(("97", "98"))


@dataclass(frozen=True, slots=True)
class Invoice:
    index: int
    number: str
    amount_ttc: Decimal
    performance_date: date
    issue_date: date
    due_date: date | None

    @property
    def field(self) -> str:
        return f"invoices[{self.index}]"


@dataclass(frozen=True, slots=True)
class Payment:
    index: int
    date: date
    amount: Decimal
    invoice: str | None = None  # the debtor's designation of the debt paid (C. civ. 1342-10), if any


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    index: int
    date: date


@dataclass(frozen=True, slots=True)
class Suspension:
    index: int
    kind: str
    start: date
    end: date | None  # None: still running on ``as_of``


@dataclass(frozen=True, slots=True)
class FormalNotice:
    sent_on: date
    first_presented_on: date | None


@dataclass(frozen=True, slots=True)
class Cheque:
    issued_on: date
    presented_on: date | None
    rejected_on: date | None


@dataclass(frozen=True, slots=True)
class Options:
    day_count: str | None = None
    imputation: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    as_of: date
    creditor: Party
    debtor: Party
    nature: str
    contractual_rate: Decimal | None
    jurisdiction_clause: str | None
    disputed: bool
    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]
    acknowledgements: tuple[Acknowledgement, ...]
    suspensions: tuple[Suspension, ...]
    formal_notice: FormalNotice | None
    cheque: Cheque | None
    options: Options

    def invoice_by_number(self, number: str) -> Invoice | None:
        return next((i for i in self.invoices if i.number == number), None)


# ---------------------------------------------------------------------------------------------
# parsing
# ---------------------------------------------------------------------------------------------
T = TypeVar("T")


def _purpose(value: Any, category: str) -> str | None:
    """``debtor.purpose`` (optional): professional or private; checked against the category."""
    if value is None:
        return None
    purpose = as_choice(value, "debtor.purpose", PURPOSES, "finalité de l'achat")
    if purpose == "private" and category not in NATURAL_PERSON_TRADE_CATEGORIES | {"consumer"}:
        raise BadField(
            "debtor.purpose",
            f"un débiteur de catégorie « {CATEGORIES[category]} » ne peut pas avoir agi à des fins privées : "
            "une personne morale ne bénéficie jamais du régime du consommateur (C. conso. L218-2)",
            "inconsistent_purpose",
        )
    if purpose == "professional" and category == "consumer":
        raise BadField(
            "debtor.purpose",
            "un consommateur agit par définition à des fins privées : indiquez la catégorie professionnelle "
            "du débiteur s'il a agi pour son activité",
            "inconsistent_purpose",
        )
    return purpose


class _Parser:
    """Parses one input object part by part, collecting every faulty field before raising."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: list[FieldError] = []
        self.as_of: date | None = None  # once parsed: later parts are checked against it
        self.nature: str | None = None  # once parsed: a cheque claim needs its cheque
        self.invoice_numbers: set[str] = set()  # once parsed: the invoices a payment may designate

    def section(self, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except BadField as bad:
            self.errors.append(bad.error)
            return None

    def each(self, key: str, parse_item: Callable[[Any, int], T]) -> list[T]:
        """Every item of the optional list ``key``, each parsed on its own."""
        return self.items(self.section(lambda: as_list(self.data.get(key), key)) or [], parse_item)

    def items(self, raw_items: list[Any], parse_item: Callable[[Any, int], T]) -> list[T]:
        parsed: list[T] = []
        for i, item in enumerate(raw_items):
            value = self.section(partial(parse_item, item, i))
            if value is not None:
                parsed.append(value)
        return parsed

    def claim(self) -> Claim:
        data = self.data
        self.as_of = self.section(lambda: required_date(field_value(data, "", "as_of"), "as_of"))
        creditor = self.section(lambda: self.party(data, "creditor"))
        debtor = self.section(lambda: self.party(data, "debtor"))
        claim_fields = self.section(self.claim_part)
        self.nature = claim_fields[0] if claim_fields is not None else None
        invoices = self.invoices()
        payments = self.each("payments", self.payment)
        acks = self.each("acknowledgements", self.acknowledgement)
        suspensions = self.each("suspensions", self.suspension)
        formal_notice = self.section(self.notice)
        cheque_info = self.section(self.cheque)
        opts = self.section(self.options)
        if self.errors:
            raise InvalidInput(self.errors)
        as_of = self.as_of
        assert as_of is not None and creditor is not None and debtor is not None
        assert claim_fields is not None and opts is not None
        _check_opening_before_as_of(debtor, as_of)
        nature, rate, clause, disputed = claim_fields
        return Claim(
            as_of=as_of,
            creditor=creditor,
            debtor=debtor,
            nature=nature,
            contractual_rate=rate,
            jurisdiction_clause=clause,
            disputed=disputed,
            invoices=tuple(invoices),
            payments=tuple(sorted(payments, key=lambda pay: (pay.date, pay.index))),
            acknowledgements=tuple(sorted(acks, key=lambda a: (a.date, a.index))),
            suspensions=tuple(sorted(suspensions, key=lambda s: (s.start, s.index))),
            formal_notice=formal_notice,
            cheque=cheque_info,
            options=opts,
        )

    # -- parties --
    def party(self, obj: Mapping[str, Any], key: str) -> Party:
        raw = field_value(obj, "", key)
        data = as_mapping(raw, key)
        category = as_choice(field_value(data, key, "category"), f"{key}.category", CATEGORIES, "catégorie")
        proceedings = None
        over = False
        purpose = None
        if key == "debtor":
            proceedings = self.proceedings(data.get("collective_proceedings"))
            over = as_bool(data.get("over_indebtedness"), "debtor.over_indebtedness")
            purpose = _purpose(data.get("purpose"), category)
        return Party(
            identifiers=as_identifiers(data, key),
            category=category,
            name=as_text(data.get("name"), f"{key}.name"),
            city=as_text(data.get("city"), f"{key}.city"),
            postal_code=as_text(data.get("postal_code"), f"{key}.postal_code"),
            country=as_country(field_value(data, key, "country"), f"{key}.country"),
            collective_proceedings=proceedings,
            over_indebtedness=over,
            purpose=purpose,
        )

    def proceedings(self, raw: Any) -> CollectiveProceedings | None:
        if raw is None:
            return None
        path = "debtor.collective_proceedings"
        data = as_mapping(raw, path)
        kind = as_choice(data.get("kind"), f"{path}.kind", PROCEEDING_KINDS, "type de procédure")
        opened = required_date(data.get("opened_on"), f"{path}.opened_on")
        published = as_date(data.get("published_on"), f"{path}.published_on", required=False)
        if published is not None and published < opened:
            raise BadField(
                f"{path}.published_on",
                "la publication au BODACC ne peut pas précéder le jugement d'ouverture",
                "inconsistent_dates",
            )
        return CollectiveProceedings(kind, opened, published)

    # -- the claim itself --
    def claim_part(self) -> tuple[str, Decimal | None, str | None, bool]:
        c = as_mapping(field_value(self.data, "", "claim"), "claim")
        nature = as_choice(c.get("nature"), "claim.nature", NATURES, "nature de la créance")
        rate_raw = c.get("contractual_rate")
        rate = None
        if rate_raw is not None:
            rate = as_decimal(rate_raw, "claim.contractual_rate", "taux contractuel")
            if rate < 0 or rate >= 100:
                raise BadField(
                    "claim.contractual_rate",
                    f"taux contractuel {rate_raw} hors bornes : pourcentage annuel entre 0 et 100 attendu",
                    "invalid_rate",
                )
        clause = as_text(c.get("jurisdiction_clause"), "claim.jurisdiction_clause")
        disputed = as_bool(c.get("disputed"), "claim.disputed")
        return nature, rate, clause, disputed

    # -- invoices --
    def invoices(self) -> list[Invoice]:
        raw_items = self.section(lambda: as_list(field_value(self.data, "", "invoices"), "invoices"))
        if raw_items is None:
            return []
        if not raw_items:
            self.errors.append(
                FieldError("invoices", "au moins une créance (facture) est attendue", "missing_field")
            )
        invoices = self.items(raw_items, self.invoice)
        numbers = [inv.number for inv in invoices]
        for inv in invoices:
            if numbers.count(inv.number) > 1:
                self.errors.append(
                    FieldError(
                        f"{inv.field}.number", f"numéro de facture en double : {inv.number}", "duplicate"
                    )
                )
                break
        self.invoice_numbers = set(numbers)
        return invoices

    def invoice(self, raw: Any, index: int) -> Invoice:
        path = f"invoices[{index}]"
        data = as_mapping(raw, path)
        number = as_text(data.get("number"), f"{path}.number") or f"#{index + 1}"
        amount = as_money(field_value(data, path, "amount_ttc"), f"{path}.amount_ttc")
        performance = required_date(field_value(data, path, "performance_date"), f"{path}.performance_date")
        issue = required_date(field_value(data, path, "issue_date"), f"{path}.issue_date")
        # The key must be present; an explicit null means "no payment date printed or agreed".
        due = as_date(field_value(data, path, "due_date"), f"{path}.due_date", required=False)
        if due is not None and due < issue:
            raise BadField(
                f"{path}.due_date",
                f"l'échéance ({due.isoformat()}) précède la date de la facture ({issue.isoformat()})",
                "due_before_issue",
            )
        return Invoice(index, number, amount, performance, issue, due)

    # -- events --
    def payment(self, item: Any, i: int) -> Payment:
        path = f"payments[{i}]"
        d = as_mapping(item, path)
        when = required_date(field_value(d, path, "date"), f"{path}.date")
        if self.as_of is not None and when > self.as_of:
            raise BadField(
                f"{path}.date", "paiement postérieur à la date d'évaluation (as_of)", "after_as_of"
            )
        target = as_text(d.get("invoice"), f"{path}.invoice")
        if target is not None and target not in self.invoice_numbers:
            raise BadField(f"{path}.invoice", f"facture désignée inconnue : {target}", "unknown_value")
        return Payment(i, when, as_money(field_value(d, path, "amount"), f"{path}.amount"), target)

    def acknowledgement(self, item: Any, i: int) -> Acknowledgement:
        path = f"acknowledgements[{i}]"
        when = required_date(field_value(as_mapping(item, path), path, "date"), f"{path}.date")
        if self.as_of is not None and when > self.as_of:
            raise BadField(f"{path}.date", "reconnaissance postérieure à la date d'évaluation", "after_as_of")
        return Acknowledgement(i, when)

    def suspension(self, item: Any, i: int) -> Suspension:
        path = f"suspensions[{i}]"
        d = as_mapping(item, path)
        kind = as_choice(d.get("kind"), f"{path}.kind", SUSPENSION_KINDS, "type de suspension")
        start = required_date(field_value(d, path, "start"), f"{path}.start")
        end = as_date(d.get("end"), f"{path}.end", required=False)
        if end is not None and end < start:
            raise BadField(f"{path}.end", "la fin de la suspension précède son début", "inconsistent_dates")
        as_of = self.as_of
        if as_of is not None and start > as_of:
            raise BadField(f"{path}.start", "suspension postérieure à la date d'évaluation", "after_as_of")
        if as_of is not None and end is not None and end > as_of:
            end = None  # still running on as_of
        return Suspension(i, kind, start, end)

    def notice(self) -> FormalNotice | None:
        raw_notice = self.data.get("formal_notice")
        if raw_notice is None:
            return None
        path = "formal_notice"
        d = as_mapping(raw_notice, path)
        sent = required_date(field_value(d, path, "sent_on"), f"{path}.sent_on")
        presented = as_date(d.get("first_presented_on"), f"{path}.first_presented_on", required=False)
        if presented is not None and presented < sent:
            raise BadField(
                f"{path}.first_presented_on", "la première présentation précède l'envoi", "inconsistent_dates"
            )
        as_of = self.as_of
        if as_of is not None and sent > as_of:
            raise BadField(
                f"{path}.sent_on", "mise en demeure postérieure à la date d'évaluation", "after_as_of"
            )
        if as_of is not None and presented is not None and presented > as_of:
            presented = None
        return FormalNotice(sent, presented)

    def cheque(self) -> Cheque | None:
        raw_cheque = self.data.get("cheque")
        if raw_cheque is None:
            if self.nature == "cheque":
                raise BadField("cheque", "obligatoire pour une créance de nature « cheque »", "missing_field")
            return None
        path = "cheque"
        d = as_mapping(raw_cheque, path)
        issued = required_date(field_value(d, path, "issued_on"), f"{path}.issued_on")
        presented = as_date(d.get("presented_on"), f"{path}.presented_on", required=False)
        rejected = as_date(d.get("rejected_on"), f"{path}.rejected_on", required=False)
        return Cheque(issued, presented, rejected)

    def options(self) -> Options:
        raw_options = self.data.get("options")
        if raw_options is None:
            return Options()
        d = as_mapping(raw_options, "options")
        day_count = d.get("day_count")
        imputation = d.get("imputation")
        if day_count is not None:
            day_count = as_choice(
                day_count, "options.day_count", DAY_COUNTS, "convention de décompte des jours"
            )
        if imputation is not None:
            imputation = as_choice(imputation, "options.imputation", IMPUTATIONS, "règle d'imputation")
        return Options(day_count, imputation)


def _check_opening_before_as_of(debtor: Party, as_of: date) -> None:
    if debtor.collective_proceedings and debtor.collective_proceedings.opened_on > as_of:
        raise InvalidInput(
            [
                FieldError(
                    "debtor.collective_proceedings.opened_on",
                    "jugement d'ouverture postérieur à la date d'évaluation",
                    "after_as_of",
                )
            ]
        )


def _case_input(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Accept a whole case file (its ``input`` object is used) or a bare input object."""
    inner = data.get("input")
    if isinstance(inner, Mapping) and "as_of" not in data:
        return inner
    return data


def parse_claim(raw: Any) -> Claim:
    """Validate ``raw`` (a case file or a bare input object) into a :class:`Claim`."""
    if not isinstance(raw, Mapping):
        raise InvalidInput([FieldError("", "un objet JSON est attendu", "invalid_type")])
    return _Parser(_case_input(raw)).claim()
