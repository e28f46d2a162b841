"""What a person may type, bounded: dates within sane years, email addresses as Amazon SES accepts them.

Pure. Used by every request model (``chalicelib/api/*_schemas.py``) and by the claim content, so that a date
of year 1 or 9999 or an address SES would refuse after payment is a 400 in French at the door, never a 500
further on (date arithmetic overflows, a send that fails days later).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator

# No claim, payment or procedure of this platform is dated before 1900 or after 2100 (the CSV import
# already used these bounds); a date outside them is a typing error, and date arithmetic near year 1 or
# 9999 overflows.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def sane_day(value: dt.date) -> dt.date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(
            f"La date du {value.strftime('%d/%m/%Y')} n'est pas plausible : indiquez une date entre "
            f"{EARLIEST_DAY.year} et {LATEST_DAY.year}."
        )
    return value


Day = Annotated[dt.date, AfterValidator(sane_day)]

# An address Amazon SES sends to: printable ASCII only (no accent, no space, no control character such as
# NUL), one « @ », a local part of RFC 5322 "atext" characters and single dots (64 characters at most), and a
# dotted domain of letters, digits and hyphens (an internationalised domain in its xn-- form) whose last
# label is not numeric.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*", re.ASCII)
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
MAX_EMAIL_LENGTH = 254


def email_address(value: str) -> str:
    """``value`` lower-cased if SES can send to it; else :class:`ValueError` in French."""
    local, at, domain = value.partition("@")
    labels = domain.split(".")
    valid = (
        bool(at)
        and len(value) <= MAX_EMAIL_LENGTH
        and value.isascii()
        and len(local) <= 64
        and _LOCAL.fullmatch(local) is not None
        and len(labels) >= 2
        and all(_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )
    if not valid:
        shown = "".join(c if c.isprintable() else "\ufffd" for c in value[:60])
        raise ValueError(f"L'adresse e-mail « {shown} » n'est pas valide.")
    return value.lower()
