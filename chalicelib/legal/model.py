"""The claim as the legal engine receives it: typed, validated input (shape: ``cases/README.md``).

:func:`parse_claim` turns the JSON-like input into frozen dataclasses or raises :class:`InvalidInput`
naming every faulty field in French (``invoices[0].due_date`` …). Money is ``Decimal`` (a float is
refused: amounts travel as strings such as ``"1000.00"``), dates are ``datetime.date``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from chalicelib.legal.errors import FieldError, InvalidInput
from chalicelib.legal.money import CENT, parse_amount
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
MIN_YEAR, MAX_YEAR = 1900, 2199  # dates outside are typing errors (and would overflow the calendar)
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
class _Bad(Exception):
    def __init__(self, field: str, message: str, code: str = "invalid_field") -> None:
        super().__init__(message)
        self.error = FieldError(field, message, code)


_MISSING = object()
T = TypeVar("T")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _get(obj: Mapping[str, Any], path: str, key: str, required: bool = True) -> Any:
    value = obj.get(key, _MISSING)
    if value is _MISSING:
        if required:
            raise _Bad(_join(path, key), "champ obligatoire manquant", "missing_field")
        return None
    return value


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(field, "un objet JSON est attendu", "invalid_type")
    return value


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(field, "une liste est attendue", "invalid_type")
    return value


def _date(value: Any, field: str, required: bool = True) -> date | None:
    if value is None:
        if required:
            raise _Bad(field, "date obligatoire (format AAAA-MM-JJ)", "missing_field")
        return None
    parsed: date | None = value if isinstance(value, date) else None
    if isinstance(value, str) and len(value) == 10:
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise _Bad(field, f"date invalide {value!r} : format AAAA-MM-JJ attendu", "invalid_date")
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise _Bad(
            field,
            f"date hors plage {value!r} : année entre {MIN_YEAR} et {MAX_YEAR} attendue",
            "invalid_date",
        )
    return parsed


def _req_date(value: Any, field: str) -> date:
    parsed = _date(value, field)
    assert parsed is not None
    return parsed


def _decimal(value: Any, field: str, what: str) -> Decimal:
    if isinstance(value, (bool, float)):
        raise _Bad(
            field,
            f'{what} : nombre décimal attendu sous forme de texte (par ex. "1000.00"), '
            "jamais un nombre à virgule flottante",
            "invalid_amount",
        )
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise _Bad(field, f"{what} invalide : {value!r}", "invalid_amount") from None
    else:
        raise _Bad(field, f"{what} invalide : {value!r}", "invalid_amount")
    if not number.is_finite():
        raise _Bad(field, f"{what} invalide : {value!r}", "invalid_amount")
    return number


def _money(value: Any, field: str, allow_zero: bool = False) -> Decimal:
    if value is None:
        raise _Bad(field, "montant obligatoire", "missing_field")
    if isinstance(value, bool | float):
        _decimal(value, field, "montant")  # its message about floats
    try:
        amount = parse_amount(value)  # the platform's one strict amount grammar
    except ValueError as error:
        raise _Bad(field, str(error), "invalid_amount") from None
    if amount < 0:
        raise _Bad(field, f"montant négatif ({value}) : un montant doit être positif", "negative_amount")
    if amount == 0 and not allow_zero:
        raise _Bad(field, "montant nul : un montant strictement positif est attendu", "invalid_amount")
    if amount != amount.quantize(CENT):
        raise _Bad(field, f"montant {value} : au plus deux décimales (centimes)", "invalid_amount")
    return amount.quantize(CENT)


def _choice(value: Any, field: str, allowed: Mapping[str, str] | tuple[str, ...], what: str) -> str:
    if value is None:
        raise _Bad(field, f"{what} obligatoire", "missing_field")
    if not isinstance(value, str) or value not in allowed:
        listed = ", ".join(allowed)
        raise _Bad(field, f"{what} inconnu(e) {value!r} ; valeurs admises : {listed}", "unknown_value")
    return value


def _bool(value: Any, field: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _Bad(field, "vrai ou faux (true/false) attendu", "invalid_type")
    return value


def _text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise _Bad(field, "texte attendu", "invalid_type")
    return str(value).strip() or None


def _country(value: Any, field: str) -> str:
    if value is None:
        raise _Bad(field, "pays obligatoire (code ISO 3166 à deux lettres, par ex. FR)", "missing_field")
    if not isinstance(value, str) or len(value.strip()) != 2 or not value.strip().isalpha():
        raise _Bad(
            field, f"code pays invalide {value!r} : code ISO 3166 à deux lettres attendu", "invalid_country"
        )
    return value.strip().upper()


def _purpose(value: Any, category: str) -> str | None:
    """``debtor.purpose`` (optional): professional or private; checked against the category."""
    if value is None:
        return None
    purpose = _choice(value, "debtor.purpose", PURPOSES, "finalité de l'achat")
    if purpose == "private" and category not in NATURAL_PERSON_TRADE_CATEGORIES | {"consumer"}:
        raise _Bad(
            "debtor.purpose",
            f"un débiteur de catégorie « {CATEGORIES[category]} » ne peut pas avoir agi à des fins privées : "
            "une personne morale ne bénéficie jamais du régime du consommateur (C. conso. L218-2)",
            "inconsistent_purpose",
        )
    if purpose == "professional" and category == "consumer":
        raise _Bad(
            "debtor.purpose",
            "un consommateur agit par définition à des fins privées : indiquez la catégorie professionnelle "
            "du débiteur s'il a agi pour son activité",
            "inconsistent_purpose",
        )
    return purpose


IDENTIFIER_KEYS = ("siren", "siret", "vat_number", "iban")


def _identifiers(data: Mapping[str, Any], path: str) -> tuple[tuple[str, str], ...]:
    """Optional SIREN / SIRET / VAT number / IBAN of a party, checked with python-stdnum."""
    present = [k for k in IDENTIFIER_KEYS if data.get(k) not in (None, "")]
    if not present:
        return ()
    from chalicelib.legal import identifiers as ids

    checks = {
        "siren": ids.validate_siren,
        "siret": ids.validate_siret,
        "vat_number": ids.validate_vat_number,
        "iban": ids.validate_iban,
    }
    out = []
    for key in present:
        value = data[key]
        field = f"{path}.{key}"
        if not isinstance(value, str):
            raise _Bad(field, "texte attendu", "invalid_type")
        try:
            out.append((key, checks[key](value, field)))
        except ids.InvalidIdentifier as invalid:
            raise _Bad(field, invalid.message, "invalid_identifier") from None
    return tuple(out)


class _Parser:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def section(self, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except _Bad as bad:
            self.errors.append(bad.error)
            return None

    # -- parties --
    def party(self, obj: Mapping[str, Any], key: str) -> Party:
        raw = _get(obj, "", key)
        data = _mapping(raw, key)
        category = _choice(_get(data, key, "category"), f"{key}.category", CATEGORIES, "catégorie")
        proceedings = None
        over = False
        purpose = None
        if key == "debtor":
            proceedings = self.proceedings(data.get("collective_proceedings"))
            over = _bool(data.get("over_indebtedness"), "debtor.over_indebtedness")
            purpose = _purpose(data.get("purpose"), category)
        return Party(
            identifiers=_identifiers(data, key),
            category=category,
            name=_text(data.get("name"), f"{key}.name"),
            city=_text(data.get("city"), f"{key}.city"),
            postal_code=_text(data.get("postal_code"), f"{key}.postal_code"),
            country=_country(_get(data, key, "country"), f"{key}.country"),
            collective_proceedings=proceedings,
            over_indebtedness=over,
            purpose=purpose,
        )

    def proceedings(self, raw: Any) -> CollectiveProceedings | None:
        if raw is None:
            return None
        path = "debtor.collective_proceedings"
        data = _mapping(raw, path)
        kind = _choice(data.get("kind"), f"{path}.kind", PROCEEDING_KINDS, "type de procédure")
        opened = _req_date(data.get("opened_on"), f"{path}.opened_on")
        published = _date(data.get("published_on"), f"{path}.published_on", required=False)
        if published is not None and published < opened:
            raise _Bad(
                f"{path}.published_on",
                "la publication au BODACC ne peut pas précéder le jugement d'ouverture",
                "inconsistent_dates",
            )
        return CollectiveProceedings(kind, opened, published)

    # -- invoices --
    def invoice(self, raw: Any, index: int) -> Invoice:
        path = f"invoices[{index}]"
        data = _mapping(raw, path)
        number = _text(data.get("number"), f"{path}.number") or f"#{index + 1}"
        amount = _money(_get(data, path, "amount_ttc"), f"{path}.amount_ttc")
        performance = _req_date(_get(data, path, "performance_date"), f"{path}.performance_date")
        issue = _req_date(_get(data, path, "issue_date"), f"{path}.issue_date")
        # The key must be present; an explicit null means "no payment date printed or agreed".
        due = _date(_get(data, path, "due_date"), f"{path}.due_date", required=False)
        if due is not None and due < issue:
            raise _Bad(
                f"{path}.due_date",
                f"l'échéance ({due.isoformat()}) précède la date de la facture ({issue.isoformat()})",
                "due_before_issue",
            )
        return Invoice(index, number, amount, performance, issue, due)


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
    data = _case_input(raw)
    p = _Parser()

    as_of = p.section(lambda: _req_date(_get(data, "", "as_of"), "as_of"))
    creditor = p.section(lambda: p.party(data, "creditor"))
    debtor = p.section(lambda: p.party(data, "debtor"))

    def claim_part() -> tuple[str, Decimal | None, str | None, bool]:
        c = _mapping(_get(data, "", "claim"), "claim")
        nature = _choice(c.get("nature"), "claim.nature", NATURES, "nature de la créance")
        rate_raw = c.get("contractual_rate")
        rate = None
        if rate_raw is not None:
            rate = _decimal(rate_raw, "claim.contractual_rate", "taux contractuel")
            if rate < 0 or rate >= 100:
                raise _Bad(
                    "claim.contractual_rate",
                    f"taux contractuel {rate_raw} hors bornes : pourcentage annuel entre 0 et 100 attendu",
                    "invalid_rate",
                )
        clause = _text(c.get("jurisdiction_clause"), "claim.jurisdiction_clause")
        disputed = _bool(c.get("disputed"), "claim.disputed")
        return nature, rate, clause, disputed

    claim_fields = p.section(claim_part)

    invoices: list[Invoice] = []
    raw_invoices = p.section(lambda: _list(_get(data, "", "invoices"), "invoices"))
    if raw_invoices is not None:
        if not raw_invoices:
            p.errors.append(
                FieldError("invoices", "au moins une créance (facture) est attendue", "missing_field")
            )
        for i, item in enumerate(raw_invoices):
            parsed = p.section(lambda item=item, i=i: p.invoice(item, i))  # type: ignore[misc]
            if parsed is not None:
                invoices.append(parsed)
        numbers = [inv.number for inv in invoices]
        for inv in invoices:
            if numbers.count(inv.number) > 1:
                p.errors.append(
                    FieldError(
                        f"{inv.field}.number", f"numéro de facture en double : {inv.number}", "duplicate"
                    )
                )
                break

    payments: list[Payment] = []
    for i, item in enumerate(p.section(lambda: _list(data.get("payments"), "payments")) or []):

        def payment(item: Any = item, i: int = i) -> Payment:
            path = f"payments[{i}]"
            d = _mapping(item, path)
            when = _req_date(_get(d, path, "date"), f"{path}.date")
            if as_of is not None and when > as_of:
                raise _Bad(
                    f"{path}.date", "paiement postérieur à la date d'évaluation (as_of)", "after_as_of"
                )
            target = _text(d.get("invoice"), f"{path}.invoice")
            if target is not None and target not in {inv.number for inv in invoices}:
                raise _Bad(f"{path}.invoice", f"facture désignée inconnue : {target}", "unknown_value")
            return Payment(i, when, _money(_get(d, path, "amount"), f"{path}.amount"), target)

        parsed_payment = p.section(payment)
        if parsed_payment is not None:
            payments.append(parsed_payment)

    acks: list[Acknowledgement] = []
    for i, item in enumerate(
        p.section(lambda: _list(data.get("acknowledgements"), "acknowledgements")) or []
    ):

        def ack(item: Any = item, i: int = i) -> Acknowledgement:
            path = f"acknowledgements[{i}]"
            when = _req_date(_get(_mapping(item, path), path, "date"), f"{path}.date")
            if as_of is not None and when > as_of:
                raise _Bad(f"{path}.date", "reconnaissance postérieure à la date d'évaluation", "after_as_of")
            return Acknowledgement(i, when)

        parsed_ack = p.section(ack)
        if parsed_ack is not None:
            acks.append(parsed_ack)

    suspensions: list[Suspension] = []
    for i, item in enumerate(p.section(lambda: _list(data.get("suspensions"), "suspensions")) or []):

        def suspension(item: Any = item, i: int = i) -> Suspension:
            path = f"suspensions[{i}]"
            d = _mapping(item, path)
            kind = _choice(d.get("kind"), f"{path}.kind", SUSPENSION_KINDS, "type de suspension")
            start = _req_date(_get(d, path, "start"), f"{path}.start")
            end = _date(d.get("end"), f"{path}.end", required=False)
            if end is not None and end < start:
                raise _Bad(f"{path}.end", "la fin de la suspension précède son début", "inconsistent_dates")
            if as_of is not None and start > as_of:
                raise _Bad(f"{path}.start", "suspension postérieure à la date d'évaluation", "after_as_of")
            if as_of is not None and end is not None and end > as_of:
                end = None  # still running on as_of
            return Suspension(i, kind, start, end)

        parsed_susp = p.section(suspension)
        if parsed_susp is not None:
            suspensions.append(parsed_susp)

    def notice() -> FormalNotice | None:
        raw_notice = data.get("formal_notice")
        if raw_notice is None:
            return None
        path = "formal_notice"
        d = _mapping(raw_notice, path)
        sent = _req_date(_get(d, path, "sent_on"), f"{path}.sent_on")
        presented = _date(d.get("first_presented_on"), f"{path}.first_presented_on", required=False)
        if presented is not None and presented < sent:
            raise _Bad(
                f"{path}.first_presented_on", "la première présentation précède l'envoi", "inconsistent_dates"
            )
        if as_of is not None and sent > as_of:
            raise _Bad(f"{path}.sent_on", "mise en demeure postérieure à la date d'évaluation", "after_as_of")
        if as_of is not None and presented is not None and presented > as_of:
            presented = None
        return FormalNotice(sent, presented)

    formal_notice = p.section(notice)

    def cheque() -> Cheque | None:
        raw_cheque = data.get("cheque")
        if raw_cheque is None:
            if claim_fields is not None and claim_fields[0] == "cheque":
                raise _Bad("cheque", "obligatoire pour une créance de nature « cheque »", "missing_field")
            return None
        path = "cheque"
        d = _mapping(raw_cheque, path)
        issued = _req_date(_get(d, path, "issued_on"), f"{path}.issued_on")
        presented = _date(d.get("presented_on"), f"{path}.presented_on", required=False)
        rejected = _date(d.get("rejected_on"), f"{path}.rejected_on", required=False)
        return Cheque(issued, presented, rejected)

    cheque_info = p.section(cheque)

    def options() -> Options:
        raw_options = data.get("options")
        if raw_options is None:
            return Options()
        d = _mapping(raw_options, "options")
        day_count = d.get("day_count")
        imputation = d.get("imputation")
        if day_count is not None:
            day_count = _choice(
                day_count, "options.day_count", DAY_COUNTS, "convention de décompte des jours"
            )
        if imputation is not None:
            imputation = _choice(imputation, "options.imputation", IMPUTATIONS, "règle d'imputation")
        return Options(day_count, imputation)

    opts = p.section(options)

    if p.errors:
        raise InvalidInput(p.errors)
    assert as_of is not None and creditor is not None and debtor is not None
    assert claim_fields is not None and opts is not None
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
