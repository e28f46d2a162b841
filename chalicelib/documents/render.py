"""Templates to HTML (Jinja2, cheap) and HTML to PDF/A-3b (WeasyPrint, imported only here, lazily).

Importing this module does not import WeasyPrint: the API entry point may import the documents package
without paying WeasyPrint's ~0.8 s import (PLATFORM-NOTES 4).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

import jinja2

from chalicelib.documents import formatting

_PACKAGE = Path(__file__).resolve().parents[1]  # chalicelib/
# DejaVu for the letters: Debian's fonts-dejavu-core, else the WeasyPrint Lambda layer (infra/aws/layers).
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/opt/share/fonts/truetype/dejavu"))


def templates_dir(package: Path = _PACKAGE) -> Path:
    """Where the letter and email templates are: ``chalicelib/templates`` in the Lambda package (Chalice
    packages only ``app.py`` and ``chalicelib/``, so ``infra/aws/staging.py`` copies them there), else the
    repository's ``templates/`` next to ``chalicelib/`` (a checkout, the local platform, the tests)."""
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


def font_dir(candidates: tuple[Path, ...] = _FONT_DIRS) -> Path:
    return next((path for path in candidates if path.is_dir()), candidates[0])


TEMPLATES_DIR = templates_dir()
FONT_DIR = font_dir()
PDF_VARIANT = "pdf/a-3b"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        euros=formatting.euros,
        date_long=formatting.date_long,
        date_short=formatting.date_short,
        percent=formatting.percent,
        in_words=formatting.amount_in_words,
        days_in_words=formatting.days_in_words,
        words=formatting.engine_word,
    )
    env.globals["font_dir"] = FONT_DIR.as_uri()
    return env


def render_html(template: str, **values: Any) -> str:
    """Render ``templates/<template>`` with the given values (pure; used by the fast content tests)."""
    return environment().get_template(template).render(**values)


def allowed_resource(url: str, roots: tuple[Path, ...] | None = None) -> bool:
    """May the renderer read ``url``? Only ``data:`` URIs and files under the platform's own templates and
    fonts: no network (http, https, ftp…), no other local file — whatever a field or an upload names."""
    from urllib.parse import unquote, urlsplit

    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return True
    if scheme != "file":
        return False
    path = Path(unquote(urlsplit(url).path)).resolve()
    return any(path.is_relative_to(root.resolve()) for root in roots or (TEMPLATES_DIR, FONT_DIR))


class ResourceRefused(ValueError):
    """The renderer was asked for a resource it never fetches (WeasyPrint logs it and leaves it out)."""


def url_fetcher() -> URLFetcher:
    """A WeasyPrint fetcher that fetches nothing but :func:`allowed_resource` URLs (no redirects)."""
    from weasyprint.urls import URLFetcher

    class PlatformFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed_resource(url):
                raise ResourceRefused(f"ressource externe refusée : {url[:120]}")
            return super().fetch(url, headers)

    return PlatformFetcher(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=5)


# One render at a time in a process: WeasyPrint's renders contend for the interpreter (and share the font
# configuration below), so parallel renders in threads only make each slower.
_RENDER_LOCK = threading.Lock()


@functools.cache
def house_style() -> tuple[FontConfiguration, CSS]:
    """The font configuration and the parsed house stylesheet (``templates/documents/house.css``), made once
    per process: parsing the stylesheet and loading its five DejaVu faces is most of a short letter's render
    when done again for every document."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(
        string=render_html("documents/house.css"),
        base_url=str(TEMPLATES_DIR),
        url_fetcher=url_fetcher(),
        font_config=fonts,
    )
    # Dropped before the interpreter tears its modules down (FontConfiguration.__del__ needs them).
    atexit.register(house_style.cache_clear)
    return fonts, css


def html_to_pdf(
    html: str, *, identifier: str, created: dt.datetime | None = None, house: bool = False
) -> bytes:
    """PDF/A-3b bytes; ``identifier`` and ``created`` make the output reproducible for the same input.
    ``house``: the document is one of ``templates/documents/base.html``'s (letters, dossier documents), drawn
    with the house stylesheet parsed once (:func:`house_style`)."""
    import weasyprint  # lazy: only the code that renders pays for it

    if created is not None:
        stamp = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        meta = (
            f'<meta name="dcterms.created" content="{stamp}"><meta name="dcterms.modified" content="{stamp}">'
        )
        html = html.replace("<head>", "<head>" + meta, 1)
    with _RENDER_LOCK:
        fonts, css = house_style() if house else (None, None)
        page = weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=url_fetcher())
        document = page.render(font_config=fonts, stylesheets=[css] if css is not None else None)
        pdf: bytes = document.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=hashlib.md5(identifier.encode(), usedforsecurity=False).hexdigest().encode(),
        )
    return pdf
