"""The registry adapter: the request the API documents, retries on a timeout, a 429 or a 5xx, a refused query
said at once, the client-side limiter, and the offline twin answering as the API does."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.adapters.company_registry import (
    RETRIES,
    CompanyRegistry,
    RecordedCompanies,
    RegistryUnavailable,
    _Limiter,
)

BASE = "https://recherche-entreprises.api.gouv.fr"


class NoWait(_Limiter):
    def __init__(self) -> None:
        super().__init__(1000.0)
        self.calls = 0

    def wait(self) -> float:
        self.calls += 1
        return 0.0


def registry(transport, **kw):  # type: ignore[no-untyped-def]
    return CompanyRegistry(BASE, transport, limiter=NoWait(), sleep=lambda s: None, **kw)


def test_the_request_is_the_documented_one_and_the_twin_answers_a_siren_a_siret_and_a_name():
    twin = RecordedCompanies()
    found = registry(twin).search("833698020")
    assert [c.name for c in found] == ["RHÔNE DISTRIBUTION"]
    url = urlsplit(twin.requests[0])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{BASE}/search"
    assert parse_qs(url.query) == {"q": ["833698020"], "page": ["1"], "per_page": ["10"]}

    assert [c.siren for c in registry(twin).search("83369802000017")] == ["833698020"]
    assert [c.name for c in registry(twin).search("tilleuls")] == ["SCI LES TILLEULS"]
    assert registry(twin).search("lyon", postal_code="69001")[0].name == "ASSOCIATION SPORTIVE DES PENTES"
    assert registry(twin).search("nulle part au monde") == []


def test_timeouts_429_and_5xx_are_retried_then_said_in_french():
    answers = [OSError("timed out"), (429, {"Retry-After": "0.1"}, b"")]
    ok = json.dumps({"results": [], "total_results": 0}).encode()

    def flaky(url):  # type: ignore[no-untyped-def]
        answer = answers.pop(0) if answers else (200, {}, ok)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert registry(flaky).search("négoce") == []  # a timeout, a 429, then the answer
    calls: list[str] = []

    def down(url):  # type: ignore[no-untyped-def]
        calls.append(url)
        return 502, {}, b""

    with pytest.raises(RegistryUnavailable, match="502"):
        registry(down).search("négoce")
    assert len(calls) == RETRIES + 1


def test_a_refused_query_is_not_retried_and_garbage_is_unavailable():
    calls: list[str] = []

    def refuses(url):  # type: ignore[no-untyped-def]
        calls.append(url)
        return 400, {}, b'{"erreur": "..."}'

    with pytest.raises(RegistryUnavailable, match="refusé"):
        registry(refuses).search("ab cd")
    assert len(calls) == 1
    with pytest.raises(RegistryUnavailable, match="format inattendu"):
        registry(lambda url: (200, {}, b"<html>maintenance</html>")).search("négoce")


def test_the_limiter_spaces_the_calls_under_the_published_rate():
    now = [0.0]
    limiter = _Limiter(5.0, clock=lambda: now[0])
    import chalicelib.adapters.company_registry as module

    slept: list[float] = []
    original = module.time.sleep
    module.time.sleep = slept.append  # type: ignore[assignment]
    try:
        waits = [limiter.wait() for _ in range(4)]
    finally:
        module.time.sleep = original  # type: ignore[assignment]
    assert waits == pytest.approx([0.0, 0.2, 0.4, 0.6])
    assert slept == pytest.approx([0.2, 0.4, 0.6])
