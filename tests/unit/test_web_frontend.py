"""The static web interface (frontend/): every JavaScript module parses (node --check, as an ES module),
every module it imports exists, and the pages hold no inline script, no inline event handler, no external
resource and no innerHTML (data goes through text nodes), so a strict Content-Security-Policy fits."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
MODULES = sorted(FRONTEND.rglob("*.js"))
PAGES = sorted(FRONTEND.rglob("*.html"))
IMPORT = re.compile(
    r"""(?:^|\s)(?:import|export)\s[^;]*?from\s+["'](\.{1,2}/[^"']+)["']|import\(["'](\.{1,2}/[^"']+)["']\)"""
)


def test_there_are_modules_and_a_page():
    assert FRONTEND / "js" / "app.js" in MODULES
    assert FRONTEND / "index.html" in PAGES
    imports = [found for module in MODULES for found in IMPORT.finditer(module.read_text(encoding="utf-8"))]
    assert len(imports) > 20  # the import check below does look at the modules' imports


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(FRONTEND)))
def test_every_module_parses(module):
    node = shutil.which("node")
    assert node, "node is needed to check the web interface's modules (Debian package nodejs)"
    checked = subprocess.run(
        [node, "--input-type=module", "--check"],
        input=module.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(FRONTEND)))
def test_imports_resolve_and_no_html_is_built_from_strings(module):
    source = module.read_text(encoding="utf-8")
    for found in IMPORT.finditer(source):
        target = (module.parent / (found.group(1) or found.group(2))).resolve()
        assert target.is_file(), f"{module.name} imports {target} which does not exist"
    for risky in (
        "innerHTML",
        "outerHTML =",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ):
        assert risky not in source, f"{module.name} uses {risky}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(FRONTEND)))
def test_pages_have_no_inline_script_handler_or_external_resource(page):
    html = page.read_text(encoding="utf-8")
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        assert not script.strip(), "inline script"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html), "external resource"
    assert 'lang="fr"' in html and 'name="viewport"' in html
