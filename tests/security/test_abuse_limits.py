"""Abuse limits (issue 20): guesses of codes and passwords are bounded per account and per client address,
atomically (counted before they are evaluated, so a race gains nothing), asking for a new code gives no new
guesses, floods of sign-ups and code emails stop, and the answers never tell whether an address has an
account. Over a limit: 429, a French message and ``Retry-After``.

Races run the service with its real adapters (the limiter's DynamoDB counters, the local code store, moto's
Cognito) in threads released together; the rest goes through the API (Chalice's test client)."""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.accounts_helpers import PASSWORD, code_from_mailbox, mailbox, post, signed_up_creditor

pytestmark = pytest.mark.integration


def race(work, threads: int) -> list[Any]:
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # judged by the test
            results[i] = error

    started = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
    return results


@pytest.fixture
def evaluated(monkeypatch):
    """Counts the codes actually compared with the stored one, and makes each comparison slow (50 ms), so
    that concurrent guesses overlap as they would on a busy platform."""
    from chalicelib.adapters import identity

    seen: list[str] = []
    original = identity._hash

    def slow_hash(salt: str, code: str) -> str:
        if sys._getframe(1).f_code.co_name == "check":  # comparing a guess (not issuing a code)
            seen.append(code)
            time.sleep(0.05)
        return original(salt, code)

    monkeypatch.setattr(identity, "_hash", slow_hash)
    return seen


def _guards(ip: str = "203.0.113.7") -> dict[str, Any]:
    from chalicelib.adapters.rate_limiter import rate_limiter
    from chalicelib.bootstrap import identity_provider

    return {"users": identity_provider(), "limiter": rate_limiter(), "client_ip": ip}


def _clock(monkeypatch, at: datetime) -> None:
    from chalicelib.adapters import rate_limiter

    monkeypatch.setattr(rate_limiter, "_utc_now", lambda: at)


# The limiter's clock stands one minute into the next hour: every window (15 and 60 minutes) has just
# begun, so no test straddles the end of one.
WINDOWS_START = (datetime.now(UTC) + timedelta(hours=1)).replace(minute=1, second=0, microsecond=0)


@pytest.fixture(autouse=True)
def _windows_just_begun(monkeypatch):
    _clock(monkeypatch, WINDOWS_START)


@pytest.fixture
def behind_proxy(monkeypatch):
    """As on AWS: one trusted proxy (CloudFront) appends the client's address to X-Forwarded-For."""
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_TRUSTED_PROXY_HOPS", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def post_from(api, path: str, body: dict[str, Any], forwarded_for: str):
    headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded_for}
    return api.http.post(path, headers=headers, body=json.dumps(body))


def test_concurrent_code_guesses_are_counted_before_they_are_evaluated(api, evaluated):
    """20 wrong codes sent at once: at most 5 are compared (today 10-11 were), the others are 429."""
    from chalicelib.adapters.rate_limiter import LimitExceeded
    from chalicelib.domain.errors import InvalidInput
    from chalicelib.services import sign_in

    email = "course@exemple.fr"
    assert post(api, "/v1/auth/signup", {"email": email, "password": PASSWORD}).status_code == 202
    evaluated.clear()

    results = race(lambda i: sign_in.confirm(email, f"{i:06d}", **_guards(f"198.51.100.{i}")), 20)

    assert len(evaluated) <= 5, f"{len(evaluated)} guesses evaluated"
    assert all(isinstance(r, InvalidInput | LimitExceeded) for r in results), results
    assert sum(isinstance(r, LimitExceeded) for r in results) >= 15
    assert all(r.retry_after > 0 for r in results if isinstance(r, LimitExceeded))


def test_the_local_code_store_also_counts_a_guess_before_comparing_it(api, evaluated):
    """The second line on the local platform (Cognito's own on AWS): one code, 20 guesses at once straight to
    the identity provider, under the API's limits: no more than 5 compared."""
    from chalicelib.bootstrap import identity_provider
    from chalicelib.domain.errors import InvalidInput

    email = "course-code@exemple.fr"
    assert post(api, "/v1/auth/signup", {"email": email, "password": PASSWORD}).status_code == 202
    evaluated.clear()
    users = identity_provider()
    results = race(lambda i: users.confirm_sign_up(email, f"{i:06d}"), 20)
    assert len(evaluated) <= 5, f"{len(evaluated)} guesses evaluated"
    assert all(isinstance(r, InvalidInput) for r in results), results
    assert sum(r.code == "expired_code" for r in results) >= 15


def test_reset_codes_cannot_be_guessed_without_bound_by_asking_for_new_ones(api, evaluated):
    """Each forgot-password used to issue a code with a fresh counter: 5 guesses per code, forever. Now the
    budget is the account's per window, whatever the number of codes sent."""
    email = "victime@exemple.fr"
    signed_up_creditor(api, email)
    evaluated.clear()
    answers = []
    for _round in range(6):
        post(api, "/v1/auth/forgot-password", {"email": email})
        for guess in range(5):
            body = {"email": email, "code": f"{guess:06d}", "new_password": "Pirate2026abc"}
            answers.append(post(api, "/v1/auth/reset-password", body))
    assert len(evaluated) <= 5
    assert sum(a.status_code == 400 for a in answers) <= 5
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) >= 25
    assert refused[-1].json_body["error"]["code"] == "too_many_attempts"
    assert "Trop de codes saisis" in refused[-1].json_body["error"]["message"]
    # Even the latest genuine code is refused until the window ends: the owner's password is unchanged.
    right = {"email": email, "code": code_from_mailbox(email), "new_password": "Pirate2026abc"}
    assert post(api, "/v1/auth/reset-password", right).status_code == 429
    assert post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD}).status_code == 200


def test_a_hundred_wrong_passwords_then_the_right_one_does_not_sign_in(api, monkeypatch):
    email = "force-brute@exemple.fr"
    signed_up_creditor(api, email)
    answers = [
        post(api, "/v1/auth/signin", {"email": email, "password": f"Mauvais{i:04d}x"}) for i in range(100)
    ]
    assert sum(a.status_code == 401 for a in answers) <= 10
    assert all(a.status_code in (401, 429) for a in answers)
    right = post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD})
    assert right.status_code == 429, right.json_body
    assert "Trop de tentatives de connexion" in right.json_body["error"]["message"]
    retry_after = int(right.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    # Once the window is over, the owner signs in again.
    _clock(monkeypatch, WINDOWS_START + timedelta(seconds=retry_after + 1))
    assert post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD}).status_code == 200


def test_successful_sign_ins_do_not_use_up_the_limit(api):
    email = "fidele@exemple.fr"
    signed_up_creditor(api, email)
    for _ in range(15):
        assert post(api, "/v1/auth/signin", {"email": email, "password": PASSWORD}).status_code == 200


def test_password_spraying_from_one_address_is_stopped_but_not_other_clients(api, behind_proxy):
    """50 failed sign-ins from one client address, over as many accounts; the 51st is 429 even for a real
    account, while a client at another address signs in. Behind a trusted proxy (CloudFront on AWS) the
    address is the one the proxy appended to X-Forwarded-For, not what the client wrote before it."""
    email = "voisin@exemple.fr"
    signed_up_creditor(api, email)
    for i in range(50):
        # The attacker changes the part it controls at each try: it does not help.
        body = {"email": f"cible{i}@exemple.fr", "password": "Essai2026abc"}
        assert post_from(api, "/v1/auth/signin", body, f"10.0.0.{i}, 192.0.2.66").status_code == 401
    right = {"email": email, "password": PASSWORD}
    assert post_from(api, "/v1/auth/signin", right, "10.9.9.9, 192.0.2.66").status_code == 429
    assert post_from(api, "/v1/auth/signin", right, "192.0.2.77").status_code == 200


def test_when_the_counters_cannot_be_reached_no_guess_is_evaluated(api, evaluated):
    """The limiter fails closed: DynamoDB unreachable → a French 503, and the code is not compared."""
    from infra.local import localaws

    email = "panne@exemple.fr"
    assert post(api, "/v1/auth/signup", {"email": email, "password": PASSWORD}).status_code == 202
    evaluated.clear()
    localaws.fail_next_calls("dynamodb", 50)
    try:
        refused = post(api, "/v1/auth/confirm", {"email": email, "code": "123456"})
    finally:
        localaws.clear_faults()
    assert refused.status_code == 503, refused.json_body
    assert refused.json_body["error"]["code"] == "service_unavailable"
    assert evaluated == []


def test_a_taken_address_signs_up_exactly_like_a_new_one(api):
    """No account enumeration: same status and message; the owner of the taken address is told by email
    (no code), a still unconfirmed owner gets a new code; no second account is made."""
    from chalicelib.bootstrap import identity_provider

    signed_up_creditor(api, "pris@exemple.fr")
    before = identity_provider().user_id("pris@exemple.fr")
    taken = post(api, "/v1/auth/signup", {"email": "pris@exemple.fr", "password": "Autre2026abcd"})
    new = post(api, "/v1/auth/signup", {"email": "libre@exemple.fr", "password": "Autre2026abcd"})
    assert taken.status_code == new.status_code == 202
    assert set(taken.json_body) == set(new.json_body) == {"email", "message"}
    assert taken.json_body["message"] == new.json_body["message"]
    assert "Si cette adresse peut être inscrite, un code vous a été envoyé" in taken.json_body["message"]
    assert identity_provider().user_id("pris@exemple.fr") == before
    owner_mail = mailbox("pris@exemple.fr")[0]
    assert owner_mail["subject"] == "Votre adresse a déjà un compte"
    assert "mot-de-passe-oublie" in owner_mail["body"]
    assert post(api, "/v1/auth/signin", {"email": "pris@exemple.fr", "password": PASSWORD}).status_code == 200

    # A weak password is refused the same way for both.
    weak_taken = post(api, "/v1/auth/signup", {"email": "pris@exemple.fr", "password": "court"})
    weak_new = post(api, "/v1/auth/signup", {"email": "autre@exemple.fr", "password": "court"})
    assert weak_taken.status_code == weak_new.status_code == 400
    assert weak_taken.json_body == weak_new.json_body

    # Signed up but never verified: signing up again sends a new code, which works.
    assert post(api, "/v1/auth/signup", {"email": "lent@exemple.fr", "password": PASSWORD}).status_code == 202
    again = post(api, "/v1/auth/signup", {"email": "lent@exemple.fr", "password": PASSWORD})
    assert again.status_code == 202 and len(mailbox("lent@exemple.fr")) == 2
    confirmed = post(
        api, "/v1/auth/confirm", {"email": "lent@exemple.fr", "code": code_from_mailbox("lent@exemple.fr")}
    )
    assert confirmed.status_code == 200, confirmed.json_body


def test_forgot_password_answers_the_same_for_an_unknown_address(api):
    signed_up_creditor(api, "connu@exemple.fr")
    known = post(api, "/v1/auth/forgot-password", {"email": "connu@exemple.fr"})
    unknown = post(api, "/v1/auth/forgot-password", {"email": "inconnu@exemple.fr"})
    assert (known.status_code, known.json_body) == (unknown.status_code, unknown.json_body)
    assert mailbox("inconnu@exemple.fr") == []


def test_a_sign_up_flood_from_one_address_stops(api):
    from chalicelib.bootstrap import identity_provider

    answers = [
        post(api, "/v1/auth/signup", {"email": f"robot{i}@exemple.fr", "password": PASSWORD})
        for i in range(30)
    ]
    created = [i for i in range(30) if identity_provider().user_id(f"robot{i}@exemple.fr") is not None]
    assert len(created) == 10
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) == 20
    assert "Trop de créations de compte" in refused[0].json_body["error"]["message"]
    assert int(refused[0].headers["Retry-After"]) > 0


def test_code_emails_to_one_victim_are_bounded(api, behind_proxy):
    """30 reset requests for one address from 30 clients send at most 5 emails; an address without an
    account is refused the same way (the limit counts the address, not the account)."""
    signed_up_creditor(api, "harcele@exemple.fr")
    sent_before = len(mailbox("harcele@exemple.fr"))
    body = {"email": "harcele@exemple.fr"}
    answers = [post_from(api, "/v1/auth/forgot-password", body, f"192.0.2.{i}") for i in range(30)]
    assert len(mailbox("harcele@exemple.fr")) - sent_before <= 4  # 5 per window, the sign-up's code included
    assert sum(a.status_code == 429 for a in answers) >= 26
    nobody = [
        post_from(api, "/v1/auth/forgot-password", {"email": "personne@exemple.fr"}, f"198.51.100.{i}")
        for i in range(6)
    ]
    assert [a.status_code for a in nobody] == [200] * 5 + [429]
    assert nobody[-1].json_body == answers[-1].json_body
    assert nobody[-1].headers["Retry-After"] == answers[-1].headers["Retry-After"]
    # One client asking for codes for many addresses is stopped too.
    many = [
        post_from(api, "/v1/auth/resend-code", {"email": f"x{i}@exemple.fr"}, "192.0.2.250")
        for i in range(25)
    ]
    assert sum(a.status_code == 429 for a in many) == 5


def test_limits_are_named_settings(monkeypatch):
    from chalicelib.domain.abuse import DEFAULT_LIMITS
    from chalicelib.settings import get_settings

    monkeypatch.setenv("CLAIMS_LIMIT_SIGN_IN_ACCOUNT", "3/60")
    get_settings.cache_clear()
    try:
        limit = get_settings().limits["sign_in_account"]
        assert (limit.attempts, limit.window_seconds) == (3, 60)
        assert get_settings().limits["sign_up_ip"] == DEFAULT_LIMITS["sign_up_ip"]
        monkeypatch.setenv("CLAIMS_LIMIT_SIGN_IN_ACCOUNT", "beaucoup")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="CLAIMS_LIMIT_SIGN_IN_ACCOUNT"):
            get_settings()
    finally:
        monkeypatch.delenv("CLAIMS_LIMIT_SIGN_IN_ACCOUNT")
        get_settings.cache_clear()


def test_the_client_address_is_the_one_the_trusted_proxy_saw():
    from chalicelib.domain.abuse import client_address

    assert client_address("203.0.113.5", "1.2.3.4", 0) == "203.0.113.5"
    # CloudFront appended the viewer (192.0.2.9); API Gateway appended CloudFront (its source IP).
    assert client_address("130.176.0.1", "6.6.6.6, 192.0.2.9, 130.176.0.1", 1) == "192.0.2.9"
    assert client_address("130.176.0.1", "192.0.2.9", 1) == "192.0.2.9"
    assert client_address("130.176.0.1", "", 1) == "130.176.0.1"
