"""Pre-fill a claim's invoice, creditor and debtor from an uploaded invoice PDF.

Two sources, best first:

1. the structured invoice embedded in a Factur-X or ZUGFeRD PDF (CII XML: ``factur-x.xml`` or
   ``zugferd-invoice.xml``), read with the ``factur-x`` package and lxml. ZUGFeRD 1.0
   (``CrossIndustryDocument``) is read too, with a warning; a UBL XML is only reported;
2. otherwise the PDF's text (pypdf), with a few conservative patterns: « Facture n° », « Date »,
   « Échéance », « Total TTC » / « Net à payer », « SIREN » / « SIRET » / « RCS ». Identifiers are checked
   (python-stdnum); a value that appears twice with different contents is not used.

A key is present only when the source gives it: nothing is guessed or defaulted. The result is a suggestion
for the form; the user checks it. Never raises: an unreadable PDF gives ``source="none"`` and a warning.
factur-x, lxml and pypdf are imported inside the functions only (cold start).

The package, by reason to change: :mod:`.prefill` (the result and its warnings), :mod:`.embedded_xml` (the
CII XML reader), :mod:`.pdf_text` (the text patterns).
"""

from __future__ import annotations

import io
import logging

from chalicelib.documents.einvoice.embedded_xml import _from_embedded_xml
from chalicelib.documents.einvoice.pdf_text import _from_text
from chalicelib.documents.einvoice.prefill import (  # noqa: F401 - the package's public names
    ENCRYPTED_WARNING,
    NO_TEXT_WARNING,
    TEXT_WARNING,
    UNREADABLE_WARNING,
    ZUGFERD_1_WARNING,
    Prefill,
    PrefillSource,
)

logger = logging.getLogger("claims.einvoice")


def extract_invoice_prefill(pdf: bytes) -> Prefill:
    """Read what an invoice PDF says about itself (see the module's docstring). Never raises."""
    try:
        return _extract(pdf)
    except Exception:  # a hostile or broken PDF must not break the upload: the user types the fields
        logger.warning("invoice prefill failed", exc_info=True)
        return Prefill(source="none", warnings=[UNREADABLE_WARNING])


def _extract(pdf: bytes) -> Prefill:
    from pypdf import PdfReader  # lazy: cold start

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return Prefill(source="none", warnings=[ENCRYPTED_WARNING])
    except Exception:
        logger.info("prefill: the PDF cannot be opened", exc_info=True)
        return Prefill(source="none", warnings=[UNREADABLE_WARNING])

    warnings: list[str] = []
    structured = _from_embedded_xml(pdf, reader, warnings)
    if structured is not None:
        return structured
    return _from_text(reader, warnings)
