from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.documents.context import DocumentContext
from chalicelib.documents.letters import DocumentKind, document_pdf
from tests.unit.documents.fixtures import make_context
from tests.unit.documents.helpers import pdf_text, save_pages

_PDFS: dict[tuple[str, str], bytes] = {}


@pytest.fixture(scope="session")
def rendered() -> Callable[[str, DocumentKind], tuple[DocumentContext, bytes, str]]:
    """Render (once per session) a document for a shared case: (context, PDF bytes, normalised text)."""

    def render(case: str, kind: DocumentKind) -> tuple[DocumentContext, bytes, str]:
        ctx = make_context(case)
        key = (case, kind)
        if key not in _PDFS:
            _PDFS[key] = document_pdf(kind, ctx)
            save_pages(_PDFS[key], f"{kind}-{case}")
        return ctx, _PDFS[key], pdf_text(_PDFS[key])

    return render
