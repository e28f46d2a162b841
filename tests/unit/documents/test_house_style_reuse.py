"""Issue 26: the house stylesheet parsed once and its font configuration reused across renders give the very
bytes a render with a freshly parsed stylesheet and freshly loaded fonts gives (letters, the fee invoice)."""

from __future__ import annotations

from chalicelib.documents.fee_invoice import fee_invoice_pdf
from chalicelib.documents.letters import document_pdf
from chalicelib.documents.render import house_style
from tests.unit.documents.fixtures import fee_invoice as _invoice
from tests.unit.documents.fixtures import make_context


def _fresh(render):  # type: ignore[no-untyped-def]
    """``render()`` with the house style parsed and its fonts loaded for it alone."""
    house_style.cache_clear()
    try:
        return render()
    finally:
        house_style.cache_clear()


def test_a_reused_house_style_gives_the_bytes_of_a_fresh_one() -> None:
    ctx = make_context("b2b")
    renders = {
        "mise_en_demeure": lambda: document_pdf("mise_en_demeure", ctx),
        "decompte": lambda: document_pdf("decompte", ctx),
        "facture": lambda: fee_invoice_pdf(_invoice()),
    }
    fresh = {name: _fresh(render) for name, render in renders.items()}
    first = {name: render() for name, render in renders.items()}  # one style, three documents
    reused = {name: render() for name, render in reversed(renders.items())}  # again, other order
    assert house_style.cache_info().misses == 1
    for name in renders:
        assert first[name] == fresh[name] and reused[name] == fresh[name], name
