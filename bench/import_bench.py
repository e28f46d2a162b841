"""CSV import: parsing a 10,000-line aged balance (2,000 debtors × 5 invoices) into draft claims.

Parsing only (decode, columns, every line through the claim content schema, grouping); the API's part (saving
the drafts) is not measured here.
"""

from __future__ import annotations

import statistics
import time

RUNS = 3


def run() -> list[tuple[str, str]]:
    from chalicelib.domain.aged_balance import parse_aged_balance
    from tests.unit.domain.aged_balance_samples import generated_balance

    data = generated_balance(debtors=2000, invoices_per_debtor=5).encode("utf-8")
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        plan = parse_aged_balance(data)
        timings.append(time.perf_counter() - started)
    assert plan.imported_lines == 10000 and len(plan.drafts) == 2000, plan.as_report()["rejected"][:3]
    return [(f"CSV import: parse 10,000 lines (median of {RUNS})", f"{statistics.median(timings):.2f} s")]


if __name__ == "__main__":  # pragma: no cover
    for label, figure in run():
        print(f"{label:<64} {figure}")
