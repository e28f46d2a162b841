"""Bulk import of an aged balance (« balance âgée »): the creditor's CSV export of unpaid invoices, one line
per invoice, becomes draft claims (one per debtor, with all its invoices) plus a per-line report of what was
rejected and why.

    plan = parse_aged_balance(uploaded_bytes)
    plan.drafts      # [DraftClaim(debtor_key="siren:732829320", content=ClaimContent(...), lines=(2, 5))]
    plan.rejected    # [LineRejection(line=7, field="montant_ttc", message="Ligne 7, colonne …", code=…)]
    plan.as_report() # JSON-ready summary for the creditor

Pure: no I/O. Every value is checked by the claim content schema (:mod:`chalicelib.domain.claim_content`),
first line by line (so that a bad line is rejected alone, before it can spoil its debtor's group), then once
per debtor on the assembled claim. Line numbers are the spreadsheet's row numbers (the header is row 1).

The package, by reason to change: :mod:`.columns` (the documented columns and accepted words), :mod:`.layout`
(encoding, delimiter, header), :mod:`.cells` (one cell's parser), :mod:`.claim_mapping` (columns ↔ claim
schema), :mod:`.importer` (lines read, grouped by debtor, settled), :mod:`.report` (the result).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from chalicelib.domain.aged_balance.columns import COLUMNS, REQUIRED_COLUMNS, Column, columns_markdown
from chalicelib.domain.aged_balance.importer import _Import
from chalicelib.domain.aged_balance.layout import _decode, _Header, _layout, _records
from chalicelib.domain.aged_balance.report import (
    MAX_REPORTED_REJECTIONS,
    DraftClaim,
    ImportPlan,
    LineRejection,
)
from chalicelib.domain.errors import InvalidInput

__all__ = [
    "COLUMNS",
    "MAX_REPORTED_REJECTIONS",
    "Column",
    "DraftClaim",
    "ImportPlan",
    "LineRejection",
    "columns_markdown",
    "parse_aged_balance",
]


def parse_aged_balance(
    data: bytes | str,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    max_lines: int = 20000,
) -> ImportPlan:
    """Read an aged-balance CSV into draft claims grouped by debtor, and the lines rejected with the reason.

    Raises :class:`InvalidInput` when the file as a whole cannot be read: ``import_empty`` (no data line),
    ``import_missing_columns`` (a required column is not in the header), ``import_too_large`` (more than
    ``max_lines`` data lines), ``import_not_csv`` (a spreadsheet or an unreadable file).
    ``on_progress(done, total)`` is called every 500 lines and once at the end.
    """
    text, warnings = _decode(data)
    if not text.strip():
        raise InvalidInput("Le fichier est vide.", code="import_empty")
    delimiter, header_line = _layout(text)
    rows = _records(text, delimiter)
    header = _Header.read(next(itertools.islice(rows, header_line - 1, None), []))
    warnings.extend(header.warnings)
    if header_line > 1:
        warnings.append(
            f"Les {header_line - 1} premières lignes, avant la ligne d'en-tête (ligne {header_line}), "
            "ont été ignorées."
            if header_line > 2
            else "La première ligne, avant la ligne d'en-tête (ligne 2), a été ignorée."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header.labels]
    if missing:
        found = ", ".join(f"« {label} »" for label in header.labels.values()) or "aucune colonne reconnue"
        raise InvalidInput(
            "Colonnes obligatoires absentes de la ligne d'en-tête : "
            + ", ".join(f"« {name} »" for name in missing)
            + f". Colonnes reconnues : {found}. Le modèle d'import liste les intitulés acceptés.",
            code="import_missing_columns",
            details=[
                {"field": name, "message": f"La colonne « {name} » est obligatoire."} for name in missing
            ],
        )
    lines: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=header_line + 1):
        cells = header.cells(row)
        if not any(cells.values()):
            continue  # blank line, or values only in ignored columns
        if len(lines) == max_lines:
            raise InvalidInput(
                f"Le fichier compte plus de {max_lines} lignes de factures : découpez-le en plusieurs "
                f"fichiers de {max_lines} lignes au plus.",
                code="import_too_large",
            )
        lines.append((number, cells))
    if not lines:
        raise InvalidInput(
            "Le fichier ne contient aucune ligne de facture sous la ligne d'en-tête.", code="import_empty"
        )
    return _Import(header.labels, len(lines), on_progress, warnings).run(lines)


# --- Reading the file ---------------------------------------------------------------------------------------
