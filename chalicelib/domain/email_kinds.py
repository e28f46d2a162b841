"""What each notification needs, as data: the kinds, their audience, the context keys and the type of
every value, and the check a queued or rendered notification must pass (:func:`check_queued`); plus the
rendered email's shape (:class:`RenderedEmail`, :class:`Attachment`), which the mailer adapters send.

Pure (no Jinja2, no I/O): the repositories check a notification when it is queued without importing the
rendering layer; :mod:`chalicelib.documents.emails` renders it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from urllib.parse import quote

# What the header and the footer print unless the caller says otherwise.
DEFAULT_PLATFORM_NAME = "Recouvrement de créances en ligne"
DEFAULT_SUPPORT_EMAIL = "support@claims.localhost"

FieldType = Literal["text", "amount", "date", "url", "count", "flag", "reasons"]
Audience = Literal["account", "creditor", "lawyer", "operator", "debtor"]


@dataclass(frozen=True)
class EmailKind:
    """One notification: who receives it and the context keys its templates read, with their types.

    Types: ``text`` (non-empty str), ``amount`` (euros as ``Decimal`` or a decimal string such as the legal
    engine's ``"804.55"``; ints are refused so that cents are never mistaken for euros), ``date``
    (``datetime.date`` or ISO string), ``url`` (absolute http(s)), ``count`` (int ≥ 0), ``flag`` (bool),
    ``reasons`` (non-empty list of strings or of the legal engine's findings: mappings with ``message``
    and optionally ``article``).
    """

    name: str
    audience: Audience
    summary: str
    required: Mapping[str, FieldType]
    optional: Mapping[str, FieldType] = field(default_factory=dict)
    needs_attachment: bool = False

    @property
    def accepted(self) -> Mapping[str, FieldType]:
        return {**COMMON_OPTIONAL, **self.optional, **self.required}


# Every kind accepts these (defaults above).
COMMON_OPTIONAL: Mapping[str, FieldType] = {"platform_name": "text", "support_email": "text"}

# Every email about one claim, to its creditor: the link is ``{base_url}/#/creances/{claim_id}``.
_CLAIM: Mapping[str, FieldType] = {"base_url": "url", "claim_id": "text", "debtor_name": "text"}
_CLAIM_OPTIONAL: Mapping[str, FieldType] = {"claim_reference": "text", "creditor_name": "text"}


def _account(
    name: str,
    summary: str,
    required: Mapping[str, FieldType],
    optional: Mapping[str, FieldType] | None = None,
) -> EmailKind:
    return EmailKind(name, "account", summary, required, optional or {})


def _claim(
    name: str,
    summary: str,
    required: Mapping[str, FieldType] | None = None,
    optional: Mapping[str, FieldType] | None = None,
    *,
    needs_attachment: bool = False,
) -> EmailKind:
    return EmailKind(
        name,
        "creditor",
        summary,
        {**_CLAIM, **(required or {})},
        {**_CLAIM_OPTIONAL, **(optional or {})},
        needs_attachment,
    )


EMAIL_KINDS: Mapping[str, EmailKind] = {
    kind.name: kind
    for kind in (
        # --- accounts ---------------------------------------------------------------------------------
        _account(
            "signup_code",
            "code de vérification de l'adresse e-mail à l'inscription",
            {"code": "text", "expires_in_minutes": "count"},
        ),
        _account(
            "account_exists",
            "une inscription a été demandée avec une adresse qui a déjà un compte",
            {"sign_in_url": "url", "reset_url": "url"},
        ),
        _account(
            "password_reset_code",
            "code de réinitialisation du mot de passe",
            {"code": "text", "expires_in_minutes": "count"},
        ),
        _account(
            "lawyer_invitation",
            "invitation d'un avocat partenaire (mot de passe provisoire)",
            {"email": "text", "temporary_password": "text", "sign_in_url": "url"},
        ),
        _account(
            "operator_invitation",
            "invitation d'un opérateur de la plateforme (mot de passe provisoire)",
            {"email": "text", "temporary_password": "text", "sign_in_url": "url"},
        ),
        # --- a claim, to its creditor -----------------------------------------------------------------
        _claim(
            "claim_submitted",
            "créance enregistrée, en attente du paiement du service",
            {"amount_due": "amount", "payment_url": "url"},
            {"amount_claimed": "amount"},
        ),
        _claim(
            "payment_received",
            "reçu du paiement du service et suite du traitement",
            {"amount_paid": "amount", "paid_on": "date"},
            {"receipt_url": "url", "invoice_number": "text"},
        ),
        _claim(
            "claim_rejected",
            "la créance ne peut pas être traitée : motifs et remboursement",
            {"reasons": "reasons", "refund_amount": "amount"},
            {"reviewed_by": "text"},
        ),
        _claim(
            "claim_in_review",
            "la créance payée part en revue chez un avocat partenaire avant tout envoi : pourquoi",
            {"reasons": "reasons"},
            {"lawyer_name": "text"},
        ),
        _claim(
            "review_approved",
            "l'avocat a approuvé la créance : la mise en demeure part",
            {"lawyer_name": "text"},
            {"note": "text"},
        ),
        _claim(
            "notice_sent",
            "mise en demeure envoyée (copie PDF jointe)",
            {"sent_on": "date", "payment_deadline": "date", "amount_claimed": "amount"},
            {"channel": "text", "tracking_number": "text"},
            needs_attachment=True,
        ),
        _claim(
            "notice_delivery",
            "suivi de la lettre recommandée : reçue, refusée, non réclamée ou non distribuable",
            {"outcome": "text", "event_on": "date", "explanation": "text"},
            {"article": "text", "deadline": "date", "correct_address": "flag"},
        ),
        _claim(
            "settled", "créance réglée, dossier clos", {}, {"settled_on": "date", "amount_paid": "amount"}
        ),
        _claim(
            "disputed",
            "le débiteur conteste la créance",
            {},
            {"disputed_on": "date", "dispute_summary": "text"},
        ),
        _claim(
            "escalation_offered",
            "délai expiré sans paiement : proposition de dossier d'injonction de payer",
            {"deadline": "date", "escalation_price": "amount", "accept_url": "url"},
            {"offer_expires_on": "date", "amount_claimed": "amount", "small_claims_eligible": "flag"},
        ),
        _claim("dossier_ready", "dossier d'injonction de payer constitué", {}, {"court_name": "text"}),
        _claim(
            "debtor_declared_payment",
            "le débiteur indique avoir payé depuis sa page : à confirmer",
            {"paid_on": "date", "amount_paid": "amount", "confirm_url": "url"},
        ),
        _claim(
            "debtor_plan_requested",
            "le débiteur demande un délai (échéancier) depuis sa page : à accepter ou refuser",
            {"instalments": "count", "first_date": "date", "amount_claimed": "amount", "answer_url": "url"},
        ),
        _claim(
            "debtor_plan_missed",
            "une échéance de l'échéancier accepté n'a pas été réglée : reprendre les démarches ?",
            {"due_on": "date", "amount_due": "amount", "claim_url_resume": "url"},
        ),
        _claim(
            "debtor_proceedings",
            "le BODACC publie une procédure collective du débiteur : déclarer la créance",
            {"proceedings_kind": "text", "published_on": "date"},
            {"declaration_deadline": "date", "mandataire": "text", "court_name": "text"},
        ),
        _claim(
            "lawyer_assigned",
            "dossier confié à un avocat partenaire",
            {"lawyer_name": "text", "lawyer_bar": "text"},
            {"lawyer_firm": "text"},
        ),
        _claim(
            "filed",
            "requête déposée au tribunal",
            {"filed_on": "date", "court_name": "text"},
            {"court_reference": "text"},
        ),
        _claim(
            "order_granted",
            "ordonnance d'injonction de payer rendue : à signifier dans les 6 mois",
            {"ordered_on": "date", "outcome_label": "text", "service_deadline": "date"},
            {"court_name": "text", "partly": "flag"},
        ),
        _claim(
            "order_rejected", "requête rejetée par le juge", {"ordered_on": "date"}, {"court_name": "text"}
        ),
        _claim(
            "served",
            "ordonnance signifiée au débiteur : délai d'opposition d'un mois",
            {"served_on": "date", "opposition_deadline": "date"},
            {"to_check": "text"},
        ),
        _claim("opposed", "le débiteur a formé opposition", {"opposed_on": "date"}),
        _claim(
            "enforcement_started",
            "exécution forcée engagée",
            {"started_on": "date"},
            {"enforcement_note": "text"},
        ),
        _claim(
            "deadline_reminder",
            "rappel d'un délai de procédure (signification, opposition)",
            {"deadline_label": "text", "last_day": "date", "article": "text"},
            {"days_left": "count", "expired": "flag", "to_check": "text"},
        ),
        _claim(
            "refund_issued",
            "remboursement émis",
            {"refund_amount": "amount", "reason": "text"},
            {"refunded_on": "date", "credit_note_number": "text"},
        ),
        _claim(
            "invoice_issued",
            "la facture (ou la facture d'avoir) des frais de la plateforme, PDF joint",
            {"invoice_number": "text", "credit_note": "flag", "issued_on": "date", "amount_ttc": "amount"},
            {"credited_number": "text"},
            needs_attachment=True,
        ),
        _claim("withdrawn", "créance retirée", {}, {"withdrawn_on": "date"}),
        _claim("claim_closed", "dossier clôturé", {}, {"closed_on": "date"}),
        _claim("needs_attention", "une étape automatique a échoué : le dossier est examiné par l'équipe"),
        _claim(
            "claim_resumed",
            "l'équipe a relancé le traitement après un incident",
            {"status_label": "text"},
        ),
        _claim(
            "reminder_escalation_pending",
            "rappel : la proposition d'injonction de payer attend une réponse",
            {"offered_on": "date", "escalation_price": "amount", "accept_url": "url"},
            {"offer_expires_on": "date"},
        ),
        EmailKind(
            "import_finished",
            "creditor",
            "import de créances (CSV) terminé : brouillons créés, lignes rejetées",
            {"base_url": "url", "drafts_created": "count", "lines_rejected": "count", "report_url": "url"},
            {"file_name": "text"},
        ),
        EmailKind(
            "data_export_ready",
            "creditor",
            "l'export des données du créancier (RGPD) est prêt : à télécharger depuis son profil (non joint)",
            {"base_url": "url", "profile_url": "url", "available_days": "count"},
            {"claims_count": "count"},
        ),
        # --- to the platform's operators -------------------------------------------------------------
        EmailKind(
            "operator_alert",
            "operator",
            "une créance attend une intervention (étape automatique en échec)",
            {**_CLAIM, "previous_status": "text", "error": "text"},
            _CLAIM_OPTIONAL,
        ),
        EmailKind(
            "rate_proposal",
            "operator",
            "nouveaux taux lus chez la BCE et la Banque de France : à confirmer ou rejeter par l'opérateur",
            {
                "base_url": "url",
                "semester": "text",
                "ecb_mro": "text",
                "particuliers": "text",
                "autres_cas": "text",
                "source": "text",
                "review_url": "url",
            },
            {"simulated": "flag"},
        ),
        # --- to a debtor, as the creditor's letter carried by the sending service (RULEBOOK 7.2) -------
        EmailKind(
            "debtor_notice",
            "debtor",
            "copie de la mise en demeure envoyée au débiteur au nom du créancier (PDF joint)",
            {
                "creditor_name": "text",
                "debtor_name": "text",
                "claim_reference": "text",
                "amount_claimed": "amount",
                "letter_date": "date",
                "payment_days": "count",
                "presentation_date": "date",
                "payment_deadline": "date",
            },
            {
                "debtor_title": "text",
                "channel": "text",
                "tracking_number": "text",
                "creditor_email": "text",
                "creditor_phone": "text",
                "debtor_page_url": "url",
            },
            needs_attachment=True,
        ),
        EmailKind(
            "debtor_reminder",
            "debtor",
            "relance amiable envoyée au débiteur au nom du créancier (PDF joint)",
            {
                "creditor_name": "text",
                "debtor_name": "text",
                "claim_reference": "text",
                "amount_due": "amount",
                "letter_date": "date",
            },
            {
                "debtor_title": "text",
                "creditor_email": "text",
                "creditor_phone": "text",
                "debtor_page_url": "url",
            },
            needs_attachment=True,
        ),
        EmailKind(
            "debtor_instalment_reminder",
            "debtor",
            "rappel au débiteur d'une échéance prochaine de l'échéancier accepté par le créancier",
            {
                "creditor_name": "text",
                "debtor_name": "text",
                "claim_reference": "text",
                "amount_due": "amount",
                "due_on": "date",
                "rf_reference": "text",
            },
            {"debtor_page_url": "url", "creditor_email": "text"},
        ),
        # --- to a partner lawyer ----------------------------------------------------------------------
        EmailKind(
            "dossier_assigned",
            "lawyer",
            "un dossier d'injonction de payer est attribué à l'avocat",
            {
                "claim_id": "text",
                "creditor_name": "text",
                "debtor_name": "text",
                "court_name": "text",
                "amount_claimed": "amount",
                "urgent": "flag",
                "portal_url": "url",
            },
            {"claim_reference": "text", "prescription_end": "date", "lawyer_review": "flag"},
        ),
        EmailKind(
            "review_requested",
            "lawyer",
            "une créance attend la revue de l'avocat avant toute mise en demeure",
            {
                "claim_id": "text",
                "creditor_name": "text",
                "debtor_name": "text",
                "amount_claimed": "amount",
                "reasons": "reasons",
                "portal_url": "url",
            },
            {"claim_reference": "text", "prescription_end": "date"},
        ),
        EmailKind(
            "lawyer_deadline_reminder",
            "lawyer",
            "rappel à l'avocat d'un délai de procédure du dossier (signification, opposition)",
            {
                "claim_id": "text",
                "creditor_name": "text",
                "debtor_name": "text",
                "deadline_label": "text",
                "last_day": "date",
                "article": "text",
                "portal_url": "url",
            },
            {"claim_reference": "text", "days_left": "count", "expired": "flag", "to_check": "text"},
        ),
    )
}


# What the outbox's sender adds to every email about a claim (chalicelib/services/outbox.py): the writer
# of a claim change does not pass them.
SENDER_KEYS = frozenset({"base_url", "claim_id", "debtor_name", "claim_reference", "creditor_name"})


def check_queued(kind: str, context: Mapping[str, Any], *, attachments: int = 0) -> None:
    """Refuse, when it is queued, an email that could not be rendered when it is sent: an unknown kind, a
    context key missing (other than :data:`SENDER_KEYS`), unexpected or mistyped, a missing attachment."""
    spec = EMAIL_KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown email kind {kind!r}; known: {sorted(EMAIL_KINDS)}")
    unknown = sorted(set(context) - set(spec.accepted))
    if unknown:
        raise ValueError(
            f"email {kind!r}: unexpected context key(s) {unknown}; accepted: {sorted(spec.accepted)}"
        )
    missing = sorted(key for key in spec.required if key not in SENDER_KEYS and context.get(key) is None)
    if missing:
        raise ValueError(f"email {kind!r}: missing context key(s) {missing}")
    for key, value in context.items():
        if value is not None:
            _check(kind, key, spec.accepted[key], value)
    if spec.needs_attachment and not attachments:
        raise ValueError(f"email {kind!r} announces an attached document: pass its storage key")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str = "application/pdf"

    def __post_init__(self) -> None:
        if not self.filename or re.search(r"[\x00-\x1f/\\]", self.filename):
            raise ValueError(
                f"attachment filename {self.filename!r}: no path separators or control characters"
            )
        if self.media_type.count("/") != 1:
            raise ValueError(
                f"attachment {self.filename!r}: media type {self.media_type!r} is not type/subtype"
            )


@dataclass(frozen=True)
class RenderedEmail:
    kind: str
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    # The outbox item it is sent for: a header (``X-Claims-Outbox-Id``); the local SES twin keeps one message
    # per item (a send repeated after a crash between SES's answer and the outbox's record shows once).
    idempotency_key: str = ""


# --- checking the context ---------------------------------------------------------------------------------


# One checker per field type: the value normalised, or ``bad(what)`` raised (``what``: what was expected).
_Bad = Callable[[str], ValueError]


def _check_text(value: Any, bad: _Bad) -> str:
    if not isinstance(value, str) or not value.strip():
        raise bad("a non-empty string")
    return value.strip()


def _check_amount(value: Any, bad: _Bad) -> Decimal:
    if isinstance(value, bool | int | float):
        raise bad("an amount in euros as Decimal or a decimal string (never int cents or float)")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise bad("an amount in euros as Decimal or a decimal string") from None
    if not amount.is_finite():
        raise bad("a finite amount")
    return amount


def _check_date(value: Any, bad: _Bad) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise bad("a date or an ISO date string") from None


def _check_url(value: Any, bad: _Bad) -> str:
    if not isinstance(value, str) or not re.match(r"https?://[^\s]+$", value.strip()):
        raise bad("an absolute http(s) URL")
    return value.strip()


def _check_count(value: Any, bad: _Bad) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad("an int ≥ 0")
    return value


def _check_flag(value: Any, bad: _Bad) -> bool:
    if not isinstance(value, bool):
        raise bad("a bool")
    return value


def _check_reasons(value: Any, bad: _Bad) -> list[dict[str, Any]]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or not value:
        raise bad("a non-empty list of strings or findings")
    reasons = []
    for item in value:
        if isinstance(item, str) and item.strip():
            reasons.append({"message": item.strip(), "article": None})
        elif isinstance(item, Mapping) and str(item.get("message") or "").strip():
            reasons.append({"message": str(item["message"]).strip(), "article": item.get("article") or None})
        else:
            raise bad("a non-empty list of strings or findings with a message")
    return reasons


_CHECKERS: Mapping[FieldType, Callable[[Any, _Bad], Any]] = {
    "text": _check_text,
    "amount": _check_amount,
    "date": _check_date,
    "url": _check_url,
    "count": _check_count,
    "flag": _check_flag,
    "reasons": _check_reasons,
}


def _check(kind: str, key: str, expected: FieldType, value: Any) -> Any:
    """The value, normalised (amounts to Decimal, dates to date, reasons to mappings), or a ValueError."""

    def bad(what: str) -> ValueError:
        return ValueError(f"email {kind!r}: {key!r} must be {what}, got {value!r}")

    checker = _CHECKERS.get(expected)
    if checker is None:
        raise AssertionError(f"unknown field type {expected}")
    return checker(value, bad)


def _values(spec: EmailKind, context: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(context) - set(spec.accepted))
    if unknown:
        raise ValueError(
            f"email {spec.name!r}: unexpected context key(s) {unknown}; accepted: {sorted(spec.accepted)}"
        )
    missing = sorted(key for key in spec.required if context.get(key) is None)
    if missing:
        raise ValueError(f"email {spec.name!r}: missing context key(s) {missing}")
    values: dict[str, Any] = {key: None for key in spec.accepted}
    for key, expected in spec.accepted.items():
        if context.get(key) is not None:
            values[key] = _check(spec.name, key, expected, context[key])
    values["audience"] = spec.audience
    values["platform_name"] = values["platform_name"] or DEFAULT_PLATFORM_NAME
    values["support_email"] = values["support_email"] or DEFAULT_SUPPORT_EMAIL
    if values.get("base_url"):
        base = values["base_url"].rstrip("/")
        values["base_url"] = base
        values["claims_url"] = f"{base}/#/creances"
        if values.get("claim_id"):
            values["claim_url"] = f"{base}/#/creances/{quote(values['claim_id'], safe='')}"
    if "claim_id" in values:
        values["reference"] = values.get("claim_reference") or values["claim_id"]
    return values
