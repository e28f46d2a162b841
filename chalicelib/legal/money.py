"""Money helpers: ``Decimal`` euros, two decimals, half-up rounding (rulebook 0 and 5.6)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The one grammar of an amount typed by a person (the web form, a debtor's payment, a CSV cell): ASCII digits,
# at most one decimal separator (« , » or « . ») followed by one or two digits (cents), the integer part
# grouped by threes with French spaces (space, no-break space U+00A0, narrow no-break space U+202F) — or with
# dots when the decimals follow a comma (« 1.234,56 », as some spreadsheets write it) —, an optional minus
# (callers refuse it with their own words) and an optional « € ». Nothing else: no exponent (« 1e308 »), no
# « + », no underscore (« 1_000 »), no other digits (« １２３ »), no « NaN » or « Infinity ».
MAX_INTEGER_DIGITS = 12
_SPACE = "[ \u00a0\u202f]"
_AMOUNT = re.compile(
    "(?P<minus>-)?"
    "(?:"
    f"(?P<plain>[0-9]{{1,{MAX_INTEGER_DIGITS}}})(?:[.,](?P<plain_cents>[0-9]{{1,2}}))?"
    f"|(?P<spaced>[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}}){{1,3}})(?:[.,](?P<spaced_cents>[0-9]{{1,2}}))?"
    "|(?P<dotted>[0-9]{1,3}(?:[.][0-9]{3}){1,3}),(?P<dotted_cents>[0-9]{1,2})"
    ")"
    f"(?:{_SPACE}?€)?"
)
_TOO_MANY_DECIMALS = re.compile(f"-?[0-9 \u00a0\u202f.,]*[.,][0-9]{{3,}}(?:{_SPACE}?€)?")
_LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS
_AS_TEXT = "Le montant doit être écrit comme un texte, par exemple « 1234.56 »."
_DECIMALS = "Le montant ne peut pas avoir plus de deux décimales (centimes)."


def parse_amount(value: Any) -> Decimal:
    """An amount in euros with cents (``Decimal``, two decimals), read by the one strict grammar above:
    ``"1234.56"``, ``"1 234,56"``, ``"1\u202f234,56 €"``, ``"1.234,56"``, ``"-120,00"``; a JSON integer or a
    ``Decimal`` with at most two decimals. Anything else — a float, ``"1e-2"``, ``"+5"``, ``"1_000"``,
    ``"１２３"``, ``"NaN"``, ``"12.345"`` — is a :class:`ValueError` with a French message."""
    if isinstance(value, bool | float):
        raise ValueError(_AS_TEXT)
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
        if not amount.is_finite() or abs(amount) >= _LIMIT:
            raise ValueError("Le montant n'est pas un nombre plausible.")
        if amount != amount.quantize(CENT):
            raise ValueError(_DECIMALS)
        return amount.quantize(CENT)
    if not isinstance(value, str):
        raise ValueError("Le montant doit être un nombre écrit comme un texte, par exemple « 1234.56 ».")
    text = value.strip(" \t\u00a0\u202f")
    match = _AMOUNT.fullmatch(text)
    if match is None:
        if _TOO_MANY_DECIMALS.fullmatch(text):
            raise ValueError(_DECIMALS)
        raise ValueError(f"Le montant « {_shown(value)} » n'est pas un nombre.")
    integer = match["plain"] or match["spaced"] or match["dotted"]
    cents = match["plain_cents"] or match["spaced_cents"] or match["dotted_cents"] or "0"
    digits = re.sub("[^0-9]", "", integer)
    amount = Decimal(f"{digits}.{cents}").quantize(CENT)
    return -amount if match["minus"] else amount


def _shown(value: str) -> str:
    """The value as typed, short and printable, for a message."""
    printable = "".join(c if c.isprintable() else "\ufffd" for c in value[:40])
    return printable + ("…" if len(value) > 40 else "")


def round_cents(value: Decimal) -> Decimal:
    """Half-up to the cent (the rounding of each interest segment)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def euros(value: Decimal) -> str:
    """Machine form used in the JSON result: ``"1061.26"``."""
    return str(value.quantize(CENT))


def french_euros(value: Decimal) -> str:
    """Creditor-facing form: ``1 061,26 €``."""
    text = f"{value.quantize(CENT):,.2f}"
    return text.replace(",", " ").replace(".", ",") + " €"


def french_percent(value: Decimal) -> str:
    """``Decimal("13.15")`` → ``13,15 %``."""
    return f"{value.quantize(CENT)}".replace(".", ",") + " %"
