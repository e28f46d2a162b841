"""DynamoDB's 400 KB item limit, checked before a write.

DynamoDB refuses an item above 400 KB (``ValidationException: Item size has exceeded the maximum allowed
size``); moto does not enforce it faithfully (an update may be half applied before it is refused), so an
oversized item would pass every local test and fail on AWS. The repositories call :func:`check_model_size`
on what they are about to write: an oversized item is refused here, before anything is stored, locally and
on AWS alike.

The size follows DynamoDB's documented rules ("Item sizes and formats", DynamoDB Developer Guide): the
UTF-8 length of each attribute name plus its value's size — a string its UTF-8 length, a binary its byte
length, a number about one byte per two significant digits plus one, a boolean or null one byte, a list
or map 3 bytes plus one byte per element plus its elements (a map's keys counted as names), a set the sum
of its elements.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from chalicelib.domain.errors import InvalidInput

MAX_ITEM_BYTES = 400 * 1024

TOO_LARGE_FR = (
    "Cet enregistrement dépasse la taille maximale qu'une base DynamoDB accepte (400 Ko) : réduisez le "
    "nombre de factures ou de pièces de cette créance, ou répartissez-les sur plusieurs créances."
)


class ItemTooLarge(InvalidInput):
    """An item over DynamoDB's 400 KB limit: refused before it is written."""

    code = "item_too_large"


def _number_size(text: str) -> int:
    digits = text.lstrip("+-").replace(".", "").split("e")[0].split("E")[0]
    significant = digits.strip("0") or "0"
    return min(21, (len(significant) + 1) // 2 + 1)


def _binary_size(value: Any) -> int:
    if isinstance(value, bytes | bytearray):
        return len(value)
    return len(base64.b64decode(value))


def value_size(value: Mapping[str, Any]) -> int:
    """The size of one attribute value in DynamoDB's wire form (``{"S": "…"}``, ``{"M": {…}}``…)."""
    ((kind, content),) = value.items()
    if kind == "S":
        return len(str(content).encode())
    if kind == "N":
        return _number_size(str(content))
    if kind == "B":
        return _binary_size(content)
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind == "SS":
        return sum(len(str(s).encode()) for s in content)
    if kind == "NS":
        return sum(_number_size(str(n)) for n in content)
    if kind == "BS":
        return sum(_binary_size(b) for b in content)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in content)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + value_size(element) for name, element in content.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    """The size DynamoDB gives an item: its attribute names plus their values."""
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def check_item_size(item: Mapping[str, Mapping[str, Any]], *, what: str) -> None:
    """Refuse (:class:`ItemTooLarge`, a 400 with a French message at the API) an item over 400 KB."""
    size = item_size(item)
    if size > MAX_ITEM_BYTES:
        raise ItemTooLarge(TOO_LARGE_FR, details=[{"field": what, "message": f"{size} octets"}])


def check_model_size(model: Any, *, what: str) -> None:
    """:func:`check_item_size` on a PynamoDB model instance, as it would be written."""
    check_item_size(model.serialize(null_check=False), what=what)
