"""Reading the file as a whole: encoding, delimiter, the header line and which cell holds which column."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from chalicelib.domain.aged_balance.columns import COLUMNS
from chalicelib.domain.aged_balance.text import _SHOWN, _fold
from chalicelib.domain.errors import InvalidInput

_HEADER_SEARCH = 10  # rows scanned for the header (exports often start with a title line)
_DELIMITERS = (";", ",", "\t")  # in order of preference on a tie: ";" is French Excel's
_HEADER_NOISE = frozenset({"de", "d", "du", "des", "la", "le", "l", "les", "en", "eur", "euro", "euros"})


def _header_key(text: str) -> str:
    """« N° de facture » → ``n_facture``; « Date d'échéance » → ``date_echeance``."""
    return "_".join(word for word in _fold(text).split() if word not in _HEADER_NOISE)


def _header_names() -> dict[str, str]:
    """Folded header (name or alias) → column name."""
    names: dict[str, str] = {}
    for column in COLUMNS:
        for alias in (column.name, *column.aliases):
            claimed = names.setdefault(_header_key(alias), column.name)
            if claimed != column.name:
                raise RuntimeError(f"The header {alias!r} is claimed by both {claimed} and {column.name}")
    return names


_HEADERS = _header_names()


def _decode(data: bytes | str) -> tuple[str, list[str]]:
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), []
    if data.startswith(b"PK\x03\x04"):
        raise InvalidInput(
            "Ce fichier est un classeur Excel, pas un fichier CSV : dans Excel, choisissez « Enregistrer "
            "sous » puis le type « CSV (séparateur : point-virgule) ».",
            code="import_not_csv",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's « Texte Unicode »
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, ["Le fichier n'est pas encodé en UTF-8 : il a été lu comme un fichier Windows (ANSI)."]


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    """The CSV records; a malformed file becomes :class:`InvalidInput` when it is read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise InvalidInput(
            f"Le fichier n'est pas un CSV lisible (ligne {reader.line_num}) : {error}.", code="import_not_csv"
        ) from None


def _header_score(row: list[str]) -> int:
    return len({_HEADERS[key] for key in map(_header_key, row) if key in _HEADERS})


def _layout(text: str) -> tuple[str, int]:
    """The delimiter and the header's line number: the first of the first lines naming the most columns
    (a ``sep=;`` first line, written by some Excel versions, decides the delimiter)."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0].strip()
    hinted = re.fullmatch(r"(?i)sep=(.)", first_line)
    candidates = (hinted.group(1),) if hinted else _DELIMITERS
    best = (0, candidates[0], 0)  # (columns recognised, delimiter, line)
    widest = (0, candidates[0], 0)  # (cells of the first non-blank line, delimiter, line)
    for delimiter in candidates:
        try:
            head = list(
                itertools.islice(
                    csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), _HEADER_SEARCH
                )
            )
        except csv.Error:
            continue
        filled = [
            (number, row)
            for number, row in enumerate(head, start=1)
            if not (hinted and number == 1) and any(cell.strip() for cell in row)
        ]
        for number, row in filled:
            if (score := _header_score(row)) > best[0]:
                best = (score, delimiter, number)
        if filled and len(filled[0][1]) > widest[0]:
            widest = (len(filled[0][1]), delimiter, filled[0][0])
    # Without a recognised column, the first non-blank line is the header (and the import will say what
    # it lacks).
    chosen = best if best[0] else widest
    if not chosen[2]:
        raise InvalidInput("Le fichier ne contient aucune ligne lisible.", code="import_empty")
    return chosen[1], chosen[2]


@dataclass
class _Header:
    positions: list[tuple[int, str]]  # (cell index, column name)
    labels: dict[str, str]  # column name -> header as written in the file
    warnings: list[str]

    @classmethod
    def read(cls, row: list[str]) -> _Header:
        positions: list[tuple[int, str]] = []
        labels: dict[str, str] = {}
        unknown: list[str] = []
        warnings: list[str] = []
        for index, raw in enumerate(row):
            label = raw.strip().removeprefix("\ufeff")
            if not label:
                continue
            name = _HEADERS.get(_header_key(label))
            if name is None:
                unknown.append(label)
            elif name in labels:
                warnings.append(
                    f"La colonne « {label} » désigne la même information que « {labels[name]} » ({name}) : "
                    "elle a été ignorée."
                )
            else:
                positions.append((index, name))
                labels[name] = label
        if unknown:
            warnings.insert(
                0,
                "Colonnes non reconnues, ignorées : "
                + ", ".join(f"« {label[:_SHOWN]} »" for label in unknown)
                + ".",
            )
        return cls(positions, labels, warnings)

    def cells(self, row: list[str]) -> dict[str, str]:
        width = len(row)
        return {name: row[index].strip() if index < width else "" for index, name in self.positions}
