"""The ``memory`` fixture (tests/memory.py): the composition root hands the services the in-memory twins,
and nothing reaches AWS while it is active."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from chalicelib import bootstrap
from chalicelib.adapters.claims_repository import ClaimRepository
from chalicelib.adapters.document_store import DocumentStore
from chalicelib.adapters.errors import TransientError
from chalicelib.adapters.memory import InMemoryClaimRepository, InMemoryDocumentStore
from chalicelib.domain.claim import Claim, ClaimStatus
from tests.memory import MemoryAdapters

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_the_composition_root_hands_out_the_twins(memory: MemoryAdapters):
    assert bootstrap.claims() is memory.claims
    assert bootstrap.documents() is memory.documents
    bootstrap.claims().create(
        Claim("claim-1", "creditor-1", ClaimStatus.DRAFT, "Débiteur SAS", 100, NOW, NOW), actor="t"
    )
    assert memory.new_claims().get("claim-1").version == 1  # another repository, the same tables
    bootstrap.documents().put("claims/claim-1/a.pdf", b"%PDF", "application/pdf")
    assert memory.documents.get("claims/claim-1/a.pdf", 10) == b"%PDF"


def test_a_real_adapter_used_by_mistake_fails_at_once_without_leaving_the_machine(memory: MemoryAdapters):
    started = time.monotonic()
    with pytest.raises(TransientError):
        ClaimRepository(wake_sender=None).get("claim-1")
    with pytest.raises(TransientError):
        DocumentStore().put("claims/claim-1/a.pdf", b"%PDF", "application/pdf")
    assert time.monotonic() - started < 10


def test_without_the_fixture_the_composition_root_builds_the_real_adapters():
    assert not isinstance(bootstrap.claims(), InMemoryClaimRepository)
    assert not isinstance(bootstrap.documents(), InMemoryDocumentStore)
