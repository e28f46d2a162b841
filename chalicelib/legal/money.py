"""Money helpers: ``Decimal`` euros, two decimals, half-up rounding (rulebook 0 and 5.6)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


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
