"""French formatting of amounts, dates and rates for the documents (babel, num2words).

Pure functions; they are also registered as Jinja2 filters by ``render.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

LOCALE = "fr_FR"


def to_decimal(value: Decimal | str | int | None) -> Decimal:
    """Amounts travel as strings in the legal engine's output; never as floats."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, float):
        raise TypeError("amounts are never floats")
    return Decimal(str(value))


def euros(value: Decimal | str | int | None) -> str:
    """``1 234,56 €`` (babel's narrow no-break spaces kept)."""
    return format_currency(to_decimal(value), "EUR", locale=LOCALE)


def date_long(value: dt.date | str | None) -> str:
    """``22 novembre 2026``; ``1er`` for the first day of a month, as French writes it."""
    if value is None:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    text = format_date(day, format="long", locale=LOCALE)
    if day.day == 1:
        text = "1er" + text[1:]
    return text


def date_short(value: dt.date | str | None) -> str:
    """``22/11/2026`` for tables."""
    if value is None:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(day, format="dd/MM/yyyy", locale=LOCALE)


def percent(value: Decimal | str | None) -> str:
    """``13,15 %`` (the legal engine's rates are percentages as strings)."""
    if value is None:
        return ""
    return format_decimal(to_decimal(value), format="#,##0.00", locale=LOCALE) + "\u00a0%"


def amount_in_words(value: Decimal | str | int | None) -> str:
    """``mille soixante et un euros et vingt-six centimes``: amounts in letters (legal practice)."""
    amount = to_decimal(value).quantize(Decimal("0.01"))
    euros_part = int(amount)
    cents = int((amount - euros_part) * 100)
    from num2words import num2words  # lazy: ~90 ms, only the letters need amounts in words

    words = num2words(euros_part, lang="fr")
    text = f"{words} euro" + ("s" if euros_part > 1 else "")
    if words.endswith(("million", "millions", "milliard", "milliards")):
        text = f"{words} d'euros"
    if cents:
        text += f" et {num2words(cents, lang='fr')} centime" + ("s" if cents > 1 else "")
    return text


def days_in_words(days: int) -> str:
    """``huit (8) jours``."""
    from num2words import num2words

    return f"{num2words(days, lang='fr')} ({days}) jours"


# The legal engine's codes in the words of a French lawyer (the cover note never prints a code).
ENGINE_WORDS: dict[str, str] = {
    # finding levels
    "info": "information",
    "warning": "à examiner",
    "blocking": "bloquant",
    # prescription statuses
    "not_barred": "non prescrite",
    "at_risk": "prescription incertaine (revue par un avocat)",
    "barred": "prescrite",
    # injonction de payer
    "admissible": "ouverte",
    "not_admissible": "non ouverte",
    "blocked": "interdite (procédure en cours)",
}


def engine_word(code: str | None) -> str:
    """« non prescrite » for ``not_barred``…; an unknown code is returned as it is."""
    if code is None:
        return "—"
    return ENGINE_WORDS.get(str(code), str(code))
