"""Where the tests leave what a person may want to look at (the documents' PDFs, the browser's screenshots).

By default, a temporary folder of this run (nothing is written into the checkout); with
``CLAIMS_TEST_ARTEFACTS=<folder>`` (e.g. ``make test CLAIMS_TEST_ARTEFACTS=build/test-artefacts``), that
folder, and the PDFs' pages are also rendered as PNG images (pdftoppm) for review."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path


def requested() -> bool:
    """True when a person asked for the artefacts (the PNG renderings are made only then)."""
    return bool(os.environ.get("CLAIMS_TEST_ARTEFACTS"))


@cache
def _root() -> Path:
    chosen = os.environ.get("CLAIMS_TEST_ARTEFACTS")
    if chosen:
        return Path(chosen).resolve()
    return Path(tempfile.mkdtemp(prefix="claims-test-artefacts-"))


def folder(kind: str) -> Path:
    """``documents`` or ``ui``: created on first use."""
    path = _root() / kind
    path.mkdir(parents=True, exist_ok=True)
    return path
