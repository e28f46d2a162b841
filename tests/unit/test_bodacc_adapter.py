"""The BODACC adapter: the request the API documents, its offline twin in the API's format, retries on a
registry that does not answer, and answers kept a day."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.adapters.bodacc import Bodacc, RecordedBodacc, records_url
from chalicelib.adapters.company_registry import RegistryUnavailable, _Limiter

BASE = "https://bodacc-datadila.opendatasoft.com/api/explore/v2.1"


class DictCache:
    def __init__(self) -> None:
        self.items: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.items.get(key)

    def put(self, key: str, body: bytes) -> None:
        self.items[key] = body


def _source(transport, cache=None) -> Bodacc:
    return Bodacc(BASE, transport, limiter=_Limiter(1000), sleep=lambda _: None, cache=cache)


def test_the_request_is_the_explore_api_records_query_the_documentation_gives():
    url = urlsplit(records_url(BASE, "959185166"))
    assert (url.netloc, url.path) == (
        "bodacc-datadila.opendatasoft.com",
        "/api/explore/v2.1/catalog/datasets/annonces-commerciales/records",
    )
    assert parse_qs(url.query) == {
        "where": ['registre = "959185166" and familleavis = "collective"'],
        "order_by": ["dateparution desc"],
        "limit": ["100"],
    }


def test_the_twin_serves_the_recorded_announcements_by_siren():
    twin = RecordedBodacc()
    liquidation = _source(twin).judgments("959185166")
    assert [j.kind for j in liquidation] == ["liquidation"]
    assert liquidation[0].published_on.isoformat() == "2026-11-20"
    assert [j.kind for j in _source(twin).judgments("970982633")] == ["liquidation", "cloture"]
    assert _source(twin).judgments("542051180") == []
    assert all("catalog/datasets/annonces-commerciales/records" in url for url in twin.requests)
    with pytest.raises(ValueError):
        _source(twin).judgments("95918516")


def test_a_registry_that_does_not_answer_is_tried_three_times_then_said_in_french():
    twin = RecordedBodacc()
    twin.down = True
    with pytest.raises(RegistryUnavailable, match="le BODACC a répondu 503"):
        _source(twin).judgments("959185166")
    assert len(twin.requests) == 3

    def unreadable(url):
        return 200, {}, b'{"unexpected": true}'

    with pytest.raises(RegistryUnavailable, match="format inattendu"):
        _source(unreadable).judgments("959185166")

    def timeout(url):
        raise TimeoutError()

    with pytest.raises(RegistryUnavailable, match="ne répond pas"):
        _source(timeout).judgments("959185166")


def test_an_answer_is_kept_and_the_same_question_not_asked_again_within_the_day():
    twin, cache = RecordedBodacc(), DictCache()
    assert _source(twin, cache).judgments("828800631")[0].kind == "redressement"
    assert _source(twin, cache).judgments("828800631")[0].kind == "redressement"
    assert len(twin.requests) == 1 and len(cache.items) == 1
