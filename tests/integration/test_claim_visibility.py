"""Data isolation lives in the repository: a read that carries the caller's identity only returns what the
caller may see, and a claim they may not see is *not found* (its id does not leak)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.claim import Claim, ClaimStatus
from chalicelib.domain.errors import NotFound

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

ALICE = Identity("creditor-alice", "alice@exemple.fr", Role.CREDITOR)
BOB = Identity("creditor-bob", "bob@exemple.fr", Role.CREDITOR)
LAWYER = Identity("lawyer-1", "me.martin@exemple.fr", Role.LAWYER)
OTHER_LAWYER = Identity("lawyer-2", "me.durand@exemple.fr", Role.LAWYER)
OPERATOR = Identity("operator-1", "ops@exemple.fr", Role.OPERATOR)


def store(claim_id: str, creditor: Identity, *, lawyer: Identity | None = None, age_days: int = 0) -> None:
    at = NOW - timedelta(days=age_days)
    ClaimRepository().create(
        Claim(
            claim_id,
            creditor.user_id,
            ClaimStatus.DRAFT,
            "Débiteur SAS",
            10_000,
            at,
            at,
            assigned_lawyer_id=lawyer.user_id if lawyer else None,
        ),
        actor=creditor.user_id,
    )


@pytest.fixture
def claims(aws):
    store("alice-old", ALICE, age_days=2)
    store("alice-new", ALICE, lawyer=LAWYER)
    store("bob-1", BOB, lawyer=OTHER_LAWYER, age_days=1)
    return ClaimRepository()


def ids(claims: list[Claim]) -> list[str]:
    return [claim.claim_id for claim in claims]


def test_a_creditor_sees_only_their_own_claims(claims):
    assert ids(claims.list_for(ALICE)) == ["alice-new", "alice-old"]
    assert ids(claims.list_for(BOB)) == ["bob-1"]
    assert claims.get_for(ALICE, "alice-old").creditor_id == ALICE.user_id


def test_another_creditors_claim_is_not_found_rather_than_forbidden(claims):
    with pytest.raises(NotFound) as hidden:
        claims.get_for(ALICE, "bob-1")
    with pytest.raises(NotFound) as missing:
        claims.get_for(ALICE, "does-not-exist")
    assert hidden.value.message == missing.value.message == "Cette créance est introuvable."


def test_a_lawyer_sees_only_the_claims_assigned_to_them(claims):
    assert ids(claims.list_for(LAWYER)) == ["alice-new"]
    assert claims.get_for(LAWYER, "alice-new").assigned_lawyer_id == LAWYER.user_id
    for claim_id in ("alice-old", "bob-1"):
        with pytest.raises(NotFound):
            claims.get_for(LAWYER, claim_id)
    assert ids(claims.list_for(OTHER_LAWYER)) == ["bob-1"]


def test_an_operator_sees_every_claim(claims):
    assert ids(claims.list_for(OPERATOR)) == ["alice-new", "bob-1", "alice-old"]
    assert claims.get_for(OPERATOR, "bob-1").creditor_id == BOB.user_id


def test_an_identity_with_no_claims_sees_nothing(claims):
    assert claims.list_for(Identity("creditor-carol", "c@exemple.fr", Role.CREDITOR)) == []
    assert claims.list_for(Identity("lawyer-3", "l@exemple.fr", Role.LAWYER)) == []
