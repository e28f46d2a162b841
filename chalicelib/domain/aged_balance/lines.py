"""A line of the file once read, and the lines of one debtor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Line:
    number: int
    cells: dict[str, str]
    # The values that belong to the claim rather than to one invoice (debtor, contract rate, reference), by
    # column, blank ones left out ("siret" is not a column: it comes from debiteur_siren when a SIRET is
    # given). Every line of a debtor must agree on them.
    shared: dict[str, Any]
    invoice: dict[str, Any]
    payment: dict[str, Any] | None

    def raw(self, key: str) -> str:
        return self.cells.get("debiteur_siren" if key == "siret" else key, "")


@dataclass
class _Group:
    key: str
    values: dict[str, tuple[Any, _Line]] = field(default_factory=dict)  # key -> (value, line that gave it)
    lines: list[_Line] = field(default_factory=list)
    numbers: dict[str, _Line] = field(default_factory=dict)  # folded invoice number -> line
