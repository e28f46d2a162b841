"""What an aged-balance import yields: the draft claims, the rejected lines and the JSON report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.claim_content import ClaimContent


@dataclass(frozen=True)
class LineRejection:
    """A CSV line left out of the import. ``field``: the column at fault ("" when it is the whole line);
    ``message``: French, names the line and the column; ``code``: stable, for the UI."""

    line: int
    field: str
    message: str
    code: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message}


# Rejections listed in an import's report (the others are counted): about 250 bytes each.
MAX_REPORTED_REJECTIONS = 300


@dataclass(frozen=True)
class DraftClaim:
    """One debtor's claim, ready to be saved as a draft. ``lines``: the CSV lines it was made of."""

    debtor_key: str
    content: ClaimContent
    lines: tuple[int, ...]


@dataclass(frozen=True)
class ImportPlan:
    """What an import would create: one draft per debtor, and every line left out with the reason."""

    total_lines: int
    drafts: list[DraftClaim]
    rejected: list[LineRejection]
    warnings: list[str]

    @property
    def imported_lines(self) -> int:
        return sum(len(draft.lines) for draft in self.drafts)

    @property
    def rejected_lines(self) -> tuple[int, ...]:
        """Each rejected line once (a line may have several rejections: one per faulty column)."""
        return tuple(sorted({rejection.line for rejection in self.rejected}))

    def as_report(self) -> dict[str, Any]:
        """JSON-ready: counts, one summary per draft, the rejections (the first
        :data:`MAX_REPORTED_REJECTIONS`), the warnings."""
        return {
            "total_lines": self.total_lines,
            "imported_lines": self.imported_lines,
            "rejected_lines": len(self.rejected_lines),
            "draft_count": len(self.drafts),
            "drafts": [
                {
                    "debtor_key": draft.debtor_key,
                    "debtor": draft.content.debtor.legal_name,
                    "invoices": len(draft.content.invoices),
                    "balance": f"{draft.content.balance:.2f}",
                    "lines": list(draft.lines),
                }
                for draft in self.drafts
            ],
            # The report is stored on the import job (one DynamoDB item, 400 KB at most): a file of thousands
            # of bad lines lists its first rejections and counts the others, instead of failing to be saved.
            "rejected": [rejection.as_json() for rejection in self.rejected[:MAX_REPORTED_REJECTIONS]],
            "rejected_not_shown": max(0, len(self.rejected) - MAX_REPORTED_REJECTIONS),
            "warnings": list(self.warnings),
        }
