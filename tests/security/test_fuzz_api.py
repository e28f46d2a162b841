"""The API fuzzed from its own OpenAPI document (schemathesis) on the real local platform, signed in as each
role and anonymous, with valid (positive) and invalid (negative) requests, path ids random or pointing at a
real claim: never a 5xx, and every response matches the document.

``CLAIMS_FUZZ_EXAMPLES`` sets the examples per operation, role and mode (default 4; the long mode is e.g.
``CLAIMS_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/security/test_fuzz_api.py``)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
import requests

from tests.e2e.platform import RunningPlatform
from tests.e2e.test_escalation_e2e import content
from tests.platforms import PlatformSpec

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXAMPLES = int(os.environ.get("CLAIMS_FUZZ_EXAMPLES", "4"))
ACCOUNTS = {
    "creditor": ("creancier@demo.localhost", "Creancier2026"),
    "lawyer": ("avocat@demo.localhost", "Avocat2026x"),
    "operator": ("operateur@demo.localhost", "Operateur2026"),
}


PLATFORM = PlatformSpec(env={"CLAIMS_TODAY": "2025-03-31"})


def _token(platform: RunningPlatform, role: str) -> str:
    email, password = ACCOUNTS[role]
    signed_in = requests.post(f"{platform.url}/v1/auth/signin", json={"email": email, "password": password})
    assert signed_in.status_code == 200, signed_in.text
    return str(signed_in.json()["id_token"])


def _real_claim(platform: RunningPlatform, token: str) -> str:
    created = requests.post(
        f"{platform.url}/v1/claims",
        json={"content": content("FUZZ-1")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["claim_id"])


def test_no_request_makes_the_api_fail_or_break_its_document(platform):
    import schemathesis
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    schema = schemathesis.openapi.from_url(f"{platform.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    tokens = {role: _token(platform, role) for role in ACCOUNTS}
    real_claim = _real_claim(platform, tokens["creditor"])
    sent: Counter[str] = Counter()
    failures: list[str] = []
    checks = [not_a_server_error, response_schema_conformance]

    for role in ("anonymous", *ACCOUNTS):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
        for operation in operations:
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)
                if "{claim_id}" in operation.path:
                    pinned = operation.as_strategy(
                        generation_mode=mode, path_parameters={"claim_id": real_claim}
                    )
                    strategy = st.one_of(strategy, pinned)

                fuzz = _fuzzer(strategy, operation, headers, role, platform.url, sent, failures, checks)
                try:
                    fuzz()
                except Unsatisfiable:
                    # Nothing can be made invalid in an operation without parameters (GET /health…).
                    if mode is not schemathesis.GenerationMode.NEGATIVE:
                        failures.append(f"{role} {operation.label}: no valid request could be generated")
    total = sum(sent.values())
    print(f"\nfuzzed {total} requests over {len(operations)} operations: {dict(sent)}")
    assert not failures, f"{len(failures)} failures out of {total} requests:\n" + "\n".join(failures[:20])
    assert total >= len(operations) * 4 * 2  # every operation, every role, both modes


def _fuzzer(strategy, operation, headers, role, base_url, sent, failures, checks):
    """One hypothesis test over ``strategy`` (built here: ``@given`` refuses default arguments)."""
    from hypothesis import HealthCheck, Phase, given, settings

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    def fuzz(case):
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        sent[role] += 1
        try:
            case.validate_response(response, checks=checks)
        except Exception as failure:  # schemathesis raises a group of failed checks
            failures.append(
                f"{role} {operation.label} → {response.status_code}: {str(failure)[:400]}\n"
                f"  {case.as_curl_command()[:400]}"
            )

    return fuzz
