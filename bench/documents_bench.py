"""Documents: mise en demeure render time (cold process and warm) and a 10-exhibit dossier assembly."""

from __future__ import annotations

import dataclasses
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5

_COLD = """
import time; t = time.perf_counter()
from tests.unit.documents.fixtures import make_context
from chalicelib.documents.letters import document_pdf
document_pdf("mise_en_demeure", make_context("b2b"))
print(time.perf_counter() - t)
"""


def run() -> list[tuple[str, str]]:
    from chalicelib.documents.dossier import assemble
    from chalicelib.documents.letters import document_pdf
    from tests.unit.documents.fixtures import make_context

    cold = statistics.median(
        float(
            subprocess.run(
                [sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True, check=True, text=True
            ).stdout
        )
        for _ in range(3)
    )
    ctx = make_context("b2b")
    document_pdf("mise_en_demeure", ctx)
    warm = []
    for _ in range(RUNS):
        started = time.perf_counter()
        document_pdf("mise_en_demeure", ctx)
        warm.append(time.perf_counter() - started)
    exhibit = document_pdf("relance", ctx)
    exhibits = tuple(
        dataclasses.replace(ctx.exhibits[1], number=n, title=f"Facture n° F-{n:04d}", content=exhibit)
        for n in range(1, 11)
    )
    big = dataclasses.replace(ctx, exhibits=exhibits)
    started = time.perf_counter()
    assemble(big)
    dossier = time.perf_counter() - started
    return [
        ("documents: mise en demeure, cold (new process, imports + first render)", f"{cold * 1000:.0f} ms"),
        (f"documents: mise en demeure, warm (median of {RUNS})", f"{statistics.median(warm) * 1000:.0f} ms"),
        ("documents: dossier with 10 exhibits (4 documents, stamps, merge, ZIP)", f"{dossier * 1000:.0f} ms"),
    ]
