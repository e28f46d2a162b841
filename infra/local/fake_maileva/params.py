"""The creation bodies Maileva accepts (the specifications' ``sending_creation``, ``recipient_creation``,
``SendingCreation``, ``RecipientCreation``, ``subscription_creation``) and how it refuses the others: every
invalid field listed at once in a 400 ``errors_response``, with Maileva's codes where its specification
names one (``EMPTY_NAME``, ``ADDRESS_LINE_1_TOO_LONG``, ``INVALID_COUNTRY_CODE``…) and the same pattern
(``EMPTY_<FIELD>``, ``<FIELD>_TOO_LONG``, ``INVALID_<FIELD>``) where it does not.

The twin is stricter than Maileva on one point: a field the specification does not list is refused
(``UNEXPECTED_NOT_VALID_ERROR``), so that a misspelt option is found locally rather than ignored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from infra.local.fake_maileva.errors import MailevaError, collect, invalid


@dataclass(frozen=True)
class Field:
    """One property of a creation body. ``kind``: ``text``, ``bool``, ``int``, ``list``, ``object``,
    ``date`` (``YYYY-MM-DD``). ``default``: echoed when the client leaves it out (as Maileva does)."""

    kind: str = "text"
    max_length: int | None = None
    required: bool = False
    choices: tuple[Any, ...] = ()
    default: Any = None
    pattern: str | None = None
    min_length: int = 0


# Country codes a paper registered letter may go to (registered_mail/v4 ``country_code``).
COUNTRY_CODES = ("FR", "MC", "RE", "YT", "MQ", "GP", "MF", "BL", "GF")
ADDRESS_LINE_6_FR = re.compile(r"\d{5} \S.*")
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
EMAIL = r"^[\w]{1,}[\w.+-]{0,}@[\w-]{2,}([.][a-zA-Z]{2,}|[.][\w-]{2,}[.][a-zA-Z]{2,})+$"

LINE = Field(max_length=38)
SENDER_ADDRESS = {f"sender_address_line_{n}": LINE for n in range(1, 7)} | {
    "sender_country_code": Field(choices=COUNTRY_CODES)
}

PAPER_SENDING = {
    "name": Field(max_length=256, required=True),
    "custom_id": Field(max_length=38),
    "custom_data": Field(max_length=255),
    "acknowledgement_of_receipt": Field("bool", default=True),
    "expected_date": Field("date"),
    "color_printing": Field("bool", default=True),
    "duplex_printing": Field("bool", default=True),
    "optional_address_sheet": Field("bool", default=False),
    "notification_email": Field(pattern=EMAIL),
    "notification_types": Field("list", choices=("ALL_MAILEVA", "ALL_LAPOSTE")),
    "reference_to_print_enabled": Field("bool", default=False),
    "print_sender_address": Field("bool", default=False),
    "returned_mail_scanning": Field("bool", default=False),
    **SENDER_ADDRESS,
    "archiving_duration": Field("int", choices=(3, 6, 10), default=3),
    "postage_type": Field(choices=("FAST", "URGENT"), default="FAST"),
    "return_envelope": Field("object"),
}

PAPER_RECIPIENT = {
    "custom_id": Field(max_length=36),
    "reference_to_print": Field(max_length=26),
    "custom_data": Field(max_length=255),
    **{f"address_line_{n}": LINE for n in range(1, 7)},
    "custom_fields": Field("object"),
    "country_code": Field(required=True, choices=COUNTRY_CODES),
    **SENDER_ADDRESS,
    "documents_override": Field("list"),
    "scheduled_date": Field("date"),
}

ELECTRONIC_SENDING = {
    "sender_id": Field(required=True, pattern=UUID),
    "name": Field(max_length=256, required=True, min_length=1),
    "custom_id": Field(max_length=38),
    "custom_data": Field(max_length=255),
    "additional_sender_name": Field(max_length=255),
    "message": Field(max_length=450),
    "pre_notification": Field("bool"),
}

ELECTRONIC_RECIPIENT = {
    "custom_id": Field(max_length=36),
    "legal_status": Field(required=True, choices=("PROFESSIONAL", "INDIVIDUAL")),
    "first_name": Field(max_length=50, required=True, min_length=1),
    "last_name": Field(max_length=50, required=True, min_length=1),
    "email": Field(required=True, pattern=EMAIL),
    "company": Field(max_length=38),
}

# The notification center's event and resource types (notification_center/v2 ``event_type``,
# ``resource_type``); the twin sends the registered_mail/v4 ones.
EVENT_TYPES = (
    "ON_STATUS_ACCEPTED",
    "ON_STATUS_REJECTED",
    "ON_STATUS_PROCESSED",
    "ON_STATUS_PROCESSED_WITH_ERRORS",
    "ON_DEPOSIT_PROOF_RECEIVED",
    "ON_GLOBAL_DEPOSIT_PROOF_RECEIVED",
    "ON_CONTENT_PROOF_RECEIVED",
    "ON_ACKNOWLEDGEMENT_OF_RECEIPT_RECEIVED",
    "ON_STATUS_ARCHIVED",
    "ON_UNDELIVERED_MAIL_RECEIVED",
    "ON_MAIN_DELIVERY_STATUS_FIRST_PRESENTATION",
    "ON_MAIN_DELIVERY_STATUS_DELIVERED",
    "ON_MAIN_DELIVERY_STATUS_UNDELIVERED",
)
RESOURCE_TYPES = (
    "mail/v2/sendings",
    "mail/v2/recipients",
    "registered_mail/v4/sendings",
    "registered_mail/v4/recipients",
    "registered_mail/v2/sendings",
    "registered_mail/v2/recipients",
    "invoices/v1/sendings",
    "invoices/v1/recipients",
)
SUBSCRIPTION = {
    "event_type": Field(required=True, choices=EVENT_TYPES),
    "resource_type": Field(required=True, choices=RESOURCE_TYPES),
    "callback_url": Field(required=True, max_length=2048),
    "authentication": Field("object"),
}

# Maileva's codes where they do not follow the EMPTY_<FIELD> pattern.
MISSING_CODES = {"country_code": "COUNTRY_CODE_EMPTY"}


def json_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid("UNEXPECTED_NOT_VALID_ERROR", "Le body de la requête n’est pas interprétable")
    return body


def validate(body: Any, spec: Mapping[str, Field]) -> dict[str, Any]:
    """The body's fields, checked against ``spec``, with the defaults added (absent or null: left out)."""
    data = json_object(body)
    errors: list[MailevaError] = [
        invalid("UNEXPECTED_NOT_VALID_ERROR", f"Le champ {name} n'est pas reconnu")
        for name in data
        if name not in spec
    ]
    result: dict[str, Any] = {}
    for name, rule in spec.items():
        value = data.get(name)
        if value is None or (rule.kind == "text" and rule.required and value == ""):
            if rule.required:
                code = MISSING_CODES.get(name, f"EMPTY_{name.upper()}")
                errors.append(invalid(code, f"Le champ {name} est obligatoire"))
            elif rule.default is not None:
                result[name] = rule.default
            continue
        error = _check(name, value, rule)
        if error is not None:
            errors.append(error)
        else:
            result[name] = value
    collect(errors)
    return result


def _check(name: str, value: Any, rule: Field) -> MailevaError | None:
    wrong = invalid(f"INVALID_{name.upper()}", f"La valeur du champ {name} n'est pas valide")
    expected: type | tuple[type, ...] = {
        "text": str,
        "date": str,
        "bool": bool,
        "int": int,
        "list": list,
        "object": dict,
    }[rule.kind]
    if not isinstance(value, expected) or (rule.kind == "int" and isinstance(value, bool)):
        return wrong
    if rule.kind == "date" and not _is_date(str(value)):
        return wrong
    if isinstance(value, list) and rule.choices:
        return wrong if any(item not in rule.choices for item in value) else None
    if rule.choices and value not in rule.choices:
        return wrong
    if isinstance(value, str):
        if rule.max_length is not None and len(value) > rule.max_length:
            return invalid(
                f"{name.upper()}_TOO_LONG", f"Le champ {name} est limité à {rule.max_length} caractères"
            )
        if len(value) < rule.min_length or (rule.pattern and value and not re.match(rule.pattern, value)):
            return wrong
    return None


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def paper_sending(body: Any) -> dict[str, Any]:
    data = validate(body, PAPER_SENDING)
    if not data.get("name", "").strip():
        raise invalid("EMPTY_NAME", "Aucun nom d'envoi n'a été transmis")
    return data


def paper_recipient(body: Any) -> dict[str, Any]:
    """``recipient_creation``: its fields, plus Maileva's address rules (line 1 or 2, line 6, and a
    French line 6 as ``<5-digit postcode> <town>``)."""
    data = validate(body, PAPER_RECIPIENT)
    errors: list[MailevaError] = []
    if not (data.get("address_line_1") or data.get("address_line_2")):
        errors.append(
            invalid(
                "ADDRESS_LINE_1_OR_ADDRESS_LINE_2_MANDATORY",
                "La ligne d'adresse n°1 ou la ligne d'adresse n°2 doit être renseignée",
            )
        )
    line_6 = str(data.get("address_line_6") or "").strip()
    if not line_6:
        errors.append(invalid("EMPTY_ADDRESS_LINE_6", "La ligne d'adresse n°6 doit être renseignée"))
    elif data.get("country_code") == "FR" and not ADDRESS_LINE_6_FR.fullmatch(line_6):
        errors.append(
            invalid(
                "INVALID_ADDRESS_LINE_6",
                "Le champ address_line_6 doit avoir le format [CODE_POSTAL] [VILLE], avec CODE_POSTAL sur 5 "
                'chiffres, lorsque le code pays vaut "FR"',
            )
        )
    collect(errors)
    return data


def electronic_sending(body: Any) -> dict[str, Any]:
    return validate(body, ELECTRONIC_SENDING)


def electronic_recipient(body: Any) -> dict[str, Any]:
    return validate(body, ELECTRONIC_RECIPIENT)


def subscription(body: Any) -> dict[str, Any]:
    """``subscription_creation``: an http(s) callback and, if any, HTTP Basic authentication (the twin
    does not call an OAuth2 server for its callbacks)."""
    data = validate(body, SUBSCRIPTION)
    url = urlsplit(data["callback_url"])
    errors: list[MailevaError] = []
    if url.scheme not in ("http", "https") or not url.netloc:
        errors.append(invalid("INVALID_CALLBACK_URL", "L'URL de callback n'est pas valide"))
    authentication = data.get("authentication")
    if authentication is not None:
        basic = authentication.get("basic")
        if set(authentication) - {"basic"} or not isinstance(basic, dict):
            errors.append(
                invalid(
                    "INVALID_AUTHENTICATION",
                    "Seule l'authentification basic (login, password) est simulée localement",
                )
            )
        elif not all(isinstance(basic.get(key), str) for key in ("login", "password")):
            errors.append(invalid("INVALID_AUTHENTICATION", "basic : login et password sont obligatoires"))
    collect(errors)
    return data
