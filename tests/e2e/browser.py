"""Drive the web interface in a real browser: Debian's Chromium through Playwright (no `playwright install`:
see ../shared/design/PLATFORM-NOTES.md §7), a fresh profile per test, French locale, Paris time.

    with chromium(tmp_path) as browser:
        page = browser.new_page()
        page.goto(platform.url + "/#/connexion")
        shot(page, "connexion")          # <artefacts>/ui/connexion.png (tests/artefacts.py)

Uncaught script errors on any page fail the test (``browser.errors``)."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests import artefacts

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `bash scripts/system-deps.sh` (or `apt-get install chromium`).",
            pytrace=False,
        )


class Browser:
    def __init__(self, context: Any) -> None:
        self.context = context
        self.errors: list[str] = []

    def new_page(self, viewport: dict[str, int] | None = None) -> Any:
        page = self.context.new_page()
        page.set_viewport_size(viewport or DESKTOP)
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page


@contextmanager
def chromium(profile_dir: Path) -> Iterator[Browser]:
    """A Chromium with a fresh user-data-dir (``profile_dir``); closed on exit."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            accept_downloads=True,
            viewport=DESKTOP,
        )
        browser = Browser(context)
        try:
            yield browser
        finally:
            context.close()
    assert not browser.errors, browser.errors


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    path = artefacts.folder("ui") / f"{name}.png"  # tests/artefacts.py
    page.screenshot(path=str(path), full_page=full_page)
    return path


def text(page: Any, selector: str = "main") -> str:
    """The visible text, French spaces (narrow and non-breaking) as plain spaces."""
    content: str = page.inner_text(selector)
    return content.replace("\u202f", " ").replace("\u00a0", " ")


def wait_for_text(page: Any, wanted: str, selector: str = "main", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while wanted not in text(page, selector):
        shown = text(page, selector)
        assert time.monotonic() < deadline, f"« {wanted} » not shown within {timeout} s:\n{shown}"
        page.wait_for_timeout(200)


def mailbox_code(platform: Any, email: str, timeout: float = 20, *, besides: str = "") -> str:
    """The newest 6-digit code the local mailbox holds for ``email`` (other than ``besides``)."""
    deadline = time.monotonic() + timeout
    while True:
        status, box = platform.get("/_local/api/mailbox")
        assert status == 200
        for message in box["messages"]:
            found = re.search(r"\b(\d{6})\b", message.get("text") or message.get("body") or "")
            if email in message["to"] and found and found.group(1) != besides:
                return found.group(1)
        assert time.monotonic() < deadline, f"no code mailed to {email}"
        time.sleep(0.3)


def facturx_invoice(
    folder: Path, *, number: str, amount: str, buyer: str, issued: dt.date, due: dt.date
) -> Path:
    """A Factur-X invoice PDF (delivered on its issue date) written to ``folder``, for the upload field."""
    from facturx import generate_from_binary

    from tests.helpers.facturx_sample import _visible_invoice, cii_invoice_xml, html_pdf

    xml = cii_invoice_xml(
        number=number, amount=amount, buyer_name=buyer, issue_date=issued, due_date=due, delivery_date=issued
    )
    page = html_pdf(_visible_invoice(number, amount, buyer, issued))
    path = folder / f"{number}.pdf"
    path.write_bytes(generate_from_binary(page, xml, flavor="factur-x", level="autodetect", check_xsd=True))
    return path
