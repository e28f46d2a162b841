"""The pre-check on an invoice not yet due: a blocker naming the invoice, and no letter or dossier."""

from __future__ import annotations

import pytest

from chalicelib.domain.errors import NotSubmittable
from chalicelib.domain.precheck import not_due_blockers, refuse_not_due, submission_blockers
from chalicelib.legal.assess import assess
from tests.unit.legal.helpers import b2b_claim

DUE = {
    "number": "F-1",
    "amount_ttc": "1000.00",
    "performance_date": "2025-01-02",
    "issue_date": "2025-01-02",
    "due_date": "2025-01-31",
}
NOT_DUE = DUE | {
    "number": "F-2",
    "performance_date": "2025-03-20",
    "issue_date": "2025-03-20",
    "due_date": "2025-04-19",
}


def test_each_invoice_not_due_is_a_blocker_carrying_its_number() -> None:
    assessment = assess(b2b_claim(invoices=[DUE, NOT_DUE]))
    blockers = submission_blockers(assessment)
    [blocker] = [b for b in blockers if b.invoice]
    assert blocker.code == "invoice_not_yet_due" and blocker.invoice == "F-2"
    assert blocker.as_dict()["invoice"] == "F-2" and "19 avril 2025" in blocker.message
    assert not_due_blockers(assessment) == [blocker]
    with pytest.raises(NotSubmittable) as refused:
        refuse_not_due(assessment, "Aucune lettre ne peut être envoyée")
    assert refused.value.message.startswith("Aucune lettre ne peut être envoyée : La facture n° F-2")


def test_a_due_claim_passes_and_other_blockers_carry_no_invoice() -> None:
    assessment = assess(b2b_claim(invoices=[DUE]))
    assert submission_blockers(assessment) == [] and not_due_blockers(assessment) == []
    refuse_not_due(assessment, "Aucune lettre")  # nothing raised
    barred = assess(b2b_claim(as_of="2031-03-31", invoices=[DUE]))
    assert barred["prescription"]["status"] == "barred"
    assert all("invoice" not in b.as_dict() for b in submission_blockers(barred))
