"""Security headers (issue 12, « Hardening »): every answer of the API, every file of the web interface and
every local page says what may run in it, that it is never framed, that its type is not to be guessed and
that no referrer leaves; CORS answers only the web interface's origin; the front end keeps no secret and
keeps the ID token for the tab only.

* the API through the Chalice test client (in-process moto): every route of the route table, signed in;
* the real local platform (``infra/local/webserver.py``, started like ``make run``): the files of
  ``frontend/``, the API including Chalice's own answers (authorizer's 401, preflight, unknown path), the
  ``/_local/`` pages; then Chromium loads the pages and reports no Content-Security-Policy violation;
* the files of ``frontend/``, read as text.

On AWS, CloudFront adds the same headers plus HSTS (``tests/infra/test_aws_stack.py``).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chalicelib.api.errors import (
    API_SECURITY_HEADERS,
    COMMON_SECURITY_HEADERS,
    frontend_content_security_policy,
)
from infra.local.webserver import LOCAL_PAGES_CSP
from tests.integration.claims_helpers import creditor
from tests.platforms import PlatformSpec

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
LOCAL_ORIGIN = "http://127.0.0.1:8765"  # the settings' default public URL, the tests' too

# Views that build their Response themselves instead of going through json_response: the local web server
# and CloudFront add the headers to them (checked below on the real platform), the app does not yet.
OWN_RESPONSE_VIEWS = {"health", "openapi_document"}


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in dict(headers).items()}


def _has_api_headers(headers: dict[str, str]) -> list[str]:
    """What is missing or different from the API's security headers (empty when all are right)."""
    return [
        f"{name}: {headers.get(name.lower())!r} instead of {value!r}"
        for name, value in API_SECURITY_HEADERS.items()
        if headers.get(name.lower()) != value
    ]


def _calls(app) -> list[tuple[str, str, str]]:
    """(view name, method, path with its parameters filled) for every route of the app."""
    calls = []
    for path, methods in app.routes.items():
        concrete = re.sub(r"\{[^}]+\}", "inconnu", path)
        for method, entry in methods.items():
            calls.append((entry.view_name, method, concrete))
    return sorted(calls)


# --- the API, in-process ---------------------------------------------------------------------------------
@pytest.mark.integration
def test_every_api_answer_carries_the_security_headers_and_cors_for_the_front_end_only(api):
    import app

    token = creditor(api)
    failures = []
    checked = 0
    for view, method, path in _calls(app.app):
        if view in OWN_RESPONSE_VIEWS:
            continue
        csv = view == "start_import"
        response = api.http.request(
            method,
            path,
            body=b"a;b\n" if csv else b"{}",
            headers={
                "Content-Type": "text/csv" if csv else "application/json",
                "Authorization": f"Bearer {token}",
            },
        )
        headers = _lower(response.headers)
        problems = _has_api_headers(headers)
        origin = headers.get("access-control-allow-origin")
        if view in ("stripe_webhook", "maileva_webhook"):  # providers' servers call them: no CORS at all
            if origin is not None:
                problems.append(f"CORS on the webhook: {origin!r}")
        elif origin != LOCAL_ORIGIN:
            problems.append(f"Access-Control-Allow-Origin {origin!r} instead of {LOCAL_ORIGIN!r}")
        if response.status_code >= 500:
            problems.append(f"status {response.status_code}")
        if problems:
            failures.append(f"{method} {path} ({view}, {response.status_code}): {'; '.join(problems)}")
        checked += 1
    assert checked > 50
    assert not failures, "\n".join(failures)


@pytest.mark.integration
@pytest.mark.parametrize("path", ["/health", "/openapi.json"])
def test_health_and_the_openapi_document_carry_the_security_headers_from_the_app_itself(api, path):
    response = api.http.get(path)
    assert _has_api_headers(_lower(response.headers)) == []


@pytest.mark.integration
def test_cors_follows_the_allowed_origin_setting_and_is_never_a_wildcard(api, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_PUBLIC_URL", "https://recouvrement.example.fr/app/")
    get_settings.cache_clear()
    try:
        response = api.http.post("/v1/auth/signin", body=b"{}", headers={"Content-Type": "application/json"})
        assert response.headers["Access-Control-Allow-Origin"] == "https://recouvrement.example.fr"
        monkeypatch.setenv("CLAIMS_ALLOWED_ORIGIN", "https://autre.example.fr")
        get_settings.cache_clear()
        response = api.http.get("/v1/prices")
        assert response.headers["Access-Control-Allow-Origin"] == "https://autre.example.fr"
    finally:
        monkeypatch.delenv("CLAIMS_PUBLIC_URL")
        monkeypatch.delenv("CLAIMS_ALLOWED_ORIGIN", raising=False)
        get_settings.cache_clear()


# --- the real local platform -----------------------------------------------------------------------------
PLATFORM = PlatformSpec()


def _fetch(platform, path: str, method: str = "GET", headers: dict[str, str] | None = None):
    request = urllib.request.Request(platform.url + path, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


FRONTEND_FILES = ["/", "/index.html", "/style.css", "/js/app.js", "/js/pages/depot.js", "/exemple-import.csv"]


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("path", FRONTEND_FILES)
def test_the_local_platform_serves_the_web_interface_under_its_content_security_policy(platform, path):
    status, headers, _ = _fetch(platform, path)

    assert status == 200
    policy = headers["content-security-policy"]
    assert policy == frontend_content_security_policy([platform.aws_endpoint])
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # Evidence goes by presigned POST straight to the storage: the embedded AWS, locally.
    assert directives["connect-src"] == f"'self' {platform.aws_endpoint}"
    assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
    for name, value in COMMON_SECURITY_HEADERS.items():
        assert headers[name.lower()] == value, name
    assert "strict-transport-security" not in headers  # plain HTTP: HSTS is CloudFront's, on AWS


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/v1/prices", 200),
        ("GET", "/v1/me", 401),  # the authorizer's own answer
        ("POST", "/v1/claims", 401),
        ("GET", "/v1/nulle-part", 403),  # no such route: Chalice's « Missing Authentication Token »
        ("POST", "/v1/auth/signin", 400),
        ("OPTIONS", "/v1/claims", 200),  # CORS preflight
    ],
)
def test_the_local_platform_gives_every_api_answer_the_security_headers(platform, method, path, status):
    headers_sent = {"Origin": "https://ailleurs.example", "Access-Control-Request-Method": "POST"}
    got, headers, _ = _fetch(platform, path, method, headers_sent if method == "OPTIONS" else None)

    assert got == status
    assert _has_api_headers(headers) == []
    origin = headers.get("access-control-allow-origin")
    assert origin in (None, platform.url), origin  # never "*", never the caller's origin


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("path", ["/_local/mailbox", "/_local/stripe", "/_local/api/mailbox"])
def test_the_local_pages_allow_their_inline_style_but_no_script(platform, path):
    status, headers, _ = _fetch(platform, path)

    assert status == 200
    assert headers["content-security-policy"] == LOCAL_PAGES_CSP
    assert "script-src" not in LOCAL_PAGES_CSP and LOCAL_PAGES_CSP.startswith("default-src 'none'")
    for name, value in COMMON_SECURITY_HEADERS.items():
        assert headers[name.lower()] == value, name


@pytest.mark.e2e
@pytest.mark.slow
def test_chromium_reports_no_content_security_policy_violation_on_the_pages(platform, tmp_path):
    from tests.e2e.browser import chromium

    pages = ["/#/", "/#/connexion", "/#/inscription", "/_local/mailbox", "/_local/stripe"]
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
                else None
            ),
        )
        for path in pages:
            page.goto(platform.url + path)
            page.wait_for_load_state("networkidle")
        # The policy is on: an inline script injected into the interface is refused.
        page.goto(platform.url + "/#/connexion")
        page.wait_for_load_state("networkidle")
        ran = page.evaluate(
            """() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1";
                       document.head.append(s); return window.__ran === 1; }"""
        )
    assert ran is False
    assert [v for v in violations if "__ran" not in v and "inline" not in v] == [], violations
    assert len([v for v in violations if "inline" in v]) == 1, violations
    assert browser.errors == []


# --- the front end's files -------------------------------------------------------------------------------
SECRET_PATTERNS = {
    "Stripe secret key": re.compile(r"\b[sr]k_(?:live|test)_[0-9A-Za-z_]{8,}"),
    "Stripe webhook secret": re.compile(r"\bwhsec_[0-9A-Za-z_]{8,}"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(r"aws_secret_access_key|secretAccessKey", re.I),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
}


def _frontend_files() -> list[Path]:
    return sorted(p for p in FRONTEND.rglob("*") if p.is_file())


def test_no_secret_is_in_any_file_of_the_front_end():
    found = []
    files = _frontend_files()
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for label, pattern in SECRET_PATTERNS.items():
            found += [f"{path.relative_to(ROOT)}: {label} « {m[0][:12]}… »" for m in pattern.finditer(text)]
    assert len(files) > 5
    assert found == []


def test_the_id_token_stays_in_the_tab_and_never_goes_into_an_address():
    scripts = {p.relative_to(FRONTEND).as_posix(): p.read_text() for p in FRONTEND.rglob("*.js")}
    session = scripts["js/session.js"]
    assert "sessionStorage.setItem" in session and "localStorage" not in session
    for name, text in scripts.items():
        for line in text.splitlines():
            if "localStorage" in line:
                assert not re.search(r"token|session", line, re.I), f"{name}: {line.strip()}"
            # No token in an address: not in the hash, a query string, a link or a redirection.
            if re.search(r"location|href|\?[a-z_]+=|URLSearchParams", line):
                assert not re.search(r"id_token|access_token|refresh_token|token\(\)", line), (
                    f"{name}: {line.strip()}"
                )
    # The token travels in the Authorization header only.
    assert "Bearer ${" in scripts["js/api.js"]
